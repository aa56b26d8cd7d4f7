"""The slides' one-example formulas, computed example by example in plain numpy.

The engine computes whole matrices at once; these loops are what the vectorization slides
replace, kept deliberately plain so that lessons can set them beside the engine's matrices and
check that column i of Z[1] is z[1](i), and that dW[1] is the average of the examples' own
dW[1](i) = dz[1](i) x(i)ᵀ (one example's gradients carry no 1/m). The value panel's details
show the same recomputations entry by entry: a column from one example, a gradient entry as
the chain rule's mean over the examples, an update as old − α·dθ, the cost as the mean loss.

`state` is a mapping of the named arrays (X, Y, the parameters and the steps computed so far),
as a stepper's state() or a View's state holds them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from engine.activations import get_activation, sigmoid
from engine.functional import GRADIENT_NAMES
from engine.shapes import PARAMETER_NAMES, SHAPES
from engine.steps import STEP_NAMES

# the steps whose matrices have a column per example, in the order they are computed
EXAMPLE_STEPS = tuple(name for name in STEP_NAMES if SHAPES[name][-1:] == ("m",))
GRADIENT_STEPS = GRADIENT_NAMES
UPDATE_STEPS = PARAMETER_NAMES
LOOP_NAMES = ("Z1", *GRADIENT_NAMES)  # what loop_over_examples gives


def example_forward(params: Mapping[str, np.ndarray], x: np.ndarray, activation: str) -> dict:
    """z[1], a[1], z[2], a[2] for one example x of shape (n_x, 1)."""
    g = get_activation(activation)
    z1 = params["W1"] @ x + params["b1"]
    a1 = g.value(z1)
    z2 = params["W2"] @ a1 + params["b2"]
    return {"z1": z1, "a1": a1, "z2": z2, "a2": sigmoid(z2)}


def example_gradients(
    params: Mapping[str, np.ndarray], x: np.ndarray, y: float, activation: str
) -> dict:
    """dz[2], dW[2], db[2], dz[1], dW[1], db[1] of one example's loss, as the backprop
    intuition slide writes them."""
    g = get_activation(activation)
    cache = example_forward(params, x, activation)
    dz2 = cache["a2"] - y
    dz1 = params["W2"].T @ dz2 * g.derivative(cache["z1"])
    return {
        "dz2": dz2,
        "dW2": dz2 @ cache["a1"].T,
        "db2": dz2,
        "dz1": dz1,
        "dW1": dz1 @ x.T,
        "db1": dz1,
    }


def loop_over_examples(
    params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray, activation: str
) -> dict[str, np.ndarray]:
    """Z1 stacked column by column, and dW1, db1, dW2, db2 as averages of the examples' own."""
    m = X.shape[1]
    Z1 = np.empty((params["W1"].shape[0], m))
    sums: dict[str, np.ndarray] = {}
    for i in range(m):
        x = X[:, i : i + 1]
        Z1[:, i : i + 1] = example_forward(params, x, activation)["z1"]
        for name, value in example_gradients(params, x, float(Y[0, i]), activation).items():
            if name.startswith("d") and name[1] in "Wb":
                sums[name] = sums.get(name, 0.0) + value
    return {"Z1": Z1, **{name: total / m for name, total in sums.items()}}


def hidden_slope(activation: str, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """g'(z) of the hidden layer from z and the cached a = g(z), element-wise, from whichever
    of the two the backward step reads (a for tanh and σ, z for the ReLUs)."""
    g = get_activation(activation)
    operand = a if g.slope_operand == "A1" else z
    operand = np.asarray(operand, dtype=np.float64)
    return g.slope(operand, np.empty_like(operand))


def example_column(
    state: Mapping[str, np.ndarray], name: str, activation: str, i: int
) -> np.ndarray:
    """Column i (numpy index) of step `name`'s matrix, recomputed from example i alone as the
    slide's for-loop computes it: (n[1],) for Z1, A1, dZ1; (1,) for Z2, A2, dZ2."""
    if name == "Z1":
        return state["W1"] @ state["X"][:, i] + state["b1"][:, 0]
    if name == "A1":
        return get_activation(activation).value(state["Z1"][:, i])
    if name == "Z2":
        return state["W2"] @ state["A1"][:, i] + state["b2"][:, 0]
    if name == "A2":
        return sigmoid(state["Z2"][:, i])
    if name == "dZ2":
        return state["A2"][:, i] - state["Y"][:, i]
    if name == "dZ1":
        dz2 = state["A2"][:, i] - state["Y"][:, i]
        slope = hidden_slope(activation, state["Z1"][:, i], state["A1"][:, i])
        return (state["W2"].T @ dz2) * slope
    raise ValueError(f"{name} has no column per example; use one of {', '.join(EXAMPLE_STEPS)}")


@dataclass(frozen=True)
class GradientEntry:
    """One entry of dW1, db1, dW2 or db2 as a mean over the examples: (1/m)·Σᵢ dz(i)·factor(i).

    For layer 2, dz(i) = dz[2](i) = a[2](i) − y(i); for layer 1, dz(i) = dzⱼ[1](i) =
    W[2]ⱼ·dz[2](i)·g'(zⱼ[1](i)). `factor` is aⱼ[1](i) for dW2, xₖ(i) for dW1, 1 for a bias.
    All per-example arrays are (m,).
    """

    name: str
    row: int
    col: int
    dz2: np.ndarray
    slope: np.ndarray | None  # g'(zⱼ[1](i)), layer 1 only
    weight: float | None  # W[2]ⱼ, layer 1 only
    dz: np.ndarray
    factor: np.ndarray
    terms: np.ndarray
    total: float  # Σᵢ terms
    value: float  # total / m: the entry, recomputed
    engine: float  # the entry as the vectorised step computed it


def gradient_entry(
    state: Mapping[str, np.ndarray], name: str, activation: str, row: int, col: int
) -> GradientEntry:
    """The chain rule for entry (row, col) of gradient `name`, recomputed from the forward
    values in `state` (not from the vectorised dZ1 or dZ2)."""
    if name not in GRADIENT_STEPS:
        raise ValueError(f"{name} is not a gradient; use one of {', '.join(GRADIENT_STEPS)}")
    m = np.shape(state["X"])[1]
    dz2 = np.asarray(state["A2"][0] - state["Y"][0], dtype=np.float64)
    slope = weight = None
    if name in ("dW2", "db2"):
        dz = dz2
        factor = state["A1"][col] if name == "dW2" else np.ones(m)
    else:
        slope = hidden_slope(activation, state["Z1"][row], state["A1"][row])
        weight = float(state["W2"][0, row])
        dz = weight * dz2 * slope
        factor = state["X"][col] if name == "dW1" else np.ones(m)
    terms = dz * factor
    total = float(np.sum(terms))
    return GradientEntry(
        name,
        row,
        col,
        dz2,
        slope,
        weight,
        dz,
        np.asarray(factor, dtype=np.float64),
        terms,
        total,
        total / m,
        float(state[name][row, col]),
    )


@dataclass(frozen=True)
class UpdateParts:
    """θ := θ − α·dθ for the parameter the event updated, every array of its shape."""

    name: str
    learning_rate: float
    old: np.ndarray  # θ when the iteration began
    gradient: np.ndarray  # dθ of this iteration
    step: np.ndarray  # −α·dθ
    recomputed: np.ndarray  # old − α·dθ, here
    new: np.ndarray  # θ after the step, as the update computed it


def update_parts(
    state: Mapping[str, np.ndarray], name: str, learning_rate: float, old: np.ndarray
) -> UpdateParts:
    """The update of parameter `name` from `old` (its value when the iteration began) with
    the gradient in `state`, beside the new value there."""
    if name not in UPDATE_STEPS:
        raise ValueError(f"{name} is not an update; use one of {', '.join(UPDATE_STEPS)}")
    old = np.asarray(old, dtype=np.float64)
    gradient = np.asarray(state["d" + name], dtype=np.float64)
    step = -learning_rate * gradient
    return UpdateParts(
        name, learning_rate, old, gradient, step, old - learning_rate * gradient, state[name]
    )


@dataclass(frozen=True)
class CostTerms:
    """J = (1/m)·Σᵢ L(i) with L(i) = −[y(i) log a[2](i) + (1 − y(i)) log(1 − a[2](i))]."""

    y: np.ndarray  # (m,)
    a: np.ndarray  # (m,)
    losses: np.ndarray  # (m,)
    total: float
    value: float  # the mean, recomputed from A2
    engine: float  # J as the cost step computed it (from z[2], the stable form)


def cost_terms(state: Mapping[str, np.ndarray]) -> CostTerms:
    """The cost as the mean of the examples' losses, each from a[2](i) and y(i)."""
    y = np.asarray(state["Y"][0], dtype=np.float64)
    a = np.asarray(state["A2"][0], dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        # 0·log 0 counts as 0, as in the limit
        losses = -(
            np.where(y > 0, y * np.log(a), 0.0) + np.where(y < 1, (1 - y) * np.log(1 - a), 0.0)
        )
    total = float(np.sum(losses))
    return CostTerms(y, a, losses, total, total / len(y), float(state["cost"]))
