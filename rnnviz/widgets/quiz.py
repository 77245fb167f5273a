"""Quiz: "predict, then reveal" — a question whose answer the simulator measures live.

``rnnviz.predict(question, answer, why=...)`` shows a question and an input. The learner
types a prediction (a number, or an order of magnitude) or picks one of ``choices``;
Enter sends it to the kernel, which judges it and says how close it was. The measured
answer and its one-line *why* reach the page only when the prediction is right or the
learner asks for them ("Show the answer"): before that they live in the kernel alone, so
a learner who inspects the page does not find them.

The answer is never typed in by the author: pass what the simulator measured, e.g.
``answer=SimpleRNN(units=16, features=3).n_params``. The widget does no RNN maths.

Wire protocol (traits): the page sets ``submission`` = ``{"n": attempt, "value": float}``,
``{"n": attempt, "choice": index}`` or ``{"n": attempt, "reveal": True}``; the kernel
answers with ``feedback`` = ``{"n": attempt, "verdict": ..., "message": ...}`` and, once
revealed, fills ``answer_text`` and ``why``. The page parses what was typed
(``js/src/lib/quiz_input.js``); the kernel checks the parsed value again.

The text repr (what nbval compares, and what a static render shows) states the question
and a *seal* of the measured answer and its why (eight hex digits of their SHA-256): the
stored notebook does not give the answer away, and re-running it still re-checks the
numbers, because a different measured answer breaks the seal.
"""

from __future__ import annotations

import hashlib
import math
import numbers
from typing import Any

import traitlets

from rnnviz.widgets._base import BundledWidget, bundle

__all__ = ["Quiz", "number_text", "predict"]

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def number_text(value: float) -> str:
    """How a measured number is written for learners: 2,430 · 0.0523 · 5.23 × 10⁻⁶."""
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if value == 0 or 1e-3 <= abs(value) < 1e5:
        rounded = float(f"{value:.3g}")  # three significant digits, never an exponent
        return f"{rounded:,.0f}" if abs(rounded) >= 100 else f"{rounded:.3g}"
    mantissa, exponent = f"{value:.2e}".split("e")
    power = f"10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    return power if mantissa in ("1.00", "-1.00") else f"{float(mantissa):.3g} × {power}"


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{name} must be a non-empty text, got {value!r}")
    return value.strip()


class Quiz(BundledWidget):
    """Ask ``question``; reveal ``answer`` (measured by the simulator) and ``why`` after a guess.

    ``rnnviz.predict(...)`` is this constructor: it takes, and documents, these parameters.

    - a number: ``predict("How many parameters …?", cell.n_params, why="p(k + p + 1) …")``
      — whole numbers must be exact unless ``tolerance`` (relative: 0.1 = within 10%);
      other numbers need ``tolerance`` or ``magnitude=True`` (right within a factor √10);
    - a choice: ``choices=[(1, 16), (1, 20, 16)]`` with ``answer=res.states.shape``, which
      must be one of them (so a changed simulator breaks the notebook, not the course).

    Parameters
    ----------
    question : str
        The question asked (non-empty).
    answer : number, or one of ``choices``
        What the simulator measures — never typed in by the author.
    why : str
        One line on why, shown with the answer once revealed.
    choices : list or tuple, optional
        The options the learner picks from (at least 2, all different); ``answer`` must be
        one of them.
    tolerance : float, optional
        Relative tolerance of a numeric prediction (0.1 = within 10%).
    magnitude : bool
        Judge the order of magnitude only (right within a factor √10); ``answer`` > 0.

    Raises
    ------
    TypeError, ValueError
        For an empty text, an answer that is not a finite number (nor one of ``choices``),
        or options that do not fit the kind of answer. See the module doc for the page's
        side.
    """

    _esm = bundle("quiz")

    question = traitlets.Unicode(help="The question asked.").tag(sync=True)
    kind = traitlets.Unicode(
        "number", help='"number", "magnitude" (order of magnitude) or "choice".'
    ).tag(sync=True)
    choices = traitlets.List(help="The options' labels (kind 'choice').").tag(sync=True)
    submission = traitlets.Dict(help="The page's last prediction (see module doc).").tag(sync=True)
    feedback = traitlets.Dict(help="The kernel's verdict on the last submission.").tag(sync=True)
    answer_text = traitlets.Unicode("", help="The measured answer, once revealed.").tag(sync=True)
    why = traitlets.Unicode("", help="Why, once revealed.").tag(sync=True)

    def __init__(
        self,
        question: str,
        answer: Any,
        *,
        why: str,
        choices: list | tuple | None = None,
        tolerance: float | None = None,
        magnitude: bool = False,
    ) -> None:
        question = _check_text("question", question)
        why_text = _check_text("why", why)
        labels: list[str] = []
        if choices is not None:
            if tolerance is not None or magnitude:
                raise ValueError("tolerance and magnitude are for numeric answers, not choices")
            options = list(choices)
            labels = [str(c) for c in options]
            if len(options) < 2 or len(set(labels)) != len(labels):
                raise ValueError(f"choices must be at least 2 different options, got {labels}")
            if answer not in options:
                raise ValueError(
                    f"the measured answer {answer!r} is not one of the choices {labels}: "
                    "the question no longer matches what the simulator measures"
                )
            self._answer_index = options.index(answer)
            answer_text = labels[self._answer_index]
            kind = "choice"
        else:
            if not _is_number(answer):
                raise TypeError(
                    f"answer must be a number measured by the simulator (or pass choices=), "
                    f"got {answer!r}"
                )
            if not math.isfinite(answer):
                raise ValueError(f"the measured answer is {answer}: ask about a finite value")
            if magnitude and answer <= 0:
                raise ValueError(f"an order-of-magnitude answer must be positive, got {answer}")
            if tolerance is not None and (not _is_number(tolerance) or not tolerance >= 0):
                raise ValueError(
                    f"tolerance must be a relative tolerance ≥ 0 (0.1 = within 10%), "
                    f"got {tolerance!r}"
                )
            exact = isinstance(answer, numbers.Integral)
            if not exact and tolerance is None and not magnitude:
                raise ValueError(
                    f"the answer {answer} is not a whole number: say how close a prediction "
                    "must be, with tolerance= (relative) or magnitude=True"
                )
            if not exact:
                answer = float(answer)
            self._tolerance = float(tolerance or 0.0)
            answer_text = number_text(answer)
            kind = "magnitude" if magnitude else "number"
        self._answer = answer
        self._answer_text = answer_text
        self._why = why_text
        self.attempts: list[Any] = []  # the learner's predictions, in order
        super().__init__(question=question, kind=kind, choices=labels)
        self.observe(self._on_submission, names="submission")

    # -- the learner's side ----------------------------------------------------------------------
    @property
    def revealed(self) -> bool:
        """True once the answer has been shown (a right prediction, or "Show the answer")."""
        return bool(self.answer_text)

    def check(self, prediction: Any) -> str:
        """Judge ``prediction`` (a number, or one of the choices) as the page does; the verdict."""
        n = int(self.feedback.get("n", 0)) + 1
        if self.kind == "choice":
            labels = self.choices
            key = str(prediction)
            index = labels.index(key) if key in labels else -1
            self.submission = {"n": n, "choice": index}
        else:
            self.submission = {"n": n, "value": prediction}
        return self.feedback["message"]

    def reveal(self) -> str:
        """Show the measured answer and why, whatever was predicted."""
        self.submission = {"n": int(self.feedback.get("n", 0)) + 1, "reveal": True}
        return self.feedback["message"]

    def _on_submission(self, change: dict) -> None:
        sub = change["new"]
        n = sub.get("n", 0)
        try:
            if sub.get("reveal"):
                verdict, message = "revealed", f"The simulator measures {self._answer_text}."
            elif self.kind == "choice":
                verdict, message = self._judge_choice(sub.get("choice"))
            else:
                verdict, message = self._judge_number(sub.get("value"))
        except (TypeError, ValueError) as error:
            self.feedback = {"n": n, "verdict": "invalid", "message": str(error)}
            return
        with self.hold_sync():
            if verdict in ("right", "close", "revealed"):
                self.answer_text = self._answer_text
                self.why = self._why
            self.feedback = {"n": n, "verdict": verdict, "message": message}

    def _judge_choice(self, index: Any) -> tuple[str, str]:
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError(f"pick one of the options: {', '.join(self.choices)}")
        if not 0 <= index < len(self.choices):
            raise ValueError(f"pick one of the options: {', '.join(self.choices)}")
        self.attempts.append(self.choices[index])
        if index == self._answer_index:
            return "right", f"Right: the simulator measures {self._answer_text}."
        return "wrong", f"Not {self.choices[index]}. Try another option, or show the answer."

    def _judge_number(self, value: Any) -> tuple[str, str]:
        if not _is_number(value) or not math.isfinite(value):
            raise TypeError(f"a prediction must be a finite number, got {value!r}")
        if self.kind == "magnitude" and value <= 0:
            raise ValueError(
                f"an order of magnitude needs a positive number such as 1e-3, got {value}"
            )
        self.attempts.append(value)
        answer, said = self._answer, number_text(value)
        measured = f"the simulator measures {self._answer_text}"
        if self.kind == "magnitude":
            decades = math.log10(value / answer)
            if abs(decades) <= 0.5:
                return "right", f"Right order of magnitude: you said {said}, {measured}."
            n = max(1, round(abs(decades)))
            way = "too high" if decades > 0 else "too low"
            plural = "s" if n > 1 else ""
            return "wrong", f"Not yet: {said} is about {n} order{plural} of magnitude {way}."
        if value == answer:
            return "right", f"Right: {measured}."
        if abs(value - answer) <= self._tolerance * abs(answer):
            return (
                "close",
                f"Close enough (within {self._tolerance * 100:.3g}%): you said {said}, {measured}.",
            )
        return "wrong", f"Not yet: {said} is {_how_far(value, answer)}."

    # -- text ------------------------------------------------------------------------------------
    def __repr__(self) -> str:
        lines = [f"Predict, then reveal: {self.question}"]
        if self.kind == "choice":
            lines.append("Options: " + " | ".join(self.choices))
        lines.append(f"Answer sealed until you predict: run the cell (check {self.seal}).")
        return "\n".join(lines)

    @property
    def seal(self) -> str:
        """Eight hex digits that change whenever the measured answer or its why changes.

        The stored text of a quiz cell carries this seal instead of the answer, so a notebook
        opened without running it (or its file, or a static render) does not give the answer
        away, while nbval, comparing the stored text, still fails when a re-run measures a
        different answer. ``quiz.reveal()`` shows the answer to an author.
        """
        digest = hashlib.sha256(f"{self._answer_text}\n{self._why}".encode()).hexdigest()
        return digest[:8]

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        # ipywidgets writes repr(self) cut at 110 characters; a static render and nbval get
        # the whole question and the seal of the answer (the widget view never shows this).
        bundle_ = super()._repr_mimebundle_(**kwargs)
        data = bundle_[0] if isinstance(bundle_, tuple) else bundle_
        if isinstance(data, dict):
            data["text/plain"] = repr(self)
        return bundle_


def _how_far(value: float, answer: float) -> str:
    """How far a wrong number is from the answer, without giving the answer away."""
    way = "too high" if value > answer else "too low"
    if answer == 0 or value == 0 or (value > 0) != (answer > 0):
        return way
    ratio = value / answer
    if ratio >= 2:
        return f"about {ratio:.0f}× too high" if ratio >= 10 else f"about {ratio:.1f}× too high"
    if ratio <= 0.5:
        return (
            f"about {1 / ratio:.0f}× too low" if ratio <= 0.1 else f"about {1 / ratio:.1f}× too low"
        )
    percent = abs(ratio - 1) * 100
    return f"{way}, by less than 1%" if percent < 1 else f"{way}, by about {percent:.0f}%"


def predict(
    question: str,
    answer: Any,
    *,
    why: str,
    choices: list | tuple | None = None,
    tolerance: float | None = None,
    magnitude: bool = False,
) -> Quiz:
    # Quiz's parameters, spelled out so that help(), tab completion and the errors of a
    # wrong call name predict() and its parameters (tests/widgets/test_quiz.py checks they
    # stay Quiz's, defaults included); the doc is Quiz's, below.
    return Quiz(
        question, answer, why=why, choices=choices, tolerance=tolerance, magnitude=magnitude
    )


predict.__doc__ = Quiz.__doc__  # one source for the parameter docs (help(), Jupyter's ?)
