// UnrolledGraph view (placeholder entry point until the views land).
function render({ model, el }) {
  const root = document.createElement("div");
  root.dataset.testid = "rnnviz-graph";
  root.textContent = `units=${model.get("units")}`;
  el.appendChild(root);
}

export default { render };
