"""The committed course notebooks: in sync with their sources, executed, ready for nbval.

nbval itself re-runs the notebooks (``pytest --nbval notebooks/``); these checks make sure
what it compares against is sound: every notebook was built from its ``src/*.md`` and
executed top to bottom in one fresh kernel, only widget cells skip the comparison, and
every course notebook asks a "predict, then check" question answered by checked output.
"""

from __future__ import annotations

import importlib.util
import pathlib
import re
import sys

import nbformat
import pytest

NOTEBOOKS = pathlib.Path(__file__).resolve().parents[2] / "notebooks"
SOURCES = sorted((NOTEBOOKS / "src").glob("*.md"))
COURSE = [p for p in SOURCES if re.match(r"\d\d_", p.stem)]
IGNORE = "# NBVAL_IGNORE_OUTPUT"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _builder():
    spec = importlib.util.spec_from_file_location("nb_build", NOTEBOOKS / "build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("nb_build", module)
    spec.loader.exec_module(module)
    return module


def _notebook(source: pathlib.Path):
    return nbformat.read(NOTEBOOKS / f"{source.stem}.ipynb", as_version=4)


def test_the_course_is_all_there():
    names = [p.stem for p in SOURCES]
    assert names == [
        "01_sequence_data",
        "02_units_vs_timesteps",
        "03_unrolling_and_bptt",
        "04_vanishing_exploding",
        "05_lstm_gru",
        "06_architectures",
        "07_your_own_model",
        "08_training",
        "lecture",
        "start_here",
    ]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_notebook_matches_its_source(source):
    expected = _builder().cells_of(source.read_text(encoding="utf-8"))
    cells = _notebook(source).cells
    assert [(c.cell_type, c.source) for c in cells] == [(c.cell_type, c.source) for c in expected]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_notebook_was_executed_top_to_bottom_without_errors(source):
    nb = _notebook(source)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    for cell in code:
        assert all(out.output_type != "error" for out in cell.outputs), cell.source
        if not cell.source.startswith(IGNORE) and not cell.source.lstrip().startswith("assert"):
            assert cell.outputs, f"no reference output for nbval to compare:\n{cell.source}"
    assert "widgets" not in nb.metadata  # no per-run widget state in the repository


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_only_cells_that_show_widgets_skip_the_comparison(source):
    for cell in _notebook(source).cells:
        if cell.cell_type != "code":
            continue
        shows_view = bool(
            re.search(r"^(rnnviz\.explore\(.*\)|ex|tr|HTML\(.*)$", cell.source, re.M | re.S)
        )
        ignored = cell.source.startswith(IGNORE)
        assert ignored == shows_view, cell.source
        assert not any(WIDGET_MIME in out.get("data", {}) for out in cell.outputs)


def _quiz_text(cell) -> str | None:
    """The text a quiz cell stored (question and the seal of its answer), or None."""
    texts = [out["data"].get("text/plain", "") for out in cell.outputs if "data" in out]
    quiz = [t for t in texts if t.startswith("Predict, then reveal: ")]
    return quiz[-1] if quiz else None


@pytest.mark.parametrize("source", COURSE, ids=lambda p: p.stem)
def test_each_course_notebook_asks_and_answers_a_question(source):
    cells = _notebook(source).cells
    asks = [
        i
        for i, c in enumerate(cells)
        if c.cell_type == "markdown" and "Predict, then check" in c.source
    ]
    assert asks, "no 'Predict, then check' question"
    answer = next(c for c in cells[asks[0] + 1 :] if c.cell_type == "code")
    assert not answer.source.startswith(IGNORE)
    assert any(out.output_type == "stream" for out in answer.outputs) or _quiz_text(answer)


@pytest.mark.parametrize(
    "source", [*COURSE, NOTEBOOKS / "src" / "start_here.md"], ids=lambda p: p.stem
)
def test_each_course_notebook_has_a_quiz_whose_answer_nbval_checks(source):
    # rnnviz.predict: the answer is revealed in the page after a prediction; the stored
    # text carries its seal (not the answer), so nbval re-checks the measured value when the
    # notebook re-runs and the stored notebook gives no answer away.
    quizzes = [
        c
        for c in _notebook(source).cells
        if c.cell_type == "code" and "rnnviz.predict(" in c.source
    ]
    assert quizzes, "no rnnviz.predict question"
    for cell in quizzes:
        assert not cell.source.startswith(IGNORE), cell.source
        text = _quiz_text(cell)
        assert text, f"no stored quiz text for nbval to compare:\n{cell.source}"
        assert re.search(
            r"\nAnswer sealed until you predict: run the cell \(check [0-9a-f]{8}\)\.$", text
        )


LIVE = [p for p in COURSE if p.stem != "07_your_own_model"] + [NOTEBOOKS / "src" / "lecture.md"]


@pytest.mark.parametrize("source", LIVE, ids=lambda p: p.stem)
def test_each_notebook_shows_a_live_view(source):
    # (07 looks at an imported layer's numbers: the Explorer draws its own cells.)
    # (08 trains: its live view is the Trainer, rnnviz.train.)
    views = ("explore(", "train(demo=")
    code = [c.source for c in _notebook(source).cells if c.cell_type == "code"]
    assert any(view in src for src in code for view in views)


def test_lecture_is_in_presenter_mode():
    cells = _notebook(NOTEBOOKS / "src" / "lecture.md").cells
    calls = re.findall(
        r"explore\((.*?)\)", "\n".join(c.source for c in cells if c.cell_type == "code")
    )
    assert calls
    assert all("presenter=True" in args for args in calls)
