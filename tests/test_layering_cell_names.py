"""No module of rnnviz branches on a cell's name, in Python or in ``js/src`` (read as text).

No module of ``rnnviz`` branches on a cell's name (``cell.name == "lstm"``, a table keyed by
``"gru"``, a tuple listing ``"lstm"``, …) except the file that defines that cell and the
registry: what differs between cells is a class attribute of the cell (``display_name``,
``has_cell_state``, ``candidate_gate``, ``forget_gate``, ``split_bias``, …), so a new cell
type is one new file. The same for ``js/src``: the views read the cell facts of
``frame_info``. (How the imports are layered: ``tests/test_layering.py``.)
"""

from __future__ import annotations

import ast
import pathlib
import re

from source_scan import PACKAGE, ROOT, SAMPLE_PACKAGE, write_tree


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
#: Files that may name cells: the registry lists the cell classes by name.
NAME_ALLOWED = {
    PACKAGE / "sim" / "registry.py": "lists the cell classes (CELL_CLASSES), the one place",
}
#: Literals that name cells as content, not as a branch: (file, code) -> why.
NAME_CONTENT = {
    ("rnnviz/sim/training.py", '("rnn", "lstm")'): "the cells a teaching demo compares (DEMOS)",
}


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
def test_checks_see_name_branches(tmp_path):
    pkg = write_tree(tmp_path / "pkg", SAMPLE_PACKAGE)
    (pkg / "d.py").write_text(
        "__all__ = ['lstm']\nONLY = ('lstm',)\nT = [('gru', 1)]\ndef h(x):\n"
        "    return x in (('gru', 1), ('lstm', 2))\n"
    )
    found = name_branches(sorted(pkg.glob("*.py")), {"lstm", "gru"})
    where = [pathlib.Path(f.split(":")[0]).name + ":" + f.split(":")[1] for f in found]
    # c.py defines the "lstm" cell: its own compare is ok; __all__ names no cell; d.py's
    # compare is reported once (not again as a table)
    assert where == ["a.py:6", "b.py:3", "d.py:2", "d.py:3", "d.py:5"]


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
