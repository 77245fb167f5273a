"""Build the course notebooks from their sources in ``notebooks/src/*.md``.

A source is Markdown; every fenced ```` ```python ```` block becomes a code cell, the text
between blocks becomes Markdown cells (a line holding only ``+++`` splits two Markdown
cells). Editing the ``.md`` and rebuilding keeps the prose reviewable in diffs; the
committed ``.ipynb`` files carry the outputs nbval checks.

Usage::

    .venv/bin/python notebooks/build.py            # write notebooks/*.ipynb (no outputs)
    .venv/bin/python notebooks/build.py --execute  # ... and run them to store the outputs
    .venv/bin/python notebooks/build.py --execute 02_units_vs_timesteps
"""

from __future__ import annotations

import argparse
import os
import pathlib
import re
import subprocess
import sys

import nbformat

HERE = pathlib.Path(__file__).resolve().parent
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
IGNORE = "# NBVAL_IGNORE_OUTPUT"
FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```[ \t]*$\n?", re.MULTILINE | re.DOTALL)


def cells_of(text: str) -> list:
    """Markdown and code cells of one source text, in order."""
    cells = []

    def add_markdown(chunk: str) -> None:
        for part in re.split(r"^\+\+\+[ \t]*$", chunk, flags=re.MULTILINE):
            if part.strip():
                cells.append(nbformat.v4.new_markdown_cell(part.strip()))

    pos = 0
    for match in FENCE.finditer(text):
        add_markdown(text[pos : match.start()])
        cells.append(nbformat.v4.new_code_cell(match.group(1).rstrip()))
        pos = match.end()
    add_markdown(text[pos:])
    return cells


def build(name: str) -> pathlib.Path:
    """Write ``notebooks/<name>.ipynb`` from ``notebooks/src/<name>.md`` (no outputs)."""
    source = HERE / "src" / f"{name}.md"
    nb = nbformat.v4.new_notebook()
    nb.cells = cells_of(source.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name[:24]}-{i:02d}"
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    path = HERE / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def execute(path: pathlib.Path) -> None:
    """Run the notebook top to bottom in a fresh kernel and store its outputs in place."""
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
         "--inplace", "--ExecutePreprocessor.timeout=120", str(path)],
        check=True,
        env={**os.environ, "KERAS_BACKEND": "torch"},
    )  # fmt: skip
    nb = nbformat.read(path, as_version=4)
    # Widget state and widget outputs are per-run noise (random model ids, the bundles):
    # the views are drawn live when the notebook runs. Text outputs stay for nbval, and so
    # does the text of a widget nbval checks (a quiz states its question and measured answer).
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        outputs = cell.get("outputs", [])
        if cell.source.startswith(IGNORE):
            cell["outputs"] = [o for o in outputs if WIDGET_MIME not in o.get("data", {})]
        else:
            for out in outputs:
                out.get("data", {}).pop(WIDGET_MIME, None)
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook names (default: all in src/)")
    parser.add_argument("--execute", action="store_true", help="run them to store outputs")
    args = parser.parse_args()
    names = args.names or sorted(p.stem for p in (HERE / "src").glob("*.md"))
    for name in names:
        path = build(name)
        if args.execute:
            execute(path)
        print(path.relative_to(HERE.parent))


if __name__ == "__main__":
    main()
