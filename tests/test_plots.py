"""The boundary and cost plots: their pure helpers against numbers, their widgets in a Pilot.

The helpers are checked with real values (the flower and a trained network): the grid covers the
data, shades quantise A2 with the course's A2 > 0.5 rule, the picture's classes are
engine.functional.predict's at the pixel centres, and the cost buckets are numpy's min and max
of their slices. The widgets are mounted at a small and a large size, under NO_COLOR too, and
every segment they yield must carry a style.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pytest
from rich.color import Color
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip

from engine.config import RunConfig
from engine.data import load_dataset
from engine.functional import forward, predict
from engine.steps import STEP_INDEX, STEPS_PER_ITERATION
from tui.app.panels.boundary_panel import (
    GLYPHS,
    LEGEND,
    SHADE_CLASSES,
    BoundaryPanel,
    boundary_title,
)
from tui.app.panels.cost_panel import HINT, NON_FINITE_MARK, CostPanel
from tui.session import plotting
from tui.session.plotting import BOTH, LEVELS_PER_CLASS, NO_POINTS, ONLY_0, ONLY_1
from tui.session.view import View, take_view

SMALL, LARGE = (36, 8), (60, 20)  # outer sizes, border and padding included
PARAMETER_NAMES = ("W1", "b1", "W2", "b2")


# ---- views of real runs


@cache
def trained_view(data: str = "flower", iterations: int = 300, extra_steps: int = 3) -> View:
    """The View after `iterations` whole iterations and a few more steps."""
    config = RunConfig(data=data)
    stepper = config.stepper()
    stepper.run(iterations)
    for _ in range(extra_steps):
        stepper.step()
    return take_view(stepper, config)


def view_after_steps(steps: int) -> View:
    config = RunConfig()
    stepper = config.stepper()
    for _ in range(steps):
        stepper.step()
    return take_view(stepper, config)


def parameters(view: View) -> dict[str, np.ndarray]:
    return {name: np.asarray(view.state[name]) for name in PARAMETER_NAMES}


# ---- the grid


def test_bounds_cover_the_data_with_a_margin():
    X, _ = load_dataset("flower")
    bounds = plotting.data_bounds(X)
    low, high = X.min(axis=1), X.max(axis=1)
    pad = (high - low) * plotting.MARGIN
    assert bounds.x_min == pytest.approx(low[0] - pad[0])
    assert bounds.x_max == pytest.approx(high[0] + pad[0])
    assert bounds.y_min == pytest.approx(low[1] - pad[1])
    assert bounds.y_max == pytest.approx(high[1] + pad[1])
    assert (bounds.x_min < X[0]).all() and (X[0] < bounds.x_max).all()
    assert (bounds.y_min < X[1]).all() and (X[1] < bounds.y_max).all()


def test_bounds_of_a_feature_without_spread_are_one_wide():
    X = np.array([[2.0, 2.0, 2.0], [0.0, 1.0, 3.0]])
    bounds = plotting.data_bounds(X)
    assert (bounds.x_min, bounds.x_max) == (1.5, 2.5)


def test_pixel_centres_tile_the_bounds_top_row_first():
    bounds = plotting.Bounds(-1.0, 3.0, 0.0, 2.0)
    xs, ys = plotting.pixel_centres(bounds, columns=4, rows=4)
    np.testing.assert_allclose(xs, [-0.5, 0.5, 1.5, 2.5])
    np.testing.assert_allclose(ys, [1.75, 1.25, 0.75, 0.25])


def test_grid_is_row_major_and_every_point_sits_in_its_pixel():
    X, _ = load_dataset("flower")
    bounds = plotting.data_bounds(X)
    columns, rows = 56, 36
    grid = plotting.grid_inputs(X, bounds, columns, rows)
    xs, ys = plotting.pixel_centres(bounds, columns, rows)
    assert grid.shape == (2, rows * columns)
    np.testing.assert_array_equal(grid.reshape(2, rows, columns)[0][7], xs)
    np.testing.assert_array_equal(grid.reshape(2, rows, columns)[1][:, 11], ys)
    row, column = plotting.point_pixels(X, bounds, columns, rows)
    half_x = (bounds.x_max - bounds.x_min) / columns / 2
    half_y = (bounds.y_max - bounds.y_min) / rows / 2
    assert (np.abs(X[0] - xs[column]) <= half_x + 1e-12).all()
    assert (np.abs(X[1] - ys[row]) <= half_y + 1e-12).all()


def test_grid_holds_features_past_the_second_at_their_mean():
    X, _ = load_dataset("slides-3d")
    grid = plotting.grid_inputs(X, plotting.data_bounds(X), 10, 6)
    assert grid.shape == (3, 60)
    assert (grid[2] == X[2].mean()).all()


# ---- shades


def test_quantise_puts_a2_in_equal_steps_with_one_half_in_class_0():
    A2 = np.array([0.0, 0.1, 1 / 6, 0.2, 0.4, 0.5, 0.5 + 1e-12, 0.6, 0.8, 0.9, 1.0])
    expected = [0, 0, 0, 1, 2, 2, 3, 3, 4, 5, 5]
    np.testing.assert_array_equal(plotting.quantise(A2), expected)
    np.testing.assert_allclose(plotting.shade_edges(3), [1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6])
    assert plotting.quantise(np.array([0.26, 0.74]), levels_per_class=2).tolist() == [1, 2]


@pytest.mark.parametrize("data", ["flower", "slides-3d"])
def test_shaded_class_is_predict_at_every_pixel_centre(data):
    view = trained_view(data)
    X = np.asarray(view.state["X"])
    grid = plotting.grid_inputs(X, plotting.data_bounds(X), 58, 36)
    A2 = forward(parameters(view), grid, view.config.activation)["A2"]
    levels = plotting.quantise(A2)
    predicted = predict(parameters(view), grid, view.config.activation)
    np.testing.assert_array_equal(levels >= LEVELS_PER_CLASS, predicted == 1)
    assert 0 < predicted.mean() < 1, "a trained network predicts both classes somewhere"


def test_cell_codes_pack_half_blocks_and_points():
    S = 2 * LEVELS_PER_CLASS
    levels = np.array([[0, 5, 2], [1, 3, 4], [5, 0, 0], [5, 0, 3]])  # 4 pixel rows → 2 cells
    occupancy = np.array([[NO_POINTS, ONLY_1, NO_POINTS], [BOTH, NO_POINTS, ONLY_0]])
    shade = np.array([[0, 3, 0], [5, 0, 3]])
    codes = plotting.cell_codes(levels, occupancy, shade)
    assert codes[0, 0] == 0 * S + 1 and codes[0, 2] == 2 * S + 4 and codes[1, 1] == 0
    assert codes[0, 1] == S * S + ONLY_1 * S + 3
    assert codes[1, 0] == S * S + BOTH * S + 5
    assert codes[1, 2] == S * S + ONLY_0 * S + 3


def test_points_fill_cells_by_class_and_take_the_shade_of_their_pixel():
    pixel_rows = np.array([0, 1, 3, 3, 2])
    pixel_columns = np.array([0, 0, 1, 2, 2])
    Y = np.array([[0, 1, 1, 0, 0]])
    occupancy = plotting.point_cells(pixel_rows, pixel_columns, Y, height=2, width=3)
    np.testing.assert_array_equal(
        occupancy, [[BOTH, NO_POINTS, NO_POINTS], [NO_POINTS, ONLY_1, ONLY_0]]
    )
    levels = np.arange(12).reshape(4, 3)
    shade = plotting.point_levels(levels, pixel_rows, pixel_columns)
    # the cell at (0, 0) holds pixels (0, 0) and (1, 0): the last point's pixel wins
    assert shade[0, 0] == levels[1, 0]
    assert shade[1, 1] == levels[3, 1]
    assert shade[1, 2] == levels[2, 2]


def test_mono_cells_are_class_by_the_mean_of_two_pixels_or_the_points():
    A2 = np.array([[0.2, 0.9, 0.7], [0.4, 0.3, 0.2]])  # one cell row
    occupancy = np.array([[NO_POINTS, NO_POINTS, BOTH]])
    np.testing.assert_array_equal(plotting.mono_cells(A2, occupancy), [[0, 1, BOTH + 1]])


# ---- cost buckets


@pytest.mark.parametrize(("n", "columns"), [(10_007, 37), (300, 49), (49, 49), (5, 12), (1, 8)])
def test_buckets_are_numpy_min_and_max_of_their_slices(n, columns):
    costs = np.random.default_rng(n).random(n)
    starts = plotting.bucket_starts(n, columns)
    stops = plotting.bucket_stops(n, columns)
    mins, maxs, bad = plotting.bucket_min_max(costs, columns)
    assert len(mins) == len(maxs) == columns
    for column in range(columns):
        piece = costs[starts[column] : stops[column]]
        assert piece.size >= 1
        assert mins[column] == piece.min() and maxs[column] == piece.max()
    assert not bad.any()
    if n >= columns:  # the buckets tile the iterations, in order, without overlap
        assert starts[0] == 0 and stops[-1] == n
        np.testing.assert_array_equal(starts[1:], stops[:-1])


def test_buckets_skip_nan_and_inf_and_flag_them():
    costs = np.array([0.7, np.nan, 0.5, 0.4, np.inf, np.nan, np.nan, 0.3])
    mins, maxs, bad = plotting.bucket_min_max(costs, 4)
    np.testing.assert_array_equal(mins[[0, 1, 3]], [0.7, 0.4, 0.3])
    np.testing.assert_array_equal(maxs[[0, 1, 3]], [0.7, 0.5, 0.3])
    assert np.isnan(mins[2]) and np.isnan(maxs[2])
    np.testing.assert_array_equal(bad, [True, False, True, True])


def test_eighths_run_from_one_to_the_full_chart():
    heights = plotting.eighths(np.array([0.2, 0.45, 0.7]), 0.2, 0.7, rows=4)
    np.testing.assert_array_equal(heights, [1, 17, 32])
    assert plotting.eighths(np.array([0.3]), 0.3, 0.3, rows=2).tolist() == [9]


def test_bar_cells_fill_each_column_to_its_maximum():
    mins = np.array([0.7, 0.2, 0.3, 0.5, np.nan])
    maxs = np.array([0.7, 0.2, 0.6, 0.5, np.nan])
    rows = 3
    kind, k = plotting.bar_cells(mins, maxs, 0.2, 0.7, rows)
    tops = plotting.eighths(np.nan_to_num(maxs, nan=0.2), 0.2, 0.7, rows)
    full = np.where(kind == plotting.BAND_OVER_AREA, 8, k)
    ink = np.where(kind == plotting.EMPTY, 0, full).sum(axis=0)
    np.testing.assert_array_equal(ink[:4], tops[:4])
    assert ink[4] == 0, "a column with no finite cost stays empty"
    assert kind[:, 0].tolist() == [plotting.AREA, plotting.AREA, plotting.BAND_OVER_AREA]
    assert kind[:, 1].tolist() == [plotting.BAND, plotting.EMPTY, plotting.EMPTY]
    assert k[0, 1] == 1, "the smallest cost is one eighth high, never invisible"


def test_runs_split_a_row_where_the_code_changes():
    assert plotting.runs(np.array([3, 3, 1, 1, 1, 3])) == [(0, 2, 3), (2, 5, 1), (5, 6, 3)]
    assert plotting.runs(np.array([], dtype=int)) == []


def test_numbers_have_fixed_formats():
    assert plotting.significant(0.69314718) == "0.6931"
    assert plotting.significant(1.234567e-5) == "1.235e-05"
    assert plotting.significant(np.float64(12.0)) == "12"
    assert plotting.cost_text(np.float64(0.2618)) == "0.261800"
    assert plotting.cost_text(float("nan")) == "NaN"
    assert plotting.cost_text(float("inf")) == "+Inf"
    assert plotting.percent(0.905) == "90.5%"


def test_every_panel_spells_non_finite_values_the_same_way():
    from tui.app.panels.value.value_panel import _big_number
    from tui.session.formatting import number

    for value, spelt in ((float("nan"), "NaN"), (float("inf"), "+Inf"), (-float("inf"), "-Inf")):
        assert number(value) == spelt
        assert plotting.significant(value) == spelt
    assert number(float("inf"), 6) == "  +Inf"
    # the big digits of J leave the sign out: J is never −Inf, and a "+" would be drawn huge
    assert _big_number(float("inf")) == "Inf" and _big_number(float("nan")) == "NaN"


def test_titles_fit_and_always_name_the_slice():
    assert boundary_title(2, 0.905) == "decision boundary · accuracy 90.5%"
    assert boundary_title(2, None) == "decision boundary · accuracy n/a"
    for room in (20, 30, 40, 80):
        title = boundary_title(3, 0.915, room)
        assert "x3" in title and "mean" in title
        assert len(title) <= max(room, len(boundary_title(3, 0.915, 0)))
    assert boundary_title(3, 0.915).startswith("decision boundary · 2-D slice, x3 at its mean")
    assert "x3…x5 at their means" in boundary_title(5, 0.5)


# ---- the widgets, mounted


class PlotApp(App):
    """One panel at a fixed outer size."""

    def __init__(self, panel_type: type, size: tuple[int, int]) -> None:
        super().__init__()
        self.panel_type = panel_type
        self.panel_size = size

    def compose(self) -> ComposeResult:
        panel = self.panel_type(id="panel")
        panel.styles.width, panel.styles.height = self.panel_size
        yield panel


@dataclasses.dataclass
class Rendered:
    """What a mounted panel drew, kept after its app has closed."""

    content: list[Strip]  # render_line of each content row
    whole: list[Strip]  # the widget with its border and padding
    width: int  # of the content
    height: int
    title: str
    subtitle: str
    no_color: bool
    shades: list[Color]  # the region colours, in SHADE_CLASSES order (boundary only)


async def rendered(panel_type: type, size: tuple[int, int], view: View | None) -> Rendered:
    app = PlotApp(panel_type, size)
    async with app.run_test(size=(size[0] + 4, size[1] + 2)) as pilot:
        panel = app.query_one("#panel")
        if view is not None:
            panel.show(view)
        await pilot.pause()
        assert panel.outer_size == size
        assert "<svg" in app.export_screenshot()  # the whole screen composes, too
        shades = []
        if panel_type is BoundaryPanel:
            shades = [panel.get_component_rich_style(name).bgcolor for name in SHADE_CLASSES]
        return Rendered(
            content=[panel.render_line(y) for y in range(panel.size.height)],
            whole=panel.render_lines(Region(0, 0, *panel.outer_size)),
            width=panel.size.width,
            height=panel.size.height,
            title=str(panel.border_title),
            subtitle=str(panel.border_subtitle),
            no_color=app.no_color,
            shades=shades,
        )


def text_of(strips) -> list[str]:
    return ["".join(segment.text for segment in strip) for strip in strips]


def assert_every_segment_styled(strips, width: int) -> None:
    for y, strip in enumerate(strips):
        assert strip.cell_length == width, f"line {y} is {strip.cell_length} cells, not {width}"
        for segment in strip:
            assert isinstance(segment, Segment)
            assert segment.style is not None, f"line {y}: {segment.text!r} has no style"


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_boundary_panel_draws_points_regions_and_title(size):
    view = trained_view()
    drawn = await rendered(BoundaryPanel, size, view)
    assert_every_segment_styled(drawn.content, drawn.width)
    assert_every_segment_styled(drawn.whole, size[0])
    text = "".join(text_of(drawn.content))
    assert "▀" in text and GLYPHS[ONLY_0] in text and GLYPHS[ONLY_1] in text
    share = plotting.training_accuracy(view.state, view.config.activation)
    assert f"accuracy {plotting.percent(share)}" in drawn.title
    assert drawn.subtitle == LEGEND
    border = text_of(drawn.whole)
    assert f"accuracy {plotting.percent(share)}" in border[0]
    assert LEGEND in border[-1]


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_boundary_picture_shows_what_predict_says(size):
    view = trained_view()
    drawn = await rendered(BoundaryPanel, size, view)
    width, height = drawn.width, drawn.height
    class_0, class_1 = set(drawn.shades[:LEVELS_PER_CLASS]), set(drawn.shades[LEVELS_PER_CLASS:])
    assert len(class_0 | class_1) == 2 * LEVELS_PER_CLASS, "every shade differs"
    X = np.asarray(view.state["X"])
    grid = plotting.grid_inputs(X, plotting.data_bounds(X), width, 2 * height)
    predicted = predict(parameters(view), grid, view.config.activation).reshape(2 * height, width)
    checked = 0
    for y, strip in enumerate(drawn.content):
        x = 0
        for segment in strip:
            for _ in range(segment.cell_length):
                if segment.text[0] == "▀":  # top pixel in the foreground, bottom in the back
                    assert (segment.style.color in class_1) == bool(predicted[2 * y, x])
                    assert (segment.style.bgcolor in class_1) == bool(predicted[2 * y + 1, x])
                    checked += 1
                else:  # a point, on the shade of its own pixel
                    assert segment.text[0] in GLYPHS.values()
                    assert segment.style.bgcolor in class_0 | class_1
                x += 1
    assert checked > width * height // 3
    assert 0 < predicted.mean() < 1


async def test_boundary_panel_of_3_features_is_a_slice():
    drawn = await rendered(BoundaryPanel, LARGE, trained_view("slides-3d"))
    assert "2-D slice" in drawn.title and "x3" in drawn.title and "mean" in drawn.title
    text = "".join(text_of(drawn.content))
    assert GLYPHS[ONLY_1] in text and "▀" in text
    small = await rendered(BoundaryPanel, SMALL, trained_view("slides-3d"))
    assert "x3" in small.title and "mean" in small.title
    assert "x3" in text_of(small.whole)[0]


async def test_boundary_panel_with_non_finite_parameters_says_so():
    view = trained_view()
    state = dict(view.state)
    state["W1"] = np.full_like(state["W1"], np.nan)
    accuracy = plotting.training_accuracy(state, view.config.activation)  # None: not finite
    drawn = await rendered(
        BoundaryPanel, LARGE, dataclasses.replace(view, state=state, accuracy=accuracy)
    )
    assert "NaN or Inf" in " ".join(text_of(drawn.content))
    assert "n/a" in drawn.title
    assert_every_segment_styled(drawn.content, drawn.width)


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_cost_panel_draws_curve_labels_and_numbers(size):
    view = trained_view()
    drawn = await rendered(CostPanel, size, view)
    assert_every_segment_styled(drawn.content, drawn.width)
    assert_every_segment_styled(drawn.whole, size[0])
    lines = text_of(drawn.content)
    costs = np.asarray(view.costs)
    share = plotting.training_accuracy(view.state, view.config.activation)
    assert lines[0].startswith(f"J {costs[-1]:.6f}  accuracy {plotting.percent(share)}")
    assert lines[1].startswith(f"{costs.max():.4g}┤")
    assert lines[-2].startswith(f"{costs.min():.4g}┤")
    assert lines[-1].lstrip().startswith("└0 ")
    assert lines[-1].endswith(f"{len(costs)} iterations")
    chart = "".join(lines[1:-1])
    assert "█" in chart and any(block in chart for block in plotting.LOWER_BLOCKS[1:8])


async def test_cost_panel_buckets_a_long_run():
    view = trained_view(iterations=10_000, extra_steps=0)
    drawn = await rendered(CostPanel, LARGE, view)
    assert text_of(drawn.content)[-1].endswith("10,000 iterations")
    assert_every_segment_styled(drawn.content, drawn.width)


@pytest.mark.parametrize("steps", [0, STEP_INDEX["cost"]])
async def test_cost_panel_before_the_cost_step_shows_the_hint(steps):
    view = view_after_steps(steps)
    assert len(view.costs) == 0
    drawn = await rendered(CostPanel, LARGE, view)
    lines = text_of(drawn.content)
    assert lines[0].startswith("J —")
    assert lines[1].rstrip() == HINT == "the cost appears after step 5 (J)"
    small = await rendered(CostPanel, SMALL, view)
    assert " ".join(line.strip() for line in text_of(small.content)[1:3]) == HINT


async def test_cost_panel_after_the_cost_step_shows_the_cost():
    view = view_after_steps(STEP_INDEX["cost"] + 1)
    drawn = await rendered(CostPanel, LARGE, view)
    lines = text_of(drawn.content)
    assert lines[0].startswith(f"J {float(view.costs[0]):.6f}")
    assert lines[-1].endswith("1 iteration")


async def test_cost_panel_spells_out_non_finite_costs():
    view = trained_view()
    costs = np.append(np.asarray(view.costs), np.nan)
    drawn = await rendered(CostPanel, LARGE, dataclasses.replace(view, costs=costs))
    lines = text_of(drawn.content)
    assert lines[0].startswith("J NaN")
    assert lines[1].rstrip().endswith(NON_FINITE_MARK)
    assert_every_segment_styled(drawn.content, drawn.width)
    drawn = await rendered(CostPanel, LARGE, dataclasses.replace(view, costs=np.array([np.inf])))
    assert text_of(drawn.content)[0].startswith("J +Inf")
    assert "no finite cost" in text_of(drawn.content)[1]


@pytest.mark.parametrize("panel_type", [BoundaryPanel, CostPanel])
async def test_same_view_renders_identically(panel_type):
    view = trained_view()
    first = await rendered(panel_type, LARGE, view)
    second = await rendered(panel_type, LARGE, view)
    assert [list(strip) for strip in first.whole] == [list(strip) for strip in second.whole]


@pytest.mark.parametrize("panel_type", [BoundaryPanel, CostPanel])
@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_panels_render_under_no_color(panel_type, size, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    drawn = await rendered(panel_type, size, trained_view())
    assert drawn.no_color
    assert_every_segment_styled(drawn.content, drawn.width)
    assert_every_segment_styled(drawn.whole, size[0])
    text = "".join(text_of(drawn.content))
    if panel_type is BoundaryPanel:
        assert "·" in text and GLYPHS[ONLY_0] in text and GLYPHS[ONLY_1] in text
        assert "▀" not in text  # half blocks need colour
    else:
        assert "█" in text and "accuracy" in text


@pytest.mark.parametrize("panel_type", [BoundaryPanel, CostPanel])
async def test_panels_before_show_render_a_hint(panel_type):
    drawn = await rendered(panel_type, SMALL, None)
    assert_every_segment_styled(drawn.content, drawn.width)
    assert text_of(drawn.content)[0].strip()


@pytest.mark.parametrize("panel_type", [BoundaryPanel, CostPanel])
async def test_a_new_theme_recolours_the_panels(panel_type):
    app = PlotApp(panel_type, LARGE)
    async with app.run_test(size=(64, 22)) as pilot:
        panel = app.query_one(panel_type)
        panel.show(trained_view())
        await pilot.pause()
        before = [list(panel.render_line(y)) for y in range(panel.size.height)]
        app.theme = "textual-light"
        await pilot.pause()
        after = [list(panel.render_line(y)) for y in range(panel.size.height)]
        assert text_of(before) == text_of(after)
        assert before != after


async def test_panels_redraw_at_their_new_size():
    view = trained_view()
    app = PlotApp(BoundaryPanel, LARGE)
    async with app.run_test(size=(70, 24)) as pilot:
        panel = app.query_one(BoundaryPanel)
        panel.show(view)
        await pilot.pause()
        assert len(panel.render_line(0)) and panel.render_line(0).cell_length == 56
        panel.styles.width, panel.styles.height = SMALL
        await pilot.pause()
        assert panel.size == (32, 6)
        assert panel.render_line(0).cell_length == 32
        assert_every_segment_styled(
            [panel.render_line(y) for y in range(panel.size.height)], panel.size.width
        )
        assert len(panel.border_title) <= SMALL[0] - 4


def test_step_count_of_the_hint_is_the_catalogue_s():
    assert f"step {STEP_INDEX['cost'] + 1}" in HINT
    assert STEPS_PER_ITERATION == 15
