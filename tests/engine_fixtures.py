"""Shared helpers for the engine tests: data, parameters and symmetry checks.

Plain functions rather than pytest fixtures, so the test modules import them explicitly.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from engine import ACTIVATIONS, initialize, load_dataset
from engine.shapes import hidden_axis

ACTIVATION_NAMES = tuple(ACTIVATIONS)  # tanh, sigmoid, relu, leaky_relu, linear


@cache
def flower() -> tuple[np.ndarray, np.ndarray]:
    """The course's flower data set, X (2, 400) and Y (1, 400), shared and read-only.

    Read-only on purpose: the engine keeps a reference to X and Y, and promises never to write
    to them; numpy raises if any code path tries.
    """
    X, Y = load_dataset("flower")
    X.flags.writeable = False
    Y.flags.writeable = False
    return X, Y


def flower_subset(every: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Every `every`-th example of the flower (both classes kept), for the slow per-entry checks."""
    X, Y = flower()
    return X[:, ::every], Y[:, ::every]


def unbalanced_flower() -> tuple[np.ndarray, np.ndarray]:
    """100 flower examples, 67 of class 0 and 33 of class 1. On balanced data all-zero weights
    get an exactly zero gradient; here they do not (b2 always moves, and with σ every weight)."""
    X, Y = flower()
    return X[:, :300:3], Y[:, :300:3]


def random_params(n_h: int = 4, *, n_x: int = 2, scale: float = 0.5, seed: int = 0) -> dict:
    """Random W1, W2 of the given scale and random (non-zero) biases, so every term matters."""
    params = initialize("random", n_x, n_h, scale=scale, seed=seed)
    rng = np.random.default_rng(seed + 1000)
    params["b1"] = rng.normal(scale=scale, size=(n_h, 1))
    params["b2"] = rng.normal(scale=scale, size=(1, 1))
    return params


def units_identical(name: str, value) -> bool:
    """True when every hidden unit's row (or column, for W2 and dW2) of `value` is exactly the
    first unit's; trivially true for arrays without a hidden axis (and the cost)."""
    axis = hidden_axis(name)
    if axis is None:
        return True
    first = np.take(value, [0], axis=axis)
    return bool((value == first).all())


def assert_parameters_symmetric(params: dict, where: str = "") -> None:
    """W1 rows, b1 entries and W2 entries are all exactly equal, checked on the values."""
    w1, b1, w2 = params["W1"], params["b1"], params["W2"]
    assert (w1 == w1[0]).all(), f"{where}: W1 rows differ by up to {np.ptp(w1, axis=0).max()}"
    assert (b1 == b1[0, 0]).all(), f"{where}: b1 entries differ by up to {np.ptp(b1)}"
    assert (w2 == w2[0, 0]).all(), f"{where}: W2 entries differ by up to {np.ptp(w2)}"
