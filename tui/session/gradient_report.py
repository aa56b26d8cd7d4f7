"""The numerical gradient check, read for a learner: one verdict per parameter.

engine.diagnostics.gradient_check gives each parameter's difference between the numerical and
the analytic gradient, measured against the whole gradient's size (right for tiny gradients
such as db1 at the course's start). The bands are the ones its docstring gives. With a mistake
made on purpose, the analytic gradient is the mistaken backward pass's, so the check catches the
mistakes that change a gradient, and a gradient of the wrong shape is caught before any number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from engine.diagnostics import gradient_check
from engine.errors import StepnetError
from engine.mistakes.checked_numpy import ShapeMismatch

# (upper bound, verdict), in order: a difference below the bound gets the verdict
BANDS = ((1e-7, "right"), (1e-5, "look closer"), (1e-3, "probably wrong"), (np.inf, "wrong"))


@dataclass(frozen=True)
class GradientReport:
    differences: Mapping[str, float]  # W1 … b2 → relative difference; empty if none computed
    problem: str | None = None  # why no numbers: a gradient whose shape is wrong

    @property
    def all_right(self) -> bool:
        return self.problem is None and all(
            verdict(d) == "right" for d in self.differences.values()
        )

    def summary(self) -> str:
        """One line for the status bar."""
        if self.problem is not None:
            return f"gradient check: caught before any number: {self.problem}"
        worst = max(self.differences, key=self.differences.get)
        if self.all_right:
            largest = self.differences[worst]
            return (
                f"gradient check: every gradient right (largest difference {largest:.1e}, d{worst})"
            )
        wrong = [name for name, d in self.differences.items() if verdict(d) != "right"]
        verb = "disagrees" if len(wrong) == 1 else "disagree"
        return (
            f"gradient check: d{', d'.join(wrong)} {verb} with the numerical gradient "
            f"(worst d{worst}: {self.differences[worst]:.1e}, {verdict(self.differences[worst])})"
        )


def verdict(difference: float) -> str:
    for bound, word in BANDS:
        if difference < bound:
            return word
    return "wrong"  # NaN: no agreement to speak of


def check_gradients(
    params: Mapping[str, np.ndarray], X, Y, activation: str, mistake: str | None
) -> GradientReport:
    try:
        return GradientReport(gradient_check(params, X, Y, activation, mistake=mistake))
    except (ShapeMismatch, StepnetError) as error:
        return GradientReport({}, str(error).splitlines()[0])


def gradient_table(report: GradientReport):
    """The report as a Rich table: a row per parameter, its difference and verdict."""
    from rich.table import Table

    table = Table(title="gradient check: numerical vs backpropagation", title_justify="left")
    table.add_column("gradient")
    table.add_column("difference", justify="right")
    table.add_column("verdict")
    for name, difference in report.differences.items():
        word = verdict(difference)
        # bold rather than a colour: a Rich table in the app does not follow the theme
        style = None if word == "right" else "bold"
        table.add_row(f"d{name}", f"{difference:.2e}", word, style=style)
    table.caption = report.problem or "right < 1e-7 ≤ look closer < 1e-5 ≤ probably wrong < 1e-3"
    return table
