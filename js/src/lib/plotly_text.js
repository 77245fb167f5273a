// User text shown by plotly.js as text, never as markup.
//
// plotly.js reads every label (tick text, legend names, titles, hover templates) as its
// own small HTML: <b>, <i>, <br>, <sub>, <span style>, <a href> become formatting and
// links, and %{...} in a hover template is replaced by data. Escaping & < > as HTML
// entities and % as &#37; makes plotly draw the characters themselves (it decodes the
// entities after it has read the tags and the templates).

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "%": "&#37;" };

/**
 * Text for a plotly label that shows exactly the characters of `value`.
 * @param {unknown} value any user value (a token, a layer or curve name)
 * @returns {string}
 */
export function plotlyText(value) {
  return String(value).replace(/[&<>%]/g, (c) => ENTITIES[c]);
}
