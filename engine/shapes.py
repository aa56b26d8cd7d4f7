"""The slide's symbolic shapes for every named array, and how to make them concrete.

The symbols are the slide's: n[0] = n_x input features, n[1] hidden units, n[2] = 1 output unit,
m examples.
"""

from __future__ import annotations

from collections.abc import Mapping

PARAMETER_NAMES = ("W1", "b1", "W2", "b2")
HIDDEN = "n[1]"

SHAPES: dict[str, tuple[str, ...]] = {
    "X": ("n[0]", "m"),
    "Y": ("n[2]", "m"),
    "W1": ("n[1]", "n[0]"),
    "b1": ("n[1]", "1"),
    "W2": ("n[2]", "n[1]"),
    "b2": ("n[2]", "1"),
    "Z1": ("n[1]", "m"),
    "A1": ("n[1]", "m"),
    "Z2": ("n[2]", "m"),
    "A2": ("n[2]", "m"),
    "cost": (),
    "dZ2": ("n[2]", "m"),
    "dW2": ("n[2]", "n[1]"),
    "db2": ("n[2]", "1"),
    "dZ1": ("n[1]", "m"),
    "dW1": ("n[1]", "n[0]"),
    "db1": ("n[1]", "1"),
}


def hidden_axis(name: str) -> int | None:
    """The axis of `name` that runs over hidden units, or None if it has none."""
    symbols = SHAPES[name]
    return symbols.index(HIDDEN) if HIDDEN in symbols else None


def symbolic(name: str) -> str:
    """`(n[1], m)` for Z1: the shape as the slide writes it."""
    return "(" + ", ".join(SHAPES[name]) + ")"


def concrete(name: str, dims: Mapping[str, int]) -> tuple[int, ...]:
    """The shape of `name` for the given sizes, e.g. (4, 400) for Z1 with n_h = 4, m = 400."""
    return tuple(dims[symbol] for symbol in SHAPES[name])


def shape_text(shape: tuple[int, ...]) -> str:
    """(4, 400), and (4,) for a 1-D array, as numpy prints shapes."""
    return str(tuple(int(size) for size in shape))
