"""The slide's symbols for the engine's names, and formulas annotated with live shapes.

`shape_equation` turns "Z[1] = W[1]·X + b[1]" into
"W[1] (4, 2) · X (2, 400) + b[1] (4, 1) → Z[1] (4, 400)": the shapes flowing through a step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from engine.shapes import SHAPES, concrete

# engine name → the slide's symbol
SYMBOLS: dict[str, str] = {
    name: re.sub(r"^(d?[A-Za-z])(\d)$", r"\1[\2]", name) for name in SHAPES if name != "cost"
}
SYMBOLS["cost"] = "J"
_NAME_OF = {symbol: name for name, symbol in SYMBOLS.items()}
# longest first, so that dZ[1] is not read as Z[1]
_SYMBOL_PATTERN = re.compile(
    r"(?<!\w)("
    + "|".join(re.escape(s) for s in sorted(_NAME_OF, key=len, reverse=True) if s != "J")
    + r")(ᵀ?)"
)


def _shape_text(dims: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(d) for d in dims) + ")"


def shape_equation(formula: str, dims: Mapping[str, int]) -> str:
    """The right-hand side of `formula` with each array's shape after it, → the result's."""
    left, _, right = re.split(r"\s*(:?=)\s*", formula, maxsplit=1)
    right = right.replace("·", " · ")

    def annotate(match: re.Match) -> str:
        symbol, transposed = match.groups()
        shape = concrete(_NAME_OF[symbol], dims)
        if transposed:
            shape = shape[::-1]
        return f"{symbol}{transposed} {_shape_text(shape)}"

    annotated = _SYMBOL_PATTERN.sub(annotate, right)
    result = _NAME_OF.get(left.strip())
    result_shape = "scalar" if result in (None, "cost") else _shape_text(concrete(result, dims))
    return f"{re.sub(' +', ' ', annotated).strip()} → {left.strip()} {result_shape}"


def fill_sizes(text: str, dims: Mapping[str, int]) -> str:
    """Replace the slide's size symbols n[0], n[1], n[2], m by their values."""
    return re.sub(r"n\[[012]\]|\bm\b", lambda match: str(dims[match.group(0)]), text)
