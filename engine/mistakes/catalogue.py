"""Learners' real mistakes, one at a time: the catalogue of what each one writes and what follows.

A mistake either swaps some steps' numpy lines for the learner's (the stepper then runs on the
plain numpy path, engine.mistakes.plain_path, where numpy's real broadcasting and real shape errors
happen), or changes the starting parameters. Each one names itself, says in one line what was
written, which steps it changes (their formula and numpy line as the learner wrote them), and
the symptom a learner sees. The course's own catalogue, engine.steps.STEPS, is never touched:
a mistaken step is a new Step beside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from engine.activations import Activation
from engine.errors import StepnetError
from engine.mistakes.checked_numpy import Term, add, multiply, product
from engine.mistakes.plain_path import PLAIN_STEPS, PlainState, scaled_gradient, slope_term
from engine.notation import SYMBOLS
from engine.shapes import PARAMETER_NAMES
from engine.steps import Step


@dataclass(frozen=True)
class Change:
    """One step as the mistake writes it.

    `formula` and `code` may hold {g} and {slope} (the activation's, as in engine.steps) and
    {wrong_slope}, {wrong_slope_formula}: the slope computed from the other cached array.
    """

    step: str
    formula: str
    code: str
    compute: Callable[[PlainState], np.ndarray]
    note: str
    operands: tuple[str, ...] | None = None  # when they differ from the course's step


OTHER_CACHE = "other cache"  # an operand: the cached array g' is not computed from


@dataclass(frozen=True)
class Mistake:
    name: str
    description: str  # what the learner wrote, in one line
    symptom: str  # what goes wrong and where, in one or two sentences a learner reads
    changes: tuple[Change, ...] = ()
    init_code: str = ""  # the initialization as the learner wrote it, when that is the mistake
    starting_parameters: Callable[[Mapping[str, np.ndarray]], dict] | None = None

    @property
    def steps(self) -> tuple[str, ...]:
        """The names of the steps this mistake changes, in the iteration's order."""
        return tuple(change.step for change in self.changes)

    def starting(self, params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The parameters a run with this mistake starts from."""
        if self.starting_parameters is None:
            return dict(params)
        return self.starting_parameters(params)

    def step_for(self, step: Step, activation: Activation) -> Step:
        """`step` as this mistake writes it for `activation`; the course's step if unchanged.

        A mistaken step has no in-place kernel (kernel None): it runs on the plain path only.
        """
        change = self._change(step.name)
        if change is None:
            return step
        blanks = _blanks(activation)
        operands = step.operands if change.operands is None else change.operands
        return replace(
            step,
            formula=change.formula.format(**blanks),
            code=change.code.format(**blanks),
            operands=tuple(
                other_cached(activation) if name == OTHER_CACHE else name for name in operands
            ),
            kernel=None,
            note=change.note,
        )

    def computation(self, name: str) -> Callable[[PlainState], np.ndarray | float]:
        """How step `name` is computed on the plain path with this mistake."""
        change = self._change(name)
        return PLAIN_STEPS[name] if change is None else change.compute

    def _change(self, name: str) -> Change | None:
        return next((change for change in self.changes if change.step == name), None)


def _blanks(activation: Activation) -> dict[str, str]:
    return {
        "g": activation.code,
        "slope": activation.slope_code,
        "wrong_slope": re.sub(r"\b(A1|Z1)\b", _swap_cached, activation.slope_code),
        "wrong_slope_formula": _wrong_slope_formula(activation),
    }


def _swap_cached(match: re.Match) -> str:
    return "Z1" if match.group(0) == "A1" else "A1"


def other_cached(activation: Activation) -> str:
    """The cached array g' is *not* computed from: Z1 for tanh and σ, A1 for the ReLUs."""
    return "Z1" if activation.slope_operand == "A1" else "A1"


def _wrong_slope_formula(activation: Activation) -> str:
    """The slide's g'(z) with the other cached array put in: 1 − a² becomes 1 − Z[1]²."""
    right = activation.slope_formula.partition("= ")[2]
    letter, symbol = ("a", "Z[1]") if activation.slope_operand == "A1" else ("z", "A[1]")
    return re.sub(rf"(?<![A-Za-z]){letter}(?![A-Za-z])", symbol, right)


# ---- how each mistaken line computes, on the plain path


def _unaveraged(name: str, operands: tuple[str, str]) -> Callable[[PlainState], np.ndarray]:
    left, right = operands

    def compute(s: PlainState) -> np.ndarray:
        return product(s.term(left), s.term(right).T).value

    compute.__name__ = f"_{name}_without_1_over_m"
    return compute


def _summed(
    name: str, dz: str, *, axis: int, keepdims: bool, average: bool = True
) -> Callable[[PlainState], np.ndarray]:
    def compute(s: PlainState) -> np.ndarray:
        total = np.sum(getattr(s, dz), axis=axis, keepdims=keepdims)
        return (1 / s.m) * total if average else total

    compute.__name__ = f"_{name}_summed"
    return compute


def _dz1_with_W2_untransposed(s: PlainState) -> np.ndarray:
    backpropagated = product(s.term("W2"), s.term("dZ2"))
    return multiply(backpropagated, slope_term(s, s.activation.slope_operand)).value


def _dz1_with_the_other_cache(s: PlainState) -> np.ndarray:
    backpropagated = product(s.term("W2").T, s.term("dZ2"))
    return multiply(backpropagated, slope_term(s, other_cached(s.activation))).value


def _dz1_with_dW2(s: PlainState) -> np.ndarray:
    backpropagated = product(s.term("dW2").T, s.term("dZ2"))
    return multiply(backpropagated, slope_term(s, s.activation.slope_operand)).value


def _dz1_averaged(s: PlainState) -> np.ndarray:
    backpropagated = product(s.term("W2").T, s.term("dZ2"))
    scaled = Term(f"(1/m)·{backpropagated.text}", (1 / s.m) * backpropagated.value, None)
    return multiply(scaled, slope_term(s, s.activation.slope_operand)).value


def _cost_of_the_ones_only(s: PlainState) -> float:
    # the course's line with its second half, (1 − Y)·log(1 − A2), left out
    return float(-(1 / s.m) * np.dot(s.Y, np.log(s.A2).T).item())


def _ascend(name: str) -> Callable[[PlainState], np.ndarray]:
    def compute(s: PlainState) -> np.ndarray:
        return add(s.term(name), scaled_gradient(s, name)).value

    compute.__name__ = f"_ascend_{name}"
    return compute


def _zeros(params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {
        name: np.zeros_like(np.asarray(value, dtype=np.float64)) for name, value in params.items()
    }


# ---- the catalogue

_NO_MEAN_NOTE = "no 1/m: a sum over the m examples, not their average, so m times too big"
_NO_KEEPDIMS_NOTE = (
    "without keepdims, np.sum gives a 1-D array (n[{layer}],); the update"
    " b[{layer}] − α·db[{layer}]"
    " then broadcasts the column (n[{layer}], 1) against it into (n[{layer}], n[{layer}])"
)
_WRONG_AXIS_NOTE = (
    "axis=0 sums over the hidden units, one sum per example: a (1, m) row, where axis=1 sums"
    " over the m examples into a column"
)

MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "no-1-over-m",
        "dW and db without the 1/m: sums over the m examples instead of averages",
        "Every gradient is m times too big, as if α were m·α (480 on the flower): the cost"
        " leaps from 0.693 to 37.7 at iteration 2 and never comes back down; nothing is learned.",
        (
            Change(
                "dW2",
                "dW[2] = dZ[2]·A[1]ᵀ",
                "dW2 = np.dot(dZ2, A1.T)",
                _unaveraged("dW2", ("dZ2", "A1")),
                _NO_MEAN_NOTE,
            ),
            Change(
                "db2",
                "db[2] = Σᵢ dZ[2]",
                "db2 = np.sum(dZ2, axis=1, keepdims=True)",
                _summed("db2", "dZ2", axis=1, keepdims=True, average=False),
                _NO_MEAN_NOTE,
            ),
            Change(
                "dW1",
                "dW[1] = dZ[1]·Xᵀ",
                "dW1 = np.dot(dZ1, X.T)",
                _unaveraged("dW1", ("dZ1", "X")),
                _NO_MEAN_NOTE,
            ),
            Change(
                "db1",
                "db[1] = Σᵢ dZ[1]",
                "db1 = np.sum(dZ1, axis=1, keepdims=True)",
                _summed("db1", "dZ1", axis=1, keepdims=True, average=False),
                _NO_MEAN_NOTE,
            ),
        ),
    ),
    Mistake(
        "W2-not-transposed",
        "dZ1 = np.dot(W2, dZ2) * g'(Z1): W[2] where the slide has W[2]ᵀ",
        "dZ[1] cannot be computed: W[2] (1, n_h) · dZ[2] (1, m) has inner sizes n_h and 1, so"
        " the run stops at step 9 of iteration 0; with n_h = 1 the bug hides, as a 1×1 W[2] is"
        " its own transpose.",
        (
            Change(
                "dZ1",
                "dZ[1] = W[2]·dZ[2] * g[1]'(Z[1])",
                "dZ1 = np.dot(W2, dZ2) * {slope}",
                _dz1_with_W2_untransposed,
                "W[2] is (n[2], n[1]): only its transpose (n[1], n[2]) takes dZ[2] (n[2], m)"
                " back to the n[1] hidden units",
            ),
        ),
    ),
    Mistake(
        "sum-wrong-axis",
        "db = (1/m)·np.sum(dZ, axis=0, keepdims=True): summed over the units, not the examples",
        "db comes out (1, m), one number per example, and the updates broadcast b[1] into"
        " (n_h, m) and b[2] into (1, m): nothing fails, the per-example biases memorise the"
        " training set (J 0.006 at iteration 1000, where the course reaches 0.26), and no"
        " network is left to predict a new example with.",
        (
            Change(
                "db2",
                "db[2] = (1/m)·Σ over units dZ[2]",
                "db2 = (1 / m) * np.sum(dZ2, axis=0, keepdims=True)",
                _summed("db2", "dZ2", axis=0, keepdims=True),
                _WRONG_AXIS_NOTE,
            ),
            Change(
                "db1",
                "db[1] = (1/m)·Σ over units dZ[1]",
                "db1 = (1 / m) * np.sum(dZ1, axis=0, keepdims=True)",
                _summed("db1", "dZ1", axis=0, keepdims=True),
                _WRONG_AXIS_NOTE,
            ),
        ),
    ),
    Mistake(
        "no-keepdims",
        "db = (1/m)·np.sum(dZ, axis=1) without keepdims=True: a 1-D array, not a column",
        "db[1] comes out (n_h,) and the update b[1] (n_h, 1) − α·db[1] (n_h,) silently"
        " broadcasts into an (n_h, n_h) matrix; the next Z[1] = W[1]·X + b[1] then fails,"
        " (n_h, m) + (n_h, n_h), at step 1 of iteration 1 (unless n_h is 1 or m).",
        (
            Change(
                "db2",
                "db[2] = (1/m)·Σᵢ dZ[2]",
                "db2 = (1 / m) * np.sum(dZ2, axis=1)",
                _summed("db2", "dZ2", axis=1, keepdims=False),
                _NO_KEEPDIMS_NOTE.format(layer=2),
            ),
            Change(
                "db1",
                "db[1] = (1/m)·Σᵢ dZ[1]",
                "db1 = (1 / m) * np.sum(dZ1, axis=1)",
                _summed("db1", "dZ1", axis=1, keepdims=False),
                _NO_KEEPDIMS_NOTE.format(layer=1),
            ),
        ),
    ),
    Mistake(
        "slope-wrong-cache",
        "g' computed from the wrong cached array: 1 − Z1² where tanh' is 1 − A1²"
        " (A1 where ReLU' needs Z1)",
        "For tanh, 1 − Z[1]² looks right while the weights are small (tanh z ≈ z), then goes"
        " negative: the gradient check of dW[1] fails and dZ[1] becomes Inf/NaN at iteration 45"
        " (σ: 164); ReLU's slope becomes 1 everywhere; leaky ReLU and linear are unaffected.",
        (
            Change(
                "dZ1",
                "dZ[1] = W[2]ᵀ·dZ[2] * ({wrong_slope_formula})",
                "dZ1 = np.dot(W2.T, dZ2) * {wrong_slope}",
                _dz1_with_the_other_cache,
                "the slide's g'(z) = 1 − a² for tanh and a(1 − a) for σ take a = A[1];"
                " ReLU's takes z = Z[1]: this line feeds it the other one",
                operands=("W2", "dZ2", OTHER_CACHE),
            ),
        ),
    ),
    Mistake(
        "update-sign-flipped",
        "W := W + α·dW: a step up the cost instead of down",
        "Gradient ascent: the cost rises at every iteration (0.693162, 0.693195, 0.693234, …,"
        " past 155 by iteration 100) and the accuracy falls below chance.",
        tuple(
            Change(
                name,
                f"{symbol} := {symbol} + α·d{symbol}",
                f"{name} = {name} + learning_rate * d{name}",
                _ascend(name),
                "+ α·dθ climbs the cost: the gradient points uphill",
            )
            for name, symbol in ((name, SYMBOLS[name]) for name in PARAMETER_NAMES)
        ),
    ),
    Mistake(
        "dW2-for-W2",
        "dZ1 = np.dot(dW2.T, dZ2) * g'(Z1): the gradient dW[2] where the slide has the weight W[2]",
        "dW[2] is a few thousandths at the start on the flower and shrinks as the output settles,"
        " so almost no error reaches the hidden layer: nothing is learned, J settles at"
        " ln 2 = 0.693147 and the accuracy on the flower is 50% after 10,000 iterations (the"
        " course reaches 90.75%).",
        (
            Change(
                "dZ1",
                "dZ[1] = dW[2]ᵀ·dZ[2] * g[1]'(Z[1])",
                "dZ1 = np.dot(dW2.T, dZ2) * {slope}",
                _dz1_with_dW2,
                "dW[2] has W[2]'s shape, so nothing fails: the error is sent back through the"
                " gradient instead of the weights",
                operands=("dW2", "dZ2", "g'"),
            ),
        ),
    ),
    Mistake(
        "extra-1-over-m-in-dZ1",
        "dZ1 = (1/m)·np.dot(W2.T, dZ2) * g'(Z1): a 1/m of its own inside dZ1",
        "dW[1] and db[1] come out m times too small (400 on the flower), so the hidden layer"
        " learns 400 times slower: J is still 0.344 at iteration 10,000 (the course: 0.218)"
        " and the accuracy 84.5%.",
        (
            Change(
                "dZ1",
                "dZ[1] = (1/m)·W[2]ᵀ·dZ[2] * g[1]'(Z[1])",
                "dZ1 = (1 / m) * np.dot(W2.T, dZ2) * {slope}",
                _dz1_averaged,
                "dZ[1] is one value per example, not an average: the 1/m belongs in dW[1] and"
                " db[1] only, so with it here they are m times too small",
            ),
        ),
    ),
    Mistake(
        "half-cross-entropy",
        "J = −(1/m)·Σ Y·log A[2]: the (1 − Y)·log(1 − A[2]) half of the cost left out",
        "Training is unchanged, since no gradient reads the cost, but the cost shown counts"
        " only the examples labelled 1: it starts at 0.346580, half of ln 2 on the balanced"
        " flower, and misreports the progress.",
        (
            Change(
                "cost",
                "J = −(1/m)·Σ Y·log A[2]",
                "cost = -(1 / m) * np.dot(Y, np.log(A2).T)",
                _cost_of_the_ones_only,
                "only the examples labelled 1 count: the examples labelled 0 add nothing",
            ),
        ),
    ),
    Mistake(
        "zero-init",
        "W1 and W2 initialized to zeros instead of small random numbers",
        "Every hidden unit starts identical and stays identical (hidden units identical: 4/4);"
        " on the balanced flower every gradient is exactly 0 and J stays ln 2 = 0.693147.",
        init_code="W1 = np.zeros((n_h, n_x)); W2 = np.zeros((n_y, n_h))",
        starting_parameters=_zeros,
    ),
)

MISTAKE_NAMES: tuple[str, ...] = tuple(mistake.name for mistake in MISTAKES)
_BY_NAME = {mistake.name: mistake for mistake in MISTAKES}


def get_mistake(name: str) -> Mistake:
    """The mistake called `name`, or a StepnetError listing the known ones."""
    try:
        return _BY_NAME[name]
    except (KeyError, TypeError):
        raise StepnetError(
            f"unknown mistake {name!r}: use one of {', '.join(MISTAKE_NAMES)}"
        ) from None
