"""The cross-entropy cost J, computed so that it stays finite.

J = −(1/m) Σᵢ [y⁽ⁱ⁾ log a⁽ⁱ⁾ + (1 − y⁽ⁱ⁾) log(1 − a⁽ⁱ⁾)], with a = A[2] = σ(Z[2]).
"""

from __future__ import annotations

import math

import numpy as np


def label_signs(Y: np.ndarray) -> np.ndarray:
    """1 − 2y: +1 for label 0 and −1 for label 1, the factor `cross_entropy_from_logits` needs."""
    return 1.0 - 2.0 * Y


def cross_entropy_from_logits(Z2: np.ndarray, signs: np.ndarray, scratch: np.ndarray) -> float:
    """J from the logits Z2 (1, m), exact and finite for any finite Z2.

    With a = σ(z) and y in {0, 1}, −[y log a + (1 − y) log(1 − a)] = softplus((1 − 2y)·z), so J
    is the mean of softplus over the signed logits (see `softplus_sum`). Computed from A2 instead,
    log(1 − a) is −inf once σ(z) rounds to 1 (z > 37), though the true cost is only about z.
    `signs` is `label_signs(Y)`; `scratch` is a (2, m) buffer.
    """
    with np.errstate(over="ignore"):
        return cross_entropy_from_logits_unguarded(Z2, signs, scratch)


def cross_entropy_from_logits_unguarded(
    Z2: np.ndarray, signs: np.ndarray, scratch: np.ndarray
) -> float:
    """`cross_entropy_from_logits` for a caller that already ignores overflow (Stepper.run)."""
    signed, terms = scratch[:1], scratch[1:]
    np.multiply(signs, Z2, out=signed)
    return _softplus_sum(signed, terms) / Z2.shape[1]


def softplus_sum(t: np.ndarray) -> float:
    """The sum over t's elements of softplus(t) = log(1 + eᵗ), exact and finite for finite t.

    Taken as log1p(exp(t)): within an ulp or two wherever eᵗ is finite, and numpy's exp and log1p
    run vectorised, several times faster than `np.logaddexp(0, t)`. eᵗ overflows only for
    t > 709 (for the cost, an example wrong with a confidence the course never reaches); the
    sum is then inf, and it is taken again with `np.logaddexp(0, t)` = max(t, 0) +
    log1p(e^−|t|), which never overflows.
    """
    t = np.asarray(t, dtype=np.float64)
    with np.errstate(over="ignore"):
        return _softplus_sum(t, np.empty_like(t))


def _softplus_sum(t: np.ndarray, terms: np.ndarray) -> float:
    """softplus_sum into the buffer `terms` (t's shape), t left as it was; overflow unguarded."""
    np.exp(t, out=terms)
    np.log1p(terms, out=terms)
    total = float(np.add.reduce(terms, axis=None))
    if not math.isfinite(total):  # eᵗ overflowed, or t itself is not finite
        np.logaddexp(0.0, t, out=terms)
        total = float(np.add.reduce(terms, axis=None))
    return total


def cross_entropy(A2: np.ndarray, Y: np.ndarray) -> float:
    """J from the probabilities A2 (1, m), as the course computes it.

    A probability of exactly 0 or 1 (σ(z) rounded, for |z| > 37) is read as the nearest float
    inside (0, 1), so the cost stays finite; pass the logits to `cross_entropy_from_logits` for
    the exact value in that regime.
    """
    a = np.clip(A2, np.finfo(np.float64).tiny, np.nextafter(1.0, 0.0))
    m = A2.shape[1]
    return float(-(np.dot(Y, np.log(a).T) + np.dot(1 - Y, np.log1p(-a).T)).item() / m)
