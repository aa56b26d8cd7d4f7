"""`train`: the fast path from data to trained parameters, like the course's nn_model."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from engine.errors import StepnetError
from engine.parameters import initialize
from engine.stepper import DEFAULT_TOLERANCE, Stepper
from engine.validation import as_features, check_hidden_units, check_iterations, check_scale


def train(
    X: np.ndarray,
    Y: np.ndarray,
    n_h: int = 4,
    *,
    activation: str = "tanh",
    learning_rate: float = 1.2,
    iterations: int = 10_000,
    params: Mapping[str, np.ndarray] | None = None,
    init: str = "random",
    scale: float = 0.01,
    seed: int = 3,
    tolerance: float | None = None,
) -> dict[str, np.ndarray]:
    """Trained W1, b1, W2, b2 after exactly `iterations` iterations of gradient descent.

    Starts from `params` when given, else from `init` ('random' × `scale` with `seed`, 'zeros',
    'constant:C' or an .npz path). With a `tolerance`, stops early once |ΔJ| < tolerance for 10
    iterations in a row. Raises StepnetError if a value becomes NaN or Inf.
    """
    X = as_features(X)
    n_h = check_hidden_units(n_h, X.shape[1])
    iterations = check_iterations(iterations)
    if params is None:
        params = initialize(init, X.shape[0], n_h, scale=check_scale(scale), seed=seed)
    stepper = Stepper(X, Y, params, activation=activation, learning_rate=learning_rate)
    result = stepper.run(
        iterations,
        until_converged=tolerance is not None,
        tolerance=DEFAULT_TOLERANCE if tolerance is None else tolerance,
    )
    if result.reason == "non-finite":
        raise StepnetError(result.message)
    return stepper.parameters()
