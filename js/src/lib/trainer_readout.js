// The Trainer's readout: one chip per current run with its step, last loss, metric,
// ‖∂L/∂θ‖ and how often clipping acted.

import { GRAD, formatValue, lastValue } from "./trainer_data.js";

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
    const clipped = model.get("clip") ? `, clipped ${Math.round(run.clipped_fraction * 100)}%` : "";
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
