// The export page's data: the JSON payload written by rnnviz/export/_html.py, turned back
// into the values a view gets from anywidget. Arrays travel as {"$buffer": i} (index into a
// table of base64 float32 buffers, each stored once) and become DataViews, as anywidget
// hands them to a view; non-finite numbers travel as {"$float": "Infinity" | "-Infinity" |
// "NaN"} (JSON has none).

/** Bytes of a base64 text. */
export function fromBase64(text) {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** The payload's buffer table as DataViews. */
export function decodeBuffers(items) {
  return items.map((text) => {
    const bytes = fromBase64(text);
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  });
}

/** A stored value with its {"$buffer"} and {"$float"} markers replaced (a fresh copy). */
export function hydrate(value, buffers) {
  if (Array.isArray(value)) return value.map((v) => hydrate(v, buffers));
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "$buffer") {
      const buffer = buffers[value.$buffer];
      if (!buffer) throw new RangeError(`the page has no buffer ${value.$buffer}`);
      return buffer;
    }
    if (keys.length === 1 && keys[0] === "$float") return Number(value.$float);
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = hydrate(v, buffers);
    return out;
  }
  return value;
}
