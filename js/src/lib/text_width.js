// Estimated width of a label without a DOM (the graph, and the word labels of every view).
// Deliberately generous, so that labels placed with it never collide.

/** Width factor of a character relative to the font size (wide scripts count as 1 em). */
function charEm(ch) {
  const code = ch.codePointAt(0);
  if (code >= 0x2e80) return 1.0; // CJK, emoji and other wide glyphs
  if (/[ilj.,:;'!|]/.test(ch)) return 0.36;
  if (/[MWmw@%]/.test(ch)) return 0.9;
  return 0.62;
}

/**
 * Estimated width in px of a label made of parts (`{text, sub?, sup?}`); sub/superscripts
 * are drawn at 70 % size.
 *
 * @param {string | Array<{text: string, sub?: boolean, sup?: boolean}>} label
 * @param {number} size font size in px
 */
export function textWidth(label, size) {
  const parts = typeof label === "string" ? [{ text: label }] : label;
  let em = 0;
  for (const part of parts) {
    const k = part.sub || part.sup ? 0.7 : 1;
    for (const ch of part.text) em += charEm(ch) * k;
  }
  return em * size;
}
