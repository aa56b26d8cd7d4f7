"""Sweeps as pictures: one small decision boundary per value of n_h, α or the seed.

The course's notebook draws a boundary per hidden-layer size; this does the same for any of the
three settings: each value trains a fresh run from the session's settings with that one changed,
for the same number of iterations on the same data, and keeps its accuracy and the boundary on
a small grid (A2 quantised as the boundary panel shades it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.config import RunConfig
from engine.diagnostics import accuracy as training_accuracy
from engine.errors import StepnetError
from engine.functional import forward
from tui.session.plotting import LEVELS_PER_CLASS, data_bounds, grid_inputs, quantise

SETTINGS = {"n_h": "hidden", "alpha": "learning_rate", "seed": "seed"}
MAX_VALUES = 12  # a picture each: more would not fit a screen, nor a wait
MAX_ITERATIONS = 5000  # per value, as the course's notebook trains each hidden size
EXAMPLE = "n_h 1 2 3 4 5 20 50 · alpha 0.1 0.5 1.2 2.4 · seed 1 2 3 4"


@dataclass(frozen=True)
class SweepPicture:
    value: float | int
    accuracy: float | None  # on the training examples; None when the run went NaN or Inf
    shades: np.ndarray | None  # (rows, columns) levels 0 … 2L−1 as quantise gives; None then


def parse_sweep(text: str) -> tuple[str, tuple[float | int, ...]]:
    """('n_h', (1, 2, 3)) from 'n_h 1 2 3'; StepnetError saying the form otherwise."""
    words = re.split(r"[\s,]+", text.strip()) if isinstance(text, str) else []
    if len(words) < 2 or words[0] not in SETTINGS:
        raise StepnetError(f"cannot read sweep {text!r}: write e.g. {EXAMPLE}")
    if len(words) - 1 > MAX_VALUES:
        raise StepnetError(f"a sweep takes at most {MAX_VALUES} values, not {len(words) - 1}")
    number = float if words[0] == "alpha" else int
    try:
        values = tuple(number(word) for word in words[1:])
    except ValueError:
        kind = "numbers" if number is float else "whole numbers"
        raise StepnetError(f"{words[0]} takes {kind}: write e.g. {EXAMPLE}") from None
    return words[0], values


def sweep_pictures(
    config: RunConfig,
    data: tuple[np.ndarray, np.ndarray],
    setting: str,
    values: tuple,
    iterations: int,
    size: tuple[int, int],
    cancel: Callable[[], bool] | None = None,
) -> list[SweepPicture]:
    """A picture per value: `iterations` of a fresh run with `setting` (n_h, alpha or seed) set
    to it; StepnetError for a value the settings refuse (before any run)."""
    configs = [config.with_changes(**{SETTINGS[setting]: value}) for value in values]
    X, Y = data
    columns, rows = size
    grid = grid_inputs(X, data_bounds(X), columns, rows)
    pictures = []
    for value, changed in zip(values, configs, strict=True):
        if cancel is not None and cancel():
            break
        stepper = changed.stepper(data)
        result = stepper.run(iterations)
        params = stepper.parameters()
        if result.reason != "done" or not all(np.isfinite(p).all() for p in params.values()):
            pictures.append(SweepPicture(value, None, None))
            continue
        A2_grid = forward(params, grid, changed.activation)["A2"].reshape(rows, columns)
        accuracy = training_accuracy(params, X, Y, changed.activation)
        pictures.append(SweepPicture(value, accuracy, quantise(A2_grid, LEVELS_PER_CLASS)))
    return pictures
