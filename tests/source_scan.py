"""Read rnnviz's source as a graph of imports, with ``ast`` (nothing is imported).

Shared by the checks of how rnnviz is layered (``tests/test_layering.py``) and any other
test that asks what a module reaches. Every import counts — at module level and inside
functions — except those under ``if TYPE_CHECKING:`` (annotations only, never executed).
``from pkg import name`` is an edge to ``pkg.name`` when that is a module of rnnviz, else to
``pkg`` itself (so a function-level ``from rnnviz.sim import make_cell`` is an edge back to
the package face).

The helpers (``import_graph``, ``find_cycle``, ``reachable``, ``forbidden_imports``) take
module names, so other layers can reuse them, e.g.
``assert not forbidden_imports(graph, ["rnnviz.settings", "rnnviz.frame"], WIDGET_LIBRARIES)``.
``SAMPLE_PACKAGE`` is the small package the checks' own tests read (``write_tree``).
"""

from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "rnnviz"


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


def within(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def find_cycle(graph: dict, inside: str) -> list[str] | None:
    """One import cycle among the modules ``inside`` (a package name), or None."""
    nodes = {n for n in graph if within(n, [inside])}
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
    starts = [n for n in graph if within(n, modules)]
    found = []
    for start in starts:
        for target, path in reachable(graph, start).items():
            if within(target, forbidden):
                found.append(" -> ".join(path))
    return sorted(found)


def write_tree(root: pathlib.Path, files: dict[str, str]) -> pathlib.Path:
    """Write ``{relative path: text}`` under ``root`` (folders made as needed); returns ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


#: A package ``pkg`` for the checks' own tests: ``a`` imports ``b`` lazily (and ``c`` under
#: ``TYPE_CHECKING``) and compares a cell name; ``b`` imports a widget library and ``a`` back
#: (a cycle) and keys a table by a cell name; ``c`` defines the "lstm" cell and compares with
#: its own name; the package's ``__init__`` imports ``a``.
SAMPLE_PACKAGE = {
    "__init__.py": "from pkg.a import f\n",
    "a.py": (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from pkg import c\n"
        "def f(cell):\n    from pkg import b\n    return cell.name == 'lstm'\n"
    ),
    "b.py": "import ipywidgets\nfrom . import a\nT = {'gru': 3}\n",
    "c.py": "class C:\n    name = 'lstm'\n\ndef g(x):\n    return x == 'lstm'\n",
}
