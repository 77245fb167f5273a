"""nbval really compares the printed numbers: a changed reference output fails the run."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[2] / "notebooks"
NBVAL_FLAGS = [
    "-p",
    "no:cacheprovider",
    "--nbval",
    "--nbval-current-env",
    "--nbval-sanitize-with",
    str(NOTEBOOKS / "nbval_sanitize.cfg"),
]


def _run_nbval(path: pathlib.Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *NBVAL_FLAGS,
            str(path),
            "-q",
            "--no-header",
            "-o",
            "addopts=",
            "--rootdir",
            str(path.parent),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=path.parent,
        env={**os.environ, "KERAS_BACKEND": "torch"},
    )


@pytest.mark.slow
def test_nbval_fails_when_a_printed_number_changes(tmp_path):
    copy = tmp_path / "02_units_vs_timesteps.ipynb"
    shutil.copy(NOTEBOOKS / copy.name, copy)
    passed = _run_nbval(copy)
    assert passed.returncode == 0, passed.stdout[-3000:]

    nb = nbformat.read(copy, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and "parameters   " in c.source)
    (stream,) = [o for o in cell.outputs if o.output_type == "stream"]
    assert "parameters    610" in stream.text
    stream.text = stream.text.replace("parameters    610", "parameters    611")
    nbformat.write(nb, copy)
    failed = _run_nbval(copy)
    assert failed.returncode == 1, failed.stdout[-3000:]
    assert "611" in failed.stdout
    assert "610" in failed.stdout
    assert "1 failed" in failed.stdout
