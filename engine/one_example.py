"""The slides' one-example formulas, computed example by example in a Python loop.

The engine computes whole matrices at once; these loops are what the vectorization slides
replace, kept deliberately plain so that lessons can set them beside the engine's matrices and
check that column i of Z[1] is z[1](i), and that dW[1] is the average of the examples' own
dW[1](i) = dz[1](i) x(i)ᵀ (one example's gradients carry no 1/m).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from engine.activations import get_activation, sigmoid


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
