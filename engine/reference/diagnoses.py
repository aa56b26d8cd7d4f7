"""Known mistakes, recognised by their values: what a mistake gives on the same inputs.

When a learner's value equals, within the course's tolerance, what a known mistake computes from
the case's inputs, the report names the mistake. The mistakes the debugger can make on purpose
(engine.mistakes.catalogue) are computed by the catalogue's own mistaken steps on the plain path;
the assignment's other frequent mistakes, which the step-by-step debugger cannot show (they agree
with the course on its own consistent cache, or live outside the 15 steps), are computed here.
A function that raised may still be recognised from numpy's complaint about the shapes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from engine.activations import get_activation, sigmoid
from engine.errors import StepnetError
from engine.mistakes.catalogue import get_mistake
from engine.mistakes.plain_path import PlainState
from engine.reference.cases import COURSE_LEARNING_RATE, Case
from engine.reference.compare import close
from engine.reference.graded import CACHE_ORDER, GRADIENT_ORDER
from engine.shapes import PARAMETER_NAMES

_BACKWARD_STEPS = ("dZ2", "dW2", "db2", "dZ1", "dW1", "db1")


@dataclass(frozen=True)
class Diagnosis:
    name: str  # a catalogue mistake's name where the catalogue has it
    function: str
    words: str  # for a person; {quantity} and {m} are filled in
    compute: Callable[[Case], Mapping[str, np.ndarray] | list[Mapping[str, np.ndarray]]]


# ---- computed by the catalogue's own mistaken steps


def _catalogue_backward(mistake: str) -> Callable[[Case], dict[str, np.ndarray]]:
    def compute(case: Case) -> dict[str, np.ndarray]:
        params, cache, X, Y = case.args
        state = PlainState(X, np.asarray(Y, dtype=np.float64), params, get_activation("tanh"), 0)
        for name in CACHE_ORDER:
            state.set(name, np.array(cache[name], dtype=np.float64))
        made = get_mistake(mistake)
        for step in _BACKWARD_STEPS:
            state.set(step, made.computation(step)(state))
        return {name: state.full(name) for name in GRADIENT_ORDER}

    return compute


def _catalogue_update(mistake: str) -> Callable[[Case], dict[str, np.ndarray]]:
    def compute(case: Case) -> dict[str, np.ndarray]:
        params, grads = case.args
        state = PlainState(
            np.zeros((np.shape(params["W1"])[1], 1)),
            np.zeros((1, 1)),
            params,
            get_activation("tanh"),
            COURSE_LEARNING_RATE,
        )
        for name in PARAMETER_NAMES:
            state.set("d" + name, np.array(grads["d" + name], dtype=np.float64))
        made = get_mistake(mistake)
        return {name: made.computation(name)(state) for name in PARAMETER_NAMES}

    return compute


def _catalogue_start(mistake: str) -> Callable[[Case], dict[str, np.ndarray]]:
    def compute(case: Case) -> dict[str, np.ndarray]:
        return get_mistake(mistake).starting(case.expected)

    return compute


# ---- the assignment's other mistakes, as a learner writes them


def _backward_with(dz1: Callable[[dict, dict, int], np.ndarray]):
    """The course's backward pass with dZ1 computed by `dz1(params, cache, m)` instead."""

    def compute(case: Case) -> dict[str, np.ndarray]:
        params, cache, X, Y = case.args
        m = X.shape[1]
        A1, A2 = np.asarray(cache["A1"]), np.asarray(cache["A2"])
        dZ2 = A2 - np.asarray(Y, dtype=np.float64)
        dZ1 = dz1(params, cache, dZ2, m)
        return {
            "dW2": np.dot(dZ2, A1.T) / m,
            "db2": np.sum(dZ2, axis=1, keepdims=True) / m,
            "dW1": np.dot(dZ1, X.T) / m,
            "db1": np.sum(dZ1, axis=1, keepdims=True) / m,
        }

    return compute


def _slope_from_tanh_of_Z1(params, cache, dZ2, m):
    return np.dot(params["W2"].T, dZ2) * (1 - np.tanh(cache["Z1"]) ** 2)


def _forward_with(hidden, output, *, biases: bool = True):
    def compute(case: Case) -> dict[str, np.ndarray]:
        X, params = case.args
        b1, b2 = (params["b1"], params["b2"]) if biases else (0.0, 0.0)
        Z1 = np.dot(params["W1"], X) + b1
        A1 = hidden(Z1)
        Z2 = np.dot(params["W2"], A1) + b2
        return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": output(Z2)}

    return compute


def _cost_terms(case: Case) -> tuple[np.ndarray, np.ndarray, int]:
    A2, Y = case.args
    A2 = np.asarray(A2, dtype=np.float64).reshape(1, -1)
    Y = np.asarray(Y, dtype=np.float64)
    return A2, Y, Y.shape[1]


def _half_cross_entropy(case: Case) -> list[dict]:
    A2, Y, m = _cost_terms(case)
    state = PlainState(np.zeros((1, m)), Y, _NO_NETWORK, get_activation("tanh"), 0)
    state.set("A2", A2)
    the_ones = get_mistake("half-cross-entropy").computation("cost")(state)
    # the catalogue leaves out the (1 − Y) half; a learner may leave out the other one
    the_zeros = -float(np.sum((1 - Y) * np.log(1 - A2))) / m
    return [{"cost": the_ones}, {"cost": the_zeros}]


# a cost needs no network, but a PlainState holds one: any of the right shapes will do
_NO_NETWORK = {"W1": np.zeros((1, 1)), "b1": np.zeros((1, 1)), "W2": np.zeros((1, 1))}
_NO_NETWORK["b2"] = np.zeros((1, 1))


def _cost_matrix(case: Case) -> list[dict]:
    # np.dot(Y.T, np.log(A2)): (m, 1)·(1, m) is an m×m matrix of every y_j·log a_i, where
    # np.dot(Y, np.log(A2).T) is the one number Σ y_i·log a_i
    A2, Y, m = _cost_terms(case)
    matrix = -(np.dot(Y.T, np.log(A2)) + np.dot((1 - Y).T, np.log(1 - A2))) / m
    return [{"cost": matrix}, {"cost": matrix.T}, {"cost": float(matrix.sum())}]


def _cost_scaled(factor: Callable[[int], float]) -> Callable[[Case], dict]:
    def compute(case: Case) -> dict:
        A2, Y, m = _cost_terms(case)
        right = -float(np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))) / m
        return {"cost": right * factor(m)}

    return compute


def _unscaled_start(case: Case) -> dict[str, np.ndarray]:
    return {name: value * (100.0 if name.startswith("W") else 1.0)
            for name, value in case.expected.items()}  # fmt: skip


def _flower_sizes(case: Case) -> dict[str, int]:
    # the flower's sizes, (2, 4, 1), typed in instead of read from X and Y
    return {"n_x": 2, "n_h": 4, "n_y": 1}


DIAGNOSES: tuple[Diagnosis, ...] = (
    # layer_sizes
    Diagnosis(
        "sizes-hard-coded",
        "layer_sizes",
        "your layer_sizes gives the flower's (2, 4, 1) whatever the data: read n_x from "
        "X.shape[0] and n_y from Y.shape[0]",
        _flower_sizes,
    ),
    # backward_propagation
    Diagnosis(
        "no-1-over-m",
        "backward_propagation",
        "your {quantity} is exactly m = {m} times the reference: the 1/m is missing",
        _catalogue_backward("no-1-over-m"),
    ),
    Diagnosis(
        "sum-wrong-axis",
        "backward_propagation",
        "your {quantity} sums over axis=0 (the units), one number per example: sum over axis=1",
        _catalogue_backward("sum-wrong-axis"),
    ),
    Diagnosis(
        "no-keepdims",
        "backward_propagation",
        "your {quantity} is 1-D: np.sum(…, axis=1) needs keepdims=True to stay a column",
        _catalogue_backward("no-keepdims"),
    ),
    Diagnosis(
        "slope-wrong-cache",
        "backward_propagation",
        "your dZ1 multiplies by 1 − Z1²: tanh' is 1 − A1², from the cached A1",
        _catalogue_backward("slope-wrong-cache"),
    ),
    Diagnosis(
        "slope-from-Z1",
        "backward_propagation",
        "your dZ1 recomputes tanh from Z1, 1 − tanh(Z1)²: right when A1 = tanh(Z1), but the "
        "course's test passes a cache where it is not; use the cached A1: 1 − np.power(A1, 2)",
        _backward_with(_slope_from_tanh_of_Z1),
    ),
    Diagnosis(
        "dW2-for-W2",
        "backward_propagation",
        "your dZ1 uses dW2 where the slide has W2: dZ1 = np.dot(W2.T, dZ2) * (1 - A1²)",
        _catalogue_backward("dW2-for-W2"),
    ),
    Diagnosis(
        "extra-1-over-m-in-dZ1",
        "backward_propagation",
        "your dZ1 has a 1/m of its own, so {quantity} is m = {m} times too small: the 1/m "
        "belongs in dW1 and db1 only",
        _catalogue_backward("extra-1-over-m-in-dZ1"),
    ),
    # forward_propagation
    Diagnosis(
        "activations-swapped",
        "forward_propagation",
        "your layers' activations are swapped: A1 = tanh(Z1) and A2 = sigmoid(Z2)",
        _forward_with(sigmoid, np.tanh),
    ),
    Diagnosis(
        "sigmoid-hidden",
        "forward_propagation",
        "your hidden layer uses sigmoid: the course's A1 is np.tanh(Z1)",
        _forward_with(sigmoid, sigmoid),
    ),
    Diagnosis(
        "no-bias",
        "forward_propagation",
        "your {quantity} leaves out the bias: Z = np.dot(W, A) + b",
        _forward_with(np.tanh, sigmoid, biases=False),
    ),
    # compute_cost
    Diagnosis(
        "half-cross-entropy",
        "compute_cost",
        "your cost has only one of the two terms: add (1 − Y)·log(1 − A2) to Y·log(A2)",
        _half_cross_entropy,
    ),
    Diagnosis(
        "cost-m-by-m",
        "compute_cost",
        "your cost is built from an m×m matrix: np.dot(Y.T, np.log(A2)) pairs every label with "
        "every prediction; use np.multiply(Y, np.log(A2)) or np.dot(Y, np.log(A2).T)",
        _cost_matrix,
    ),
    Diagnosis(
        "cost-not-averaged",
        "compute_cost",
        "your cost is m = {m} times the reference: divide the sum by m",
        _cost_scaled(lambda m: m),
    ),
    Diagnosis(
        "cost-sign-flipped",
        "compute_cost",
        "your cost has the wrong sign: J = −(1/m)·Σ […], the minus makes it positive",
        _cost_scaled(lambda m: -1.0),
    ),
    # update_parameters
    Diagnosis(
        "update-sign-flipped",
        "update_parameters",
        "your update adds α·dθ: subtract it, θ − α·dθ, to go down the cost",
        _catalogue_update("update-sign-flipped"),
    ),
    # initialize_parameters
    Diagnosis(
        "zero-init",
        "initialize_parameters",
        "your weights start at zero: every hidden unit would stay identical; use "
        "np.random.randn(…) * 0.01",
        _catalogue_start("zero-init"),
    ),
    Diagnosis(
        "no-0.01-scale",
        "initialize_parameters",
        "your weights are np.random.randn(…) without the * 0.01: 100 times too big",
        _unscaled_start,
    ),
)


def diagnose(function: str, case: Case, got: Mapping[str, object], quantity: str):
    """The first known mistake whose values on `case` agree with the learner's at `quantity`
    (and wherever else both have a value): (its name, the words), or None."""
    best = None
    for diagnosis in DIAGNOSES:
        if diagnosis.function != function:
            continue
        try:
            with np.errstate(all="ignore"):
                computed = diagnosis.compute(case)
        except (StepnetError, ValueError, FloatingPointError):
            continue  # this mistake cannot even be computed on these inputs
        for values in computed if isinstance(computed, list) else [computed]:
            agree = _agreeing(values, got)
            if quantity in agree and (best is None or len(agree) > best[0]):
                best = (len(agree), diagnosis)
    if best is None:
        return None
    m = _examples(case)
    return best[1].name, best[1].words.format(quantity=quantity, m=m)


def _agreeing(values: Mapping[str, object], got: Mapping[str, object]) -> set[str]:
    agree = set()
    for name, value in values.items():
        if name not in got:
            continue
        learner = getattr(got[name], "value", got[name])
        try:
            if close(learner, value):
                agree.add(name)
        except (TypeError, ValueError):
            continue
    return agree


def _examples(case: Case) -> int | str:
    for arg in case.args:
        if isinstance(arg, np.ndarray) and arg.ndim == 2 and case.function != "predict":
            return arg.shape[1]
    return "m"


# ---- from what numpy said when the learner's code raised

_NOT_ALIGNED = re.compile(r"shapes \((\d+),(\d+)\) and \((\d+),(\d+)\) not aligned")
_NOT_BROADCAST = re.compile(r"broadcast together with shapes \((\d+),(\d+)\) \((\d+),(\d+)\)")


def diagnose_error(message: str) -> tuple[str, str] | None:
    """`*` and np.dot swapped, recognised from numpy's message about the shapes."""
    aligned = _NOT_ALIGNED.search(message)
    if aligned:
        a, b, c, d = (int(size) for size in aligned.groups())
        if (a, b) == (c, d):
            return (
                "dot-for-multiply",
                f"np.dot of two ({a}, {b}) arrays: an element-wise product is * (np.multiply)",
            )
    broadcast = _NOT_BROADCAST.search(message)
    if broadcast:
        a, b, c, d = (int(size) for size in broadcast.groups())
        if b == c:
            return (
                "multiply-for-dot",
                f"* of ({a}, {b}) and ({c}, {d}): a matrix product is np.dot",
            )
    return None


def mutated_inputs(before: Mapping[str, object], after) -> list[str]:
    """The parameters update_parameters changed in its input dict (v4 asks for copies)."""
    if not isinstance(after, dict):
        return []
    changed = []
    for name in PARAMETER_NAMES:
        value = after.get(name)
        if isinstance(value, np.ndarray) and not close(value, before[name]):
            changed.append(name)
    return changed
