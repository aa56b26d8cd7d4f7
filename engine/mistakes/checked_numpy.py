"""numpy's products and element-wise operations, failing with the shapes that do not line up.

The course's own steps always line up; a mistaken line may not (W[2] where W[2]ᵀ is meant, a
bias that broadcast into a matrix). numpy then raises "shapes (1,4) and (1,400) not aligned",
which names no array. Here each operand is a Term that carries how the slide writes it and the
shape the slide gives it, so a misfit says which arrays fail, by how much, and what would fit:

    W[2] (1, 4) · dZ[2] (1, 400): inner sizes 4 and 1 do not line up — W[2]ᵀ (4, 1) would

The results are numpy's own, broadcasting and all: these functions check, then call numpy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from engine.errors import StepnetError
from engine.shapes import shape_text


class Term(NamedTuple):
    """An array as the slide writes it: 'W[2]ᵀ', 'W[1]·X', 'α·dW[1]', with its slide shape."""

    text: str
    value: np.ndarray
    expected: tuple[int, ...] | None  # the slide's shape; None when the slide gives none

    @property
    def shape(self) -> tuple[int, ...]:
        return np.shape(self.value)

    def described(self) -> str:
        return f"{self.text} {shape_text(self.shape)}"

    @property
    def T(self) -> Term:
        text = self.text[:-1] if self.text.endswith("ᵀ") else self.text + "ᵀ"
        expected = None if self.expected is None else self.expected[::-1]
        return Term(text, np.transpose(self.value), expected)


class ShapeMismatch(StepnetError):
    """Two operands of a step whose shapes do not line up, so the step cannot be computed.

    `left` and `right` are the operands as (text, shape); `operator` is '·' for a matrix
    product or '+', '−', '*' for an element-wise one. Raised by the operations below without
    a place; the stepper adds the step and iteration with `located`.
    """

    def __init__(
        self,
        left: tuple[str, tuple[int, ...]],
        operator: str,
        right: tuple[str, tuple[int, ...]],
        reason: str,
        hint: str = "",
        *,
        step: str = "",
        formula: str = "",
        iteration: int | None = None,
        index: int | None = None,
    ):
        self.left, self.operator, self.right = left, operator, right
        self.reason, self.hint = reason, hint
        self.step, self.formula, self.iteration, self.index = step, formula, iteration, index
        super().__init__(self._message())

    def __reduce__(self):
        # an exception pickles as its class and args; these arguments are not all in args
        keywords = {"step": self.step, "formula": self.formula}
        keywords |= {"iteration": self.iteration, "index": self.index}
        args = (self.left, self.operator, self.right, self.reason, self.hint)
        return _rebuild_misfit, (args, keywords)

    @property
    def misfit(self) -> str:
        """'W[2] (1, 4) · dZ[2] (1, 400)': the two operands that fail, with their shapes."""
        (left, left_shape), (right, right_shape) = self.left, self.right
        return f"{left} {shape_text(left_shape)} {self.operator} {right} {shape_text(right_shape)}"

    def located(self, step: str, formula: str, iteration: int, index: int) -> ShapeMismatch:
        """The same misfit, placed at step `step` (index 0–14) of `iteration`."""
        return ShapeMismatch(
            self.left,
            self.operator,
            self.right,
            self.reason,
            self.hint,
            step=step,
            formula=formula,
            iteration=iteration,
            index=index,
        )

    def _message(self) -> str:
        # "dZ[1] =" or "b[1] :=", the formula's left-hand side, before the failing operands
        assigned = re.match(r"\S+ :?=", self.formula)
        text = f"{assigned.group(0)} {self.misfit}" if assigned else self.misfit
        text += f": {self.reason}"
        if self.hint:
            text += f" — {self.hint}"
        if self.iteration is not None and self.index is not None:
            text += f" (iteration {self.iteration}, step {self.index + 1}: {self.step})"
        return text


def product(left: Term, right: Term) -> Term:
    """np.dot(left, right), once its inner sizes are known to agree."""
    inner_left = left.shape[-1]
    inner_right = right.shape[0] if len(right.shape) == 1 else right.shape[-2]
    if inner_left != inner_right:
        raise ShapeMismatch(
            (left.text, left.shape),
            "·",
            (right.text, right.shape),
            f"inner sizes {inner_left} and {inner_right} do not line up",
            _product_hint(left, right),
        )
    expected = None
    if left.expected is not None and right.expected is not None:
        expected = (*left.expected[:-1], *right.expected[1:])
    return Term(f"{left.text}·{right.text}", np.dot(left.value, right.value), expected)


def add(left: Term, right: Term) -> Term:
    return _elementwise(np.add, "+", left, right)


def subtract(left: Term, right: Term) -> Term:
    return _elementwise(np.subtract, "−", left, right)


def multiply(left: Term, right: Term) -> Term:
    return _elementwise(np.multiply, "*", left, right)


def _elementwise(operation: Callable, operator: str, left: Term, right: Term) -> Term:
    """numpy's element-wise `operation` with its broadcasting, which may well make a bigger
    array than either operand: only shapes numpy refuses are refused here."""
    try:
        np.broadcast_shapes(left.shape, right.shape)
    except ValueError:
        raise ShapeMismatch(
            (left.text, left.shape),
            operator,
            (right.text, right.shape),
            _broadcast_reason(left.shape, right.shape),
            _off_the_slide(left, right),
        ) from None
    return Term(f"{left.text} {operator} {right.text}", operation(left.value, right.value), None)


def _broadcast_reason(left: tuple[int, ...], right: tuple[int, ...]) -> str:
    """Which axis breaks numpy's rule: sizes aligned from the right must be equal or 1."""
    for axis in range(1, min(len(left), len(right)) + 1):
        a, b = left[-axis], right[-axis]
        if a != b and 1 not in (a, b):
            where = max(len(left), len(right)) - axis
            return f"sizes {a} and {b} on axis {where} neither match nor are 1"
    return "they do not broadcast"


def _product_hint(left: Term, right: Term) -> str:
    """What would line up: a transpose of one side, or an operand back in its slide shape."""
    single = "·" not in left.text
    if single and len(left.shape) == 2 and left.shape[0] == _inner(right):
        return f"{left.T.described()} would"
    return _off_the_slide(left, right)


def _inner(term: Term) -> int:
    return term.shape[0] if len(term.shape) == 1 else term.shape[-2]


def _off_the_slide(*terms: Term) -> str:
    """'b[1] should be (4, 1)' for each operand whose shape is not the slide's."""
    wrong = [
        f"{term.text} should be {shape_text(term.expected)}"
        for term in terms
        if term.expected is not None and term.shape != term.expected
    ]
    return "; ".join(wrong)


def _rebuild_misfit(args: tuple, keywords: dict) -> ShapeMismatch:
    return ShapeMismatch(*args, **keywords)
