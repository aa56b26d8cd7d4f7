"""What the rows and columns of each step's matrix are, in the slide's names, and a selection
that remembers the picked unit, example and feature across steps.

Every array's axes are symbols of engine.shapes.SHAPES: n[1] runs over hidden units (a1, a2 …),
m over examples ((1), (2) … as the slide's x(1) … x(m)), n[0] over input features (x1, x2 …).
Labels count from 1, as the slide does; indices stay numpy's, from 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.shapes import SHAPES

UNITS, EXAMPLES, FEATURES, OUTPUTS, ONE = "n[1]", "m", "n[0]", "n[2]", "1"
_NOUNS = {UNITS: "hidden units", EXAMPLES: "examples", FEATURES: "features"}
_NOUN = {UNITS: "hidden unit", EXAMPLES: "example", FEATURES: "feature"}
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscript(index: int) -> str:
    """₁₂ for 12: the slide's subscripts, as in z₂[1]."""
    return str(index).translate(_SUBSCRIPTS)


def unit_label(j: int) -> str:
    return f"a{j + 1}"


def example_label(i: int) -> str:
    return f"({i + 1})"


def feature_label(k: int) -> str:
    return f"x{k + 1}"


def axes(name: str) -> tuple[str, str]:
    """(row symbol, column symbol) of a step's 2-D value, e.g. ("n[1]", "m") for Z1."""
    rows, cols = SHAPES[name]
    return rows, cols


def label(symbol: str, index: int) -> str:
    """The label of row or column `index` along an axis of this symbol."""
    if symbol == UNITS:
        return unit_label(index)
    if symbol == EXAMPLES:
        return example_label(index)
    if symbol == FEATURES:
        return feature_label(index)
    if symbol == OUTPUTS:
        return "out"
    return ""


def labeller(symbol: str):
    """`label` for one axis, as a callable of the index (what MatrixView takes)."""
    return lambda index: label(symbol, index)


def describe(name: str, shape: tuple[int, int]) -> str:
    """'hidden units a1…a4 × examples (1)…(400)': what the rows and columns are."""
    parts = []
    for symbol, size in zip(axes(name), shape, strict=True):
        if symbol == OUTPUTS:
            parts.append("output unit")
        elif symbol == ONE:
            parts.append("1")
        elif size == 1:
            parts.append(f"{_NOUN[symbol]} {label(symbol, 0)}")
        else:
            parts.append(f"{_NOUNS[symbol]} {label(symbol, 0)}…{label(symbol, size - 1)}")
    return " × ".join(parts)


@dataclass
class Selection:
    """The picked hidden unit, example and feature, kept while the steps change shape: picking
    unit a3 in Z[1] puts the cursor on a3's weight in dW[2], and example (151) in Z[1] stays
    (151) in Z[2]. Each index is clamped to the matrix it is shown in."""

    picked: dict[str, int] = field(default_factory=dict)

    def cursor_for(self, name: str, shape: tuple[int, int]) -> tuple[int, int]:
        rows, cols = axes(name)
        return (
            min(self.picked.get(rows, 0), shape[0] - 1) if shape[0] else 0,
            min(self.picked.get(cols, 0), shape[1] - 1) if shape[1] else 0,
        )

    def remember(self, name: str, cursor: tuple[int, int], shape: tuple[int, int]) -> None:
        """Keep the indices along the axes that have more than one entry to pick from."""
        for symbol, index, size in zip(axes(name), cursor, shape, strict=True):
            if size > 1:
                self.picked[symbol] = index

    def get(self, symbol: str) -> int | None:
        return self.picked.get(symbol)


def along(name: str, cursor: tuple[int, int], symbol: str) -> int | None:
    """The cursor's index along the axis `symbol` of step `name`'s matrix; None if it has none."""
    rows, cols = axes(name)
    if rows == symbol:
        return cursor[0]
    if cols == symbol:
        return cursor[1]
    return None
