"""The learner's value and what their code did, for the step on screen (`stepnet --student`).

Two pieces drawn into panels that do not know about the learner: a block for the value panel's
details (theirs beside the engine's, the differing entries marked with *), and a line for the
formula panel naming the known mistake theirs agrees with (engine/reference/diagnoses.py).
Both read the IterationMarks of the iteration on screen; a step the course's functions do not
return (dZ2, dZ1) gets a word saying so, not a blank.
"""

from __future__ import annotations

import numpy as np
from rich.console import Group, RenderableType
from rich.text import Text
from textual.content import Content

from engine.notation import SYMBOLS
from engine.reference.compare import ATOL, RTOL, Difference
from engine.reference.student import STEPS_OF, IterationMarks
from engine.reference.text import SIDE_COLUMNS, SIDE_ROWS
from tui.app.panels.value.details_layout import HEADING, MUTED
from tui.session.formatting import number, uses_scientific
from tui.session.view import View

FUNCTION_OF = {step: function for function, steps in STEPS_OF.items() for step in steps}
DIFFERS = "bold reverse"  # no colour: the details read the same under any theme and NO_COLOR
ENTRY = 10  # characters of one number: +4.592e-04


def yours_details(view: View, marks: IterationMarks | None) -> RenderableType | None:
    """Theirs for the step on screen, under a `yours ✓/✗` heading; None before any step."""
    event = view.event
    if event is None:
        return None
    name, symbol = event.name, SYMBOLS[event.name]
    if marks is None:
        return Text("yours: comparing …", style=MUTED)
    function = FUNCTION_OF.get(name)
    if function is None:
        return Text(f"yours: the course's functions do not return {symbol}", style=MUTED)
    if function in marks.errors:
        return Text(f"yours ✗ {function} raised {marks.errors[function]}", style=HEADING)
    difference = marks.differences.get(name)
    if difference is None:
        return Text(
            f"yours ✓ {function} gives this {symbol} too (the course's tolerance: "
            f"allclose, rtol {_power(RTOL)}, atol {_power(ATOL)})",
            style=MUTED,
        )
    lines: list[Text] = [Text(f"yours ✗ {function}: {_headline(difference, symbol)}", HEADING)]
    found = marks.diagnoses.get(name)
    if found is not None:
        lines.append(Text(f"diagnosis {found[0]}: {found[1]}"))
    lines += _theirs_over_the_engines(difference)
    return Group(*lines)


def _theirs_over_the_engines(difference: Difference) -> list[Text]:
    """A few rows and columns around the largest difference, theirs above the engine's (the
    value panel is too narrow for side by side), each differing entry marked * and reversed."""
    got, expected = difference.got, difference.expected
    if got is None or expected is None or np.shape(got) != np.shape(expected):
        return []  # another shape: the headline says which
    if np.ndim(got) == 0:
        return []  # a number: the headline gives both
    got2, expected2 = np.atleast_2d(got), np.atleast_2d(expected)
    if got2.ndim > 2:
        return []
    at = difference.at or ()
    row, column = at if len(at) == 2 else (0, at[0] if at else 0)
    rows = _window(row, got2.shape[0], SIDE_ROWS)
    columns = _window(column, got2.shape[1], SIDE_COLUMNS)
    differs = ~np.isclose(got2, expected2, rtol=RTOL, atol=ATOL)
    scientific = uses_scientific(np.concatenate([got2.ravel(), expected2.ravel()]))
    where = (
        f"rows {rows.start}–{rows.stop - 1}, columns {columns.start}–{columns.stop - 1}; * differs"
    )
    lines = []
    for title, values in ((f"yours  ({where})", got2), ("the engine's", expected2)):
        lines.append(Text(title, style=MUTED))
        for r in rows:
            line = Text("")
            for c in columns:
                entry = number(values[r, c], ENTRY, scientific)
                line.append(" ")
                line.append(
                    entry + ("*" if differs[r, c] else " "), DIFFERS if differs[r, c] else ""
                )
            lines.append(line)
    return lines


def _power(tolerance: float) -> str:
    return f"{tolerance:.0e}".replace("e-0", "e-")  # 1e-5 as the course writes it, not 1e-05


def _window(centre: int, size: int, count: int) -> range:
    start = max(0, min(centre - count // 2, size - count))
    return range(start, min(size, start + count))


def _headline(difference: Difference, symbol: str) -> str:
    if difference.problem:
        return difference.problem
    got, expected = difference.got, difference.expected
    if got is not None and expected is not None and np.ndim(got) == 0:
        return f"{symbol} = {float(got):.6g}, the engine's {float(expected):.6g}"
    where = f" at {list(difference.at)}" if difference.at else ""
    return f"{symbol} differs by up to {difference.max_abs_diff:.6g}{where}"


def yours_formula_line(view: View, marks: IterationMarks | None) -> Content | None:
    """What theirs did at the step on screen, where it differs: the known mistake it agrees
    with, or that none does; None where theirs agrees or is not known yet."""
    event = view.event
    if event is None or marks is None:
        return None
    found = marks.diagnoses.get(event.name)
    if found is not None:
        # the name first: it is what a narrow panel still shows of the line
        return Content.styled(f"yours ✗ {found[0]}: {found[1]}", "bold $error")
    if event.name in marks.differences:
        return Content.styled(
            "yours ✗ differs here, and no known mistake gives the same values", "bold $error"
        )
    return None
