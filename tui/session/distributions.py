"""Distributions over iterations, TensorBoard's view for stepnet: W1, dW1 and A1 as a strip.

Each column of the strip is one iteration of the run so far, evenly spread from iteration 0 to
the latest whole one, each row a bin of values, a cell's shade how many entries fall in its bin.
W1 and dW1 are binned symmetrically around 0 on their largest |value| over the iterations shown.
A1, for an activation that flattens (tanh, sigmoid), has g's flat ends as its outer rows: the
entries whose z is past the knee, exactly as engine.diagnostics.saturation counts them, and equal
bins of a in between; a hidden layer sliding into saturation shows as those rows filling up.
Other activations' A1 has equal bins over the values it takes.

The values come from the stepper itself, exactly: it goes to each sampled iteration's end and
back to where it stood, so the cost is one rebuild from a checkpoint per column (a few dozen
iterations each), not a record of every iteration kept all along.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.activations import get_activation
from engine.stepper import Stepper
from engine.steps import STEPS_PER_ITERATION

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
    # |z| beyond which g is flat, when the outer bins hold the entries past it (A1 of tanh or
    # sigmoid: its saturation) and the bins between split g(−this) … g(this); None: equal bins
    flat_beyond: float | None = None

    def saturation(self) -> np.ndarray | None:
        """Per column, the share of entries where g is flat (None without flat rows)."""
        if self.flat_beyond is None:
            return None
        return (self.counts[0] + self.counts[-1]) / self.entries


@dataclass(frozen=True)
class Distributions:
    iterations: np.ndarray  # (columns,) the iteration each column shows
    strips: tuple[ValueStrip, ...]


def distributions(stepper: Stepper, columns: int, bins: int) -> Distributions | None:
    """The strips for up to `columns` iterations of the run so far (whole iterations before the
    cursor), the first and the latest among them; None before the first whole iteration. The
    stepper ends where it started."""
    done = stepper.cursor // STEPS_PER_ITERATION
    if done == 0:
        return None
    origin = stepper.cursor
    shown = _spread(done, min(columns, done))
    samples: dict[str, list[np.ndarray]] = {name: [] for name in (*QUANTITIES, "Z1")}
    try:
        for iteration in shown:
            # the end of the iteration: its A1 and dW1, from the W1 it began with
            stepper.goto((int(iteration) + 1) * STEPS_PER_ITERATION)
            state = stepper.state()
            samples["W1"].append(stepper.iteration_start_parameters()["W1"].ravel())
            samples["dW1"].append(np.array(state["dW1"]).ravel())
            samples["A1"].append(np.array(state["A1"]).ravel())
            samples["Z1"].append(np.array(state["Z1"]).ravel())
    finally:
        stepper.goto(origin)
    activation = stepper.activation.name
    flat_beyond = get_activation(activation).flat_threshold
    strips = tuple(
        _saturation_strip(samples["A1"], samples["Z1"], bins, activation, flat_beyond)
        if name == "A1" and flat_beyond is not None and bins >= 3
        else _strip(name, samples[name], bins, activation)
        for name in QUANTITIES
    )
    return Distributions(shown, strips)


def _spread(done: int, count: int) -> np.ndarray:
    """`count` iterations from 0 to done − 1, evenly apart (whole numbers: no rounding)."""
    if count == 1:
        return np.array([done - 1])
    return np.unique((np.arange(count) * (done - 1)) // (count - 1))


def _saturation_strip(
    A1: list[np.ndarray], Z1: list[np.ndarray], bins: int, activation: str, flat_beyond: float
) -> ValueStrip:
    """A1 with g's flat ends as its outer bins: the entries with z < −flat_beyond, or z >
    flat_beyond; equal bins of a between g(−flat_beyond) and g(flat_beyond)."""
    low, high = ACTIVATION_RANGES[activation]
    g = get_activation(activation)
    knee_low, knee_high = float(g.value(-flat_beyond)), float(g.value(flat_beyond))
    edges = np.linspace(knee_low, knee_high, bins - 1)
    columns = []
    for a, z in zip(A1, Z1, strict=True):
        between = np.abs(z) <= flat_beyond  # NaN in neither: it is in no bin, as np.histogram
        # g rounds monotonically in theory; a clip keeps a last-bit slip in the end bins
        inner, _ = np.histogram(np.clip(a[between], knee_low, knee_high), bins=edges)
        columns.append([np.sum(z < -flat_beyond), *inner, np.sum(z > flat_beyond)])
    counts = np.array(columns, dtype=np.intp).T
    return ValueStrip("A1", low, high, counts, len(A1[0]), flat_beyond)


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
