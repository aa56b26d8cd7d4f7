"""The cost curve, live: J per iteration in block characters, with the current J and accuracy.

However many iterations there are, each column is a bucket of them: the column is filled up to
the bucket's largest J, and the band between its smallest and largest J is drawn in a stronger
colour, so a learning rate that makes J oscillate shows as a thick band. Eighths of a cell come
from '▁▂▃▄▅▆▇█' (no braille, which many terminal fonts lack). A bucket holding NaN or Inf gets a
'!' at the top of its column.
"""

from __future__ import annotations

import textwrap
from typing import ClassVar

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.message import Message
from textual.strip import Strip

from engine.steps import STEP_INDEX
from tui.app.panels.strip_panel import StripPanel
from tui.session import plotting
from tui.session.plotting import AREA, BAND, BAND_OVER_AREA, EMPTY, LOWER_BLOCKS
from tui.session.view import View

COST_STEP = STEP_INDEX["cost"] + 1  # as the steps panel numbers them, from 1
HINT = f"the cost appears after step {COST_STEP} (J)"
NON_FINITE_MARK = "!"
SCRUB_MARK = "▲"  # under the column of the iteration on screen, once the cursor went back
BLOCKS = len(LOWER_BLOCKS)  # a chart cell's code is kind · BLOCKS + eighths filled
# narrower than this and the chart drops its y labels to keep the curve
MIN_CHART_WIDTH = 8
SECOND_MARK = "•"  # a second curve's point in its column (stepnet --student: the learner's)


class CostPanel(StripPanel):
    """Call `show(view)` after each update; draws at whatever size the layout gives it.

    Clicking the chart goes to the iteration under the pointer (Scrubbed); after going back,
    the curve keeps the whole run and marks where the cursor stands with ▲ on its axis.
    """

    class Scrubbed(Message):
        """The user clicked the cost curve: go to `iteration`."""

        def __init__(self, iteration: int) -> None:
            super().__init__()
            self.iteration = iteration

    redraws_while_running = True  # the cost falling is what a run is watched for

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "cost-panel--label",
        "cost-panel--value",
        "cost-panel--bad",
        "cost-panel--area",
        "cost-panel--band",
        "cost-panel--hint",
    }
    DEFAULT_CSS = """
    CostPanel {
        height: 12;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        padding: 0 1;
    }
    CostPanel > .cost-panel--label { color: $text-muted; }
    CostPanel > .cost-panel--value { color: $text; text-style: bold; }
    CostPanel > .cost-panel--bad { color: $text-error; text-style: bold; }
    CostPanel > .cost-panel--area { color: $primary 35%; }
    CostPanel > .cost-panel--band { color: $primary; }
    CostPanel > .cost-panel--hint { color: $text-muted; text-style: italic; }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ):
        super().__init__(name=name, id=id, classes=classes)
        self.border_title = "cost J"
        self._view: View | None = None
        self._accuracy: float | None = None
        self._chart_at: tuple[int, int, int] | None = None  # (left, columns, n) as last drawn
        # (the first curve, a second one) drawn instead of the View's costs, on one scale
        self.curves: tuple[np.ndarray, np.ndarray] | None = None

    # ---- public

    def show(self, view: View) -> None:
        self._view = view
        self._accuracy = view.accuracy
        self._redraw()

    # ---- drawing

    def _render_strips(self) -> list[Strip]:
        width, height = self.size
        if width <= 0 or height <= 0:
            return []
        base = self.rich_style
        blank = Strip.blank(width, base)
        view = self._view
        if view is None:
            lines = self._hint(width)
            return lines[:height] + [blank] * (height - len(lines))
        lines = [self._header(view, width)]
        run = view.run_costs if view.run_costs is not None else view.costs
        second = None
        if self.curves is not None:
            run, second = self.curves
        costs = np.asarray(run, dtype=np.float64)
        if len(costs) == 0:
            lines.extend(self._hint(width))
        elif height >= 3:
            lines.extend(self._chart(costs, width, height - 1, second))
        lines = lines[:height]
        return lines + [blank] * (height - len(lines))

    def _header(self, view: View, width: int) -> Strip:
        label = self.get_component_rich_style("cost-panel--label")
        value = self.get_component_rich_style("cost-panel--value")
        bad = self.get_component_rich_style("cost-panel--bad")
        J = view.cost
        if J is None:
            cost_segment = Segment("—", label)
        else:
            cost_segment = Segment(plotting.cost_text(J), value if np.isfinite(J) else bad)
        if self._accuracy is None:
            accuracy_segment = Segment("n/a", bad)
        else:
            accuracy_segment = Segment(plotting.percent(self._accuracy), value)
        words = "  accuracy " if width >= 26 else "  acc "
        segments = [Segment("J ", label), cost_segment, Segment(words, label), accuracy_segment]
        return Strip(segments).crop_extend(0, width, self.rich_style)

    def _hint(self, width: int) -> list[Strip]:
        return [
            self._text_line(line, "cost-panel--hint", width)
            for line in textwrap.wrap(HINT, max(width, 1))
        ]

    def _text_line(self, text: str, component: str, width: int) -> Strip:
        style = self.get_component_rich_style(component)
        return Strip([Segment(text, style)]).crop_extend(0, width, self.rich_style)

    def _chart(
        self, costs: np.ndarray, width: int, height: int, second: np.ndarray | None = None
    ) -> list[Strip]:
        """The chart's rows and its x axis: `height` lines of `width` cells; `second`, a curve
        over the same iterations (shorter: it stopped), marked • on the same scale."""
        label = self.get_component_rich_style("cost-panel--label")
        rows = height - 1
        if second is not None:
            second = np.asarray(second, dtype=np.float64)[: len(costs)]
            second = np.concatenate([second, np.full(len(costs) - len(second), np.nan)])
        both = costs if second is None else np.concatenate([costs, second])
        finite = both[np.isfinite(both)]
        if finite.size == 0:
            message = "no finite cost to plot"
            return [self._text_line(message, "cost-panel--bad", width)] + [
                Strip.blank(width, self.rich_style)
            ] * rows
        low, high = float(finite.min()), float(finite.max())
        top_label, bottom_label = plotting.significant(high), plotting.significant(low)
        label_width = max(len(top_label), len(bottom_label))
        columns = width - label_width - 1
        if columns < MIN_CHART_WIDTH:
            label_width, columns = 0, width
        self._chart_at = (label_width + 1 if label_width else 0, columns, len(costs))
        mins, maxs, bad = plotting.bucket_min_max(costs, columns)
        kinds, ks = plotting.bar_cells(mins, maxs, low, high, rows)
        if self.app.no_color:
            # without colour the area and the band are the same ink: such a cell is full
            over = kinds == BAND_OVER_AREA
            kinds[over], ks[over] = BAND, 8
        styles = self._cell_styles()
        lines = []
        for y in range(rows):
            row = rows - 1 - y  # bar_cells counts rows from the bottom
            segments = []
            if label_width:
                text = top_label if y == 0 else (bottom_label if y == rows - 1 else "")
                axis = "┤" if text else "│"
                segments.append(Segment(f"{text:>{label_width}}{axis}", label))
            codes = kinds[row].astype(np.intp) * BLOCKS + ks[row]
            if y == 0:
                codes = np.where(bad, -1, codes)
            segments.extend(
                Segment(_cell_text(code) * (stop - start), styles[code])
                for start, stop, code in plotting.runs(codes)
            )
            strip = Strip(segments, width)
            if second is not None:
                strip = self._mark_second(strip, second, columns, row, rows, low, high)
            lines.append(strip)
        axis = self._x_axis(len(costs), label_width, columns, label)
        view = self._view
        if view is not None and view.run_costs is not None:
            at = plotting.column_of(len(costs), columns, view.iteration) + self._chart_at[0]
            before, after = axis.crop(0, at), axis.crop(at + 1, axis.cell_length)
            mark = Strip([Segment(SCRUB_MARK, self.get_component_rich_style("cost-panel--value"))])
            axis = Strip.join([before, mark, after])
        lines.append(axis)
        return lines

    def _mark_second(self, strip, second, columns, row, rows, low, high) -> Strip:
        """`strip` with • in each column whose bucket of `second` falls on chart row `row`."""
        _, maxs, _ = plotting.bucket_min_max(second, columns)  # NaN where none is finite
        span = high - low
        with np.errstate(invalid="ignore"):
            at = np.round((maxs - low) / span * (rows - 1)) if span > 0 else np.zeros(columns)
        left = self._chart_at[0]
        mark = self.get_component_rich_style("cost-panel--value")
        for column in np.flatnonzero(at == row):
            x = left + int(column)
            strip = Strip.join(
                [strip.crop(0, x), Strip([Segment(SECOND_MARK, mark)]), strip.crop(x + 1)]
            )
        return strip

    # ---- scrubbing

    def iteration_at(self, x: int) -> int | None:
        """The first iteration of the column at content offset `x`, or None off the chart."""
        if self._chart_at is None:
            return None
        left, columns, n = self._chart_at
        column = x - left
        if not 0 <= column < columns or n == 0:
            return None
        return int(plotting.bucket_starts(n, columns)[column])

    def scrub(self, iteration: int, step: int) -> int | None:
        """The iteration `step` columns along the curve as drawn, or None before a chart."""
        if self._chart_at is None or self._chart_at[2] == 0:
            return None
        _, columns, n = self._chart_at
        return plotting.scrubbed(n, columns, iteration, step)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        iteration = self.iteration_at(offset.x)
        if iteration is not None:
            self.post_message(self.Scrubbed(iteration))

    def _x_axis(self, n: int, label_width: int, columns: int, style: Style) -> Strip:
        left = "0"
        right = f"{n:,} iterations" if n != 1 else "1 iteration"
        if len(left) + len(right) + 2 > columns:
            right = f"{n:,}"
        middle = columns - len(left) - len(right)
        text = left + (" " + "─" * (middle - 2) + " " if middle >= 3 else " " * max(middle, 0))
        corner = " " * label_width + "└" if label_width else ""
        return Strip([Segment(corner + text + right, style)]).crop_extend(
            0, len(corner) + columns, self.rich_style
        )

    def _cell_styles(self) -> dict[int, Style]:
        base = self.rich_style
        area = self.get_component_rich_style("cost-panel--area").color
        band = self.get_component_rich_style("cost-panel--band").color
        styles = {-1: self.get_component_rich_style("cost-panel--bad")}
        for k in range(BLOCKS):
            styles[EMPTY * BLOCKS + k] = base
            styles[AREA * BLOCKS + k] = Style(color=area, bgcolor=base.bgcolor)
            styles[BAND * BLOCKS + k] = Style(color=band, bgcolor=base.bgcolor)
            # the glyph's lower part is area, the cell's background above it the band
            styles[BAND_OVER_AREA * BLOCKS + k] = Style(color=area, bgcolor=band)
        return styles


def _cell_text(code: int) -> str:
    if code < 0:
        return NON_FINITE_MARK
    kind, k = divmod(code, BLOCKS)
    if kind == EMPTY:
        return " "
    if kind == AREA:
        return LOWER_BLOCKS[8]
    return LOWER_BLOCKS[k]
