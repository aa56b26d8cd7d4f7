"""Per-hidden-unit maps over the panels: each unit's a[1] on the input plane, small multiples.

Shades '░▒▓█' say how large a is against the largest over all units, and the theme's colours
its sign (primary for a > 0, error for a < 0); without colour, each map's range printed under it
still tells a unit that is mostly positive from one mostly negative.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.session.unit_maps import LEVELS, UnitMaps

SHADES = " ░▒▓█"  # by |level|, 0 … LEVELS
GAP = "  "


def maps_content(maps: UnitMaps, per_row: int) -> Content:
    """The maps in rows of `per_row`, each titled a_j[1] and followed by its range."""
    n_h, rows, columns = maps.levels.shape
    lines: list[Content] = []
    for first in range(0, n_h, per_row):
        units = range(first, min(first + per_row, n_h))
        titles = [f"{f'a{j + 1}[1]':<{columns}}" for j in units]
        lines.append(Content.styled(GAP.join(titles), "bold"))
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


class UnitMapsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,u", "dismiss", "close", id="close-unit-maps")]
    DEFAULT_CSS = """
    UnitMapsScreen { align: center middle; }
    UnitMapsScreen > VerticalScroll {
        width: auto; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    UnitMapsScreen Static { width: auto; }
    """

    def __init__(self, maps: UnitMaps, per_row: int) -> None:
        super().__init__()
        self._maps = maps
        self._per_row = per_row

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(maps_content(self._maps, self._per_row), id="unit-maps")
