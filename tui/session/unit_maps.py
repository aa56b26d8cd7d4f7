"""Per-hidden-unit maps: each hidden unit's activation a_j[1] over the input plane.

TensorFlow Playground's signature view: small multiples, one per unit, beside the decision
boundary, so a learner sees which unit draws which line of the boundary. Each map evaluates the
network's first layer on a grid over the data's first two features (the rest at their mean, as
the boundary panel does), and shades it on one scale shared by every unit, so the units compare.

One unit can be followed (u): its map is marked, and so is its row (or column) in every matrix
with one per hidden unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from engine.errors import StepnetError
from engine.functional import forward
from engine.notation import SYMBOLS
from engine.shapes import SHAPES, hidden_axis
from tui.session.plotting import Bounds, data_bounds, grid_inputs
from tui.session.view import View

LEVELS = 4  # shades per sign: |a| / scale in quarters


@dataclass(frozen=True)
class UnitMaps:
    values: np.ndarray  # (n_h, rows, columns): a_j[1] at each grid point, top row first
    levels: np.ndarray  # (n_h, rows, columns) ints in −LEVELS … LEVELS: sign and size
    scale: float  # the largest |a| over every map: a shade's full strength
    bounds: Bounds


def unit_maps(
    params: Mapping[str, np.ndarray], X: np.ndarray, activation: str, columns: int, rows: int
) -> UnitMaps | None:
    """The maps of every hidden unit on a `columns` × `rows` grid over X's plane; None when a
    parameter is NaN or Inf (no activation to draw)."""
    bounds = data_bounds(X)
    grid = grid_inputs(X, bounds, columns, rows)
    try:
        with np.errstate(all="ignore"):
            A1 = forward(params, grid, activation)["A1"]
    except StepnetError:
        return None
    if not np.isfinite(A1).all():
        return None
    values = A1.reshape(A1.shape[0], rows, columns)
    scale = float(np.abs(values).max())
    if scale == 0:
        levels = np.zeros(values.shape, dtype=np.intp)
    else:
        size = np.ceil(np.abs(values) / scale * LEVELS).astype(np.intp)
        levels = np.sign(values).astype(np.intp) * np.clip(size, 0, LEVELS)
    return UnitMaps(values, levels, scale, bounds)


def view_unit_maps(view: View, columns: int, rows: int) -> UnitMaps | None:
    """The maps for what the View shows: from the parameters its steps used (those its
    iteration began with), so a map is the picture of the A[1] on screen."""
    X = np.asarray(view.state["X"])
    return unit_maps(view.start_parameters, X, view.config.activation, columns, rows)


# the arrays with a column per hidden unit (W[2], dW[2]); the others with such an axis have a row
_COLUMNS = ", ".join(SYMBOLS[name] for name in SHAPES if hidden_axis(name) == 1)


def unit_message(unit: int | None) -> str:
    if unit is None:
        return "no hidden unit followed (u follows a1)"
    # ▸ marks the unit's map, node and rows, ▾ its column: "(its column in W[2], dW[2])" after
    # "▸ marks … its row" read as ▸ there too; short enough to be read whole at 120 columns
    return f"following unit a{unit + 1}: ▸ marks it; ▾ in {_COLUMNS}"
