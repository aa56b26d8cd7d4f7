"""Hidden-layer activations g and their derivatives g', as the derivatives slide writes them.

Each activation knows its formula, the numpy line the course would write, and the operand its
derivative is computed from: the slides compute tanh' and σ' from the cached activation A[1]
(1 − a², a(1 − a)) and ReLU' from the sign of Z[1]. The backward step reads that operand from the
cache, exactly as the slides do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.errors import StepnetError

LEAKY_SLOPE = 0.01


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ(z) = 1 / (1 + e^−z), the course's form, finite and warning-free for any finite z.

    For z below about −709, e^−z overflows to inf and 1 / (1 + inf) is 0, which is σ(z) rounded
    to float64: the overflow is the right answer, so its warning is silenced. Works in place
    when `out` is given.
    """
    out = np.negative(z, out=out)  # the first call, which makes `out` when none is given
    with np.errstate(over="ignore"):
        for function, args in sigmoid_calls(out, out)[1:]:
            function(*args)
    return out


def sigmoid_calls(z: np.ndarray, out: np.ndarray) -> tuple:
    """σ(z) into `out` as four in-place ufunc calls, (function, arguments) each: what `sigmoid`
    runs, for the fast path to run inline where overflow is already ignored."""
    return (
        (np.negative, (z, out)),
        (np.exp, (out, out)),
        (np.add, (out, 1.0, out)),
        (np.divide, (1.0, out, out)),
    )


# Every g and g' below writes into `out`, a float64 array of the input's shape: the kernels own
# preallocated buffers, and the fast path must not allocate per iteration.


def _tanh(z, out):
    return np.tanh(z, out=out)


def _tanh_slope(a, out):
    # 1 − a², with a = tanh(z) taken from the cache
    np.multiply(a, a, out=out)
    return np.subtract(1.0, out, out=out)


def _sigmoid(z, out):
    return sigmoid(z, out=out)


def _sigmoid_slope(a, out):
    # a(1 − a), with a = σ(z) taken from the cache
    np.subtract(1.0, a, out=out)
    return np.multiply(a, out, out=out)


def _relu(z, out):
    return np.maximum(z, 0.0, out=out)


def _relu_slope(z, out):
    # 0 for z < 0 and 1 for z ≥ 0: the slide's choice at z = 0
    return np.greater_equal(z, 0.0, out=out, casting="unsafe")


def _leaky_relu(z, out):
    # max(0.01z, z)
    np.multiply(z, LEAKY_SLOPE, out=out)
    return np.maximum(out, z, out=out)


def _leaky_relu_slope(z, out):
    # 0.01 for z < 0 and 1 for z ≥ 0
    out.fill(LEAKY_SLOPE)
    np.copyto(out, 1.0, where=z >= 0.0)
    return out


def _identity(z, out):
    np.copyto(out, z)
    return out


def _unit_slope(z, out):
    out.fill(1.0)
    return out


@dataclass(frozen=True)
class Activation:
    """One choice of hidden activation g, with everything the panels and the kernels need."""

    name: str
    formula: str  # g(z) in the slide's notation
    code: str  # the numpy line computing A1 from Z1
    slope_formula: str  # g'(z) as the derivatives slide gives it
    slope_code: str  # the numpy expression for g'(Z1) in dZ1
    slope_operand: str  # "A1" or "Z1": what g' is computed from
    apply: Callable[..., np.ndarray]
    slope: Callable[..., np.ndarray]
    flat_threshold: float | None  # |z| beyond which g is flat (saturation); None: never flat

    def value(self, z) -> np.ndarray:
        """g(z), element-wise, into a fresh array."""
        z = np.asarray(z, dtype=np.float64)
        return self.apply(z, np.empty_like(z))

    def derivative(self, z) -> np.ndarray:
        """g'(z), computed as the backward step computes it: from a = g(z) or from z."""
        z = np.asarray(z, dtype=np.float64)
        operand = self.value(z) if self.slope_operand == "A1" else z
        return self.slope(operand, np.empty_like(z))


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            name="tanh",
            formula="g(z) = tanh(z)",
            code="np.tanh(Z1)",
            slope_formula="g'(z) = 1 − a²",
            slope_code="(1 - np.power(A1, 2))",
            slope_operand="A1",
            apply=_tanh,
            slope=_tanh_slope,
            flat_threshold=2.0,
        ),
        Activation(
            name="sigmoid",
            formula="g(z) = 1 / (1 + e^−z)",
            code="1 / (1 + np.exp(-Z1))",
            slope_formula="g'(z) = a(1 − a)",
            slope_code="(A1 * (1 - A1))",
            slope_operand="A1",
            apply=_sigmoid,
            slope=_sigmoid_slope,
            flat_threshold=4.0,
        ),
        Activation(
            name="relu",
            formula="g(z) = max(0, z)",
            code="np.maximum(0, Z1)",
            slope_formula="g'(z) = 0 if z < 0, 1 if z ≥ 0",
            slope_code="(Z1 >= 0)",
            slope_operand="Z1",
            apply=_relu,
            slope=_relu_slope,
            flat_threshold=None,
        ),
        Activation(
            name="leaky_relu",
            formula="g(z) = max(0.01z, z)",
            code="np.maximum(0.01 * Z1, Z1)",
            slope_formula="g'(z) = 0.01 if z < 0, 1 if z ≥ 0",
            slope_code="np.where(Z1 >= 0, 1, 0.01)",
            slope_operand="Z1",
            apply=_leaky_relu,
            slope=_leaky_relu_slope,
            flat_threshold=None,
        ),
        Activation(
            name="linear",
            formula="g(z) = z",
            code="Z1",
            slope_formula="g'(z) = 1",
            slope_code="1",
            slope_operand="Z1",
            apply=_identity,
            slope=_unit_slope,
            flat_threshold=None,
        ),
    )
}


def get_activation(name: str) -> Activation:
    """The activation called `name`, or a StepnetError listing the valid names."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        valid = ", ".join(ACTIVATIONS)
        raise StepnetError(f"unknown activation {name!r}: use one of {valid}") from None
