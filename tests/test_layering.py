"""How rnnviz is layered, read from its import graph (``source_scan``: ``ast``, nothing imported).

Checked here:

* no import cycle inside ``rnnviz.sim``;
* ``rnnviz.sim`` pulls in no widget library and nothing of ``rnnviz.widgets`` /
  ``rnnviz.export``, however indirectly; nor do ``rnnviz.settings`` and ``rnnviz.frame``;
* imports point one way (``LAYERS``): ``rnnviz.sim`` imports nothing else of rnnviz,
  ``rnnviz.settings`` only the simulator, ``rnnviz.frame`` only those two, the widgets
  import the export inside functions only, and the export reaches the widgets only through
  ``rnnviz/export/_interfaces.py``; a failure names the offending edge and its line.

That no module branches on a cell's name (Python and ``js/src``) is checked by
``tests/test_layering_cell_names.py``. Which imports count, and the graph helpers other
layers can reuse, are described in ``tests/source_scan.py``.
"""

from __future__ import annotations

import pytest
from source_scan import (
    SAMPLE_PACKAGE,
    find_cycle,
    forbidden_imports,
    import_graph,
    within,
    write_tree,
)

#: Libraries that only the widget layer may import (with what they pull in).
WIDGET_LIBRARIES = ("ipywidgets", "anywidget", "traitlets", "plotly", "IPython")
#: rnnviz layers above the simulator.
UPPER_LAYERS = ("rnnviz.widgets", "rnnviz.export")


# ------------------------------------------------------------- the direction of the layers
#: Which layer of rnnviz may import which (besides itself): imports point one way,
#: sim ← settings ← frame ← widgets ← export (docs/contract.md, "Imports point one way").
LAYERS = {
    "rnnviz.sim": (),
    "rnnviz.settings": ("rnnviz.sim",),
    "rnnviz.frame": ("rnnviz.sim", "rnnviz.settings"),
    "rnnviz.widgets": ("rnnviz.sim", "rnnviz.settings", "rnnviz.frame"),
    "rnnviz.export": ("rnnviz.sim", "rnnviz.settings", "rnnviz.frame", "rnnviz.widgets"),
}
#: Edges allowed only from some modules (the declared interfaces), or only lazily.
THROUGH = {("rnnviz.export", "rnnviz.widgets"): ("rnnviz.export._interfaces",)}
#: (layer, layer) -> why an import against the direction is allowed inside functions only
#: (never when the module is imported, so importing the lower layer never loads the upper).
LAZY_ONLY = {
    ("rnnviz.widgets", "rnnviz.export"): "ex.to_html / to_figures / graph.to_svg / static=True "
    "and the Explorer's repr (export._axes.count) call the export",
}


def _layer(module: str) -> str | None:
    return next((layer for layer in LAYERS if within(module, [layer])), None)


def wrong_direction(graph: dict, top_level: dict) -> list[str]:
    """``"a -> b (line n): why"`` for every import between two layers that ``LAYERS``,
    ``THROUGH`` and ``LAZY_ONLY`` do not allow (``top_level``: the graph without the
    imports inside functions)."""
    found = []
    for module, deps in sorted(graph.items()):
        here = _layer(module)
        for target, line in sorted(deps.items()):
            there = _layer(target)
            if here is None or there is None or here == there:
                continue
            edge = f"{module} -> {target} (line {line})"
            through = THROUGH.get((here, there))
            if (here, there) in LAZY_ONLY:
                if target in top_level.get(module, {}):
                    found.append(f"{edge}: {here} may import {there} inside functions only")
            elif there not in LAYERS[here]:
                allowed = f"only {', '.join(LAYERS[here])}" if LAYERS[here] else "nothing else"
                found.append(f"{edge}: {here} imports {allowed} of rnnviz")
            elif through and module not in through:
                found.append(f"{edge}: {here} reaches {there} only through {', '.join(through)}")
    return found


# ----------------------------------------------------------------------------- the tests
@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_simulator_has_no_import_cycle(graph):
    cycle = find_cycle(graph, "rnnviz.sim")
    assert cycle is None, "import cycle in rnnviz/sim: " + " -> ".join(cycle)


def test_simulator_imports_no_widget_library_and_no_upper_layer(graph):
    assert len([n for n in graph if within(n, ["rnnviz.sim"])]) > 10  # the walk found it
    bad = forbidden_imports(graph, ["rnnviz.sim"], WIDGET_LIBRARIES + UPPER_LAYERS)
    assert not bad, "rnnviz.sim must stay pure NumPy:\n" + "\n".join(bad)


@pytest.mark.parametrize("layer", ["rnnviz.settings", "rnnviz.frame"])
def test_settings_and_frame_import_no_widget_library(graph, layer):
    """What a view draws is computed without any widget library (issue 9 §1)."""
    if not any(within(n, [layer]) for n in graph):
        pytest.skip(f"{layer} does not exist in this tree")
    bad = forbidden_imports(graph, [layer], WIDGET_LIBRARIES + UPPER_LAYERS)
    assert not bad, f"{layer} must not need a widget library:\n" + "\n".join(bad)


def test_imports_point_one_way(graph):
    """sim imports nothing else of rnnviz; settings only sim; frame only sim and settings;
    widgets never reach export at import time; export reaches widgets only through its
    declared interfaces (rnnviz/export/_interfaces.py). Nothing below widgets imports them."""
    assert all(any(within(n, [layer]) for n in graph) for layer in LAYERS)  # all walked
    found = wrong_direction(graph, import_graph(lazy=False))
    assert not found, "imports against the layering of rnnviz:\n" + "\n".join(found)


# ------------------------------------------------------------- the checks can fail at all
def test_checks_see_cycles_lazy_imports_and_parent_packages(tmp_path):
    pkg = write_tree(tmp_path / "pkg", SAMPLE_PACKAGE)
    g = import_graph(pkg, "pkg")
    assert g["pkg.a"] == {"typing": 1, "pkg.b": 5}  # lazy import counted, TYPE_CHECKING not
    assert find_cycle(g, "pkg") == ["pkg.a", "pkg.b", "pkg.a"]
    assert forbidden_imports(g, ["pkg.c"], ["ipywidgets"]) == [
        "pkg.c -> pkg -> pkg.a -> pkg.b -> ipywidgets"  # through the parent package
    ]


def test_direction_check_names_the_offending_edge(tmp_path):
    layers = ("sim", "settings", "frame", "widgets", "export")
    pkg = write_tree(tmp_path / "rnnviz", {
        "__init__.py": "",
        **{f"{layer}/__init__.py": "" for layer in layers},
        "sim/a.py": "from rnnviz.settings import x\n",
        "settings/b.py": "def f():\n    from rnnviz.frame import y\n",
        "frame/c.py": "import rnnviz.sim\nfrom rnnviz import widgets\n",
        "widgets/d.py": "import rnnviz.export\ndef f():\n    from rnnviz.export import _e\n",
        "export/_interfaces.py": "from rnnviz.widgets import d\n",
        "export/_e.py": "from rnnviz.widgets.d import f\nimport rnnviz.frame\n",
    })  # fmt: skip
    g = import_graph(pkg, "rnnviz")
    found = wrong_direction(g, import_graph(pkg, "rnnviz", lazy=False))
    assert [f.split(":")[0] for f in found] == [
        "rnnviz.export._e -> rnnviz.widgets.d (line 1)",  # not through _interfaces
        "rnnviz.frame.c -> rnnviz.widgets (line 2)",
        "rnnviz.settings.b -> rnnviz.frame (line 2)",  # lazy imports count too
        "rnnviz.sim.a -> rnnviz.settings (line 1)",
        "rnnviz.widgets.d -> rnnviz.export (line 1)",  # at import time; line 3's is lazy
    ]
