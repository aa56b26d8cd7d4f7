"""The value of the step just computed: its name and shape, the matrix as a heat map with a cell
cursor, and what the cell under the cursor is made of.

The panel renders from a View (`show`) and never touches the stepper. The cursor follows the
meaning of the axes, not their position: the picked hidden unit, example and feature are kept
while the steps change shape (see value_axes.Selection), so stepping from Z[1] to Z[2] keeps
the example and stepping on to dW[2] lands on the picked unit's weight.

The hidden unit followed (View.unit, picked with u) is marked apart from the cursor: its row in
every matrix with a row per unit, its column in W[2] and dW[2].
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from rich.console import Group, RenderableType
from rich.measure import Measurement
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import ScrollableContainer
from textual.css.query import NoMatches
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Digits, Static

from engine.notation import SYMBOLS
from engine.shapes import concrete, hidden_axis
from engine.steps import STEPS
from tui.app.panels.panel import Panel
from tui.app.panels.value.matrix_view import LEVELS, MatrixView
from tui.app.panels.value.value_axes import (
    EXAMPLES,
    UNITS,
    Selection,
    along,
    axes,
    describe,
    labeller,
)
from tui.app.panels.value.value_details import details, off_the_slide
from tui.session.formatting import non_finite, number, shape, statistics
from tui.session.view import View

HINT = "Nothing computed yet: press n to compute the first step, {formula}."


class ValuePanel(Panel, Widget):
    """The current step's value. `show(view)` redraws it; `cursor` is the picked cell."""

    DEFAULT_CSS = """
    ValuePanel {
        layout: vertical;
        height: 1fr;
    }
    ValuePanel > #value-header {
        height: auto;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    ValuePanel > #value-cost {
        display: none;
        width: auto;
        margin: 0 0 1 0;
    }
    ValuePanel > MatrixView {
        max-height: 60%;
    }
    ValuePanel > #value-details-scroll {
        height: 1fr;
        min-height: 3;
        scrollbar-size: 1 1;
    }
    ValuePanel #value-details {
        width: 1fr;
    }
    /* the hint before the first step is a sentence to read whole, not a header to cut */
    ValuePanel.-empty > #value-header {
        text-wrap: wrap;
    }
    ValuePanel.-cost > #value-cost {
        display: block;
    }
    ValuePanel.-cost > MatrixView, ValuePanel.-empty > MatrixView,
    ValuePanel.-empty > #value-details-scroll {
        display: none;
    }
    """

    class CursorMoved(Message):
        """The cursor is on a new cell: (row, col) of the shown matrix, numpy indices. `unit`
        and `example` say which hidden unit and example that is (None when the matrix has no
        such axis)."""

        def __init__(
            self, row: int, col: int, unit: int | None = None, example: int | None = None
        ) -> None:
            super().__init__()
            self.row = row
            self.col = col
            self.unit = unit
            self.example = example

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        # nothing to show yet, as at the start of a run: styled so from the first, since
        # show() making it so later restyles the panel and all it holds
        self.add_class("-empty", update=False)
        self._view: View | None = None
        self._selection = Selection()
        self._cursor = (0, 0)
        self._pending: tuple[int, int] | None = None  # a cursor set before a matrix was shown
        self._header_shown: tuple | None = None  # the header's text, spans and style now
        # more to say under the details of a View (stepnet --student: the learner's value)
        self.extra_details: Callable[[View], RenderableType | None] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="value-header")
        yield Digits(id="value-cost")
        yield MatrixView(id="value-matrix")
        with ScrollableContainer(id="value-details-scroll"):
            yield Static(id="value-details")

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._redraw_header, init=False)
        if self._view is not None:
            self.show(self._view)

    # ---- public API

    @property
    def cursor(self) -> tuple[int, int]:
        """(row, col) of the picked cell in the shown matrix, numpy indices."""
        return self._cursor

    @cursor.setter
    def cursor(self, cell: tuple[int, int]) -> None:
        """Pick a cell (clamped), e.g. a selection restored from a saved session."""
        if self._matrix_shown():
            self.query_one(MatrixView).move_cursor(*cell)
        else:
            self._pending = cell

    @property
    def unit(self) -> int | None:
        """The picked hidden unit (numpy index), kept across steps; None if none picked yet."""
        return self._selection.get(UNITS)

    @property
    def example(self) -> int | None:
        """The picked example (numpy index), kept across steps; None if none picked yet."""
        return self._selection.get(EXAMPLES)

    def show(self, view: View) -> None:
        """Draw the View's event: a matrix with the cursor where the selection puts it."""
        self._view = view
        try:
            matrix = self.query_one(MatrixView)
        except NoMatches:
            return  # not composed yet: on_mount draws it
        event = view.event
        self.set_class(event is None, "-empty")
        self.set_class(event is not None and event.name == "cost", "-cost")
        if event is not None and event.name == "cost":
            self.query_one(Digits).update(_big_number(float(event.value)))
        elif event is not None and off_the_slide(view):
            # a mistake gave it another shape than the slide's: shown as numpy holds it (a 1-D
            # array as a row), rows and columns numbered, since their meaning is gone
            matrix.set_matrix(np.atleast_2d(event.value))
            matrix.mark()  # its axes may not be the slide's: no unit to mark
            self._take_cursor(matrix)
        elif event is not None:
            cursor = self._selection.cursor_for(event.name, event.value.shape)
            if self._pending is not None:
                cursor, self._pending = self._pending, None
            rows, cols = axes(event.name)
            matrix.set_matrix(event.value, labeller(rows), labeller(cols), cursor)
            matrix.mark(*unit_marks(event.name, view.unit))
            self._take_cursor(matrix)
        self._redraw_header()
        if event is not None:
            self._redraw_details()
        self._give_focus_back(matrix)

    def _give_focus_back(self, matrix: MatrixView) -> None:
        """Hiding the matrix (the cost is a number) moves focus on to the details; once the
        matrix is back, the arrow keys move its cursor again, as the help says."""
        focused = self.screen.focused
        if (
            self._matrix_shown()
            and focused is not None
            and focused is not matrix
            and self in focused.ancestors
        ):
            matrix.focus()

    # ---- reacting to the matrix

    def on_resize(self, event) -> None:
        if event.size.width != getattr(self, "_header_width", None):
            self._header_width = event.size.width
            self.call_after_refresh(self._redraw_header_if_there)  # once laid out anew

    def _redraw_header_if_there(self) -> None:
        # a resize can rebuild the layout, this panel going, before the call comes
        if self.is_attached and self.query("#value-header") and self.query(MatrixView):
            self._redraw_header()

    def on_matrix_view_cursor_moved(self, message: MatrixView.CursorMoved) -> None:
        message.stop()
        # the message may be older than the matrix now shown: read the cursor itself
        if self._matrix_shown() and self._take_cursor(self.query_one(MatrixView)):
            self._redraw_details()

    def _take_cursor(self, matrix: MatrixView) -> bool:
        """Adopt the matrix's cursor; post CursorMoved if it changed. True if it did."""
        cell = matrix.cursor
        name = self._view.event.name
        self._selection.remember(name, cell, matrix.data.shape)
        if cell == self._cursor:
            return False
        self._cursor = cell
        self.post_message(
            self.CursorMoved(*cell, along(name, cell, UNITS), along(name, cell, EXAMPLES))
        )
        return True

    def _matrix_shown(self) -> bool:
        view = self._view
        return (
            self.is_mounted
            and view is not None
            and view.event is not None
            and view.event.name != "cost"
        )

    # ---- drawing

    def _redraw_header(self) -> None:
        if self._view is None or not self.is_mounted:
            return
        header = self.query_one("#value-header", Static)
        text = self._header(self._view)
        shown = (text.plain, text.spans, text.style)
        if shown != self._header_shown:  # the same text again (a resize's) would lay out again
            self._header_shown = shown
            header.update(text)
        scale = self.query_one(MatrixView).scale
        header.tooltip = (
            "Colour: the sign's hue (+ and − are also written out), shaded in four steps by "
            f"|value| relative to the largest |value| in the matrix, {number(scale)}."
        )

    def _redraw_details(self) -> None:
        view = self._view
        renderable = details(view, self._cursor, self._selection.get(EXAMPLES))
        extra = None if self.extra_details is None else self.extra_details(view)
        if extra is not None:
            renderable = Group(extra, Text(""), renderable)
        static = self.query_one("#value-details", Static)
        # prose wraps and equations of blocks wrap between blocks; a block wider than the
        # panel makes the details scroll sideways rather than be cut
        console = self.app.console
        narrowest = Measurement.get(console, console.options.update_width(1000), renderable)
        static.styles.min_width = narrowest.minimum
        static.update(renderable)

    def _header(self, view: View) -> Text:
        """Two lines: name, shape and axes; the colour scale and the statistics."""
        event = view.event
        if event is None:
            return Text(HINT.format(formula=STEPS[0].formula), style="italic")
        if event.name == "cost":
            text = Text("J", style="bold")
            text.append("  scalar  the cost of the forward pass just done", style="dim")
            return text
        value = np.asarray(event.value)
        text = Text(SYMBOLS[event.name], style="bold")
        text.append(f"  {shape(value.shape)}  ")
        if off_the_slide(view):
            expected = shape(concrete(event.name, view.dims))
            text.append(f"not the slide's {expected}", style="bold")
        else:
            text.append(describe(event.name, value.shape), style="dim")
        text.append("\n")
        text.append_text(self._legend())
        # the statistics go on after the colour scale while they fit, else onto lines of their
        # own, broken between the numbers: a cut there hid the norm (`mean -5.781e…`)
        room = self.query_one("#value-header", Static).size.width or 1_000
        used = len(text.plain) - text.plain.rindex("\n") - 1
        for part in statistics(value).split("  "):
            if used + 2 + len(part) <= room:
                text.append("  " + part, style="dim")
                used += 2 + len(part)
            else:
                text.append("\n" + part, style="dim")
                used = len(part)
        return text

    def _legend(self) -> Text:
        """The matrix's own colours, read from its component classes: − deepest … 0 … + deepest."""
        matrix = self.query_one(MatrixView)
        legend = Text()
        for level in range(LEVELS, 0, -1):
            legend.append("−", matrix.get_component_rich_style(f"matrix-view--negative-{level}"))
        legend.append("0", matrix.get_component_rich_style("matrix-view--zero"))
        for level in range(1, LEVELS + 1):
            legend.append("+", matrix.get_component_rich_style(f"matrix-view--positive-{level}"))
        return legend


def unit_marks(name: str, unit: int | None) -> tuple[int | None, int | None]:
    """(row, column) of step `name`'s matrix to mark for the hidden unit followed."""
    axis = hidden_axis(name)
    if unit is None or axis is None:
        return None, None
    return (unit, None) if axis == 0 else (None, unit)


def _big_number(value: float) -> str:
    """J for the Digits widget, which draws its digits three lines high."""
    if not np.isfinite(value):
        # without the sign: Digits would draw a "+" three lines high beside the small letters,
        # and J, a mean of −log terms, is never −Inf
        return non_finite(value).lstrip("+")
    if value == 0 or 1e-3 <= abs(value) < 1e6:
        return f"{value:.6f}"
    return f"{value:.4e}"
