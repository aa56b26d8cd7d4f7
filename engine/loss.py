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

    With a = σ(z) and y in {0, 1}, −[y log a + (1 − y) log(1 − a)] = softplus((1 − 2y)·z).
    Computed from A2 instead, log(1 − a) is −inf once σ(z) rounds to 1 (z > 37), though the
    true cost is only about z. `signs` is `label_signs(Y)`; `scratch` is a (1, m) buffer.
    """
    with np.errstate(over="ignore"):
        return cross_entropy_from_logits_unguarded(Z2, signs, scratch)


def cross_entropy_from_logits_unguarded(
    Z2: np.ndarray, signs: np.ndarray, scratch: np.ndarray
) -> float:
    """`cross_entropy_from_logits` for a caller that already ignores overflow (Stepper.run).

    softplus(t) = log(1 + eᵗ) is taken as log1p(exp(t)): exact to rounding wherever eᵗ is
    finite, and numpy's exp and log1p run vectorised, several times faster than
    `np.logaddexp(0, t)`. eᵗ overflows only for t > 709, an example wrong with a confidence
    the course never reaches; the sum is then inf, and the cost is taken again with
    `np.logaddexp(0, t)` = max(t, 0) + log1p(e^−|t|), which never overflows.
    """
    terms = np.multiply(signs, Z2, out=scratch)
    np.exp(terms, out=terms)
    np.log1p(terms, out=terms)
    total = float(np.add.reduce(terms, axis=None))
    if not math.isfinite(total):  # eᵗ overflowed, or Z2 itself is not finite
        np.multiply(signs, Z2, out=terms)
        np.logaddexp(0.0, terms, out=terms)
        total = float(np.add.reduce(terms, axis=None))
    return total / Z2.shape[1]


def cross_entropy(A2: np.ndarray, Y: np.ndarray) -> float:
    """J from the probabilities A2 (1, m), as the course computes it.

    A probability of exactly 0 or 1 (σ(z) rounded, for |z| > 37) is read as the nearest float
    inside (0, 1), so the cost stays finite; pass the logits to `cross_entropy_from_logits` for
    the exact value in that regime.
    """
    a = np.clip(A2, np.finfo(np.float64).tiny, np.nextafter(1.0, 0.0))
    m = A2.shape[1]
    return float(-(np.dot(Y, np.log(a).T) + np.dot(1 - Y, np.log1p(-a).T)).item() / m)
