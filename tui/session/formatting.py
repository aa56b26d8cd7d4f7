"""Numbers and matrices as text, the same way in the trace, the app and the snapshots."""

from __future__ import annotations

import math

import numpy as np


def non_finite(value: float) -> str:
    """NaN, +Inf or -Inf: how every panel spells a value that is not finite."""
    return "NaN" if np.isnan(value) else ("+Inf" if value > 0 else "-Inf")


def number(
    value: float, width: int = 0, scientific: bool | None = None, extra_digits: int = 0
) -> str:
    """A float in 4 significant digits, fixed or scientific, whichever reads better; or, for a
    matrix's numbers, the notation `scientific` says (see uses_scientific), so that its columns
    read alike; `extra_digits` more where values must be told apart (see apart). Zero is
    +0.0000, never -0.0000."""
    value = float(value) + 0.0  # -0.0 + 0.0 is +0.0
    if not np.isfinite(value):
        text = non_finite(value)
    elif scientific or (scientific is None and not _fixed_reads_better(value)):
        text = f"{value:+.{3 + extra_digits}e}"
    else:
        text = f"{value:+.{4 + extra_digits}f}"
    if text[1:].strip("0.e+-") == "":  # rounded to nothing: -0.0000 would be +0.0000
        text = "+" + text[1:]
    return text.rjust(width)


def _fixed_reads_better(value: float) -> bool:
    return value == 0 or 1e-3 <= abs(value) < 1e4


MOST_EXTRA_DIGITS = 3  # 7 significant digits at most: far above any machine's rounding


def apart(values, most_extra: int = MOST_EXTRA_DIGITS) -> list[str]:
    """number() of each value, in one notation, with the fewest extra digits that resolve the
    smallest difference between them to a tenth: J moving from 0.693162 to 0.693100 reads so,
    not +0.6932 and +0.6931, nor +0.6931 twice. At most `most_extra` more than number()'s."""
    floats = [float(value) for value in values]
    scientific = uses_scientific(floats)
    finite = np.unique([value for value in floats if np.isfinite(value)])
    extra = 0
    if finite.size > 1:
        smallest = float(np.min(np.diff(finite)))
        largest = float(np.max(np.abs(finite)))
        # the place of number()'s last digit: 1e-4 in fixed notation, else the largest
        # value's exponent less 3
        last = -4 if not scientific else math.floor(math.log10(largest)) - 3
        while extra < most_extra and 10.0 ** (last - extra) * 10 > smallest:
            extra += 1
    return [number(value, scientific=scientific, extra_digits=extra) for value in floats]


def uses_scientific(values) -> bool:
    """True if number() would write any of `values` in scientific notation: then all of them
    are, rather than +9.650e-04 beside -0.0186."""
    array = np.abs(np.asarray(values, dtype=np.float64))
    array = array[np.isfinite(array) & (array != 0)]
    return bool(array.size) and bool(np.any((array < 1e-3) | (array >= 1e4)))


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
