"""The catalogue of the 15 steps of one iteration: the single source of truth for every formula.

Each step names itself, its phase and layer, its formula in the slide's notation, the numpy line
as the course writes it, its operands, and the kernel that computes it in place on a
`Workspace`. The engine runs the kernels; the trace, the app and the docs read the rest. The
course's numpy line and the kernel compute the same thing (tests evaluate the line and compare);
the kernel differs only in writing into preallocated buffers and in the numerically safe forms
noted beside it.

Kernels work on one row per group of identical hidden units (see `engine.units`); only Z2, the
one sum over hidden units, needs to know how many units each row stands for.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.activations import Activation, sigmoid
from engine.loss import cross_entropy_from_logits
from engine.shapes import symbolic
from engine.workspace import Workspace

PHASES = ("forward", "cost", "backward", "update")


@dataclass(frozen=True)
class Step:
    """One step of gradient descent, as the slides write it and as the engine computes it."""

    name: str  # the array it produces: "Z1", "cost", "dW1", the updated "W1" …
    phase: str  # one of PHASES
    layer: int | None  # 1 or 2; None for the cost
    formula: str  # in the slide's notation
    code: str  # the course's numpy line; "{g}" and "{slope}" are filled per activation
    operands: tuple[str, ...]  # "g'" stands for the activation's slope operand (A1 or Z1)
    # None for a mistaken step (engine.mistakes.catalogue), which runs on the plain numpy path only
    kernel: Callable[[Workspace], None] | None
    note: str = ""  # what numpy does behind the formula's back: broadcasting, keepdims

    @property
    def shape(self) -> str:
        return symbolic(self.name)

    def code_for(self, activation: Activation) -> str:
        return self.code.format(g=activation.code, slope=activation.slope_code)

    def operands_for(self, activation: Activation) -> tuple[str, ...]:
        return tuple(activation.slope_operand if o == "g'" else o for o in self.operands)


# ---- forward: Z[1] = W[1]X + b[1], A[1] = g(Z[1]), Z[2] = W[2]A[1] + b[2], A[2] = σ(Z[2])


def _z1(ws: Workspace) -> None:
    # [W1 | b1]·[X; 1] = W1·X + b1·1: the bias broadcast across the m columns, as one product
    np.dot(ws.Wb1, ws.X_ones, out=ws.Z1)


def _a1(ws: Workspace) -> None:
    ws.activation.apply(ws.Z1, ws.A1)


def _z2(ws: Workspace) -> None:
    if ws.units.all_distinct:
        np.dot(ws.Wb2, ws.A1_ones, out=ws.Z2)  # [W2 | b2]·[A1; 1] = W2·A1 + b2
    else:
        # the only sum over hidden units: each stored row stands for `counts` identical units
        weighted = ws.Wb2_weighted
        np.multiply(ws.W2, ws.units.counts, out=weighted[:, :-1])
        weighted[:, -1:] = ws.b2
        np.dot(weighted, ws.A1_ones, out=ws.Z2)


def _a2(ws: Workspace) -> None:
    sigmoid(ws.Z2, out=ws.A2)


# ---- cost: J = −(1/m) Σ [y log a[2] + (1 − y) log(1 − a[2])]


def _cost(ws: Workspace) -> None:
    ws.cost = cross_entropy_from_logits(ws.Z2, ws.label_sign, ws.cost_terms)


# ---- backward


def _dz2(ws: Workspace) -> None:
    np.subtract(ws.A2, ws.Y, out=ws.dZ2)


def _dw2(ws: Workspace) -> None:
    np.dot(ws.dZ2, ws.A1.T, out=ws.dW2)
    np.multiply(ws.dW2, ws.inv_m, out=ws.dW2)


def _db2(ws: Workspace) -> None:
    # Σ over the m examples, kept as a (n[2], 1) column: dZ2·1 is that sum as a product
    np.dot(ws.dZ2, ws.ones, out=ws.db2)
    np.multiply(ws.db2, ws.inv_m, out=ws.db2)


def _dz1(ws: Workspace) -> None:
    np.dot(ws.W2.T, ws.dZ2, out=ws.dZ1)
    slope_input = ws.A1 if ws.activation.slope_operand == "A1" else ws.Z1
    ws.activation.slope(slope_input, ws.slope)
    np.multiply(ws.dZ1, ws.slope, out=ws.dZ1)


# dW1 and db1 are stored column by column (see Workspace), so their transposes are the
# contiguous arrays np.dot writes into: dW1ᵀ = X·dZ1ᵀ and db1ᵀ = 1ᵀ·dZ1ᵀ.


def _dw1(ws: Workspace) -> None:
    np.dot(ws.X, ws.dZ1.T, out=ws.dW1.T)
    np.multiply(ws.dW1, ws.inv_m, out=ws.dW1)


def _db1(ws: Workspace) -> None:
    # Σ over the m examples, kept as a (n[1], 1) column, as a product with ones
    np.dot(ws.ones.T, ws.dZ1.T, out=ws.db1.T)
    np.multiply(ws.db1, ws.inv_m, out=ws.db1)


# ---- update: θ := θ − α·dθ, each parameter on its own; the fast path does all four at once
# with the same elementwise arithmetic, so both agree to the last bit.


def descend(parameter: np.ndarray, gradient: np.ndarray, learning_rate: float, scratch) -> None:
    """parameter := parameter − α·gradient, in place; `scratch` holds α·gradient."""
    np.multiply(gradient, learning_rate, out=scratch)
    np.subtract(parameter, scratch, out=parameter)


def _descend_parameter(name: str, ws: Workspace) -> None:
    descend(getattr(ws, name), getattr(ws, "d" + name), ws.learning_rate, ws.scaled[name])


def _update(name: str) -> Callable[[Workspace], None]:
    # a partial of a module-level function, not a closure: steps travel by pickle to the
    # process that runs a long run (tui/session/child_run.py)
    return functools.partial(_descend_parameter, name)


def update_all(ws: Workspace) -> None:
    """All four updates as one vector operation (the fast path): the same arithmetic, element
    by element, as the four update steps."""
    descend(ws.theta, ws.grads, ws.learning_rate, ws.scaled_grads)


STEPS: tuple[Step, ...] = (
    Step(
        "Z1",
        "forward",
        1,
        "Z[1] = W[1]·X + b[1]",
        "Z1 = np.dot(W1, X) + b1",
        ("W1", "X", "b1"),
        _z1,
        "b[1] (n[1], 1) is broadcast: added to each of the m columns",
    ),
    Step("A1", "forward", 1, "A[1] = g[1](Z[1])", "A1 = {g}", ("Z1",), _a1),
    Step(
        "Z2",
        "forward",
        2,
        "Z[2] = W[2]·A[1] + b[2]",
        "Z2 = np.dot(W2, A1) + b2",
        ("W2", "A1", "b2"),
        _z2,
        "b[2] (n[2], 1) is broadcast: added to each of the m columns",
    ),
    Step("A2", "forward", 2, "A[2] = σ(Z[2])", "A2 = 1 / (1 + np.exp(-Z2))", ("Z2",), _a2),
    Step(
        "cost",
        "cost",
        None,
        "J = −(1/m)·Σ [Y·log A[2] + (1 − Y)·log(1 − A[2])]",
        "cost = -(1 / m) * (np.dot(Y, np.log(A2).T) + np.dot(1 - Y, np.log(1 - A2).T))",
        ("A2", "Y"),
        _cost,
    ),
    Step("dZ2", "backward", 2, "dZ[2] = A[2] − Y", "dZ2 = A2 - Y", ("A2", "Y"), _dz2),
    Step(
        "dW2",
        "backward",
        2,
        "dW[2] = (1/m)·dZ[2]·A[1]ᵀ",
        "dW2 = (1 / m) * np.dot(dZ2, A1.T)",
        ("dZ2", "A1"),
        _dw2,
        "the product sums over the m examples; the 1/m makes it an average",
    ),
    Step(
        "db2",
        "backward",
        2,
        "db[2] = (1/m)·Σᵢ dZ[2]",
        "db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)",
        ("dZ2",),
        _db2,
        "np.sum(…, axis=1, keepdims=True) sums over the m examples and keeps (n[2], 1);"
        " without keepdims it would be (n[2],)",
    ),
    Step(
        "dZ1",
        "backward",
        1,
        "dZ[1] = W[2]ᵀ·dZ[2] * g[1]'(Z[1])",
        "dZ1 = np.dot(W2.T, dZ2) * {slope}",
        ("W2", "dZ2", "g'"),
        _dz1,
        "* is the element-wise product of two (n[1], m) matrices",
    ),
    Step(
        "dW1",
        "backward",
        1,
        "dW[1] = (1/m)·dZ[1]·Xᵀ",
        "dW1 = (1 / m) * np.dot(dZ1, X.T)",
        ("dZ1", "X"),
        _dw1,
        "the product sums over the m examples; the 1/m makes it an average",
    ),
    Step(
        "db1",
        "backward",
        1,
        "db[1] = (1/m)·Σᵢ dZ[1]",
        "db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)",
        ("dZ1",),
        _db1,
        "np.sum(…, axis=1, keepdims=True) sums over the m examples and keeps (n[1], 1);"
        " without keepdims it would be (n[1],)",
    ),
    Step(
        "W1",
        "update",
        1,
        "W[1] := W[1] − α·dW[1]",
        "W1 = W1 - learning_rate * dW1",
        ("W1", "dW1"),
        _update("W1"),
    ),
    Step(
        "b1",
        "update",
        1,
        "b[1] := b[1] − α·db[1]",
        "b1 = b1 - learning_rate * db1",
        ("b1", "db1"),
        _update("b1"),
    ),
    Step(
        "W2",
        "update",
        2,
        "W[2] := W[2] − α·dW[2]",
        "W2 = W2 - learning_rate * dW2",
        ("W2", "dW2"),
        _update("W2"),
    ),
    Step(
        "b2",
        "update",
        2,
        "b[2] := b[2] − α·db[2]",
        "b2 = b2 - learning_rate * db2",
        ("b2", "db2"),
        _update("b2"),
    ),
)

STEP_NAMES: tuple[str, ...] = tuple(step.name for step in STEPS)
STEP_INDEX: dict[str, int] = {name: index for index, name in enumerate(STEP_NAMES)}
STEPS_PER_ITERATION = len(STEPS)
FORWARD_STEPS = tuple(step for step in STEPS if step.phase == "forward")
BACKWARD_STEPS = tuple(step for step in STEPS if step.phase == "backward")


def run_iteration(ws: Workspace) -> None:
    """One whole iteration on the fast path: every kernel, the four updates as one."""
    for step in _FAST_SEQUENCE:
        step(ws)


_FAST_SEQUENCE = (*(step.kernel for step in STEPS if step.phase != "update"), update_all)
