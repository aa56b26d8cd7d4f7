"""Pure helpers behind the plots: pixel grids, shade levels, point cells, cost buckets, bars.

No Textual here, only numpy (and the engine, for the accuracy), so every picture can be checked
against numbers. Two conventions
run through the module:

- The boundary plot is a grid of `rows` × `columns` pixels, row 0 at the top; a terminal cell
  holds two pixels stacked (a half block), so `rows` is twice the cell height. Pixel (r, c) is
  entry r·columns + c of anything flattened.
- The cost chart measures heights in eighths of a cell, the steps of '▁▂▃▄▅▆▇█'; row 0 of a
  chart is its *bottom* row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from engine.diagnostics import accuracy
from engine.errors import StepnetError
from engine.shapes import PARAMETER_NAMES
from tui.session.formatting import non_finite

# '▁' … '█': index k is a block filling the lower k eighths of a cell (0 is a blank).
LOWER_BLOCKS = " ▁▂▃▄▅▆▇█"
# How far past the data the plot extends, as a share of the data's range on each axis.
MARGIN = 0.05
LEVELS_PER_CLASS = 3

# What a cell of points holds: nothing, only y = 0, only y = 1, or both classes.
NO_POINTS, ONLY_0, ONLY_1, BOTH = 0, 1, 2, 3

# Kinds of cost-chart cell (see bar_cells).
EMPTY, AREA, BAND_OVER_AREA, BAND = 0, 1, 2, 3


# ---- the decision boundary


@dataclass(frozen=True)
class Bounds:
    """The plotted rectangle in data coordinates: x1 across, x2 up."""

    x_min: float
    x_max: float
    y_min: float
    y_max: float


def data_bounds(X: np.ndarray, margin: float = MARGIN) -> Bounds:
    """The bounding box of the first two features of X (n_x, m), widened by `margin` of its range.

    A feature with no spread gets a range of 1 around its value, so the plot never divides by 0.
    """
    low = X[:2].min(axis=1)
    high = X[:2].max(axis=1)
    span = high - low
    pad = np.where(span > 0, span * margin, 0.5)
    return Bounds(
        float(low[0] - pad[0]),
        float(high[0] + pad[0]),
        float(low[1] - pad[1]),
        float(high[1] + pad[1]),
    )


def pixel_centres(bounds: Bounds, columns: int, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """x1 at the centre of each pixel column (columns,), x2 at each pixel row (rows,), top first."""
    dx = (bounds.x_max - bounds.x_min) / columns
    dy = (bounds.y_max - bounds.y_min) / rows
    xs = bounds.x_min + (np.arange(columns) + 0.5) * dx
    ys = bounds.y_max - (np.arange(rows) + 0.5) * dy
    return xs, ys


def grid_inputs(X: np.ndarray, bounds: Bounds, columns: int, rows: int) -> np.ndarray:
    """The network's inputs at every pixel centre, (n_x, rows·columns), row-major.

    Features past the first two are held at their mean over X: the picture is then the 2-D
    slice through the data's centre.
    """
    xs, ys = pixel_centres(bounds, columns, rows)
    grid = np.empty((X.shape[0], rows * columns))
    grid[0] = np.tile(xs, rows)
    grid[1] = np.repeat(ys, columns)
    if X.shape[0] > 2:
        grid[2:] = X[2:].mean(axis=1, keepdims=True)
    return grid


def shade_edges(levels_per_class: int = LEVELS_PER_CLASS) -> np.ndarray:
    """The A2 values between shade levels: equal steps of 1 / (2·levels), 0.5 in the middle."""
    return np.arange(1, 2 * levels_per_class) / (2 * levels_per_class)


def quantise(A2: np.ndarray, levels_per_class: int = LEVELS_PER_CLASS) -> np.ndarray:
    """Shade level 0 … 2L−1 of each output A2: 0 is the surest y = 0, 2L−1 the surest y = 1.

    Levels ≥ L are exactly the pixels predicted 1, which the course defines as A2 > 0.5 (so
    A2 = 0.5 itself is class 0), hence the right-closed bins.
    """
    return np.digitize(A2, shade_edges(levels_per_class), right=True)


def point_pixels(
    X: np.ndarray, bounds: Bounds, columns: int, rows: int
) -> tuple[np.ndarray, np.ndarray]:
    """The pixel (row, column) each example of X (n_x, m) falls in, each (m,)."""
    fx = (X[0] - bounds.x_min) / (bounds.x_max - bounds.x_min)
    fy = (bounds.y_max - X[1]) / (bounds.y_max - bounds.y_min)
    column = np.clip(np.floor(fx * columns).astype(np.intp), 0, columns - 1)
    row = np.clip(np.floor(fy * rows).astype(np.intp), 0, rows - 1)
    return row, column


def point_cells(
    pixel_rows: np.ndarray, pixel_columns: np.ndarray, Y: np.ndarray, height: int, width: int
) -> np.ndarray:
    """What each terminal cell (height, width) holds: NO_POINTS, ONLY_0, ONLY_1 or BOTH.

    A cell is two pixels tall, so pixel row r is in cell row r // 2.
    """
    labels = np.asarray(Y).ravel() > 0.5
    occupancy = np.zeros((height, width), dtype=np.int8)
    cell_rows = pixel_rows // 2
    # bit 1 for a y = 0 point, bit 2 for a y = 1 point; OR-ing them in gives BOTH = 3
    np.bitwise_or.at(occupancy, (cell_rows, pixel_columns), np.where(labels, 2, 1).astype(np.int8))
    return occupancy


def point_levels(
    levels: np.ndarray, pixel_rows: np.ndarray, pixel_columns: np.ndarray
) -> np.ndarray:
    """Per cell (rows // 2, columns), the shade level of the pixel a point in it falls in.

    `levels` is (rows, columns) of pixels; where a cell holds several points, the last one's
    pixel wins (numpy's fancy assignment keeps the last write, so it is deterministic).
    """
    rows, columns = levels.shape
    shade = np.zeros((rows // 2, columns), dtype=levels.dtype)
    shade[pixel_rows // 2, pixel_columns] = levels[pixel_rows, pixel_columns]
    return shade


def cell_codes(
    levels: np.ndarray,
    occupancy: np.ndarray,
    shade_of_points: np.ndarray,
    levels_per_class: int = LEVELS_PER_CLASS,
) -> np.ndarray:
    """One integer per terminal cell (height, width) naming what to draw there.

    `levels` is (2·height, width) of pixels. With S = 2·levels_per_class shades: a cell without
    points is its half block, top·S + bottom (0 … S²−1); a cell with points is
    S² + occupancy·S + the shade under its point.
    """
    shades = 2 * levels_per_class
    codes = levels[0::2] * shades + levels[1::2]
    occupied = occupancy != NO_POINTS
    codes[occupied] = shades * shades + occupancy[occupied] * shades + shade_of_points[occupied]
    return codes


def mono_cells(A2: np.ndarray, occupancy: np.ndarray) -> np.ndarray:
    """Cells for a screen without colour (height, width): 0 for class 0, 1 for class 1 (by the
    mean of the cell's two pixels), or the cell's occupancy + 1 (2 … 4) where it holds points."""
    cells = ((A2[0::2] + A2[1::2]) / 2 > 0.5).astype(np.int8)
    occupied = occupancy != NO_POINTS
    cells[occupied] = occupancy[occupied] + 1
    return cells


# ---- the cost curve


def bucket_starts(n: int, columns: int) -> np.ndarray:
    """The first iteration shown in each of `columns` columns for n values (columns,).

    With more values than columns each column is a run of consecutive values; with fewer,
    neighbouring columns repeat a value so the curve still spans the width.
    """
    return (np.arange(columns) * n) // columns


def bucket_stops(n: int, columns: int) -> np.ndarray:
    """One past the last iteration of each column (columns,): never an empty bucket."""
    starts = bucket_starts(n, columns)
    following = np.append(starts[1:], n)
    return np.maximum(following, starts + 1)


def column_of(n: int, columns: int, iteration: int) -> int:
    """The column whose bucket holds `iteration`, of n values drawn in `columns` columns (the
    last such column when neighbours repeat a value)."""
    starts = bucket_starts(n, columns)
    return int(np.searchsorted(starts, min(max(iteration, 0), n - 1), side="right")) - 1


def scrubbed(n: int, columns: int, iteration: int, step: int) -> int:
    """The iteration `step` columns along from the one holding `iteration`: the first of that
    column's bucket, within 0 … n − 1."""
    starts = bucket_starts(n, columns)
    column = column_of(n, columns, iteration) + step
    column = min(max(column, 0), columns - 1)
    target = int(starts[column])
    # columns repeat a value when there are fewer values than columns: move by one at least
    if step and target == iteration:
        target = min(max(iteration + (1 if step > 0 else -1), 0), n - 1)
    return target


def bucket_min_max(values: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The smallest and largest finite value of each column's bucket, and whether the bucket
    holds any NaN or Inf, each (columns,). A bucket with no finite value gives NaN for both."""
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    clean = np.where(finite, values, np.nan)
    starts = bucket_starts(len(values), columns)
    # fmin/fmax skip NaN; reduceat over repeated starts yields the single value at the start
    mins = np.fmin.reduceat(clean, starts)
    maxs = np.fmax.reduceat(clean, starts)
    bad = np.logical_or.reduceat(~finite, starts)
    return mins, maxs, bad


def eighths(values: np.ndarray, low: float, high: float, rows: int) -> np.ndarray:
    """Heights in eighths of a cell, 1 … 8·rows: `low` is one eighth, `high` the full chart.

    A flat range (high == low) draws at half height.
    """
    top = 8 * rows
    if high > low:
        fraction = (np.asarray(values) - low) / (high - low)
    else:
        fraction = np.full(np.shape(values), 0.5)
    return 1 + np.rint(np.clip(fraction, 0.0, 1.0) * (top - 1)).astype(np.intp)


def bar_cells(
    mins: np.ndarray, maxs: np.ndarray, low: float, high: float, rows: int
) -> tuple[np.ndarray, np.ndarray]:
    """The cost chart as (kind, k) per cell, each (rows, columns), row 0 at the bottom.

    Each column is filled up to its bucket's maximum. The part between the bucket's minimum and
    maximum (the band: how much J moved within the bucket) is told apart from the area below
    it. A cell shows LOWER_BLOCKS[k] and is
      EMPTY          – above the column;
      AREA           – wholly below the band (k = 8);
      BAND_OVER_AREA – area in its lower k eighths, band above it, to its top (exact);
      BAND           – the band, in its lower k eighths (any area under it is drawn as band).
    A column whose bucket holds no finite value is EMPTY all the way up.
    """
    valid = ~(np.isnan(mins) | np.isnan(maxs))
    top = np.where(valid, eighths(np.where(valid, maxs, low), low, high, rows), 0)
    bottom = np.where(valid, eighths(np.where(valid, mins, low), low, high, rows) - 1, 0)
    base = 8 * np.arange(rows)[:, np.newaxis]
    upper = np.clip(top[np.newaxis, :] - base, 0, 8)  # eighths of the cell below the top
    lower = np.clip(bottom[np.newaxis, :] - base, 0, 8)  # eighths of the cell below the band
    kind = np.full(upper.shape, BAND, dtype=np.int8)
    k = upper.copy()
    kind[upper == 0] = EMPTY
    kind[lower == 8] = AREA
    over = (upper == 8) & (lower > 0) & (lower < 8)
    kind[over] = BAND_OVER_AREA
    k[over] = lower[over]
    return kind, k


# ---- text


def runs(codes: np.ndarray) -> list[tuple[int, int, int]]:
    """Runs of equal codes in a 1-D array as (start, stop, code), for one segment per run."""
    codes = np.asarray(codes)
    if codes.size == 0:
        return []
    starts = np.flatnonzero(np.diff(codes)) + 1
    edges = [0, *starts.tolist(), codes.size]
    return [(a, b, int(codes[a])) for a, b in pairwise(edges)]


def significant(value: float) -> str:
    """A value in 4 significant digits, as an axis label: 0.6931, 1.234e-05."""
    value = float(value)
    if not np.isfinite(value):
        return non_finite(value)
    return f"{value:.4g}"


def cost_text(value: float) -> str:
    """The cost J in 6 decimals, or NaN / +Inf / -Inf spelt out."""
    value = float(value)
    return f"{value:.6f}" if np.isfinite(value) else non_finite(value)


def training_accuracy(state: Mapping[str, np.ndarray | float], activation: str) -> float | None:
    """The share of training examples predicted right from a state's W1, b1, W2, b2, X and Y;
    None when a parameter holds NaN or Inf (there is no prediction to count)."""
    params = {name: state[name] for name in PARAMETER_NAMES}
    try:
        return accuracy(params, state["X"], state["Y"], activation)
    except StepnetError:
        return None


def percent(share: float) -> str:
    """A share in [0, 1] as a percentage with one decimal: 90.5%."""
    return f"{100.0 * share:.1f}%"
