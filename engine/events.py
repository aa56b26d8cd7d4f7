"""An event: one step of one iteration, with everything a panel or a trace line shows."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from engine.display import displays_as, render_event
from engine.steps import Step


@displays_as(render_event)  # a table in a notebook
class Event(NamedTuple):
    """Step `index` (0–14) of iteration `iteration` (0-based), after it was computed.

    `value` is a read-only array with one row (or column) per hidden unit, or a float for the
    cost. `operands` pairs each operand's name with its concrete shape. A named tuple, because
    the event path makes fifteen of these an iteration and they must be cheap.
    """

    iteration: int
    index: int
    step: Step
    code: str
    operands: tuple[tuple[str, tuple[int, ...]], ...]
    value: np.ndarray | float

    @property
    def name(self) -> str:
        return self.step.name

    @property
    def phase(self) -> str:
        return self.step.phase

    @property
    def layer(self) -> int | None:
        return self.step.layer

    @property
    def formula(self) -> str:
        return self.step.formula

    @property
    def shape(self) -> tuple[int, ...]:
        return () if isinstance(self.value, float) else self.value.shape

    @property
    def finite(self) -> bool:
        if isinstance(self.value, float):
            return bool(np.isfinite(self.value))
        return bool(np.isfinite(self.value).all())

    def to_json(self) -> dict:
        """Plain JSON-ready fields; the value as nested lists of numbers to JSON_DIGITS
        significant digits.

        The last digits of a value are rounding noise that differs from one machine's BLAS to
        another's, and more of them where a sum nearly cancels (db[1] is about 1e-8, from
        terms of 1e-3): 10 digits keep far more than a learner compares against (the course
        checks to 1e-5) and make a trace read the same on every machine.
        """
        value = _rounded(self.value)
        return {
            "iteration": self.iteration,
            "index": self.index,
            "step": self.name,
            "phase": self.phase,
            "layer": self.layer,
            "shape": list(self.shape),
            "formula": self.formula,
            "code": self.code,
            "operands": {name: list(shape) for name, shape in self.operands},
            "value": value,
        }


JSON_DIGITS = 10


def _rounded(value: np.ndarray | float) -> list | float:
    if isinstance(value, float):
        return float(f"{value:.{JSON_DIGITS}g}")
    return [[float(f"{entry:.{JSON_DIGITS}g}") for entry in row] for row in value.tolist()]
