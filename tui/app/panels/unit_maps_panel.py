"""Per-hidden-unit maps, live: each hidden unit's a_j[1] over the input plane, small multiples
beside the decision boundary (TensorFlow Playground's signature view).

A map is the first layer evaluated on a grid over the data's plane (tui/session/unit_maps.py),
from the parameters the steps on screen used, so it pictures the A[1] on screen. Its shades
'░▒▓█' say how large |a| is against the largest over every unit (one scale, so the units
compare), and the theme's hue its sign (primary for a > 0, error for a < 0). Without colour the
negative shades are '·-=≡', so the sign still reads.

The maps are as large as the panel lets all n_h of them be; when even the smallest would not
fit, the panel shows a page of them, the one holding the unit followed, and says so in its
title. The unit followed (u, or a click on its map) has ▸ before its name, reversed.

Side by side, the panel shares its column's room with the boundary above it (their heights are
fractions of it, in stepnet.tcss). When its share would not hold one row of maps (a lesson's
notes take the top), the panel is hidden and the boundary has the room: an empty box would only
show a scale for maps not there.

The maps change once an iteration (with the parameters it began with), not with every step:
a step that leaves them as they were costs a comparison of those parameters, no redraw.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.css.scalar import Unit
from textual.message import Message
from textual.screen import Screen
from textual.strip import Strip

from tui.app.panels.boundary_panel import BoundaryPanel
from tui.app.panels.strip_panel import StripPanel
from tui.session import plotting
from tui.session.unit_maps import LEVELS, UnitMaps, view_unit_maps
from tui.session.view import View

SHADES = "░▒▓█"  # by |level| 1 … LEVELS; level 0 (a = 0 exactly) is a blank
MONO_NEGATIVE_SHADES = "·-=≡"  # a < 0 on a screen without colour
MARK = "▸"
GAP = 1  # cells between two maps side by side
MIN_MAP = (4, 2)  # cells across and down: the smallest map still worth drawing
MAX_MAP_WIDTH = 16
NO_MAPS = "W[1] or b[1] holds NaN or Inf, or is not the slide's shape: no maps to draw"


@dataclass(frozen=True)
class MapLayout:
    """Where the maps go: `per_row` maps of `width` × `height` cells, each under a title line;
    units `first` … `first + shown - 1` are on the panel."""

    per_row: int
    width: int
    height: int
    first: int
    shown: int

    def unit_at(self, x: int, y: int) -> int | None:
        """The unit whose map or title covers cell (x, y) of the panel's content; None."""
        row, column = divmod(y, self.height + 1)[0], x // (self.width + GAP)
        if x % (self.width + GAP) >= self.width or column >= self.per_row:
            return None
        position = row * self.per_row + column
        return self.first + position if position < self.shown else None


def map_layout(n_h: int, width: int, height: int, unit: int | None) -> MapLayout | None:
    """The largest maps, about as tall as wide on the plane (a cell is twice as tall as wide),
    that show all n_h units in `width` × `height` cells; failing that, the smallest, a page of
    them holding `unit` (the first page when None). None: not even one map fits."""
    best: MapLayout | None = None
    for per_row in range(1, n_h + 1):
        across = min(MAX_MAP_WIDTH, (width + GAP) // per_row - GAP)
        if across < MIN_MAP[0]:
            break
        down = min(math.ceil(across / 2), height // math.ceil(n_h / per_row) - 1)
        if down < MIN_MAP[1]:
            continue
        across = min(across, 2 * down)
        if best is None or across * down > best.width * best.height:
            best = MapLayout(per_row, across, down, 0, n_h)
    if best is not None:
        return best
    per_row = min(n_h, (width + GAP) // (MIN_MAP[0] + GAP))
    rows = height // (MIN_MAP[1] + 1)
    if per_row < 1 or rows < 1:
        return None
    page = per_row * rows
    first = (unit or 0) // page * page
    return MapLayout(per_row, MIN_MAP[0], MIN_MAP[1], first, min(page, n_h - first))


def unit_maps_title(layout: MapLayout | None, n_h: int, unit: int | None, room: int) -> str:
    """'hidden units a[1] · following a3', with the page shown when not all are; the longest
    that fits in `room` characters."""
    page = []
    if layout is not None and layout.shown < n_h:
        page.append(f"a{layout.first + 1}…a{layout.first + layout.shown} of {n_h}")
    followed = [] if unit is None else [f"following a{unit + 1}"]
    short = [] if unit is None else [f"{MARK}a{unit + 1}"]
    candidates = [
        " · ".join(["hidden units a[1]", *page, *followed]),
        " · ".join(["a[1]", *page, *followed]),
        " · ".join(["a[1]", *page, *short]),
    ]
    return next((title for title in candidates if len(title) <= room), candidates[-1])


def unit_maps_legend(scale: float, no_color: bool, room: int) -> str:
    """What a shade means, on the maps' scale; the longest that fits in `room` characters."""
    if scale == 0:  # zero initialization with tanh: no shade to explain
        return "a = 0 everywhere"
    if no_color:
        candidates = [
            f"{SHADES} +  {MONO_NEGATIVE_SHADES} −  |a| ≤ {scale:.2f}",
            f"+{SHADES} −{MONO_NEGATIVE_SHADES} ≤{scale:.2f}",
        ]
    else:
        candidates = [f"shade |a| ≤ {scale:.2f}, hue its sign", f"|a| ≤ {scale:.2f}, hue: sign"]
    return next((text for text in candidates if len(text) <= room), candidates[-1])


class UnitMapsPanel(StripPanel):
    """Call `show(view)` after each update; a click on a map posts `Picked`."""

    redraws_while_running = True  # a forward pass over a few hundred points: the units move

    class Picked(Message):
        """The user clicked on the map of hidden unit `unit` (numpy index)."""

        def __init__(self, unit: int) -> None:
            super().__init__()
            self.unit = unit

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "unit-maps-panel--positive",
        "unit-maps-panel--negative",
        "unit-maps-panel--title",
        "unit-maps-panel--followed",
        "unit-maps-panel--message",
    }
    DEFAULT_CSS = """
    UnitMapsPanel {
        border-title-color: $text-muted;
        border-subtitle-color: $text-muted;
    }
    UnitMapsPanel > .unit-maps-panel--positive { color: $primary; }
    UnitMapsPanel > .unit-maps-panel--negative { color: $error; }
    UnitMapsPanel > .unit-maps-panel--title { color: $text-muted; text-style: bold; }
    UnitMapsPanel > .unit-maps-panel--followed { color: $text-accent; text-style: bold reverse; }
    UnitMapsPanel > .unit-maps-panel--message { color: $text-muted; }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ):
        super().__init__(name=name, id=id, classes=classes)
        self.border_title = "hidden units a[1]"
        self._view: View | None = None
        self._drawn: View | None = None  # the View the strips were drawn from
        self._layout: MapLayout | None = None
        self._no_room_in: int | None = None  # the room whose share the panel found too small

    # ---- public

    @property
    def layout_shown(self) -> MapLayout | None:
        """How the maps are laid out now (None before the panel has a size and a View)."""
        return self._layout

    def show(self, view: View) -> None:
        self._view = view
        drawn = self._drawn
        if self._strips is None or drawn is None or not same_maps(drawn, view):
            self._redraw()

    # ---- Textual

    def on_mount(self) -> None:
        # after every layout: the room shared with the boundary may have changed (a beat's
        # notes of another length, a resize)
        self.screen.screen_layout_refresh_signal.subscribe(self, self._fit_room)

    def _fit_room(self, _: Screen) -> None:
        boundary = next(iter(self.parent.query_children(BoundaryPanel)), None)
        if boundary is None:  # on a tab of its own: the whole tab is the maps'
            return
        needed = self.styles.gutter.height + 1 + MIN_MAP[1]  # a title line and the smallest map
        if self.display:
            room = boundary.outer_size.height + self.outer_size.height
            fits = self.outer_size.height >= needed
            if not fits:
                self._no_room_in = room
        else:
            room = boundary.outer_size.height
            share = fraction_of(self.styles.height, boundary.styles.height)
            # Textual gives the panel after the boundary the rest of their rounded-down share:
            # ceil(room × its fraction). A room the panel was hidden in by its own height
            # stays a no, so a layout that rounds otherwise cannot make it come and go
            fits = room != self._no_room_in and (share is None or math.ceil(room * share) >= needed)
        if fits != self.display:
            self.display = fits

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or self._layout is None:
            return
        unit = self._layout.unit_at(offset.x, offset.y)
        if unit is not None:
            self.post_message(self.Picked(unit))

    # ---- drawing

    def _render_strips(self) -> list[Strip]:
        width, height = self.size
        if width <= 0 or height <= 0 or self._view is None:
            self._layout = None
            return []
        view = self._drawn = self._view
        n_h = view.dims["n[1]"]
        layout = self._layout = map_layout(n_h, width, height, view.unit)
        maps = None if layout is None else view_unit_maps(view, layout.width, layout.height)
        self._set_titles(layout, n_h, view.unit, None if maps is None else maps.scale)
        if layout is None:
            return self._message("no room for the maps here", width, height)
        if maps is None:
            return self._message(NO_MAPS, width, height)
        base = self.rich_style  # it walks up the DOM: once a drawing, not once a line
        strips: list[Strip] = []
        end = layout.first + layout.shown
        for start in range(layout.first, end, layout.per_row):
            row = range(start, min(start + layout.per_row, end))
            strips.append(self._titles(row, layout.width, view.unit, width, base))
            strips.extend(self._map_lines(maps, row, width, base))
        blank = Strip.blank(width, base)
        return strips[:height] + [blank] * (height - len(strips))

    def _set_titles(
        self, layout: MapLayout | None, n_h: int, unit: int | None, scale: float | None
    ) -> None:
        # the corners and the dashes and spaces around a title take 3 cells a side
        room = self.outer_size.width - 6 if self.outer_size.width else 1_000
        title = unit_maps_title(layout, n_h, unit, room)
        subtitle = "" if scale is None else unit_maps_legend(scale, self.app.no_color, room)
        # setting either repaints the panel, even to the same text
        if title != self.border_title:
            self.border_title = title
        if subtitle != self.border_subtitle:
            self.border_subtitle = subtitle

    def _titles(
        self, units: range, across: int, followed: int | None, width: int, base: Style
    ) -> Strip:
        title = self.get_component_rich_style("unit-maps-panel--title")
        marked = self.get_component_rich_style("unit-maps-panel--followed")
        segments = []
        for position, j in enumerate(units):
            if position:
                segments.append(Segment(" " * GAP, base))
            name = f"{MARK if j == followed else ''}a{j + 1}"[:across].ljust(across)
            segments.append(Segment(name, marked if j == followed else title))
        return Strip(segments).crop_extend(0, width, base)

    def _map_lines(self, maps: UnitMaps, units: range, width: int, base: Style) -> list[Strip]:
        texts, styles = self._level_cells(base)
        lines = []
        for y in range(maps.levels.shape[1]):
            segments = []
            for position, j in enumerate(units):
                if position:
                    segments.append(Segment(" " * GAP, base))
                for start, stop, level in plotting.runs(maps.levels[j, y]):
                    segments.append(Segment(texts[level] * (stop - start), styles[level]))
            lines.append(Strip(segments).crop_extend(0, width, base))
        return lines

    def _level_cells(self, base: Style) -> tuple[dict[int, str], dict[int, Style]]:
        """The glyph and style of each level −LEVELS … LEVELS."""
        positive = self.get_component_rich_style("unit-maps-panel--positive")
        negative = self.get_component_rich_style("unit-maps-panel--negative")
        below = MONO_NEGATIVE_SHADES if self.app.no_color else SHADES
        texts, styles = {0: " "}, {0: base}
        for size in range(1, LEVELS + 1):
            texts[size], styles[size] = SHADES[size - 1], positive
            texts[-size], styles[-size] = below[size - 1], negative
        return texts, styles

    def _message(self, text: str, width: int, height: int) -> list[Strip]:
        style = self.get_component_rich_style("unit-maps-panel--message")
        lines = [
            Strip([Segment(line, style)]).crop_extend(0, width, self.rich_style)
            for line in textwrap.wrap(text, width)
        ][:height]
        return lines + [Strip.blank(width, self.rich_style)] * (height - len(lines))


def fraction_of(mine, theirs) -> Fraction | None:
    """The share of the room that heights `mine` and `theirs` give the first (both fractions,
    2fr and 1fr say), exactly; None when either is not a fraction (nothing is shared)."""
    if mine is None or theirs is None or not mine.unit == theirs.unit == Unit.FRACTION:
        return None
    return Fraction(mine.value) / (Fraction(mine.value) + Fraction(theirs.value))


def same_maps(drawn: View, view: View) -> bool:
    """Whether `view` draws the very maps `drawn` did: the same data, activation, parameters
    at the iteration's start and unit followed."""
    return (
        view.unit == drawn.unit
        and view.config.activation == drawn.config.activation
        and view.start_parameters.keys() == drawn.start_parameters.keys()
        and all(
            np.array_equal(value, drawn.start_parameters[name])
            for name, value in view.start_parameters.items()
        )
        and (
            view.state["X"] is drawn.state["X"] or np.array_equal(view.state["X"], drawn.state["X"])
        )
    )
