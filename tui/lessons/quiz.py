"""Quiz mode: before a chosen step is revealed, the learner predicts its shape, sign or value.

A lesson names the steps for each kind of question ([quiz] in the lesson file). The question is
asked before the step is computed; the answer is marked against the step's real value once it
is, and the score kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from engine.events import Event
from engine.shapes import PARAMETER_NAMES
from tui.lessons.lesson_file import Quiz
from tui.session.formatting import number, shape

VALUE_TOLERANCE = 0.1  # a predicted value counts if within 10% of the real one


@dataclass(frozen=True)
class Question:
    step: str
    kind: str  # "shape", "sign" or "value"
    prompt: str
    placeholder: str


@dataclass(frozen=True)
class Score:
    asked: int = 0
    right: int = 0

    def add(self, right: bool) -> Score:
        return Score(self.asked + 1, self.right + int(right))

    def __str__(self) -> str:
        return f"{self.right}/{self.asked} right"


def question_for(quiz: Quiz, step: str, x_shape: tuple[int, int]) -> Question | None:
    """The question to ask before `step` is revealed, if the quiz has one. `x_shape` is the
    lesson's X, (n_x, m): a shape's example is X's own, in the lesson's m."""
    what = _entry(step)
    if step in quiz.shape and step != "cost":
        example = f"e.g. {shape(tuple(x_shape))}, as X is"
        return Question(step, "shape", f"Quiz: what shape will {step} have?", example)
    if step in quiz.sign:
        return Question(step, "sign", f"Quiz: will {what} be + or −?", "+ or -")
    if step in quiz.value or (step == "cost" and step in quiz.shape):
        return Question(step, "value", f"Quiz: what value will {what} have?", "e.g. 0.69")
    return None


def mark(question: Question, answer: str, event: Event) -> tuple[bool, str]:
    """(right, one line of feedback) for `answer` once `event`, the step asked about, is known."""
    assert event.name == question.step, (event.name, question.step)
    value = np.asarray(event.value)
    if question.kind == "shape":
        return _mark_shape(question.step, answer, value.shape)
    first = float(value.flat[0])
    if question.kind == "sign":
        said = answer.strip().replace("−", "-")
        what = _entry(question.step)
        if said not in ("+", "-", "0"):
            return False, f"answer + or −; {what} is {number(first)}"
        actual = "0" if first == 0 else ("+" if first > 0 else "-")
        verdict = "✓" if said == actual else "✗"
        return said == actual, f"{verdict} {what} is {number(first)}"
    what = _entry(question.step)
    try:
        guess = float(answer.replace("−", "-"))
    except ValueError:
        return False, f"{answer!r} is not a number; {what} is {number(first)}"
    right = abs(guess - first) <= VALUE_TOLERANCE * abs(first)
    verdict = "✓ within 10%:" if right else "✗ not within 10%:"
    return right, f"{verdict} {what} is {number(first)} (you said {number(guess)})"


def _entry(step: str) -> str:
    """The cost is one number; every other step is a matrix, asked about by its entry [0, 0]."""
    return step if step == "cost" else f"{step}[0, 0]"


def _mark_shape(step: str, answer: str, actual: tuple[int, ...]) -> tuple[bool, str]:
    said = tuple(int(n) for n in re.findall(r"\d+", answer))
    if said == actual:
        return True, f"✓ {step} is {shape(actual)}"
    hint = _SHAPE_HINTS.get(step, "")
    return (
        False,
        f"✗ you said {shape(said) if said else repr(answer)}; {step} is {shape(actual)}{hint}",
    )


# why each shape is what it is, for a wrong answer
_SHAPE_HINTS = {
    "Z1": ": one row per hidden unit, one column per example",
    "A1": ": g keeps Z[1]'s shape",
    "Z2": ": one output unit, one column per example",
    "A2": ": σ keeps Z[2]'s shape",
    "dZ2": ": the shape of Z[2]",
    "dW2": ": the shape of W[2]",
    "db2": ": the shape of b[2] (keepdims)",
    "dZ1": ": the shape of Z[1]",
    "dW1": ": the shape of W[1]",
    "db1": ": the shape of b[1] (keepdims)",
    **{name: f": {name} keeps its shape" for name in PARAMETER_NAMES},
}
