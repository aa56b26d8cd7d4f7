"""A small kit for laying numbers out in Rich text, as the slides set terms of an equation.

Blocks of numbers with titles and ⋮ / … where rows or columns are left out, row labels lined up
with them, and operators between: `side_by_side` puts them in a row that wraps between blocks,
as a written equation does, when the panel is narrow. Only text attributes are used (bold, dim,
reverse), so what it lays out reads the same under any theme and under NO_COLOR.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from tui.session.formatting import number, uses_scientific

HIGHLIGHT = "reverse"
HEADING = "bold"
MUTED = "dim"


def window(size: int, center: int, limit: int) -> range:
    """At most `limit` indices of range(size), around `center`."""
    if size <= limit:
        return range(size)
    start = min(max(center - limit // 2, 0), size - limit)
    return range(start, start + limit)


def block(
    title: str | None,
    values: np.ndarray,
    rows: range,
    cols: range,
    highlight: tuple[int | None, int | None] | None = None,
    column_label: Callable[[int], str] | None = None,
) -> Text:
    """A block of numbers (2-D `values`, the shown rows and columns) under a title line (none
    if None), with ⋮ and … where rows or columns are left out. `highlight` (row, col) marks a
    cell; a None in it marks the whole column or row. `column_label` labels each column."""
    values = np.asarray(values, dtype=np.float64)
    shown = values[rows.start : rows.stop, cols.start : cols.stop]
    scientific = uses_scientific(shown)  # one notation per block
    width = max((len(number(v, scientific=scientific)) for v in shown.flat), default=1)
    if column_label is not None:
        width = max(width, *(len(column_label(c)) for c in cols))
    lines = [] if title is None else [Text(title, style=HEADING)]
    lead = "… " if cols.start > 0 else ""
    if column_label is not None:
        titles = " ".join(column_label(c).rjust(width) for c in cols)
        lines.append(Text(" " * len(lead) + titles, style=MUTED))
    if rows.start > 0:
        lines.append(Text("⋮", style=MUTED))
    for r in rows:
        line = Text(lead, style=MUTED)
        for n, c in enumerate(cols):
            if n:
                line.append(" ")
            line.append(
                number(values[r, c], width, scientific),
                style=HIGHLIGHT if _marks(highlight, r, c) else "",
            )
        if cols.stop < values.shape[1]:
            line.append(" …", style=MUTED)
        lines.append(line)
    if rows.stop < values.shape[0]:
        lines.append(Text("⋮", style=MUTED))
    return _join(lines)


def _join(lines: list[Text]) -> Text:
    text = Text("\n", no_wrap=True).join(lines)
    text.no_wrap = True
    return text


def _marks(highlight: tuple[int | None, int | None] | None, r: int, c: int) -> bool:
    if highlight is None:
        return False
    row, col = highlight
    return (row is None or row == r) and (col is None or col == c)


def labels(
    title: str | None,
    rows: range,
    label: Callable[[int], str],
    size: int,
    highlight: int | None = None,
) -> Text:
    """A column of row labels lined up with `block`s over the same rows."""
    lines = [] if title is None else [Text(title, style=HEADING)]
    if rows.start > 0:
        lines.append(Text("⋮", style=MUTED))
    for r in rows:
        lines.append(Text(label(r), style=HIGHLIGHT if r == highlight else MUTED))
    if rows.stop < size:
        lines.append(Text("⋮", style=MUTED))
    return _join(lines)


class Operator(Text):
    """An operator between blocks: it stays with the block after it when a row wraps."""


def operator(symbol: str) -> Operator:
    """An operator between blocks, on the line of their titles: the title line reads as the
    equation (`old W[1] + −α·dW[1] = new W[1]`), and no operator stands before a signed number,
    where `+ +0.0000` would read as a double sign."""
    return Operator(symbol, no_wrap=True)


class SideBySide:
    """Blocks beside each other, like the terms of an equation. When the width runs out the
    rest continues on the next row, led by its operator, as a written equation wraps; with
    `labels`, the first cell (row labels) starts every row again."""

    def __init__(self, *cells: Text, labels: bool = False) -> None:
        self.labels = cells[0] if labels else None
        pieces: list[list[Text]] = []
        for cell in cells[1:] if labels else cells:
            if pieces and isinstance(pieces[-1][-1], Operator):
                pieces[-1].append(cell)
            else:
                pieces.append([cell])
        self.pieces = pieces

    @staticmethod
    def _width(cells: list[Text]) -> int:
        widths = [max(cell_len(line) for line in cell.plain.split("\n")) for cell in cells]
        return sum(widths) + len(widths) - 1

    def _rows(self, max_width: int) -> list[list[Text]]:
        lead = [self.labels] if self.labels is not None else []
        rows: list[list[Text]] = []
        row: list[Text] = []
        for piece in self.pieces:
            if row and self._width(lead + row + piece) > max_width:
                rows.append(row)
                row = []
            row = row + piece
        rows.append(row)
        return [lead + row for row in rows]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for row in self._rows(options.max_width):
            table = Table.grid(padding=(0, 1))
            for _ in row:
                table.add_column(no_wrap=True)
            table.add_row(*row)
            yield table

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        lead = [self.labels] if self.labels is not None else []
        narrowest = max(self._width(lead + piece) for piece in self.pieces)
        widest = self._width(lead + [cell for piece in self.pieces for cell in piece])
        return Measurement(narrowest, widest)


def side_by_side(*cells: Text, labels: bool = False) -> SideBySide:
    return SideBySide(*cells, labels=labels)
