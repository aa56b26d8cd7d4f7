"""The network as the slides draw it: inputs x1…, hidden units a1[1]…, the output ŷ.

The layer the current step works on is highlighted, and identical hidden units are marked with
the same letter, so zero initialization's symmetry is visible at a glance. The hidden unit
followed (u) stands out, with ▸ before it.
"""

from __future__ import annotations

from string import ascii_uppercase

import numpy as np
from textual.content import Content

from engine.notation import SYMBOLS
from engine.shapes import concrete, shape_text
from tui.app.panels.panel import TextPanel
from tui.session.view import View

MAX_UNITS_SHOWN = 8


def _shown_units(n: int, followed: int | None = None) -> list[int | None]:
    """Unit indices to draw; None stands for the ones left out. A unit followed from the
    middle is drawn there, in place of the last one."""
    if n <= MAX_UNITS_SHOWN:
        return list(range(n))
    half = MAX_UNITS_SHOWN // 2 - 1
    shown = {*range(half), *range(n - half, n)}
    if followed is not None and followed not in shown:
        shown = {*range(half), followed, *range(n - half + 1, n)}
    units: list[int | None] = []
    for unit in sorted(shown):
        if units and unit != units[-1] + 1:
            units.append(None)
        units.append(unit)
    return units


class NetworkPanel(TextPanel):
    DEFAULT_CSS = """
    NetworkPanel { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def show(self, view: View) -> None:
        self.show_content(network_markup(view))


def network_markup(view: View) -> Content:
    n_x, n_h = view.dims["n[0]"], view.dims["n[1]"]
    layer = view.event.layer if view.event is not None else None
    cost_step = view.event is not None and view.event.phase == "cost"
    marks = _symmetry_marks(view)
    hidden_style = "bold $accent" if layer == 1 else ""
    output_style = "bold $accent" if layer == 2 or cost_step else ""

    inputs = [f"x{k + 1}" for k in range(n_x)]
    hidden = []
    for unit in _shown_units(n_h, view.unit):
        if unit is None:
            hidden.append(("  ⋮", "$text-muted"))
            continue
        followed = unit == view.unit
        label = f"{'▸' if followed else ''}a{unit + 1}[1]{marks.get(unit, '')}"
        style = "reverse $accent" if followed else hidden_style
        hidden.append((label, style))
    rows = max(len(inputs), len(hidden))
    middle = (rows - 1) // 2
    lines = [Content.from_markup("[$text-muted]in   hidden    out[/]")]
    for row in range(rows):
        left = f"{inputs[row]:<3}→ " if row < len(inputs) else " " * 5
        label, style = hidden[row] if row < len(hidden) else ("", "")
        cell = Content.styled(f"{label:<9}", style) if style else Content(f"{label:<9}")
        right = "→ ŷ" if row == middle else ""
        out = Content.styled(right, output_style) if output_style else Content(right)
        lines.append(Content(left) + cell + Content(" ") + out)
    lines.append(Content(""))
    lines.append(_shapes(view, ("W1", "b1"), hidden_style))
    lines.append(_shapes(view, ("W2", "b2"), output_style))
    if marks:
        # 22 cells: the wide layout's network column holds 24 ("… identical units" was cut)
        lines.append(Content.from_markup("[$text-muted]same letter: identical[/]"))
    return Content("\n").join(lines)


def _shapes(view: View, names: tuple[str, str], style: str) -> Content:
    """'W[1] (4, 2)  b[1] (4, 1)' as the parameters are now. A shape a mistake has made other
    than the slide's stands out, each on a line of its own: (4, 400) would not fit beside."""
    shapes = {name: np.shape(view.state[name]) for name in names}
    shown = {name: f"{SYMBOLS[name]} {shape_text(shape)}" for name, shape in shapes.items()}
    if all(shape == concrete(name, view.dims) for name, shape in shapes.items()):
        line = "  ".join(shown.values())
        return Content.styled(line, style) if style else Content(line)
    return Content("\n").join(
        Content.styled(shown[name], "bold reverse $error")
        if shape != concrete(name, view.dims)
        else Content(shown[name])
        for name, shape in shapes.items()
    )


def _symmetry_marks(view: View) -> dict[int, str]:
    """' A', ' B' … after units that share their values with another unit."""
    marks = {}
    shared = [group for group in view.symmetry.groups if len(group) > 1]
    for letter, group in zip(ascii_uppercase, shared, strict=False):
        for unit in group:
            marks[unit] = f" {letter}"
    return marks
