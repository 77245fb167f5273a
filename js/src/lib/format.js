// The one number format of every label and readout (the graph's legend and hover, the
// gradient readout, the eigen readout). Its Python twin is rnnviz.frame.draw.format_number;
// tests/widgets/test_frame_purity.py checks that the two agree.

/**
 * A number for a label: 3 significant digits; exponent form ("1.5e-5", "2e8") outside
 * [1e-3, 1e4); "inf", "-inf", "nan"; 0 as "0".
 * @param {number} v
 * @returns {string}
 */
export function formatNumber(v) {
  const x = Number(v);
  if (Number.isNaN(x)) return "nan";
  if (x === Number.POSITIVE_INFINITY) return "inf";
  if (x === Number.NEGATIVE_INFINITY) return "-inf";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e4) return String(Number(x.toPrecision(3)));
  const [m, e] = x.toExponential(2).split("e");
  return `${Number(m)}e${Number(e)}`;
}

/**
 * formatNumber's 3 significant digits in plotly's d3 format, for hover templates (plotly
 * formats those itself): "0.000015", not "0.000"; "2.95e+7", not "29500000.000".
 */
export const HOVER_NUMBER = ".3~g";
