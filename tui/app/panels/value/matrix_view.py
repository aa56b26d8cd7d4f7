"""A matrix as a heat map of signed numbers, drawn line by line so that huge matrices stay fast.

`MatrixView` is a Line-API widget: `render_line` formats only the cells on screen, so a
(256, 100000) matrix costs what its visible corner costs. The first line (column labels) and the
left gutter (row labels) stay put while the numbers scroll under them, as in a spreadsheet.

Each number carries an explicit sign, so the matrix reads the same without colour (NO_COLOR);
colour only adds the sign's hue and one of four intensities, |value| relative to the largest
|value| in the matrix. Every colour comes from the theme through COMPONENT_CLASSES.

A row or a column can be marked (the hidden unit followed): ▸ after its row label, ▾ before its
column label, its cells bold and underlined. The marks take the place of the space that always
separates a label from its neighbour, so marking never moves a cell, and they read without
colour.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import ClassVar

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.app import colour_depth
from tui.session.formatting import number, uses_scientific

LEVELS = 4  # intensities per sign
ROW_MARK, COLUMN_MARK = "▸", "▾"
SCIENTIFIC_WIDTH = len(number(-1.234e-5))  # the widest a finite number() gets: "-1.234e-05"

Label = Callable[[int], str]


def fit(value: float, width: int, scientific: bool | None = None) -> str:
    """number(value) right-aligned in `width` cells, in the matrix's one notation; two digits
    fewer if its exponent has three (1e-100), so a cell never pushes its neighbours aside."""
    text = number(value, width, scientific)
    if len(text) > width:
        text = f"{value:+.{max(0, width - 8)}e}".rjust(width)
    return text


def intensity(value: float, scale: float) -> int:
    """1 … LEVELS for |value| in (0, scale]: the quarter of the scale it falls in; 0 for 0."""
    if value == 0 or scale <= 0:
        return 0
    return min(LEVELS, max(1, math.ceil(LEVELS * abs(value) / scale)))


def cell_class(value: float, scale: float) -> str:
    """The component class that colours `value` in a matrix whose largest |value| is `scale`."""
    if not math.isfinite(value):
        return "matrix-view--nonfinite"
    level = intensity(value, scale)
    if level == 0:
        return "matrix-view--zero"
    return f"matrix-view--{'positive' if value > 0 else 'negative'}-{level}"


LARGE = 1_000_000  # cells; past this, the width check for tiny values is skipped


def summary(data: np.ndarray) -> tuple[float, int]:
    """(largest finite |value|, a width that fits every `number()` of `data`), in a few
    vectorised passes: no per-cell work, whatever the size."""
    if data.size == 0:
        return 0.0, 1
    low, high = float(np.min(data)), float(np.max(data))
    if not (np.isfinite(low) and np.isfinite(high)):
        values = data[np.isfinite(data)]
        largest = float(max(np.max(values), -np.min(values))) if values.size else 0.0
        return largest, SCIENTIFIC_WIDTH
    largest = max(high, -low)
    if largest >= 1e4 or data.size > LARGE:
        return largest, SCIENTIFIC_WIDTH
    # number() writes 0 < |v| < 1e-3 in scientific notation, too
    if np.any((data != 0) & (data > -1e-3) & (data < 1e-3)):
        return largest, SCIENTIFIC_WIDTH
    return largest, len(number(largest))


def _limited_depth_rules(depth: int) -> list[tuple[str, str]]:
    """The sign's hue from the palette on a terminal of `depth` colours (see colour_depth)."""
    rules = [
        (
            f"MatrixView > .matrix-view--{sign}-{level}",
            f"background: {steps[depth][level - 1]}; color: {colour_depth.ON_HUE[depth]};",
        )
        for sign, steps in (
            ("positive", colour_depth.POSITIVE),
            ("negative", colour_depth.NEGATIVE),
        )
        for level in range(1, LEVELS + 1)
    ]
    if depth == 16:
        rules += [
            ("MatrixView > .matrix-view--cursor", colour_depth.CURSOR_UNFOCUSED_16),
            ("MatrixView:focus > .matrix-view--cursor", colour_depth.CURSOR_16),
            ("MatrixView > .matrix-view--header-cursor", colour_depth.LABEL_AT_CURSOR_16),
        ]
    return rules


class MatrixView(ScrollView, can_focus=True):
    """A scrollable heat map of a 2-D array with a cell cursor.

    Rows and columns are labelled by callables (`row_label(r)`, `col_label(c)`), so no list of
    100000 labels is ever built. Keys move the cursor when the view has focus; a click moves it
    to the cell under the mouse. Each move posts `MatrixView.CursorMoved`.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(
            f"matrix-view--{sign}-{level}"
            for sign in ("positive", "negative")
            for level in (1, 2, 3, 4)
        ),
        "matrix-view--zero",
        "matrix-view--nonfinite",
        "matrix-view--cursor",
        "matrix-view--header",
        "matrix-view--header-cursor",
        "matrix-view--marked",
        "matrix-view--header-marked",
    }

    # the limited-depth rules start at the app's class, above this widget: not scoped to it
    SCOPED_CSS: ClassVar[bool] = False
    DEFAULT_CSS = """
    MatrixView {
        height: auto;
        min-height: 2;
        scrollbar-size: 1 1;
    }
    MatrixView > .matrix-view--positive-1 { background: $primary 12%; }
    MatrixView > .matrix-view--positive-2 { background: $primary 30%; }
    MatrixView > .matrix-view--positive-3 { background: $primary 50%; }
    MatrixView > .matrix-view--positive-4 { background: $primary 75%; }
    MatrixView > .matrix-view--negative-1 { background: $error 12%; }
    MatrixView > .matrix-view--negative-2 { background: $error 30%; }
    MatrixView > .matrix-view--negative-3 { background: $error 50%; }
    MatrixView > .matrix-view--negative-4 { background: $error 75%; }
    MatrixView > .matrix-view--zero { color: $text-muted; }
    MatrixView > .matrix-view--nonfinite { color: $warning; text-style: bold; }
    MatrixView > .matrix-view--cursor {
        background: $accent 45%;
        color: $text;
        text-style: bold underline;
    }
    MatrixView:focus > .matrix-view--cursor {
        background: $accent;
    }
    MatrixView > .matrix-view--header { color: $text-muted; background: $boost; }
    MatrixView > .matrix-view--header-cursor {
        color: $accent;
        background: $boost;
        text-style: bold;
    }
    MatrixView > .matrix-view--marked { text-style: bold underline; }
    MatrixView > .matrix-view--header-marked {
        color: $text-accent;
        background: $boost;
        text-style: bold reverse;
    }
    """ + colour_depth.css(_limited_depth_rules)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1, 0)", "cell ↑", show=False, id="matrix.up"),
        Binding("down", "move(1, 0)", "cell ↓", show=False, id="matrix.down"),
        Binding("left", "move(0, -1)", "cell ←", show=False, id="matrix.left"),
        Binding("right", "move(0, 1)", "cell →", show=False, id="matrix.right"),
        Binding("home", "first_column", "first column", show=False, id="matrix.home"),
        Binding("end", "last_column", "last column", show=False, id="matrix.end"),
        Binding(
            "pageup",
            "page(-1)",
            "page back",
            show=False,
            id="matrix.pageup",
            tooltip="A page of rows up, or of columns left when every row is on screen.",
        ),
        Binding(
            "pagedown",
            "page(1)",
            "page on",
            show=False,
            id="matrix.pagedown",
            tooltip="A page of rows down, or of columns right when every row is on screen.",
        ),
    ]

    class CursorMoved(Message):
        """The cursor is on a new cell (numpy indices)."""

        def __init__(self, matrix_view: MatrixView, row: int, col: int) -> None:
            super().__init__()
            self.matrix_view = matrix_view
            self.row = row
            self.col = col

        @property
        def control(self) -> MatrixView:
            return self.matrix_view

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._data = np.zeros((0, 0))
        self._row_label: Label = str
        self._col_label: Label = str
        self._scale = 0.0  # the largest finite |value|: what the intensities are relative to
        self._number_width = 1
        self._scientific = False
        self._cell_width = 2
        self._gutter = 1
        self._cursor = (0, 0)
        self._marked: tuple[int | None, int | None] = (None, None)  # (row, column)

    # ---- what to show

    @property
    def data(self) -> np.ndarray:
        return self._data

    @property
    def cursor(self) -> tuple[int, int]:
        """(row, col) of the cursor, numpy indices; (0, 0) in an empty matrix."""
        return self._cursor

    @property
    def marked(self) -> tuple[int | None, int | None]:
        """(row, column) marked, numpy indices; None where nothing is."""
        return self._marked

    def mark(self, row: int | None = None, col: int | None = None) -> None:
        """Mark one row or column (or both, or neither); repaints only if the marks change."""
        if (row, col) != self._marked:
            self._marked = (row, col)
            self.refresh()

    @property
    def scale(self) -> float:
        """The largest finite |value|: a cell's intensity is its |value| relative to this."""
        return self._scale

    @property
    def cell_width(self) -> int:
        return self._cell_width

    @property
    def gutter_width(self) -> int:
        return self._gutter

    def set_matrix(
        self,
        data: np.ndarray,
        row_label: Label = str,
        col_label: Label = str,
        cursor: tuple[int, int] | None = None,
    ) -> None:
        """Show `data` (2-D); labels are callables of a numpy index. The cursor stays where it
        was (clamped to the new shape) unless `cursor` is given. Posts CursorMoved only if the
        cursor lands elsewhere."""
        data = np.asarray(data, dtype=np.float64)
        if data.ndim != 2:
            raise ValueError(f"MatrixView shows 2-D arrays; this one has shape {data.shape}")
        self._data = data
        self._row_label, self._col_label = row_label, col_label
        rows, cols = data.shape
        self._scale, self._number_width = summary(data)
        # one notation for the whole matrix; past LARGE cells each its own, as summary()
        # chose a width without looking at every value
        self._scientific = None if data.size > LARGE else uses_scientific(data)
        # labels are the slide's, growing with the index: the last one is the widest
        widest_col = max((len(col_label(c)) for c in {0, cols - 1} if cols), default=0)
        widest_row = max((len(row_label(r)) for r in {0, rows - 1} if rows), default=0)
        self._cell_width = max(self._number_width, widest_col) + 1
        self._gutter = widest_row + 1
        size = Size(self._gutter + cols * self._cell_width, rows + 1)
        if size != self.virtual_size:  # a new size means a layout pass: only when it changes
            self.virtual_size = size
        self.move_cursor(*(cursor if cursor is not None else self._cursor), scroll=False)
        self.refresh()
        self.call_after_refresh(self.scroll_to_cursor)

    # ---- the cursor

    def move_cursor(self, row: int, col: int, *, scroll: bool = True) -> None:
        """Put the cursor on (row, col), clamped to the matrix; post CursorMoved if it moved."""
        rows, cols = self._data.shape
        cell = (min(max(row, 0), max(rows - 1, 0)), min(max(col, 0), max(cols - 1, 0)))
        if cell == self._cursor:
            return
        self._cursor = cell
        self.refresh()
        if scroll:
            self.scroll_to_cursor()
        self.post_message(self.CursorMoved(self, *cell))

    def scroll_to_cursor(self) -> None:
        """Scroll the least needed to show the cursor's cell beside the fixed labels, keeping
        whole cells at the left edge."""
        if not self._data.size:
            return
        row, col = self._cursor
        cell_width = self._cell_width
        data_width = max(cell_width, self.scrollable_content_region.width - self._gutter)
        x, y = self.scroll_offset
        left, right = col * cell_width, (col + 1) * cell_width
        if right > x + data_width:
            x = math.ceil((right - data_width) / cell_width) * cell_width
        x = min(x, left)
        y = min(max(y, row - self._visible_rows() + 1), row)
        if (x, y) != tuple(self.scroll_offset):  # scrolling repaints: only when it moves
            self.scroll_to(x, y, animate=False, force=True)

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _visible_cols(self) -> int:
        width = self.scrollable_content_region.width - self._gutter
        return max(1, width // self._cell_width)

    def action_move(self, rows: int, cols: int) -> None:
        row, col = self._cursor
        self.move_cursor(row + rows, col + cols)

    def action_first_column(self) -> None:
        self.move_cursor(self._cursor[0], 0)

    def action_last_column(self) -> None:
        self.move_cursor(self._cursor[0], self._data.shape[1] - 1)

    def action_page(self, direction: int) -> None:
        row, col = self._cursor
        if self._data.shape[0] > self._visible_rows():
            self.move_cursor(row + direction * self._visible_rows(), col)
        else:
            self.move_cursor(row, col + direction * self._visible_cols())

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self._data.size:
            return
        x, y = offset
        scroll_x, scroll_y = self.scroll_offset
        row = self._cursor[0] if y == 0 else scroll_y + y - 1
        col = (
            self._cursor[1]
            if x < self._gutter
            else (scroll_x + x - self._gutter) // self._cell_width
        )
        if row < self._data.shape[0] and col < self._data.shape[1]:
            self.move_cursor(row, col)

    # ---- drawing

    def render_line(self, y: int) -> Strip:
        """Line y on screen: the column labels at y = 0, then the rows under the scroll."""
        width = self.scrollable_content_region.width
        base = self.rich_style
        rows = self._data.shape[0]
        scroll_x, scroll_y = self.scroll_offset
        row = None if y == 0 else scroll_y + y - 1
        if row is not None and row >= rows:
            return Strip.blank(width, base)
        header = self.get_component_rich_style("matrix-view--header")
        if row is None:
            gutter = Segment(" " * self._gutter, header)
        else:
            is_cursor_row = row == self._cursor[0]
            is_marked = row == self._marked[0]
            label_style = self.get_component_rich_style(
                "matrix-view--header-marked"
                if is_marked
                else "matrix-view--header-cursor"
                if is_cursor_row
                else "matrix-view--header"
            )
            label = self._row_label(row)[: self._gutter - 1].rjust(self._gutter - 1)
            gutter = Segment(label + (ROW_MARK if is_marked else " "), label_style)
        data_width = max(0, width - self._gutter)
        cells = self._cells(row, scroll_x, data_width, base, header)
        return Strip.join([Strip([gutter], self._gutter), cells])

    def _cells(
        self, row: int | None, scroll_x: int, data_width: int, base: Style, header: Style
    ) -> Strip:
        """The visible cells of `row` (None: the column labels), cropped to `data_width`."""
        cols = self._data.shape[1]
        cell_width = self._cell_width
        first = scroll_x // cell_width
        last = min(cols, (scroll_x + data_width) // cell_width + 1)
        segments: list[Segment] = []
        cursor_row, cursor_col = self._cursor
        marked_row, marked_col = self._marked
        marked = self.get_component_rich_style("matrix-view--marked", partial=True)
        text_width = cell_width - 1
        for col in range(first, last):
            if row is None:
                if col == marked_col:
                    style = self.get_component_rich_style("matrix-view--header-marked")
                    text = COLUMN_MARK + self._col_label(col).rjust(text_width)
                else:
                    style = self.get_component_rich_style(
                        "matrix-view--header-cursor" if col == cursor_col else "matrix-view--header"
                    )
                    text = " " + self._col_label(col).rjust(text_width)
                segments.append(Segment(text, style))
                continue
            value = float(self._data[row, col])
            if row == cursor_row and col == cursor_col:
                style = self.get_component_rich_style("matrix-view--cursor")
            else:
                style = self.get_component_rich_style(cell_class(value, self._scale))
            if row == marked_row or col == marked_col:
                style += marked
            segments.append(Segment(" ", base))
            segments.append(Segment(fit(value, text_width, self._scientific), style))
        strip = Strip(segments)
        skip = scroll_x - first * cell_width
        return strip.crop_extend(skip, skip + data_width, header if row is None else base)
