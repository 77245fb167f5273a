// The Trainer's readout: one chip per current run with its step, last loss, metric,
// ‖∂L/∂θ‖ and how often clipping acted.

import { GRAD, formatValue, lastValue } from "./trainer_data.js";

/**
 * A fraction in 0 … 1 as a whole percent that never reads 0% or 100% unless it is:
 * 1 clipped step in 400 is "<1%", 399 in 400 ">99%".
 * @param {number} fraction
 */
export function percentText(fraction) {
  const p = Number(fraction) * 100;
  if (!(p > 0)) return "0%";
  if (p >= 100) return "100%";
  if (p < 0.5) return "<1%";
  if (p >= 99.5) return ">99%";
  return `${Math.round(p)}%`;
}

/** Fill `node` with the chips of the current runs among `runs` (styledRuns). */
export function fillReadout(node, model, runs) {
  const info = model.get("info") ?? {};
  const metric = info.metric_name ?? "metric";
  const chips = [];
  for (const { run, color, live } of runs) {
    if (!live) continue;
    const s = document.createElement("span");
    s.className = "rnnviz-chip";
    const name = document.createElement("b");
    name.textContent = run.label;
    name.style.color = color;
    const clipped = model.get("clip") ? `, clipped ${percentText(run.clipped_fraction)}` : "";
    s.append(
      name,
      ` step ${run.steps} · loss ${formatValue(lastValue(run.loss))} · ${metric} ` +
        `${formatValue(lastValue(run.metric))} · ${GRAD} ${formatValue(lastValue(run.grad_norm))}` +
        clipped,
    );
    chips.push(s);
  }
  node.replaceChildren(...chips);
}
