"""Per-hidden-unit maps over the panels: each unit's a[1] on the input plane, small multiples.

Shades '░▒▓█' say how large a is against the largest over all units, and the theme's colours
its sign (primary for a > 0, error for a < 0); without colour, each map's range printed under it
still tells a unit that is mostly positive from one mostly negative.
"""

from __future__ import annotations

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.app.screens.dialog import Dialog
from tui.session.unit_maps import LEVELS, UnitMaps
from tui.session.watch import describe

SHADES = " ░▒▓█"  # by |level|, 0 … LEVELS
GAP = "  "


# the arrays with a row per hidden unit, and W2 with a column per unit: a unit's own values
UNIT_ROWS = ("W1", "b1", "Z1", "A1", "dZ1", "dW1")
UNIT_COLUMNS = ("W2",)


def unit_values(state, unit: int) -> list[tuple[str, str]]:
    """(label, one line) for each array of `state` that has the unit's row or column now."""
    lines = []
    for name in (*UNIT_ROWS, *UNIT_COLUMNS):
        if name not in state:
            continue  # a step not computed yet in this iteration
        array = np.asarray(state[name])
        part = array[:, unit] if name in UNIT_COLUMNS else array[unit]
        where = f"{name}[:, {unit}]" if name in UNIT_COLUMNS else f"{name}[{unit}]"
        lines.append((where, describe(part)))
    return lines


def maps_content(maps: UnitMaps, per_row: int, selected: int | None = None) -> Content:
    """The maps in rows of `per_row`, each titled a_j[1] and followed by its range; the
    selected unit's title stands out."""
    n_h, rows, columns = maps.levels.shape
    lines: list[Content] = []
    for first in range(0, n_h, per_row):
        units = range(first, min(first + per_row, n_h))
        title = Content("")
        for position, j in enumerate(units):
            if position:
                title += Content(GAP)
            text = f"{f'a{j + 1}[1]':<{columns}}"
            title += Content.styled(text, "bold reverse" if j == selected else "bold")
        lines.append(title)
        for y in range(rows):
            line = Content("")
            for position, j in enumerate(units):
                if position:
                    line += Content(GAP)
                line += _row(maps.levels[j, y])
            lines.append(line)
        ranges = [
            f"{maps.values[j].min():+.2f}…{maps.values[j].max():+.2f}".ljust(columns)[:columns]
            for j in units
        ]
        lines.append(Content.styled(GAP.join(ranges), "$text-muted"))
        lines.append(Content(""))
    legend = f"shade: |a| in quarters of {maps.scale:.3g} (the largest over every unit)"
    lines.append(Content.styled(legend + "; coloured by the sign of a", "$text-muted"))
    return Content("\n").join(lines)


def _row(levels) -> Content:
    line = Content("")
    for level in levels:
        glyph = SHADES[min(abs(int(level)), LEVELS)]
        style = "$primary" if level > 0 else "$error" if level < 0 else ""
        line += Content.styled(glyph, style) if style else Content(glyph)
    return line


class UnitMapsScreen(Dialog[None]):
    CLOSING_KEYS = frozenset({"escape", "q", "u"})
    BINDINGS = [
        Binding("escape,q,u", "dismiss", "close", id="close-unit-maps"),
        Binding("left", "select(-1)", "previous unit", id="previous-unit"),
        Binding("right", "select(1)", "next unit", id="next-unit"),
    ]
    DEFAULT_CSS = """
    UnitMapsScreen { align: center middle; }
    UnitMapsScreen > VerticalScroll {
        width: auto; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    UnitMapsScreen Static { width: auto; }
    """

    def __init__(self, maps: UnitMaps, per_row: int, state=None) -> None:
        super().__init__()
        self._maps = maps
        self._per_row = per_row
        self._state = state or {}  # the arrays on screen, a row (column of W2) per unit
        self.selected = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self._content(), id="unit-maps")
            yield Static(self._unit_content(), id="unit-values")

    def action_select(self, step: int) -> None:
        self.selected = (self.selected + step) % self._maps.levels.shape[0]
        self.query_one("#unit-maps", Static).update(self._content())
        self.query_one("#unit-values", Static).update(self._unit_content())

    def _content(self) -> Content:
        return maps_content(self._maps, self._per_row, self.selected)

    def _unit_content(self) -> Content:
        """The selected unit's own values in every array that has them: ← → pick the unit."""
        rows = unit_values(self._state, self.selected)
        heading = Content.styled(f"unit a{self.selected + 1}[1] (← → another unit)", "bold")
        width = max((len(label) for label, _ in rows), default=0)
        lines = [heading] + [
            Content.styled(f"{label:<{width}}  ", "$text-muted") + Content(text)
            for label, text in rows
        ]
        return Content("\n").join(lines)
