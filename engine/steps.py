"""The catalogue of the 15 steps of one iteration: the single source of truth for every formula.

Each step names itself, its phase and layer, its formula in the slide's notation, the numpy line
as the course writes it, its operands, and the kernel that computes it in place on a
`Workspace`: a few numpy calls, bound to the workspace's buffers once (`Plan`), which the event
path runs one step at a time and the fast path a whole iteration at a time. The trace, the app
and the docs read the rest. The course's numpy line and the kernel compute the same thing
(tests evaluate the line and compare); the kernel differs only in writing into preallocated
buffers and in the numerically safe forms noted beside it.

Kernels work on one row per group of identical hidden units (see `engine.units`); only Z2, the
one sum over hidden units, needs to know how many units each row stands for.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.activations import Activation, sigmoid, sigmoid_calls
from engine.loss import cross_entropy_from_logits, cross_entropy_from_logits_unguarded
from engine.shapes import symbolic
from engine.workspace import Workspace

PHASES = ("forward", "cost", "backward", "update")


def _quietly(function):
    """The fast path's calls assume overflow is ignored, as in Stepper.run: e^−z overflowing
    in σ, or eᵗ in the cost, is the right answer (engine.activations, engine.loss)."""

    @functools.wraps(function)
    def quiet(*args):
        with np.errstate(over="ignore"):
            return function(*args)

    return quiet


Call = tuple[Callable[..., object], tuple]  # a function and its arguments, bound to buffers


@dataclass(frozen=True)
class Kernel:
    """How a step computes, in place on a `Workspace`: a short sequence of numpy calls.

    `calls(ws)` binds them to one workspace's buffers; `plan_of(ws)` does that once per
    workspace, so that running a step is only the calls themselves. The fast path runs the same
    calls, a whole iteration at a time (see `plan_of`), which is why both agree to the last bit.
    """

    name: str  # the step's name
    calls: Callable[[Workspace], tuple[Call, ...]]

    def __call__(self, ws: Workspace) -> None:
        for function, args in plan_of(ws).steps[self.name]:
            function(*args)


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
    kernel: Kernel | None
    note: str = ""  # what numpy does behind the formula's back: broadcasting, keepdims

    @property
    def shape(self) -> str:
        return symbolic(self.name)

    def code_for(self, activation: Activation) -> str:
        return self.code.format(g=activation.code, slope=activation.slope_code)

    def operands_for(self, activation: Activation) -> tuple[str, ...]:
        return tuple(activation.slope_operand if o == "g'" else o for o in self.operands)


# Each function below gives a step's calls on a workspace, as (function, arguments) pairs with
# `out` passed by position: np.dot(a, b, out) writes a·b into out.

# ---- forward: Z[1] = W[1]X + b[1], A[1] = g(Z[1]), Z[2] = W[2]A[1] + b[2], A[2] = σ(Z[2])


def _z1(ws: Workspace) -> tuple[Call, ...]:
    # [W1 | b1]·[X; 1] = W1·X + b1·1: the bias broadcast across the m columns, as one product
    return ((np.dot, (ws.Wb1, ws.X_ones, ws.Z1)),)


def _a1(ws: Workspace) -> tuple[Call, ...]:
    return ((ws.activation.apply, (ws.Z1, ws.A1)),)


def _z2(ws: Workspace) -> tuple[Call, ...]:
    if ws.units.all_distinct:
        return ((np.dot, (ws.Wb2, ws.A1_ones, ws.Z2)),)  # [W2 | b2]·[A1; 1] = W2·A1 + b2
    # the only sum over hidden units: each stored row stands for `counts` identical units
    weighted = ws.Wb2_weighted
    return (
        (np.multiply, (ws.W2, ws.units.counts, weighted[:, :-1])),
        (np.copyto, (weighted[:, -1:], ws.b2)),
        (np.dot, (weighted, ws.A1_ones, ws.Z2)),
    )


def _a2(ws: Workspace) -> tuple[Call, ...]:
    return ((sigmoid, (ws.Z2, ws.A2)),)


# ---- cost: J = −(1/m) Σ [y log a[2] + (1 − y) log(1 − a[2])]


def _cost(ws: Workspace) -> tuple[Call, ...]:
    return ((_cost_into, (ws, cross_entropy_from_logits)),)


def _cost_into(ws: Workspace, cross_entropy: Callable[..., float]) -> None:
    ws.cost = cross_entropy(ws.Z2, ws.label_sign, ws.cost_terms)


# ---- backward


def _dz2(ws: Workspace) -> tuple[Call, ...]:
    return ((np.subtract, (ws.A2, ws.Y, ws.dZ2)),)


# Each layer's gradients come out of one product, as Z does: dZ[2]·[A1; 1]ᵀ = [dZ[2]·A1ᵀ | Σᵢ
# dZ[2]], and [X; 1]·dZ[1]ᵀ = [dW[1] | db[1]]ᵀ (stored column by column, see Workspace, so the
# transpose is the contiguous array np.dot writes into). So the sum over the m examples behind
# db is done by the dW step's product, and the db step only scales it by 1/m.


def _layer2_product(ws: Workspace) -> Call:
    return (np.dot, (ws.dZ2, ws.A1_ones.T, ws.dWb2))


def _layer1_product(ws: Workspace) -> Call:
    return (np.dot, (ws.X_ones, ws.dZ1.T, ws.dWb1.T))


def _dw2(ws: Workspace) -> tuple[Call, ...]:
    return (_layer2_product(ws), (np.multiply, (ws.dW2, ws.inv_m, ws.dW2)))


def _db2(ws: Workspace) -> tuple[Call, ...]:
    # Σ over the m examples, kept as a (n[2], 1) column: computed with dW2, scaled here
    return ((np.multiply, (ws.db2, ws.inv_m, ws.db2)),)


def _dz1(ws: Workspace) -> tuple[Call, ...]:
    slope_input = ws.A1 if ws.activation.slope_operand == "A1" else ws.Z1
    return (
        (np.dot, (ws.W2.T, ws.dZ2, ws.dZ1)),
        (ws.activation.slope, (slope_input, ws.slope)),
        (np.multiply, (ws.dZ1, ws.slope, ws.dZ1)),
    )


def _dw1(ws: Workspace) -> tuple[Call, ...]:
    return (_layer1_product(ws), (np.multiply, (ws.dW1, ws.inv_m, ws.dW1)))


def _db1(ws: Workspace) -> tuple[Call, ...]:
    # Σ over the m examples, kept as a (n[1], 1) column: computed with dW1, scaled here
    return ((np.multiply, (ws.db1, ws.inv_m, ws.db1)),)


# ---- update: θ := θ − α·dθ, each parameter on its own; the fast path does all four at once
# (Plan.iteration) with the same elementwise arithmetic, so both agree to the last bit.


def descend(parameter: np.ndarray, gradient: np.ndarray, learning_rate: float, scratch) -> None:
    """parameter := parameter − α·gradient, in place; `scratch` holds α·gradient."""
    for function, args in _descend_calls(parameter, gradient, learning_rate, scratch):
        function(*args)


def _descend_calls(parameter, gradient, learning_rate: float, scratch) -> tuple[Call, ...]:
    return (
        (np.multiply, (gradient, learning_rate, scratch)),
        (np.subtract, (parameter, scratch, parameter)),
    )


def _update_calls(name: str, ws: Workspace) -> tuple[Call, ...]:
    return _descend_calls(
        getattr(ws, name), getattr(ws, "d" + name), ws.learning_rate, ws.scaled[name]
    )


def _update(name: str) -> Kernel:
    # a partial of a module-level function, not a closure: steps travel by pickle to the
    # process that runs a long run (tui/session/child_run.py)
    return Kernel(name, functools.partial(_update_calls, name))


STEPS: tuple[Step, ...] = (
    Step(
        "Z1",
        "forward",
        1,
        "Z[1] = W[1]·X + b[1]",
        "Z1 = np.dot(W1, X) + b1",
        ("W1", "X", "b1"),
        Kernel("Z1", _z1),
        "b[1] (n[1], 1) is broadcast: added to each of the m columns",
    ),
    Step("A1", "forward", 1, "A[1] = g[1](Z[1])", "A1 = {g}", ("Z1",), Kernel("A1", _a1)),
    Step(
        "Z2",
        "forward",
        2,
        "Z[2] = W[2]·A[1] + b[2]",
        "Z2 = np.dot(W2, A1) + b2",
        ("W2", "A1", "b2"),
        Kernel("Z2", _z2),
        "b[2] (n[2], 1) is broadcast: added to each of the m columns",
    ),
    Step(
        "A2",
        "forward",
        2,
        "A[2] = σ(Z[2])",
        "A2 = 1 / (1 + np.exp(-Z2))",
        ("Z2",),
        Kernel("A2", _a2),
    ),
    Step(
        "cost",
        "cost",
        None,
        "J = −(1/m)·Σ [Y·log A[2] + (1 − Y)·log(1 − A[2])]",
        "cost = -(1 / m) * (np.dot(Y, np.log(A2).T) + np.dot(1 - Y, np.log(1 - A2).T))",
        ("A2", "Y"),
        Kernel("cost", _cost),
    ),
    Step(
        "dZ2", "backward", 2, "dZ[2] = A[2] − Y", "dZ2 = A2 - Y", ("A2", "Y"), Kernel("dZ2", _dz2)
    ),
    Step(
        "dW2",
        "backward",
        2,
        "dW[2] = (1/m)·dZ[2]·A[1]ᵀ",
        "dW2 = (1 / m) * np.dot(dZ2, A1.T)",
        ("dZ2", "A1"),
        Kernel("dW2", _dw2),
        "the product sums over the m examples; the 1/m makes it an average",
    ),
    Step(
        "db2",
        "backward",
        2,
        "db[2] = (1/m)·Σᵢ dZ[2]",
        "db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)",
        ("dZ2",),
        Kernel("db2", _db2),
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
        Kernel("dZ1", _dz1),
        "* is the element-wise product of two (n[1], m) matrices",
    ),
    Step(
        "dW1",
        "backward",
        1,
        "dW[1] = (1/m)·dZ[1]·Xᵀ",
        "dW1 = (1 / m) * np.dot(dZ1, X.T)",
        ("dZ1", "X"),
        Kernel("dW1", _dw1),
        "the product sums over the m examples; the 1/m makes it an average",
    ),
    Step(
        "db1",
        "backward",
        1,
        "db[1] = (1/m)·Σᵢ dZ[1]",
        "db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)",
        ("dZ1",),
        Kernel("db1", _db1),
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


class Plan:
    """Every step's calls bound to one workspace's buffers, and a whole iteration's for the
    fast path: built once, so a step costs only its numpy calls.

    `iteration` is the steps' own calls in their order, with three changes that leave every
    element's arithmetic as it was, hence the values bit for bit (tests/test_engine_stepper.py):
    σ and the cost without their np.errstate (Stepper.run ignores overflow for the whole run),
    the four 1/m scalings of dW2, db2, dW1, db1 as one multiply over the gradient vector (after
    dZ1 rather than before it, which reads none of them), and the four updates as one.
    """

    def __init__(self, ws: Workspace):
        self.steps: dict[str, tuple[Call, ...]] = {
            step.name: step.kernel.calls(ws) for step in STEPS
        }
        self.in_order: tuple[tuple[Call, ...], ...] = tuple(self.steps.values())
        steps = self.steps
        self.iteration: tuple[Call, ...] = (
            *steps["Z1"],
            *steps["A1"],
            *steps["Z2"],
            *sigmoid_calls(ws.Z2, ws.A2),
            (_cost_into, (ws, cross_entropy_from_logits_unguarded)),
            *steps["dZ2"],
            _layer2_product(ws),
            *steps["dZ1"],
            _layer1_product(ws),
            (np.multiply, (ws.grads, ws.inv_m, ws.grads)),
            *_descend_calls(ws.theta, ws.grads, ws.learning_rate, ws.scaled_grads),
        )


def plan_of(ws: Workspace) -> Plan:
    """The workspace's plan, built on first use (and again after a pickle, which drops it)."""
    plan = ws.plan
    if plan is None:
        plan = ws.plan = Plan(ws)
    return plan


@_quietly
def run_iteration(ws: Workspace) -> None:
    """One whole iteration on the fast path: every step's calls, the four updates as one."""
    for function, args in plan_of(ws).iteration:
        function(*args)
