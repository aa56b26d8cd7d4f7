"""Distributions over iterations, TensorBoard's view for stepnet: W1, dW1 and A1 as a strip.

Each column of the strip is one iteration of the run so far (spread over the run as the cost
curve's columns are), each row a bin of values, a cell's shade how many entries fall in its bin.
W1 and dW1 are binned symmetrically around 0 on their largest |value| over the iterations shown;
A1 on the activation's own range where it has one (tanh [−1, 1], sigmoid [0, 1]), so that a
hidden layer sliding into g's flat ends shows as its outer bins filling up: saturation.

The values come from the stepper itself, exactly: it goes to each sampled iteration's end and
back to where it stood, so the cost is one rebuild from a checkpoint per column (a few dozen
iterations each), not a record of every iteration kept all along.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.stepper import Stepper
from engine.steps import STEPS_PER_ITERATION
from tui.session.plotting import bucket_starts

QUANTITIES = ("W1", "dW1", "A1")
# A1's range, for the activations that have one: saturation shows against its ends
ACTIVATION_RANGES = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}


@dataclass(frozen=True)
class ValueStrip:
    name: str
    low: float
    high: float
    counts: np.ndarray  # (bins, columns) entries per bin, bin 0 the lowest values
    entries: int  # entries per column: the size of the array


@dataclass(frozen=True)
class Distributions:
    iterations: np.ndarray  # (columns,) the iteration each column shows
    strips: tuple[ValueStrip, ...]


def distributions(stepper: Stepper, columns: int, bins: int) -> Distributions | None:
    """The strips for up to `columns` iterations of the run so far (whole iterations before the
    cursor); None before the first whole iteration. The stepper ends where it started."""
    done = stepper.cursor // STEPS_PER_ITERATION
    if done == 0:
        return None
    origin = stepper.cursor
    shown = np.unique(bucket_starts(done, min(columns, done)))
    samples: dict[str, list[np.ndarray]] = {name: [] for name in QUANTITIES}
    try:
        for iteration in shown:
            # the end of the iteration: its A1 and dW1, from the W1 it began with
            stepper.goto((int(iteration) + 1) * STEPS_PER_ITERATION)
            state = stepper.state()
            samples["W1"].append(stepper.iteration_start_parameters()["W1"].ravel())
            samples["dW1"].append(np.array(state["dW1"]).ravel())
            samples["A1"].append(np.array(state["A1"]).ravel())
    finally:
        stepper.goto(origin)
    activation = stepper.activation.name
    strips = tuple(_strip(name, samples[name], bins, activation) for name in QUANTITIES)
    return Distributions(shown, strips)


def _strip(name: str, values: list[np.ndarray], bins: int, activation: str) -> ValueStrip:
    stacked = np.vstack(values)  # (columns, entries)
    finite = stacked[np.isfinite(stacked)]
    if name == "A1" and activation in ACTIVATION_RANGES:
        low, high = ACTIVATION_RANGES[activation]
    elif name == "A1":
        low, high = min(0.0, float(finite.min(initial=0.0))), float(finite.max(initial=1.0))
    else:
        largest = float(np.abs(finite).max(initial=0.0)) or 1.0
        low, high = -largest, largest
    edges = np.linspace(low, high, bins + 1)
    counts = np.stack([np.histogram(column, bins=edges)[0] for column in stacked], axis=1)
    return ValueStrip(name, low, high, counts, stacked.shape[1])
