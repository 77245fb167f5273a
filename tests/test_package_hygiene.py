"""The wheel carries rnnviz's licence and the notices of every bundled JS dependency; the
test files have unique names, every JS entry point is built, and no widget module outgrows
the size bar."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        timeout=600,
    )
    (path,) = out.glob("rnnviz-*.whl")
    return zipfile.ZipFile(path)


def test_repo_has_the_mit_licence():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License")
    assert "Permission is hereby granted" in text


@pytest.mark.slow
def test_wheel_ships_licence_and_third_party_notices(wheel):
    names = wheel.namelist()
    (licence,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    assert wheel.read(licence).decode() == (ROOT / "LICENSE").read_text()
    notices = wheel.read("rnnviz/static/THIRD_PARTY_NOTICES.txt").decode()
    deps = json.loads((ROOT / "js" / "package.json").read_text())["dependencies"]
    for name in deps:
        assert f"\n{name} " in notices, name
    assert "Permission is hereby granted" in notices
    assert "rnnviz/sim/models/sine_lstm.npz" in names  # the shipped trained model
    for js in (n for n in names if n.startswith("rnnviz/static/") and n.endswith(".js")):
        assert b"THIRD_PARTY_NOTICES.txt" in wheel.read(js)[:200], js


def test_test_files_have_unique_names():
    # The test folders are not packages: two files with one basename stop pytest's
    # collection of the whole suite ("import file mismatch") on a clean clone.
    root = Path(__file__).resolve().parent
    seen: dict[str, Path] = {}
    clashes = []
    for path in sorted(root.rglob("test_*.py")):
        if path.name in seen:
            clashes.append(f"{seen[path.name].relative_to(root)} and {path.relative_to(root)}")
        seen.setdefault(path.name, path)
    assert not clashes, "test files share a name: " + "; ".join(clashes)


def test_every_js_entry_point_is_an_ensured_build_target():
    # The wheel build fails loudly if an ensured bundle is missing; an entry left out
    # of the list could ship without its bundle.
    root = Path(__file__).resolve().parent.parent
    entries = {p.stem for p in (root / "js" / "src").glob("*.js")}
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    missing = sorted(e for e in entries if f'"rnnviz/static/{e}.js"' not in text)
    assert not missing, f"js/src entry points missing from ensured-targets: {missing}"


def test_source_files_stay_within_the_size_bar():
    """One concept per file: every module of the package (rnnviz/, Python) and of the front
    end (js/src, JavaScript) stays within ~400 lines (settings is a package of specs, rules,
    validation and errors; the Explorer is split into explorer.py, _explorer_settings.py
    and _explorer_frames.py; the graph layout into budget, rows, step and recurrent edges)."""
    sources = [*(ROOT / "rnnviz").rglob("*.py"), *(ROOT / "js" / "src").rglob("*.js")]
    long = {
        str(path.relative_to(ROOT)): n
        for path in sorted(sources)
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert not long, f"split by concept (at most ~400 lines per file): {long}"
