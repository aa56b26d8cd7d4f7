"""The 15 steps in plain numpy, a new array each time, any shapes: the path mistakes run on.

The engine's own path (engine.steps) writes into buffers of fixed shapes, which is what makes
it fast; but a mistaken line may change a shape (a sum without keepdims turns b[1] into a
matrix), and then only plain numpy, with its real broadcasting, computes what the learner's code
would. Every step here is the course's numpy line, with the engine's numerically safe forms
(σ and the cost from the logits) and checked operations (engine.mistakes.checked_numpy) that
name the shapes when a product or a broadcast fails.

`PlainState` reads like a `Workspace` (the same names: X, Y, W1 … db1, cost, dims(), full(),
parameters(), theta, grads, units), so the stepper's views, breakpoint conditions and the
screen read either.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from engine.activations import Activation, sigmoid
from engine.loss import label_signs, softplus_sum
from engine.mistakes.checked_numpy import Term, add, multiply, product, subtract
from engine.notation import SYMBOLS
from engine.shapes import PARAMETER_NAMES, concrete
from engine.steps import STEP_NAMES
from engine.units import UnitGroups


class PlainState:
    """X, Y, the parameters and the latest iteration's values, each a read-only array.

    Nothing is written in place: a step binds its name to a new array, so an event can hand
    out the array itself, and a checkpoint is the four parameter arrays as they are.
    """

    def __init__(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        params: Mapping[str, np.ndarray],
        activation: Activation,
        learning_rate: float,
    ):
        self.X = _frozen(np.array(X, dtype=np.float64))
        self.Y = _frozen(np.array(Y, dtype=np.float64))
        self.n_x, self.m = self.X.shape
        self.n_h = np.shape(params["W1"])[0]
        self.activation = activation
        self.learning_rate = float(learning_rate)
        self.label_sign = _frozen(label_signs(self.Y))
        self.units = UnitGroups.distinct(self.n_h)  # no grouping: every unit computed itself
        self.cost = float("nan")
        for name in STEP_NAMES:
            if name != "cost" and name not in PARAMETER_NAMES:
                setattr(self, name, None)  # the cost starts at NaN, above
        # copies: freezing the caller's own arrays would make them read-only behind their back
        self.load({name: np.array(params[name], dtype=np.float64) for name in PARAMETER_NAMES})

    def term(self, name: str) -> Term:
        """`name`'s value now, as the slide writes it, with the slide's shape for it."""
        return Term(SYMBOLS[name], getattr(self, name), concrete(name, self.dims()))

    def dims(self) -> dict[str, int]:
        """The sizes behind the slide's symbols n[0], n[1], n[2] and m."""
        return {"n[0]": self.n_x, "n[1]": self.n_h, "n[2]": 1, "m": self.m, "1": 1}

    def full(self, name: str) -> np.ndarray:
        """A fresh copy of `name`'s value."""
        return np.array(getattr(self, name))

    def parameters(self) -> dict[str, np.ndarray]:
        return {name: self.full(name) for name in PARAMETER_NAMES}

    def snapshot(self) -> ParameterSnapshot:
        return ParameterSnapshot({name: getattr(self, name) for name in PARAMETER_NAMES})

    def parameters_from(self, snapshot: ParameterSnapshot) -> dict[str, np.ndarray]:
        return {name: np.array(value) for name, value in snapshot.arrays.items()}

    def load(self, params: Mapping[str, np.ndarray]) -> None:
        for name in PARAMETER_NAMES:
            self.set(name, params[name])

    def set(self, name: str, value: np.ndarray | float) -> None:
        """Bind step `name` to its new value (read-only from now on; the cost is a float)."""
        if name == "cost":
            self.cost = value
        else:
            setattr(self, name, _frozen(value))

    @property
    def theta(self) -> np.ndarray:
        """Every parameter entry in one flat vector, whatever shapes they have now."""
        return np.concatenate([np.ravel(getattr(self, name)) for name in PARAMETER_NAMES])

    @property
    def grads(self) -> np.ndarray:
        """Every gradient entry in one flat vector (once the gradients are computed)."""
        return np.concatenate([np.ravel(getattr(self, "d" + name)) for name in PARAMETER_NAMES])


class ParameterSnapshot:
    """W1, b1, W2, b2 at the start of an iteration, as engine.history keeps checkpoints.

    The arrays are read-only and never written to, so keeping one needs no copy.
    """

    def __init__(self, arrays: Mapping[str, np.ndarray]):
        self.arrays = dict(arrays)
        self.nbytes = sum(value.nbytes for value in self.arrays.values())

    def copy(self) -> ParameterSnapshot:
        return self


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


# ---- the steps, each as the course writes it; `s` is the PlainState


def _z1(s: PlainState) -> np.ndarray:
    return add(product(s.term("W1"), s.term("X")), s.term("b1")).value


def _a1(s: PlainState) -> np.ndarray:
    return s.activation.apply(s.Z1, np.empty_like(s.Z1))


def _z2(s: PlainState) -> np.ndarray:
    return add(product(s.term("W2"), s.term("A1")), s.term("b2")).value


def _a2(s: PlainState) -> np.ndarray:
    return sigmoid(s.Z2)


def _cost(s: PlainState) -> float:
    # from the logits, as engine.loss explains: softplus((1 − 2y)·z) averaged over the examples
    signed = multiply(Term("(1 − 2Y)", s.label_sign, None), s.term("Z2")).value
    return softplus_sum(signed) / s.m


def _dz2(s: PlainState) -> np.ndarray:
    return subtract(s.term("A2"), s.term("Y")).value


def _dw2(s: PlainState) -> np.ndarray:
    return (1 / s.m) * product(s.term("dZ2"), s.term("A1").T).value


def _db2(s: PlainState) -> np.ndarray:
    return (1 / s.m) * np.sum(s.dZ2, axis=1, keepdims=True)


def slope_term(s: PlainState, operand: str) -> Term:
    """g'(Z[1]) as the activation computes it, from the cached `operand` ('A1' or 'Z1')."""
    value = getattr(s, operand)
    return Term(f"g[1]'({SYMBOLS[operand]})", s.activation.slope(value, np.empty_like(value)), None)


def _dz1(s: PlainState) -> np.ndarray:
    backpropagated = product(s.term("W2").T, s.term("dZ2"))
    return multiply(backpropagated, slope_term(s, s.activation.slope_operand)).value


def _dw1(s: PlainState) -> np.ndarray:
    return (1 / s.m) * product(s.term("dZ1"), s.term("X").T).value


def _db1(s: PlainState) -> np.ndarray:
    return (1 / s.m) * np.sum(s.dZ1, axis=1, keepdims=True)


def scaled_gradient(s: PlainState, name: str) -> Term:
    """α·dθ for parameter `name`, as the update subtracts it."""
    gradient = s.term("d" + name)
    return Term(f"α·{gradient.text}", s.learning_rate * gradient.value, gradient.expected)


def _update(name: str) -> Callable[[PlainState], np.ndarray]:
    def compute(s: PlainState) -> np.ndarray:
        return subtract(s.term(name), scaled_gradient(s, name)).value

    compute.__name__ = f"_update_{name}"
    return compute


PLAIN_STEPS: dict[str, Callable[[PlainState], np.ndarray | float]] = {
    "Z1": _z1,
    "A1": _a1,
    "Z2": _z2,
    "A2": _a2,
    "cost": _cost,
    "dZ2": _dz2,
    "dW2": _dw2,
    "db2": _db2,
    "dZ1": _dz1,
    "dW1": _dw1,
    "db1": _db1,
    **{name: _update(name) for name in PARAMETER_NAMES},
}
