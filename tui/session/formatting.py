"""Numbers and matrices as text, the same way in the trace, the app and the snapshots."""

from __future__ import annotations

import numpy as np


def non_finite(value: float) -> str:
    """NaN, +Inf or -Inf: how every panel spells a value that is not finite."""
    return "NaN" if np.isnan(value) else ("+Inf" if value > 0 else "-Inf")


def number(value: float, width: int = 0) -> str:
    """A float in 4 significant digits, fixed or scientific, whichever reads better."""
    value = float(value)
    if not np.isfinite(value):
        text = non_finite(value)
    elif value == 0 or 1e-3 <= abs(value) < 1e4:
        text = f"{value:+.4f}"
    else:
        text = f"{value:+.3e}"
    return text.rjust(width)


def shape(dims: tuple[int, ...]) -> str:
    """(4, 400) for a matrix, () for a scalar, as numpy writes shapes."""
    return "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"


def matrix(value, *, edge_items: int = 3, line_width: int = 100) -> str:
    """A matrix summarised as numpy prints large arrays: corners and ellipses."""
    if isinstance(value, float):
        return number(value)
    return np.array2string(
        np.asarray(value),
        precision=4,
        threshold=64,
        edgeitems=edge_items,
        max_line_width=line_width,
        floatmode="fixed",
        sign=" ",
    )


def statistics(value) -> str:
    """min, max, mean and norm on one line."""
    array = np.asarray(value, dtype=np.float64)
    return (
        f"min {number(array.min())}  max {number(array.max())}  "
        f"mean {number(array.mean())}  ‖·‖ {number(np.linalg.norm(array))}"
    )
