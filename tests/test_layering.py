"""The import graph of rnnviz, read from the source with ``ast`` (nothing is imported).

Checked here:

* no import cycle inside ``rnnviz.sim``;
* ``rnnviz.sim`` pulls in no widget library and nothing of ``rnnviz.widgets`` /
  ``rnnviz.export``, however indirectly;
* imports point one way (``LAYERS``): ``rnnviz.sim`` imports nothing else of rnnviz,
  ``rnnviz.settings`` only the simulator, ``rnnviz.frame`` only those two, the widgets
  import the export inside functions only, and the export reaches the widgets only through
  ``rnnviz/export/_interfaces.py``; a failure names the offending edge and its line;
* no module of ``rnnviz`` branches on a cell's name (``cell.name == "lstm"``, a table
  keyed by ``"gru"``, a tuple listing ``"lstm"``, …) except the file that defines that
  cell and the registry: what differs between cells is a class attribute of the cell
  (``display_name``, ``has_cell_state``, ``candidate_gate``, ``forget_gate``,
  ``split_bias``, …), so a new cell type is one new file;
* the same for ``js/src``: the views read the cell facts of ``frame_info``.

Every import counts — at module level and inside functions — except those under
``if TYPE_CHECKING:`` (annotations only, never executed). ``from pkg import name`` is an
edge to ``pkg.name`` when that is a module of rnnviz, else to ``pkg`` itself (so a
function-level ``from rnnviz.sim import make_cell`` is an edge back to the package face).

The helpers (``import_graph``, ``find_cycle``, ``reachable``, ``forbidden_imports``,
``name_branches``) take module names, so other layers can reuse them, e.g.
``assert not forbidden_imports(graph, ["rnnviz.settings", "rnnviz.frame"], WIDGET_LIBRARIES)``.
"""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "rnnviz"

#: Libraries that only the widget layer may import (with what they pull in).
WIDGET_LIBRARIES = ("ipywidgets", "anywidget", "traitlets", "plotly", "IPython")
#: rnnviz layers above the simulator.
UPPER_LAYERS = ("rnnviz.widgets", "rnnviz.export")


# --------------------------------------------------------------------------- the graph
def module_files(package_dir: pathlib.Path = PACKAGE, root: str = "rnnviz") -> dict:
    """``{module name: path}`` of every .py file under ``package_dir`` (packages by
    their ``__init__.py``)."""
    out = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = path.relative_to(package_dir).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join((root, *parts))] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _import_nodes(node: ast.AST, lazy: bool = True):
    """Every Import / ImportFrom under ``node``, skipping ``if TYPE_CHECKING:`` bodies
    (their ``else:`` branch does run, so it is kept); ``lazy=False``: also those inside a
    function (only what importing the module runs)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield from _import_nodes(ast.Module(body=[other], type_ignores=[]), lazy)
        elif lazy or not isinstance(child, _FUNCTIONS):
            yield from _import_nodes(child, lazy)


def imports_of(name: str, path: pathlib.Path, modules: dict, lazy: bool = True) -> dict[str, int]:
    """``{imported module: first line}`` of one module (``modules``: all known rnnviz
    modules, to tell ``from pkg import submodule`` from ``from pkg import name``);
    ``lazy=False`` leaves out the imports inside functions."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    out: dict[str, int] = {}
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in _import_nodes(tree, lazy):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = []
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.append(sub if sub in modules else base)
        for target in targets:
            out.setdefault(target, node.lineno)
    return out


def import_graph(
    package_dir: pathlib.Path = PACKAGE, root: str = "rnnviz", lazy: bool = True
) -> dict:
    """``{module: {imported module: line}}`` for every module of the package (``lazy=False``:
    without the imports inside functions)."""
    modules = module_files(package_dir, root)
    return {name: imports_of(name, path, modules, lazy) for name, path in modules.items()}


def _within(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def find_cycle(graph: dict, inside: str) -> list[str] | None:
    """One import cycle among the modules ``inside`` (a package name), or None."""
    nodes = {n for n in graph if _within(n, [inside])}
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(graph[n]):
            if m not in nodes:
                continue
            if state.get(m) == 1:
                return [*stack[stack.index(m) :], m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(nodes):
        if n not in state:
            found = visit(n)
            if found:
                return found
    return None


def reachable(graph: dict, start: str) -> dict[str, list[str]]:
    """Every module importing ``start`` runs (its parent packages' ``__init__`` included),
    each with one import path from ``start``."""
    paths = {start: [start]}
    todo = [start]
    while todo:
        n = todo.pop()
        parents = [".".join(n.split(".")[:i]) for i in range(1, n.count(".") + 1)]
        for m in [*graph.get(n, {}), *parents]:
            if m not in paths:
                paths[m] = [*paths[n], m]
                if m in graph:
                    todo.append(m)
    return paths


def forbidden_imports(graph: dict, modules, forbidden) -> list[str]:
    """``"a -> b -> … -> ipywidgets"`` for each forbidden module that one of ``modules``
    (names, or package names meaning every module inside) reaches, directly or not."""
    starts = [n for n in graph if _within(n, modules)]
    found = []
    for start in starts:
        for target, path in reachable(graph, start).items():
            if _within(target, forbidden):
                found.append(" -> ".join(path))
    return sorted(found)


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
    return next((layer for layer in LAYERS if _within(module, [layer])), None)


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


# ------------------------------------------------------------------- branches on a name
def _cell_names_defined(tree: ast.Module) -> set[str]:
    """String values given to a class attribute ``name`` in this file (the cell it defines),
    and the names of those classes (``LSTM``, also its PyTorch / Keras layer name)."""
    out = set()
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        for stmt in cls.body:
            target = value = None
            if isinstance(stmt, ast.AnnAssign):
                target, value = stmt.target, stmt.value
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target, value = stmt.targets[0], stmt.value
            if (isinstance(target, ast.Name) and target.id == "name"
                    and isinstance(value, ast.Constant) and isinstance(value.value, str)):  # fmt: skip
                out.update((value.value, cls.name))
    return out


def _literals(node: ast.expr):
    """String constants of an operand: itself, or the elements of a tuple / list / set."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        for elt in node.elts:
            yield from _literals(elt)


def _exported_names(tree: ast.Module) -> set[int]:
    """ids of the list / tuple given to ``__all__`` (names of Python objects, not cells)."""
    out = set()
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                out.add(id(stmt.value))
    return out


def name_branches(paths, names) -> list[str]:
    """``file:line: code`` wherever a module compares with one of ``names`` (``==``,
    ``!=``, ``in``, ``match`` cases), keys a dict literal by one, or lists one in a tuple /
    list / set literal (a table of cells: ``only_for=("lstm",)``, ``SWEEP = ("rnn", …)``) —
    except a file comparing with the name of the cell it defines itself, and ``__all__``."""
    names = set(names)
    found = []
    for path in paths:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, str(path))
        allowed = _cell_names_defined(tree)
        skip = _exported_names(tree)  # and the operands of a compare, reported as a compare
        for node in ast.walk(tree):
            hits: set[str] = set()
            if isinstance(node, ast.Compare):
                for operand in (node.left, *node.comparators):
                    hits.update(_literals(operand))
                    skip.add(id(operand))
            elif isinstance(node, ast.Dict):
                for key in node.keys:
                    if key is not None:
                        hits.update(_literals(key))
            elif isinstance(node, ast.MatchValue):
                hits.update(_literals(node.value))
            elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                if id(node) not in skip:
                    hits.update(_literals(node))
                skip.update(id(elt) for elt in node.elts)  # nested: reported with the outer
            if (hits & names) - allowed:
                rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                found.append(f"{rel}:{node.lineno}: {ast.get_source_segment(source, node)}")
    return sorted(set(found))


def cell_names() -> set[str]:
    """Both spellings of a built-in cell's name: ``CELLS`` ("rnn", "lstm", "gru") and the
    class names ("SimpleRNN", "LSTM", "GRU", which are also the Keras / PyTorch layer names).
    ("RNN" is left out: it is also Keras' generic wrapper layer ``keras.layers.RNN``.)"""
    from rnnviz.sim import CELLS, make_cell

    classes = {type(make_cell(n, units=1, features=1)).__name__ for n in CELLS}
    return set(CELLS) | classes


# ----------------------------------------------------------------------------- the tests
@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_simulator_has_no_import_cycle(graph):
    cycle = find_cycle(graph, "rnnviz.sim")
    assert cycle is None, "import cycle in rnnviz/sim: " + " -> ".join(cycle)


def test_simulator_imports_no_widget_library_and_no_upper_layer(graph):
    assert len([n for n in graph if _within(n, ["rnnviz.sim"])]) > 10  # the walk found it
    bad = forbidden_imports(graph, ["rnnviz.sim"], WIDGET_LIBRARIES + UPPER_LAYERS)
    assert not bad, "rnnviz.sim must stay pure NumPy:\n" + "\n".join(bad)


@pytest.mark.parametrize("layer", ["rnnviz.settings", "rnnviz.frame"])
def test_settings_and_frame_import_no_widget_library(graph, layer):
    """What a view draws is computed without any widget library (issue 9 §1)."""
    if not any(_within(n, [layer]) for n in graph):
        pytest.skip(f"{layer} does not exist in this tree")
    bad = forbidden_imports(graph, [layer], WIDGET_LIBRARIES + UPPER_LAYERS)
    assert not bad, f"{layer} must not need a widget library:\n" + "\n".join(bad)


#: Files that may name cells: the registry lists the cell classes by name.
NAME_ALLOWED = {
    PACKAGE / "sim" / "registry.py": "lists the cell classes (CELL_CLASSES), the one place",
}
#: Literals that name cells as content, not as a branch: (file, code) -> why.
NAME_CONTENT = {
    ("rnnviz/sim/training.py", '("rnn", "lstm")'): "the cells a teaching demo compares (DEMOS)",
}


def test_imports_point_one_way(graph):
    """sim imports nothing else of rnnviz; settings only sim; frame only sim and settings;
    widgets never reach export at import time; export reaches widgets only through its
    declared interfaces (rnnviz/export/_interfaces.py). Nothing below widgets imports them."""
    assert all(any(_within(n, [layer]) for n in graph) for layer in LAYERS)  # all walked
    found = wrong_direction(graph, import_graph(lazy=False))
    assert not found, "imports against the layering of rnnviz:\n" + "\n".join(found)


def test_no_module_branches_on_a_cell_name():
    """Outside a cell's own file (and the registry), no module of rnnviz compares a cell's
    name, keys a table by it or lists it: a new cell type is one file (issue 9 §1)."""
    paths = [p for p in sorted(PACKAGE.rglob("*.py")) if p not in NAME_ALLOWED]
    found = [
        f for f in name_branches(paths, cell_names())
        if (f.split(":")[0], f.split(": ", 1)[1]) not in NAME_CONTENT
    ]  # fmt: skip
    assert not found, (
        "use a class attribute of the cell (display_name, has_cell_state, candidate_gate, "
        "forget_gate, split_bias, …; rnnviz.sim.cell_class(name), CELL_CLASSES) or, in a "
        "view, the cell facts of frame_info (rnnviz/frame/cells.py) instead of its name:\n"
        + "\n".join(found)
    )


# ------------------------------------------------------------------ the JS side of it
JS_SRC = ROOT / "js" / "src"


def js_name_branches(paths, names) -> list[str]:
    """``file:line: code`` wherever JS compares with a cell name (``=== "lstm"``,
    ``case "gru":``), keys an object by one (``{ lstm: 4 }``) or lists one in an array
    literal (``["rnn", "lstm"]``). Comments are skipped."""
    alt = "|".join(sorted(map(re.escape, names)))
    quoted = rf"""["'`](?:{alt})["'`]"""
    patterns = [
        rf"[!=]==?\s*{quoted}",  # x === "lstm"
        rf"{quoted}\s*[!=]==?",  # "lstm" === x
        rf"\bcase\s+{quoted}\s*:",  # case "lstm":
        rf"[{{,]\s*(?:{alt}|{quoted})\s*:",  # { lstm: … } / { "lstm": … }
        rf"\[\s*{quoted}\s*[,\]]",  # ["rnn", …]
    ]
    rx = re.compile("|".join(f"(?:{p})" for p in patterns))
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
        for n, line in enumerate(text.splitlines(), 1):
            code = re.sub(r"(^|[^:])//.*$", r"\1", line)
            if rx.search(code):
                rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                found.append(f"{rel}:{n}: {line.strip()}")
    return found


def test_no_js_module_branches_on_a_cell_name():
    """js/src draws every cell from the facts the views send (the graph's
    frame_info.cell_info, the gradient plot's cell_label and cells, the Trainer's
    choices.cells), never from a cell's name."""
    paths = sorted(JS_SRC.rglob("*.js"))
    assert len(paths) > 20  # the walk found the sources
    found = js_name_branches(paths, cell_names())
    assert not found, (
        "read the cell's facts from frame_info (rnnviz/frame/cells.py: cell_info with "
        "display_name, gate_names, n_gates, split_bias, …; cells for slots) instead of its "
        "name:\n" + "\n".join(found)
    )


# ------------------------------------------------------------- the checks can fail at all
def test_checks_see_cycles_lazy_imports_and_name_branches(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from pkg.a import f\n")
    (pkg / "a.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from pkg import c\n"
        "def f(cell):\n    from pkg import b\n    return cell.name == 'lstm'\n"
    )
    (pkg / "b.py").write_text("import ipywidgets\nfrom . import a\nT = {'gru': 3}\n")
    (pkg / "c.py").write_text("class C:\n    name = 'lstm'\n\ndef g(x):\n    return x == 'lstm'\n")
    g = import_graph(pkg, "pkg")
    assert g["pkg.a"] == {"typing": 1, "pkg.b": 5}  # lazy import counted, TYPE_CHECKING not
    assert find_cycle(g, "pkg") == ["pkg.a", "pkg.b", "pkg.a"]
    assert forbidden_imports(g, ["pkg.c"], ["ipywidgets"]) == [
        "pkg.c -> pkg -> pkg.a -> pkg.b -> ipywidgets"  # through the parent package
    ]
    (pkg / "d.py").write_text(
        "__all__ = ['lstm']\nONLY = ('lstm',)\nT = [('gru', 1)]\ndef h(x):\n"
        "    return x in (('gru', 1), ('lstm', 2))\n"
    )
    found = name_branches(sorted(pkg.glob("*.py")), {"lstm", "gru"})
    where = [pathlib.Path(f.split(":")[0]).name + ":" + f.split(":")[1] for f in found]
    # c.py defines the "lstm" cell: its own compare is ok; __all__ names no cell; d.py's
    # compare is reported once (not again as a table)
    assert where == ["a.py:6", "b.py:3", "d.py:2", "d.py:3", "d.py:5"]


def test_direction_check_names_the_offending_edge(tmp_path):
    pkg = tmp_path / "rnnviz"
    for layer in ("sim", "settings", "frame", "widgets", "export"):
        (pkg / layer).mkdir(parents=True)
        (pkg / layer / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "sim" / "a.py").write_text("from rnnviz.settings import x\n")
    (pkg / "settings" / "b.py").write_text("def f():\n    from rnnviz.frame import y\n")
    (pkg / "frame" / "c.py").write_text("import rnnviz.sim\nfrom rnnviz import widgets\n")
    (pkg / "widgets" / "d.py").write_text(
        "import rnnviz.export\ndef f():\n    from rnnviz.export import _e\n"
    )
    (pkg / "export" / "_interfaces.py").write_text("from rnnviz.widgets import d\n")
    (pkg / "export" / "_e.py").write_text("from rnnviz.widgets.d import f\nimport rnnviz.frame\n")
    g = import_graph(pkg, "rnnviz")
    found = wrong_direction(g, import_graph(pkg, "rnnviz", lazy=False))
    assert [f.split(":")[0] for f in found] == [
        "rnnviz.export._e -> rnnviz.widgets.d (line 1)",  # not through _interfaces
        "rnnviz.frame.c -> rnnviz.widgets (line 2)",
        "rnnviz.settings.b -> rnnviz.frame (line 2)",  # lazy imports count too
        "rnnviz.sim.a -> rnnviz.settings (line 1)",
        "rnnviz.widgets.d -> rnnviz.export (line 1)",  # at import time; line 3's is lazy
    ]


def test_js_check_sees_compares_tables_and_lists(tmp_path):
    js = tmp_path / "a.js"
    js.write_text(
        'const a = cell === "gru";\n'
        "const b = { rnn: 1, lstm: 2 };\n"
        'switch (c) { case "lstm": break; }\n'
        'const d = ["rnn", "lstm"];\n'
        '// a comment: cell === "gru"\n'
        'const e = { name: "lstm" }; const f = cell.split_bias;\n'
        '/* cell === "gru" */ const g = `${cell}`;\n'
    )
    found = js_name_branches([js], {"rnn", "lstm", "gru"})
    assert [int(f.split(":")[1]) for f in found] == [1, 2, 3, 4]


def test_widget_files_stay_within_the_size_bar():
    """One concept per file: every module of rnnviz/widgets stays within ~400 lines (the
    Explorer is split into explorer.py, _explorer_settings.py and _explorer_frames.py)."""
    long = {
        path.name: n
        for path in sorted((ROOT / "rnnviz" / "widgets").glob("*.py"))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert not long, f"split by concept (at most ~400 lines per file): {long}"
