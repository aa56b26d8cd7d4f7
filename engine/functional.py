"""The course's functions, one call per phase: forward, cost, backward, update, predict.

For notebooks and for checking an assignment against a reference. Each call runs the catalogue's
kernels (engine.steps) on a fresh workspace, so the numbers are the stepper's numbers, and
identical hidden units stay identical here too. Inputs are never mutated; results are plain
dicts keyed by the slide's names.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from engine.activations import get_activation
from engine.errors import StepnetError
from engine.loss import cross_entropy, cross_entropy_from_logits, label_signs
from engine.parameters import check_parameters
from engine.shapes import PARAMETER_NAMES
from engine.steps import BACKWARD_STEPS, FORWARD_STEPS, descend
from engine.units import UnitGroups
from engine.validation import as_features, as_labels, check_learning_rate
from engine.workspace import Workspace

CACHE_NAMES = tuple(step.name for step in FORWARD_STEPS)  # Z1, A1, Z2, A2
GRADIENT_NAMES = tuple(f"d{name}" for name in PARAMETER_NAMES)  # dW1, db1, dW2, db2


def forward(
    params: Mapping[str, np.ndarray], X: np.ndarray, activation: str = "tanh"
) -> dict[str, np.ndarray]:
    """Z1, A1 (n_h, m) and Z2, A2 (1, m) for inputs X (n_x, m)."""
    X = as_features(X)
    params = check_parameters(params, n_x=X.shape[0])
    ws = Workspace(X, None, params, get_activation(activation), learning_rate=0.0)
    for step in FORWARD_STEPS:
        step.kernel(ws)
    return {name: ws.full(name) for name in CACHE_NAMES}


def cost(A2: np.ndarray, Y: np.ndarray, *, Z2: np.ndarray | None = None) -> float:
    """The cross-entropy cost J of predictions A2 (1, m) against labels Y (1, m).

    Give the logits Z2 as well for the exact cost where σ has rounded to 0 or 1. A2 (and Z2)
    may be 1-D, (m,), and Y boolean, as the course's graded tests pass them.
    """
    Y = as_labels(Y)
    if Z2 is not None:
        Z2 = _as_row(Z2, "Z2", Y.shape[1])
        return cross_entropy_from_logits(Z2, label_signs(Y), np.empty((2, Z2.shape[1])))
    return cross_entropy(_as_row(A2, "A2", Y.shape[1]), Y)


def _as_row(values, name: str, m: int) -> np.ndarray:
    """`values` as a float64 (1, m) row; a 1-D (m,) array is read as that row."""
    try:
        row = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise StepnetError(f"{name} is not an array of numbers") from None
    if row.ndim == 1:
        row = row[np.newaxis, :]
    if row.shape != (1, m):
        raise StepnetError(
            f"{name} has shape {row.shape} but Y has {m} labels: "
            f"give one {name} per label, (1, {m})"
        )
    return row


def backward(
    params: Mapping[str, np.ndarray],
    cache: Mapping[str, np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    activation: str = "tanh",
) -> dict[str, np.ndarray]:
    """dW1, db1, dW2, db2 from the forward cache, as the slides compute them.

    Works from the cache given (tanh' is 1 − A1², from the cached A1), not from a fresh forward
    pass.
    """
    X = as_features(X)
    Y = as_labels(Y, m=X.shape[1])
    params = check_parameters(params, n_x=X.shape[0])
    cached = _check_cache(cache, n_h=params["W1"].shape[0], m=X.shape[1])
    # units are identical here when their parameters *and* their cached rows are
    units = UnitGroups.of_rows(
        np.hstack([params["W1"], params["b1"], params["W2"].T, cached["Z1"], cached["A1"]])
    )
    ws = Workspace(X, Y, params, get_activation(activation), learning_rate=0.0, units=units)
    ws.Z1[...] = units.reduce(cached["Z1"], axis=0)
    ws.A1[...] = units.reduce(cached["A1"], axis=0)
    ws.Z2[...] = cached["Z2"]
    ws.A2[...] = cached["A2"]
    for step in BACKWARD_STEPS:
        step.kernel(ws)
    return {name: ws.full(name) for name in GRADIENT_NAMES}


def update(
    params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray], learning_rate: float = 1.2
) -> dict[str, np.ndarray]:
    """New parameters θ − α·dθ for each of W1, b1, W2, b2; the inputs are left as they were."""
    learning_rate = check_learning_rate(learning_rate)
    params = check_parameters(params, n_x=_features_of(params))
    missing = [name for name in GRADIENT_NAMES if name not in grads]
    if missing:
        raise StepnetError(
            f"grads lack {', '.join(missing)}: pass the dict that engine.backward returned"
        )
    new = {}
    for name in PARAMETER_NAMES:
        parameter = params[name]  # a fresh float64 copy, updated in place below
        try:
            gradient = np.asarray(grads["d" + name], dtype=np.float64)
        except (TypeError, ValueError):
            raise StepnetError(f"grads: d{name} is not an array of numbers") from None
        if gradient.shape != parameter.shape:
            raise StepnetError(
                f"d{name} has shape {gradient.shape} but {name} has {parameter.shape}: "
                "pass the gradients computed for these parameters"
            )
        descend(parameter, gradient, learning_rate, np.empty_like(parameter))
        new[name] = parameter
    return new


def predict(
    params: Mapping[str, np.ndarray], X: np.ndarray, activation: str = "tanh"
) -> np.ndarray:
    """0/1 labels (1, m): 1 where A2 > 0.5, as the course predicts."""
    return (forward(params, X, activation)["A2"] > 0.5).astype(np.int64)


def _features_of(params: Mapping[str, np.ndarray]) -> int:
    """n_x as W1's shape says, or 0 when W1 is missing or malformed (check_parameters names
    that problem)."""
    try:
        shape = np.shape(params["W1"])
    except (KeyError, ValueError):
        return 0
    return shape[1] if len(shape) == 2 else 0


def _check_cache(cache: Mapping[str, np.ndarray], *, n_h: int, m: int) -> dict[str, np.ndarray]:
    missing = [name for name in CACHE_NAMES if name not in cache]
    if missing:
        raise StepnetError(
            f"cache lacks {', '.join(missing)}: pass the dict that engine.forward returned"
        )
    expected = {"Z1": (n_h, m), "A1": (n_h, m), "Z2": (1, m), "A2": (1, m)}
    arrays = {}
    for name, shape in expected.items():
        arrays[name] = np.asarray(cache[name], dtype=np.float64)
        if arrays[name].shape != shape:
            raise StepnetError(
                f"cache {name} has shape {arrays[name].shape} but these parameters and X give "
                f"{shape}: pass the cache from engine.forward on the same X"
            )
    return arrays
