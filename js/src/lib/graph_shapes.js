// Rows of the shapes panel: every array of one run with its dimensions named in Keras
// vocabulary. Pure (the panel DOM is built in graph.js with textContent only).

import { PAD } from "./word_ticks.js";

/** PyTorch's two biases of nn.RNN / nn.LSTM (a from_torch cell); the cell uses their sum. */
const TORCH_BIAS_NOTES = {
  b_ih: "PyTorch's input bias, trained separately",
  b_hh: "PyTorch's recurrent bias; the cell adds b_ih + b_hh",
};

/** Gate blocks side by side in W_xh and W_hh (0 for a cell without gates). */
function gateCount(cell) {
  return cell?.gate_names?.length ? cell.n_gates : 0;
}

/**
 * Named dimensions of an array of the bottom layer. `cell`: the frame's cell facts
 * (frame_info.cell_info: n_gates, gate_names, split_bias … from the cell class, never its name).
 */
function dimsOf(name, cell, returnSequences, seq2seq, oneInput) {
  const g = gateCount(cell) ? `${gateCount(cell)}·units` : "units";
  const time = seq2seq ? "decoder timesteps" : "timesteps";
  switch (name) {
    case "x":
      return oneInput ? ["batch", "features"] : ["batch", "timesteps", "features"];
    case "h_0":
    case "h_t":
    case "c_t":
      return ["batch", "units"];
    case "W_xh":
      return ["features", g];
    case "W_hh":
      return ["units", g];
    case "b":
      return cell?.split_bias ? ["2", g] : [g];
    case "b_ih":
    case "b_hh":
      return [g];
    case "W_hy":
      return ["units", "output_units"];
    case "b_y":
      return ["output_units"];
    case "y":
      return returnSequences ? ["batch", time, "output_units"] : ["batch", "output_units"];
    default:
      return null;
  }
}

/**
 * How x_t encodes the sentence input (its tokens given): "x_t: one-hot over 5 words", and
 * what a padding step is. "" for the other inputs.
 */
export function inputNote(tokens, shape) {
  if (!Array.isArray(tokens) || !tokens.length) return "";
  const vocab = shape?.[2];
  const words = vocab === 1 ? "1 word" : `${vocab} words`;
  const pad = tokens.includes(PAD) ? `; ${PAD} = a zero vector (padding)` : "";
  return `x_t: one-hot over ${words}, one word per timestep${pad}`;
}

/** What one-to-many does with its one input vector, in a student's words. */
export const ONE_INPUT_NOTE =
  "one input vector per sequence: it is x_1; every later step reads a zero vector, so only h_t carries the input forward";

function tuple(items) {
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
}

/**
 * Rows `{name, dims, value, current, note}` of the shapes panel.
 *
 * `output` is listed twice — return_sequences=True (batch, timesteps, units) and False
 * (batch, units) — with `current` marking the one this layer uses.
 *
 * @param {Record<string, number[]>} shapes from the frame (bottom layer; output of the top)
 * @param {{cell: object, returnSequences: boolean, architecture: string}} s `cell`: the
 *   frame's cell facts (frame_info.cell_info)
 */
export function shapeRows(shapes, s) {
  const rows = [];
  const seq2seq = s.architecture === "seq2seq";
  // one-to-many takes one vector per sequence (frame.shapes.x is (batch, features))
  const oneInput = s.architecture === "one-to-many";
  const x = shapes.x ?? [];
  const ht = shapes.h_t ?? [];
  const out = shapes.output ?? [];
  for (const [name, shape] of Object.entries(shapes)) {
    if (name === "output") continue;
    const dims = dimsOf(name, s.cell, s.returnSequences, seq2seq, oneInput);
    const row = {
      name,
      dims: dims ? tuple(dims) : "",
      value: tuple(shape),
      current: null,
      note: "",
    };
    if (gateCount(s.cell) && (name === "W_xh" || name === "W_hh")) {
      row.note = `gates ${s.cell.gate_names.join(", ")} side by side`;
    }
    if (name in TORCH_BIAS_NOTES) row.note = TORCH_BIAS_NOTES[name];
    if (name === "x") row.note = oneInput ? ONE_INPUT_NOTE : inputNote(s.tokens, shape);
    rows.push(row);
  }
  if ("output" in shapes) {
    const batch = x[0] ?? ht[0];
    const units = ht[1] ?? out[out.length - 1];
    const steps = out.length === 3 || oneInput ? out[1] : x[1];
    const time = seq2seq ? "decoder timesteps" : "timesteps";
    const seqRow = {
      name: "output",
      dims: tuple(["batch", time, "units"]),
      value: tuple([batch, steps, units]),
      current: out.length === 3,
      note: "return_sequences=True: every h_t",
    };
    const lastRow = {
      name: "output",
      dims: tuple(["batch", "units"]),
      value: tuple([batch, units]),
      current: out.length === 2,
      note: "return_sequences=False: h_T only",
    };
    const at = rows.findIndex((r) => r.name === "W_hy");
    rows.splice(at < 0 ? rows.length : at, 0, seqRow, lastRow);
  }
  return rows;
}

/** "parameters: 336 (same for any number of timesteps)", plus what the count covers. */
export function paramsText(nParams, layers, architecture) {
  const n = Number(nParams).toLocaleString("en-US");
  const parts = [];
  if (layers > 1) parts.push(`all ${layers} layers`);
  if (architecture === "seq2seq") parts.push("encoder + decoder");
  const which = parts.length ? `, ${parts.join(", ")}` : "";
  return `parameters: ${n} (same for any number of timesteps${which})`;
}

/** One-line caption above the table. */
export function shapesCaption(s) {
  const parts = [];
  if (s.layers > 1) {
    parts.push(
      "shapes of layer 1; each layer above reads the h_t of the layer below: its W_xh has units rows, not features",
    );
  }
  const g = gateCount(s.cell);
  if (g) parts.push(`${s.cell.display_name}: ${g} gates → ${g}·units columns`);
  return parts.join(". ");
}
