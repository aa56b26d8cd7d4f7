"""The slide's symbols for the engine's names, and formulas annotated with live shapes.

`shape_equation` turns "Z[1] = W[1]·X + b[1]" into
"W[1] (4, 2) · X (2, 400) + b[1] (4, 1) → Z[1] (4, 400)": the shapes flowing through a step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from engine.shapes import SHAPES, concrete, shape_text

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


def shape_equation(
    formula: str,
    dims: Mapping[str, int],
    shapes: Mapping[str, tuple[int, ...]] | None = None,
    result_shape: tuple[int, ...] | None = None,
) -> str:
    """The right-hand side of `formula` with each array's shape after it, → the result's.

    Shapes are the slide's for the sizes in `dims`, except for the arrays named in `shapes`
    and the result, when `result_shape` is given: the shapes they really have (a mistake may
    have changed them).
    """
    shapes = shapes or {}
    left, _, right = re.split(r"\s*(:?=)\s*", formula, maxsplit=1)
    right = right.replace("·", " · ")

    def annotate(match: re.Match) -> str:
        symbol, transposed = match.groups()
        name = _NAME_OF[symbol]
        shape = tuple(shapes[name]) if name in shapes else concrete(name, dims)
        if transposed:
            shape = shape[::-1]
        return f"{symbol}{transposed} {shape_text(shape)}"

    annotated = _SYMBOL_PATTERN.sub(annotate, right)
    result = _NAME_OF.get(left.strip())
    if result in (None, "cost"):
        shown = "scalar"
    else:
        shown = shape_text(concrete(result, dims) if result_shape is None else result_shape)
    return f"{re.sub(' +', ' ', annotated).strip()} → {left.strip()} {shown}"


def fill_sizes(text: str, dims: Mapping[str, int]) -> str:
    """Replace the slide's size symbols n[0], n[1], n[2], m by their values."""
    return re.sub(r"n\[[012]\]|\bm\b", lambda match: str(dims[match.group(0)]), text)
