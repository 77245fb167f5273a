"""The "predict, then reveal" Quiz: the answer stays in the kernel until the learner commits."""

from __future__ import annotations

import json
import math

import anywidget
import pytest

import rnnviz
from rnnviz.sim import SimpleRNN, inputs
from rnnviz.widgets.quiz import Quiz, number_text

WHY = "p(k + p + 1): the weights are shared by every step, so T appears nowhere"


@pytest.fixture
def params():
    answer = SimpleRNN(units=16, features=3).n_params
    q = rnnviz.predict(
        "How many parameters does a SimpleRNN with 16 units and 3 features have?",
        answer,
        why=WHY,
    )
    return q, answer


def page_state(quiz: Quiz) -> str:
    """What the page can see of the quiz itself: the values of the traits Quiz syncs.

    The framework's own traits (model ids, module names, the bundle's code)
    are left out: they are random hex or code and may contain any digits, so
    "320" could turn up in them by chance (it did, in a model id).
    """
    framework = set(anywidget.AnyWidget.class_trait_names(sync=True))
    own = sorted(set(quiz.trait_names(sync=True)) - framework)
    assert {"question", "submission", "feedback", "answer_text", "why"} <= set(own)
    return json.dumps({name: quiz.get_state(name)[name] for name in own})


def test_the_answer_is_not_in_the_page_before_a_prediction(params):
    q, answer = params
    assert answer == 320
    seen = page_state(q)
    assert "320" not in seen
    assert "T appears nowhere" not in seen
    assert q.answer_text == ""
    assert q.why == ""
    assert not q.revealed


def test_a_wrong_prediction_says_how_close_without_giving_the_answer(params):
    q, _ = params
    q.submission = {"n": 1, "value": 300}  # what the page sends
    assert q.feedback == {
        "n": 1,
        "verdict": "wrong",
        "message": "Not yet: 300 is too low, by about 6%.",
    }
    assert "320" not in page_state(q)
    assert q.check(20) == "Not yet: 20 is about 16× too low."
    assert q.check(1000) == "Not yet: 1,000 is about 3.1× too high."
    assert q.attempts == [300, 20, 1000]
    assert not q.revealed


def test_a_right_prediction_reveals_the_measured_answer_and_why(params):
    q, _ = params
    assert q.check(320) == "Right: the simulator measures 320."
    assert q.feedback["verdict"] == "right"
    assert (q.answer_text, q.why) == ("320", WHY)


def test_show_the_answer_reveals_it_after_any_attempt(params):
    q, _ = params
    q.check(1)
    q.submission = {"n": 2, "reveal": True}
    assert q.feedback["verdict"] == "revealed"
    assert q.answer_text == "320"


@pytest.mark.parametrize("value", ["abc", None, True, math.nan, math.inf, [1]])
def test_a_bad_prediction_is_refused_and_changes_nothing(params, value):
    q, _ = params
    q.check(300)
    q.submission = {"n": 2, "value": value}
    assert q.feedback["n"] == 2
    assert q.feedback["verdict"] == "invalid"
    assert "finite number" in q.feedback["message"]
    assert q.attempts == [300]
    assert not q.revealed


def test_tolerance_accepts_a_close_number():
    q = rnnviz.predict("q?", 0.523, why="w", tolerance=0.1)
    assert q.check(0.6).startswith("Not yet: 0.6 is too high, by about 15%")
    assert q.check(0.5) == "Close enough (within 10%): you said 0.5, the simulator measures 0.523."
    assert q.revealed


def test_an_order_of_magnitude_within_a_factor_of_root_ten():
    x = inputs.make("sine", timesteps=20, features=3)
    g = float(SimpleRNN(units=16, features=3, weight_scale=0.5).run(x).jacobian_norms()[0, 0])
    q = rnnviz.predict("How large is ‖∂h_20/∂h_0‖?", g, why="≤ 0.5^20", magnitude=True)
    assert q.kind == "magnitude"
    assert 0 < g < 1e-6
    assert "orders of magnitude too high" in q.check(1e-2)
    assert not q.revealed
    q.submission = {"n": 9, "value": -1}
    assert q.feedback["verdict"] == "invalid"
    assert "positive" in q.feedback["message"]
    assert q.check(g * 3).startswith("Right order of magnitude")
    assert q.answer_text == number_text(g)


def test_choices_compare_the_measured_object():
    res = SimpleRNN(units=16, features=3).run(inputs.make("sine", timesteps=20, features=3))
    shapes = [(1, 16), (1, 20, 16), (1, 16, 20)]
    q = rnnviz.predict(
        "return_sequences=True: output shape?", res.states.shape, why="w", choices=shapes
    )
    assert q.choices == ["(1, 16)", "(1, 20, 16)", "(1, 16, 20)"]
    assert "(1, 20, 16)" in q.choices
    assert q.answer_text == ""
    q.submission = {"n": 1, "choice": 0}
    assert q.feedback["verdict"] == "wrong"
    assert not q.revealed
    for bad in (3, -1, "1", True):
        q.submission = {"n": 2, "choice": bad}
        assert q.feedback["verdict"] == "invalid"
        assert "pick one of the options" in q.feedback["message"]
    q.submission = {"n": 3, "choice": 1}
    assert q.feedback["verdict"] == "right"
    assert q.answer_text == "(1, 20, 16)"


def test_the_text_repr_states_the_question_and_seals_the_answer(params):
    q, _ = params
    assert "320" not in repr(q)
    assert WHY not in repr(q)
    text = (
        "Predict, then reveal: How many parameters does a SimpleRNN with 16 units and 3 "
        f"features have?\nAnswer sealed until you predict: run the cell (check {q.seal})."
    )
    assert repr(q) == text
    data = q._repr_mimebundle_()
    data = data[0] if isinstance(data, tuple) else data
    assert data["text/plain"] == text  # not cut at 110 characters
    q.check(1)
    assert repr(q) == text  # deterministic: the learner's attempts are not in it


def test_the_seal_changes_with_the_measured_answer_or_its_why():
    # nbval compares the stored text: a re-run that measures another answer must fail it.
    question = "How many parameters?"
    seals = {
        rnnviz.predict(question, answer=320, why="W_xh, W_hh and b.").seal,
        rnnviz.predict(question, answer=321, why="W_xh, W_hh and b.").seal,
        rnnviz.predict(question, answer=320, why="W_xh and W_hh.").seal,
    }
    assert len(seals) == 3
    again = rnnviz.predict(question, answer=320, why="W_xh, W_hh and b.")
    assert again.seal in seals
    assert len(again.seal) == 8


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"answer": 3, "choices": [1, 2]}, ValueError, "not one of the choices"),
        ({"answer": 1, "choices": [1]}, ValueError, "at least 2 different"),
        ({"answer": 1, "choices": [1, 2], "tolerance": 0.1}, ValueError, "not choices"),
        ({"answer": 0.5}, ValueError, "tolerance= .relative. or magnitude=True"),
        ({"answer": math.inf, "magnitude": True}, ValueError, "finite"),
        ({"answer": -1.0, "magnitude": True}, ValueError, "must be positive"),
        ({"answer": 2, "tolerance": -1}, ValueError, "tolerance must be"),
        ({"answer": "208"}, TypeError, "must be a number measured"),
        ({"answer": 2, "why": ""}, TypeError, "why must be a non-empty text"),
    ],
)
def test_authoring_mistakes_are_named(kwargs, error, match):
    kwargs = {"why": "w", **kwargs}
    with pytest.raises(error, match=match):
        rnnviz.predict("q?", **kwargs)


def test_number_text():
    assert [number_text(v) for v in (2430, 1074.7, 13.93, 0.0523, 5.234e-6, 1e-6, 1.9e5, 0.0)] == [
        "2,430",
        "1,070",
        "13.9",
        "0.0523",
        "5.23 × 10⁻⁶",
        "10⁻⁶",
        "1.9 × 10⁵",
        "0",
    ]


def test_predict_takes_and_documents_exactly_the_quiz_parameters():
    """The parameter docs are Quiz's (one source); the signature, spelled out so that a call
    obeys it (see below), is Quiz's too: names, kinds, defaults and annotations."""
    import inspect
    import re

    from rnnviz.widgets.quiz import Quiz

    sig = inspect.signature(rnnviz.predict)
    assert sig.parameters == inspect.signature(Quiz).parameters
    assert sig.return_annotation in (Quiz, "Quiz")
    assert rnnviz.predict.__doc__ == Quiz.__doc__
    for name in sig.parameters:  # each one documented, numpy style
        assert re.search(rf"^\s*{name} :", rnnviz.predict.__doc__, re.MULTILINE), name
    assert isinstance(rnnviz.predict("q?", 3, why="w"), Quiz)


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (("q?",), {"why": "w"}, r"^predict\(\) missing 1 required positional argument: 'answer'"),
        (("q?", 3), {}, r"^predict\(\) missing 1 required keyword-only argument: 'why'"),
        (("q?", 3, "w"), {}, r"^predict\(\) takes 2 positional arguments but 3 were given"),
        (("q?", 3), {"why": "w", "tolerence": 0.1}, r"^predict\(\) got an unexpected keyword"),
    ],
)
def test_a_wrong_call_of_predict_is_named_in_the_authors_words(args, kwargs, match):
    """The error names predict() and its parameters, what the author typed (not Quiz.__init__,
    which a runtime signature of *args, **kwargs passed the call on to)."""
    with pytest.raises(TypeError, match=match):
        rnnviz.predict(*args, **kwargs)


def test_predict_runs_with_the_signature_it_shows():
    """help() and tab completion read the signature; the call itself obeys the same one."""
    import inspect

    code = rnnviz.predict.__code__
    assert not code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS)
    assert code.co_varnames[: code.co_argcount + code.co_kwonlyargcount] == tuple(
        inspect.signature(rnnviz.predict).parameters
    )
