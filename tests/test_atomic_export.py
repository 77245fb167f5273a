"""Exports are all-or-nothing: a write that fails keeps the old file and leaves no temp file.

The failure is real: each case runs in a subprocess whose file-size limit
(``RLIMIT_FSIZE``) is set below the size of the new export after a good export was
written, so the kernel refuses the write half-way (EFBIG; CPython ignores SIGXFSZ).
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

resource = pytest.importorskip("resource")
pytest.importorskip("anywidget")

REPO = pathlib.Path(__file__).resolve().parent.parent

_SCRIPT = """
import json, os, pathlib, resource, sys
import rnnviz
import rnnviz.export._svg as svg_module

folder = pathlib.Path(sys.argv[1])
kind = sys.argv[2]
ex = rnnviz.explore(units=4, timesteps=5)
target = folder / ("lesson.html" if kind == "html" else "graph.svg")

def export(size):
    if kind == "html":
        ex.to_html(target, sweep_values=[0.5, 1.0, 2.0], title="x" * size)
    else:
        # the SVG text is drawn by Chromium; here it is any large text of that size
        svg_module._draw_svg = lambda *a, **k: "<svg>" + "x" * size + "</svg>"
        ex.graph.to_svg(target)

export(10)                       # a good export first
good = target.read_bytes()
limit = len(good) + 50_000       # the next one is larger than the limit
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
try:
    export(400_000)
    error = None
except OSError as err:
    error = f"{type(err).__name__}: {err}"
print(json.dumps({
    "error": error,
    "intact": target.read_bytes() == good,
    "files": sorted(p.name for p in folder.iterdir()),
}))
"""


def _run(tmp_path: pathlib.Path, kind: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO), "KERAS_BACKEND": "torch"}
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_SCRIPT), str(tmp_path), kind],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("kind", "name"), [("html", "lesson.html"), ("svg", "graph.svg")])
def test_a_write_cut_by_the_file_size_limit_keeps_the_old_file(tmp_path, kind, name):
    if kind == "svg":
        pytest.importorskip("playwright")
    result = _run(tmp_path, kind)
    assert result["error"] is not None, "the export must raise when the file cannot be written"
    assert "File too large" in result["error"] or "EFBIG" in result["error"]
    assert result["intact"], "the good export from before must be left byte for byte"
    assert result["files"] == [name], f"nothing may be left behind: {result['files']}"


def test_write_atomic_replaces_and_keeps_the_mode(tmp_path):
    from rnnviz.export._atomic import write_atomic

    target = tmp_path / "page.html"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    assert write_atomic(target, "new ✓") == target
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_an_error_inside_the_write_removes_the_temp_file(tmp_path, monkeypatch):
    from rnnviz.export import _atomic

    target = tmp_path / "page.html"
    target.write_text("old", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_atomic.os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        _atomic.write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


@pytest.mark.parametrize(
    ("path", "error", "message"),
    [
        (None, TypeError, "path to be a file path"),
        (3, TypeError, "got int 3"),
        ("missing-folder/x.html", FileNotFoundError, "does not exist"),
    ],
)
def test_bad_paths_are_rejected_before_anything_is_computed(tmp_path, path, error, message):
    import rnnviz

    ex = rnnviz.explore(units=3, timesteps=4)
    if isinstance(path, str):
        path = tmp_path / path
    with pytest.raises(error, match=message):
        ex.to_html(path)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_as_path_is_rejected(tmp_path):
    import rnnviz

    folder = tmp_path / "out.html"
    folder.mkdir()
    with pytest.raises(ValueError, match="is a folder"):
        rnnviz.explore(units=3, timesteps=4).to_html(folder)
    assert json.dumps(sorted(p.name for p in tmp_path.iterdir())) == '["out.html"]'
