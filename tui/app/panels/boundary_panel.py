"""The decision boundary: the data by class over the regions the network predicts.

Each terminal cell is two pixels stacked ('▀': foreground the top pixel, background the bottom
one). A pixel's shade says which class the network predicts there and how surely (A2 in
LEVELS_PER_CLASS steps per class, the surest the strongest), so the boundary shows where the hue
flips. Points are glyphs that differ in shape, ○ for y = 0 and × for y = 1 (⊗ where a cell holds
both), so the picture reads without colour; with NO_COLOR the regions become ' ' for class 0 and
'·' for class 1.

Only the first two features are drawn; any others are held at their mean (a 2-D slice, said in
the title). The pixel grid and the points' cells are cached per size and data, so a redraw is
one forward pass over the grid and a few array operations.
"""

from __future__ import annotations

import textwrap
from typing import ClassVar

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip

from engine.errors import StepnetError
from engine.functional import forward
from engine.notation import SYMBOLS
from engine.shapes import PARAMETER_NAMES, concrete, shape_text
from tui.app import colour_depth
from tui.app.panels.strip_panel import StripPanel
from tui.session import plotting
from tui.session.plotting import BOTH, LEVELS_PER_CLASS, ONLY_0, ONLY_1
from tui.session.view import View

SHADES = 2 * LEVELS_PER_CLASS
# shade level → component class: class 0 from surest to nearest the boundary, then class 1
# from nearest to surest
SHADE_CLASSES = tuple(
    [f"boundary-panel--y0-{k}" for k in range(LEVELS_PER_CLASS)]
    + [f"boundary-panel--y1-{k}" for k in range(LEVELS_PER_CLASS)]
)
GLYPHS = {ONLY_0: "○", ONLY_1: "×", BOTH: "⊗"}
GLYPH_CLASSES = {
    ONLY_0: "boundary-panel--point-0",
    ONLY_1: "boundary-panel--point-1",
    BOTH: "boundary-panel--point-both",
}
MONO_REGIONS = (" ", "·")  # class 0, class 1, on a screen without colour
LEGEND = "○ y=0  × y=1  ⊗ both"
NO_VIEW = "the boundary appears once there is a network"
NOT_FINITE = "W or b holds NaN or Inf: no regions to draw"


def _limited_depth_rules(depth: int) -> list[tuple[str, str]]:
    """Regions and glyphs from the palette on a terminal of `depth` colours (see colour_depth):
    class 0 red from surest to nearest the boundary, class 1 blue from nearest to surest."""
    red = [colour_depth.NEGATIVE[depth][k] for k in reversed(colour_depth.BOUNDARY_STEPS)]
    blue = [colour_depth.POSITIVE[depth][k] for k in colour_depth.BOUNDARY_STEPS]
    glyphs = {
        ONLY_0: colour_depth.POINT_0,
        ONLY_1: colour_depth.POINT_1,
        BOTH: colour_depth.POINT_BOTH,
    }
    return [
        *(
            (f"BoundaryPanel > .{name}", f"background: {colour};")
            for name, colour in zip(SHADE_CLASSES, red + blue, strict=True)
        ),
        *(
            (f"BoundaryPanel > .{GLYPH_CLASSES[kind]}", f"color: {colours[depth]};")
            for kind, colours in glyphs.items()
        ),
    ]


class BoundaryPanel(StripPanel):
    """Call `show(view)` after each update; draws at whatever size the layout gives it."""

    redraws_while_running = True  # the boundary moving is what a run is watched for

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *SHADE_CLASSES,
        *GLYPH_CLASSES.values(),
        "boundary-panel--message",
    }
    # class 0 in the error hue and class 1 in the primary hue, the course's red and blue
    # the limited-depth rules start at the app's class, above this widget: not scoped to it
    SCOPED_CSS: ClassVar[bool] = False
    DEFAULT_CSS = """
    BoundaryPanel {
        height: 1fr;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        border-subtitle-color: $text-muted;
        padding: 0 1;
    }
    BoundaryPanel > .boundary-panel--y0-0 { background: $error 60%; }
    BoundaryPanel > .boundary-panel--y0-1 { background: $error 38%; }
    BoundaryPanel > .boundary-panel--y0-2 { background: $error 18%; }
    BoundaryPanel > .boundary-panel--y1-0 { background: $primary 18%; }
    BoundaryPanel > .boundary-panel--y1-1 { background: $primary 38%; }
    BoundaryPanel > .boundary-panel--y1-2 { background: $primary 60%; }
    BoundaryPanel > .boundary-panel--point-0 { color: $text-error; text-style: bold; }
    BoundaryPanel > .boundary-panel--point-1 { color: $text-primary; text-style: bold; }
    BoundaryPanel > .boundary-panel--point-both { color: $text; text-style: bold; }
    BoundaryPanel > .boundary-panel--message { color: $text-muted; }
    """ + colour_depth.css(_limited_depth_rules)

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ):
        super().__init__(name=name, id=id, classes=classes)
        self.border_title = "decision boundary"
        self.border_subtitle = LEGEND
        self._view: View | None = None
        self._accuracy: float | None = None
        self._grid: _Grid | None = None

    # ---- public

    def show(self, view: View) -> None:
        self._view = view
        self._accuracy = view.accuracy
        self._update_title()
        self._redraw()

    # ---- Textual

    def on_resize(self, event: events.Resize) -> None:
        self._update_title()
        super().on_resize(event)

    # ---- drawing

    def _update_title(self) -> None:
        if self._view is not None:
            # the corners and the dashes and spaces around the title take 3 cells a side
            room = self.outer_size.width - 6 if self.outer_size.width else 1_000
            n_x = np.shape(self._view.state["X"])[0]
            title = boundary_title(n_x, self._accuracy, room)
            if title != self.border_title:  # setting it repaints the panel, even to the same
                self.border_title = title

    def _render_strips(self) -> list[Strip]:
        width, height = self.size
        if width <= 0 or height <= 0:
            return []
        # the title fits the width: drawn before the border (StripPanel.render_lines), the
        # first screen has the one that fits rather than the one show() chose with no width
        self._update_title()
        view = self._view
        if view is None:
            return self._message(NO_VIEW, width, height)
        X, Y = np.asarray(view.state["X"]), np.asarray(view.state["Y"])
        grid = self._grid_for(X, Y, width, height)
        misshapen = _misshapen(view)
        if misshapen:
            return self._message(misshapen, width, height)
        try:
            A2 = forward(_parameters(view), grid.inputs, view.config.activation)["A2"]
        except StepnetError:
            return self._message(NOT_FINITE, width, height)
        A2 = A2.reshape(2 * height, width)
        if self.app.no_color:
            codes = plotting.mono_cells(A2, grid.occupancy)
            texts, styles = self._mono_cells()
        else:
            levels = plotting.quantise(A2)
            shade_of_points = plotting.point_levels(levels, grid.pixel_rows, grid.pixel_columns)
            codes = plotting.cell_codes(levels, grid.occupancy, shade_of_points)
            texts, styles = self._colour_cells()
        return [
            Strip(
                [
                    Segment(texts[code] * (stop - start), styles[code])
                    for start, stop, code in plotting.runs(row)
                ],
                width,
            )
            for row in codes
        ]

    def _colour_cells(self) -> tuple[dict[int, str], dict[int, Style]]:
        """Text and style of every cell code plotting.cell_codes makes."""
        shades = [self.get_component_rich_style(name).bgcolor for name in SHADE_CLASSES]
        texts, styles = {}, {}
        for top in range(SHADES):
            for bottom in range(SHADES):
                code = top * SHADES + bottom
                texts[code] = "▀"
                styles[code] = Style(color=shades[top], bgcolor=shades[bottom])
        for kind, component in GLYPH_CLASSES.items():
            glyph = self.get_component_rich_style(component)
            for level in range(SHADES):
                code = SHADES * SHADES + kind * SHADES + level
                texts[code] = GLYPHS[kind]
                styles[code] = glyph + Style(bgcolor=shades[level])
        return texts, styles

    def _mono_cells(self) -> tuple[dict[int, str], dict[int, Style]]:
        """Text and style of every cell code plotting.mono_cells makes."""
        texts = dict(enumerate(MONO_REGIONS))
        styles = dict.fromkeys(texts, self.rich_style)
        for kind, component in GLYPH_CLASSES.items():
            texts[kind + 1] = GLYPHS[kind]
            styles[kind + 1] = self.get_component_rich_style(component)
        return texts, styles

    def _message(self, text: str, width: int, height: int) -> list[Strip]:
        style = self.get_component_rich_style("boundary-panel--message")
        lines = [
            Strip([Segment(line, style)]).crop_extend(0, width, self.rich_style)
            for line in textwrap.wrap(text, width)
        ][:height]
        return lines + [Strip.blank(width, self.rich_style)] * (height - len(lines))

    def _grid_for(self, X: np.ndarray, Y: np.ndarray, width: int, height: int) -> _Grid:
        grid = self._grid
        if grid is None or not grid.fits(X, Y, width, height):
            grid = self._grid = _Grid(X, Y, width, height)
        return grid


class _Grid:
    """The pixel centres and the points' pixels and cells for one data set at one size."""

    def __init__(self, X: np.ndarray, Y: np.ndarray, width: int, height: int):
        self.X, self.Y = X.copy(), Y.copy()
        self.width, self.height = width, height
        bounds = plotting.data_bounds(X)
        self.inputs = plotting.grid_inputs(X, bounds, width, 2 * height)
        self.pixel_rows, self.pixel_columns = plotting.point_pixels(X, bounds, width, 2 * height)
        self.occupancy = plotting.point_cells(self.pixel_rows, self.pixel_columns, Y, height, width)

    def fits(self, X: np.ndarray, Y: np.ndarray, width: int, height: int) -> bool:
        return (
            (width, height) == (self.width, self.height)
            and X.shape == self.X.shape
            and np.array_equal(X, self.X)
            and np.array_equal(Y, self.Y)
        )


def _parameters(view: View) -> dict[str, np.ndarray]:
    return {name: view.state[name] for name in PARAMETER_NAMES}


def _misshapen(view: View) -> str:
    """Why no network can be drawn when a mistake has changed a parameter's shape; ''."""
    wrong = [
        f"{SYMBOLS[name]} is {shape_text(np.shape(value))}, not {shape_text(expected)}"
        for name, value in _parameters(view).items()
        if np.shape(value) != (expected := concrete(name, view.dims))
    ]
    if not wrong:
        return ""
    return f"{'; '.join(wrong)}: not a network's parameters, so no regions to draw"


def boundary_title(n_x: int, share: float | None, room: int = 1_000) -> str:
    """The longest title that fits in `room` characters, e.g. 'decision boundary · accuracy
    90.5%'; with more than 2 features it says the picture is a slice through their means."""
    score = "n/a" if share is None else plotting.percent(share)
    if n_x <= 2:
        candidates = [
            f"decision boundary · accuracy {score}",
            f"boundary · accuracy {score}",
            f"boundary · {score}",
        ]
    else:
        rest = "x3" if n_x == 3 else f"x3…x{n_x}"
        mean = "its mean" if n_x == 3 else "their means"
        candidates = [
            f"decision boundary · 2-D slice, {rest} at {mean} · accuracy {score}",
            f"2-D slice, {rest} at {mean} · accuracy {score}",
            f"2-D slice {rest}=mean · accuracy {score}",
            f"slice {rest}=mean · accuracy {score}",
            f"slice {rest}=mean · {score}",
        ]
    return next((title for title in candidates if len(title) <= room), candidates[-1])
