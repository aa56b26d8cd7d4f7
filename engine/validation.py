"""Checks on values a user passes in, each failing with a one-line StepnetError."""

from __future__ import annotations

import math

import numpy as np

from engine.errors import StepnetError

# Past this many hidden units the buffers alone outgrow any machine a class would use, and the
# picture stops teaching anything.
MAX_HIDDEN_UNITS = 4096
# The four (n_h, m) buffers of a workspace may take at most this much memory.
MAX_BUFFER_BYTES = 8 * 2**30


def as_features(X) -> np.ndarray:
    """X as a C-contiguous float64 (n_x, m) array."""
    array = np.asarray(X, dtype=np.float64)
    if array.ndim != 2 or 0 in array.shape:
        raise StepnetError(
            f"X has shape {array.shape}; it must be (n_x, m): one column per example"
        )
    if not np.isfinite(array).all():
        raise StepnetError("X holds NaN or Inf; every feature value must be finite")
    return np.ascontiguousarray(array)


def as_labels(Y, m: int | None = None) -> np.ndarray:
    """Y as a float64 (1, m) array of 0.0 and 1.0, from booleans, integers or floats."""
    array = np.asarray(Y)
    if array.ndim == 1:
        array = array[np.newaxis, :]
    if array.ndim != 2 or array.shape[0] != 1:
        raise StepnetError(f"Y has shape {array.shape}; it must be (1, m): one label per example")
    if m is not None and array.shape[1] != m:
        raise StepnetError(f"Y has {array.shape[1]} labels but X has {m} examples; give one each")
    labels = array.astype(np.float64)
    bad = ~((labels == 0.0) | (labels == 1.0))
    if bad.any():
        raise StepnetError(
            f"labels must be 0 or 1, but Y holds {array.ravel()[bad.ravel()][0]!r}; "
            "relabel the two classes as 0 and 1"
        )
    return labels


def check_hidden_units(n_h: int, m: int) -> int:
    if isinstance(n_h, bool) or not isinstance(n_h, int | np.integer):
        raise StepnetError(f"hidden units must be a whole number, not {n_h!r}")
    if n_h < 1:
        raise StepnetError(f"hidden units n_h={n_h}: a hidden layer needs at least 1 unit")
    if n_h > MAX_HIDDEN_UNITS:
        raise StepnetError(
            f"hidden units n_h={n_h} is more than stepnet allows ({MAX_HIDDEN_UNITS}); use fewer"
        )
    needed = 4 * n_h * m * 8
    if needed > MAX_BUFFER_BYTES:
        raise StepnetError(
            f"n_h={n_h} hidden units on m={m} examples needs {needed / 2**30:.1f} GiB of buffers "
            f"(at most {MAX_BUFFER_BYTES / 2**30:.0f} GiB): use fewer units or examples"
        )
    return int(n_h)


def check_learning_rate(learning_rate: float) -> float:
    try:
        value = float(learning_rate)
    except (TypeError, ValueError):
        raise StepnetError(f"learning rate {learning_rate!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise StepnetError(
            f"learning rate {learning_rate!r} must be a finite number above 0, e.g. 1.2"
        )
    return value


def check_iterations(iterations: int) -> int:
    if isinstance(iterations, bool) or not isinstance(iterations, int | np.integer):
        raise StepnetError(f"iterations must be a whole number, not {iterations!r}")
    if iterations < 0:
        raise StepnetError(f"iterations={iterations}: give 0 or more")
    return int(iterations)


def check_scale(scale: float) -> float:
    value = float(scale)
    if not math.isfinite(value) or value < 0:
        raise StepnetError(f"init scale {scale!r} must be a finite number ≥ 0, e.g. 0.01")
    return value


MAX_SEED = 2**32 - 1  # np.random.RandomState, which the course's initialization uses, takes these


def check_seed(seed: int) -> int:
    whole = isinstance(seed, int | np.integer) and not isinstance(seed, bool)
    if not whole or not 0 <= seed <= MAX_SEED:
        raise StepnetError(f"seed {seed!r} must be a whole number from 0 to {MAX_SEED}")
    return int(seed)
