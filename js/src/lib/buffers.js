// Decode arrays sent by rnnviz/widgets/_buffers.py: {data: DataView, shape, dtype: "float32"}.

/**
 * @param {{data: DataView, shape: number[], dtype: string} | null} value
 * @returns {{values: Float32Array, shape: number[]} | null}
 */
export function decodeArray(value) {
  if (value == null) return null;
  const { data, shape } = value;
  // anywidget hands binary buffers over as DataView; the export page passes ArrayBuffers.
  const buffer = data.buffer ?? data;
  const offset = data.byteOffset ?? 0;
  const length = (data.byteLength ?? buffer.byteLength) / 4;
  let values;
  if (offset % 4 === 0) {
    values = new Float32Array(buffer, offset, length);
  } else {
    // A misaligned view cannot back a Float32Array directly: copy once.
    values = new Float32Array(buffer.slice(offset, offset + length * 4));
  }
  return { values, shape: Array.from(shape) };
}

/** Row r of a 2-D array as a Float32Array view (no copy). */
export function row(array, r) {
  const cols = array.shape[array.shape.length - 1];
  return array.values.subarray(r * cols, (r + 1) * cols);
}
