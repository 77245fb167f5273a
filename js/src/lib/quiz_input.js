// What a learner types into a quiz, read as a number — or a message saying what was
// expected. Pure functions (unit-tested in js/test/quiz.test.js); the kernel judges the
// parsed value (rnnviz/widgets/quiz.py), the page never holds the answer before that.

const SUPERSCRIPT = { "⁻": "-", "⁺": "+" };
for (const [i, c] of [..."⁰¹²³⁴⁵⁶⁷⁸⁹"].entries()) SUPERSCRIPT[c] = String(i);

const DECIMAL = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?`;
// "2 × 10^-3", "2x10**-3", "2·10^(-3)", "10^-3"; the exponent may be written in superscript
const POWER = new RegExp(
  String.raw`^(?:(${DECIMAL})\s*[x×*·]\s*)?10\s*(?:\^|\*\*)\s*\(?\s*([+-]?\d+)\s*\)?$`,
  "i",
);
const PLAIN = new RegExp(`^${DECIMAL}$`, "i");
const THOUSANDS = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/;

/** Normalise typography: unicode minus signs, superscript exponents, spaces in digits. */
function normalise(raw) {
  let text = String(raw ?? "")
    .trim()
    .replace(/[−–]/g, "-");
  // "10⁻³" -> "10^-3"
  text = text.replace(/10([⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)/g, (_, sup) => {
    return `10^${[...sup].map((c) => SUPERSCRIPT[c]).join("")}`;
  });
  return text;
}

/**
 * Read `raw` as a number for a quiz of `kind` ("number" or "magnitude").
 * Returns `{ value }` or `{ error }` (a sentence for the learner; nothing is sent then).
 */
export function parsePrediction(raw, kind = "number") {
  const text = normalise(raw);
  const example =
    kind === "magnitude" ? "such as 1e-3, 10^-3 or 0.001" : "such as 208, 0.5 or 1e-3";
  if (text === "") return { error: `Type a number ${example}, then press Enter.` };
  let value = Number.NaN;
  const power = text.match(POWER);
  if (power) {
    const mantissa = power[1] === undefined ? 1 : Number(power[1]);
    value = mantissa * 10 ** Number(power[2]);
  } else if (PLAIN.test(text)) {
    value = Number(text);
  } else if (THOUSANDS.test(text)) {
    value = Number(text.replace(/,/g, ""));
  } else {
    return { error: `“${String(raw).trim()}” is not a number. Type a number ${example}.` };
  }
  if (!Number.isFinite(value)) {
    return { error: `“${String(raw).trim()}” is too large to be a number here.` };
  }
  if (kind === "magnitude" && value <= 0) {
    return { error: `An order of magnitude needs a positive number, ${example}.` };
  }
  return { value };
}

/** The hint shown under the input before anything is typed. */
export function inputHint(kind) {
  if (kind === "magnitude") {
    return "An order of magnitude is enough: 1e-3, 10^-3 and 0.001 all work. Enter checks it.";
  }
  if (kind === "choice") return "Pick one (arrow keys move between options). Enter checks it.";
  return "Type a number. Enter checks it.";
}
