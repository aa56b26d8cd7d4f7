"""Questions to ask of a network's state, computed on demand from its actual values.

Nothing here trusts the engine's own bookkeeping (engine.units): symmetry is measured on the
parameters themselves, gradients are checked against finite differences of the cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from engine.activations import get_activation, sigmoid
from engine.display import displays_as, render_linear_collapse, render_symmetry
from engine.functional import backward, cost, forward, predict
from engine.mistakes.factory import mistaken_gradients
from engine.shapes import PARAMETER_NAMES


def accuracy(params: Mapping[str, np.ndarray], X, Y, activation: str = "tanh") -> float:
    """Share of examples whose predicted label equals Y, in [0, 1]."""
    return float(np.mean(predict(params, X, activation) == np.asarray(Y)))


@displays_as(render_symmetry)
@dataclass(frozen=True)
class Symmetry:
    """Which hidden units are exactly identical (rows of W1, b1 and columns of W2 alike)."""

    groups: tuple[tuple[int, ...], ...]  # units in the same tuple are identical; all units listed
    max_difference: float  # the largest |difference| between any two units' parameters

    @property
    def n_units(self) -> int:
        return sum(len(group) for group in self.groups)

    @property
    def identical_units(self) -> int:
        """How many units share their values with at least one other unit."""
        return sum(len(group) for group in self.groups if len(group) > 1)

    @property
    def all_identical(self) -> bool:
        return len(self.groups) == 1


def symmetry(params: Mapping[str, np.ndarray]) -> Symmetry:
    rows = np.hstack([params["W1"], params["b1"], np.asarray(params["W2"]).T])
    groups: dict[bytes, list[int]] = {}
    for unit, row in enumerate(rows):
        # +0.0 turns -0.0 into 0.0, so the two zeros count as the same value
        groups.setdefault((row + 0.0).tobytes(), []).append(unit)
    spread = float(np.ptp(rows, axis=0).max()) if len(rows) > 1 else 0.0
    return Symmetry(tuple(tuple(group) for group in groups.values()), spread)


def saturation(Z1: np.ndarray, activation: str) -> float | None:
    """Share of the entries of Z1 where g is flat (|z| past the knee, g' < about 0.07).

    None for activations that never flatten (ReLU, leaky ReLU, linear).
    """
    threshold = get_activation(activation).flat_threshold
    if threshold is None:
        return None
    return float(np.mean(np.abs(Z1) > threshold))


def dead_units(Z1: np.ndarray) -> tuple[int, ...]:
    """Hidden units whose Z1 is negative on every example: a dead ReLU never learns again."""
    return tuple(int(unit) for unit in np.flatnonzero((Z1 < 0).all(axis=1)))


def gradient_check(
    params: Mapping[str, np.ndarray],
    X,
    Y,
    activation: str = "tanh",
    epsilon: float = 1e-6,
    mistake: str | None = None,
) -> dict[str, float]:
    """Per parameter, ‖numerical − analytic‖ over that parameter's entries, divided by
    ‖numerical‖ + ‖analytic‖ over the WHOLE gradient (all of dW1, db1, dW2, db2).

    The numerical gradient is the centred difference (J(θ + ε) − J(θ − ε)) / 2ε for every
    entry. How to read it: below about 1e-7, backpropagation is right for that parameter;
    1e-7 to 1e-5, look closer; above 1e-3, that parameter's gradient is wrong.

    The denominator is the course's whole-vector one, split by parameter, and not each
    parameter's own norm: a centred difference cannot resolve much below u·J/ε ≈ 1e-10 per
    entry (u the float64 rounding unit), so a gradient that is itself tiny — db1 is about
    1e-8 on the flower at the course's start — would be judged against its own size and
    look wrong (3.5e-4 for b1) while being right. Against the whole gradient, a wrong
    parameter still shows: a dW1 1% off gives about 1e-3. With a `mistake`, the analytic
    gradient is the one its backward pass computes (engine.mistakes.catalogue).
    """
    params = {name: np.array(params[name], dtype=np.float64) for name in PARAMETER_NAMES}
    if mistake is None:
        analytic = backward(params, forward(params, X, activation), X, Y, activation)
    else:
        analytic = mistaken_gradients(params, X, Y, activation, mistake)

    def cost_at(trial):
        cache = forward(trial, X, activation)
        return cost(cache["A2"], Y, Z2=cache["Z2"])

    numerical = {}
    for name in PARAMETER_NAMES:
        numerical[name] = np.zeros_like(params[name])
        for index in np.ndindex(params[name].shape):
            trial = {key: value.copy() for key, value in params.items()}
            trial[name][index] += epsilon
            plus = cost_at(trial)
            trial[name][index] -= 2 * epsilon
            minus = cost_at(trial)
            numerical[name][index] = (plus - minus) / (2 * epsilon)
    whole = np.sqrt(sum(np.sum(numerical[name] ** 2) for name in PARAMETER_NAMES)) + np.sqrt(
        sum(np.sum(analytic["d" + name] ** 2) for name in PARAMETER_NAMES)
    )
    report = {}
    for name in PARAMETER_NAMES:
        difference = float(np.linalg.norm(numerical[name] - analytic["d" + name]))
        report[name] = 0.0 if whole == 0 else difference / float(whole)
    return report


@displays_as(render_linear_collapse)
@dataclass(frozen=True)
class LinearCollapse:
    """With g(z) = z the network is logistic regression: A2 = σ(W'X + b')."""

    W_prime: np.ndarray  # W2·W1, (1, n_x)
    b_prime: np.ndarray  # W2·b1 + b2, (1, 1)
    max_difference: float  # max |A2 − σ(W'X + b')| over the examples


def collapsed_parameters(params: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """W' = W2·W1, (1, n_x), and b' = W2·b1 + b2, (1, 1): the one layer that two linear
    layers make, W2(W1x + b1) + b2 = W'x + b'."""
    return params["W2"] @ params["W1"], params["W2"] @ params["b1"] + params["b2"]


def linear_collapse(params: Mapping[str, np.ndarray], X) -> LinearCollapse:
    W_prime, b_prime = collapsed_parameters(params)
    A2 = forward(params, X, "linear")["A2"]
    difference = float(np.max(np.abs(A2 - sigmoid(W_prime @ np.asarray(X) + b_prime))))
    return LinearCollapse(W_prime, b_prime, difference)
