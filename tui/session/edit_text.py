"""What-if edits as a user types them: `W1[2, 0] = 0.0`, `b1[3] = -1`, `b2 = 0.5`, `alpha = 0.3`.

The one place that reads that text; engine.edits does the edit. A vector takes one index (b1[j]
is row j, W2[j] column j, the hidden unit either way), b2 none.
"""

from __future__ import annotations

import re

from engine.edits import ALPHA
from engine.errors import StepnetError

EXAMPLES = "W1[2, 0] = 0.0 · b1[1] = -1 · W2[0, 3] = 0.5 · b2 = 0.1 · alpha = 0.3"
_ALPHA_NAMES = ("alpha", "α", "learning_rate")
_FORM = re.compile(
    r"\s*(?P<name>W1|b1|W2|b2|alpha|α|learning_rate)\s*"
    r"(?:\[\s*(?P<first>\d+)\s*(?:,\s*(?P<second>\d+)\s*)?\])?"
    r"\s*=\s*(?P<value>\S+)\s*"
)


def parse_edit(text: str) -> tuple[str, tuple[int, ...], float]:
    """(name, index, value) for engine.edits.make_edit, or StepnetError with the forms."""
    match = _FORM.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        shown = text if len(text) <= 40 else text[:39] + "…"
        raise StepnetError(f"cannot read edit {shown!r}: write it as {EXAMPLES}")
    name = match["name"]
    indices = tuple(int(match[part]) for part in ("first", "second") if match[part] is not None)
    try:
        value = float(match["value"])
    except ValueError:
        raise StepnetError(f"{match['value']!r} is not a number: write e.g. {name} = 0.0") from None
    if name in _ALPHA_NAMES:
        return ALPHA, indices, value
    if len(indices) == 1 and name in ("b1", "W2"):
        # a vector over hidden units: the one index is the unit
        indices = (indices[0], 0) if name == "b1" else (0, indices[0])
    elif not indices and name == "b2":
        indices = (0, 0)
    return name, indices, value
