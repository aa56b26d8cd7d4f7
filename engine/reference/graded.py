"""The assignment's graded functions: their names, and the quantities each returns, in order.

The order is the one a report walks to find the *first* wrong quantity: the forward cache
Z1 A1 Z2 A2, then the cost, then the gradients dW2 db2 dW1 db1 (backprop's own order), then the
parameters W1 b1 W2 b2. Formulas come from the steps catalogue, engine.steps.STEPS.
"""

from __future__ import annotations

from engine.shapes import PARAMETER_NAMES
from engine.steps import STEPS

GRADED = (
    "layer_sizes",
    "initialize_parameters",
    "forward_propagation",
    "compute_cost",
    "backward_propagation",
    "update_parameters",
    "nn_model",
    "predict",
)

SIZE_NAMES = ("n_x", "n_h", "n_y")
CACHE_ORDER = ("Z1", "A1", "Z2", "A2")
GRADIENT_ORDER = ("dW2", "db2", "dW1", "db1")

QUANTITIES: dict[str, tuple[str, ...]] = {
    "layer_sizes": SIZE_NAMES,
    "initialize_parameters": PARAMETER_NAMES,
    "forward_propagation": CACHE_ORDER,
    "compute_cost": ("cost",),
    "backward_propagation": GRADIENT_ORDER,
    "update_parameters": PARAMETER_NAMES,
    "nn_model": PARAMETER_NAMES,
    "predict": ("predictions",),
}

_STEP_FORMULAS = {step.name: step.formula for step in STEPS}

# What the steps catalogue has no step for: the sizes, the initialization, the prediction.
_OTHER_FORMULAS = {
    "layer_sizes": {
        "n_x": "n[0] = X.shape[0]",
        "n_h": "n[1] = 4",
        "n_y": "n[2] = Y.shape[0]",
    },
    "initialize_parameters": {
        "W1": "W[1] = np.random.randn(n[1], n[0]) · 0.01",
        "b1": "b[1] = np.zeros((n[1], 1))",
        "W2": "W[2] = np.random.randn(n[2], n[1]) · 0.01",
        "b2": "b[2] = np.zeros((n[2], 1))",
    },
    "predict": {"predictions": "ŷ = 1 where A[2] > 0.5, else 0"},
}


def formula(function: str, quantity: str) -> str:
    """The formula behind `quantity` as `function` computes it."""
    if function in _OTHER_FORMULAS:
        return _OTHER_FORMULAS[function][quantity]
    if function == "nn_model":
        return f"{_STEP_FORMULAS[quantity]}, at each of num_iterations iterations"
    return _STEP_FORMULAS[quantity]
