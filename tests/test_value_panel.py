"""The value panel: its details recompute every shown number from the View's state and agree
with the engine; its matrix draws only what is on screen, every segment styled; its cursor
moves by key and click, keeps the picked unit and example across steps, and survives NO_COLOR."""

from __future__ import annotations

import time
from functools import cache

import numpy as np
import pytest
from app_helpers import WIDE, new_app, panel_text
from engine_fixtures import ACTIVATION_NAMES, flower
from rich.console import Console
from textual.app import App, ComposeResult
from textual.widgets import Digits

from engine.config import RunConfig
from engine.one_example import EXAMPLE_STEPS, GRADIENT_STEPS, UPDATE_STEPS, hidden_slope
from engine.steps import STEP_NAMES, STEPS, STEPS_PER_ITERATION
from tui.app.panels.value.details_layout import window
from tui.app.panels.value.matrix_view import (
    COLUMN_MARK,
    ROW_MARK,
    MatrixView,
    cell_class,
    fit,
    intensity,
    summary,
)
from tui.app.panels.value.value_axes import Selection, describe
from tui.app.panels.value.value_details import (
    cost_terms,
    details,
    example_column,
    gradient_entry,
    update_parts,
)
from tui.app.panels.value.value_panel import HINT, ValuePanel
from tui.session.formatting import number, uses_scientific
from tui.session.view import View, take_view

EXACT = 1e-12


@cache
def iteration_views(activation: str = "tanh", hidden: int = 4) -> dict[str, View]:
    """A View after each step of the second iteration (so biases are no longer zero)."""
    config = RunConfig(activation=activation, hidden=hidden)
    stepper = config.stepper(flower())
    for _ in range(STEPS_PER_ITERATION):
        stepper.step()
    views = {}
    for _ in range(STEPS_PER_ITERATION):
        stepper.step()
        view = take_view(stepper, config)
        views[view.event.name] = view
    return views


def first_view() -> View:
    config = RunConfig()
    return take_view(config.stepper(flower()), config)


def text_of(renderable, width: int = 160) -> str:
    console = Console(width=width, color_system=None, record=True, file=None)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def styled_segments(renderable, width: int = 160):
    console = Console(width=width, color_system="truecolor", force_terminal=True)
    return list(console.render(renderable, console.options))


# ---- details: the numbers, recomputed


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("name", EXAMPLE_STEPS)
def test_one_example_column_equals_the_vectorised_column(activation, name):
    view = iteration_views(activation)[name]
    m = view.dims["m"]
    for i in (0, 1, 150, m - 1):
        recomputed = example_column(view, i)
        np.testing.assert_allclose(recomputed, view.event.value[:, i], rtol=0, atol=EXACT)


def test_example_column_is_recomputed_not_copied():
    """Z1's column comes from W1, x(i) and b1, not from the engine's Z1."""
    view = iteration_views()["Z1"]
    state = dict(view.state)
    state["Z1"] = np.zeros_like(state["Z1"])
    altered = View(**{**view.__dict__, "state": state})
    np.testing.assert_allclose(
        example_column(altered, 7), view.event.value[:, 7], rtol=0, atol=EXACT
    )


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_hidden_slope_matches_the_engine_activation(activation):
    from engine.activations import get_activation

    view = iteration_views(activation)["dZ1"]
    act = get_activation(activation)
    z, a = view.state["Z1"], view.state["A1"]
    engine = act.slope(a if act.slope_operand == "A1" else z, np.empty_like(z))
    np.testing.assert_array_equal(hidden_slope(activation, z, a), engine)


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("name", GRADIENT_STEPS)
def test_chain_rule_sum_equals_the_gradient_entry(activation, name):
    view = iteration_views(activation)[name]
    rows, cols = view.event.value.shape
    m = view.dims["m"]
    for row in range(rows):
        for col in range(cols):
            entry = gradient_entry(view, row, col)
            assert entry.value == pytest.approx(entry.engine, rel=EXACT, abs=EXACT)
            assert entry.total / m == entry.value
            assert entry.terms.shape == (m,)
            np.testing.assert_allclose(entry.terms, entry.dz * entry.factor, rtol=0, atol=0)


def test_layer_one_chain_rule_rebuilds_dz1_row():
    """dzⱼ[1](i) = W[2]ⱼ·dz[2](i)·g'(zⱼ[1](i)) equals row j of the engine's dZ1."""
    view = iteration_views()["dW1"]
    for j in range(view.dims["n[1]"]):
        entry = gradient_entry(view, j, 0)
        np.testing.assert_allclose(entry.dz, view.state["dZ1"][j], rtol=0, atol=EXACT)
        np.testing.assert_allclose(entry.dz2, view.state["dZ2"][0], rtol=0, atol=EXACT)


@pytest.mark.parametrize("name", UPDATE_STEPS)
def test_update_old_minus_alpha_gradient_is_new(name):
    view = iteration_views()[name]
    parts = update_parts(view)
    alpha = view.config.learning_rate
    assert parts.learning_rate == alpha
    np.testing.assert_allclose(parts.old - alpha * parts.gradient, parts.new, rtol=0, atol=EXACT)
    np.testing.assert_allclose(parts.old + parts.step, parts.new, rtol=0, atol=EXACT)
    np.testing.assert_array_equal(parts.new, view.event.value)
    assert not np.array_equal(parts.old, parts.new)  # the step did move the parameter


def test_cost_is_the_mean_of_the_example_losses():
    view = iteration_views()["cost"]
    terms = cost_terms(view)
    assert terms.value == pytest.approx(terms.engine, rel=1e-12)
    assert terms.losses.shape == (view.dims["m"],)
    assert np.all(terms.losses > 0)


def test_wrong_step_for_a_form_says_which_steps_fit():
    with pytest.raises(ValueError, match="no column per example"):
        example_column(iteration_views()["dW1"], 0)
    with pytest.raises(ValueError, match="not a gradient"):
        gradient_entry(iteration_views()["Z1"], 0, 0)
    with pytest.raises(ValueError, match="not an update"):
        update_parts(iteration_views()["dW1"])


# ---- details: what they say


def test_z1_details_show_the_slide_forms_with_numbers():
    view = iteration_views()["Z1"]
    text = text_of(details(view, (1, 150)))
    assert "z[1](i) = W[1]x(i) + b[1]" in text
    assert "z₂[1](i) = w₂[1]ᵀx(i) + b₂[1]" in text
    assert "example i = 151" in text
    assert "Z[1][:, 150]" in text
    assert number(view.event.value[1, 150]) in text
    assert number(view.state["X"][0, 150]) in text
    assert "✓" in text and "✗" not in text


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("name", STEP_NAMES)
def test_every_step_has_details_that_agree_with_the_engine(activation, name):
    view = iteration_views(activation)[name]
    shape = np.shape(view.event.value)
    cursor = (shape[0] - 1, shape[1] - 1) if shape else (0, 0)
    text = text_of(details(view, cursor, example=3))
    assert "✓" in text and "✗" not in text


def test_dw1_details_show_the_chain_rule_terms():
    view = iteration_views()["dW1"]
    entry = gradient_entry(view, 2, 1)
    text = text_of(details(view, (2, 1), example=10))
    assert "dW[1]₃₂ = (1/m)·Σᵢ dz₃[1](i)·x₂(i)" in text
    assert "dz₃[1](i) = W[2]₃·dz[2](i)·g'(z₃[1](i))" in text
    assert "example i = 11" in text
    assert "1 − a²" in text  # tanh's g'
    for shown in (entry.weight, entry.dz2[10], entry.slope[10], entry.terms[10], entry.total):
        assert number(shown) in text
    assert "1/400" in text
    assert number(entry.engine) in text


def test_dw2_details_pick_the_hidden_unit_by_column():
    view = iteration_views()["dW2"]
    entry = gradient_entry(view, 0, 3)
    text = text_of(details(view, (0, 3), example=0))
    assert "a₄[1](i)" in text
    assert number(view.state["A1"][3, 0]) in text
    assert number(entry.terms[0]) in text


def test_update_details_highlight_the_cursor_entry_in_old_step_and_new():
    view = iteration_views()["W1"]
    parts = update_parts(view)
    cell = (2, 1)
    highlighted = [
        segment.text.strip()
        for segment in styled_segments(details(view, cell))
        if segment.style is not None and segment.style.reverse
    ]
    # each block in its one notation
    assert highlighted == [
        number(block[cell], scientific=uses_scientific(block))
        for block in (parts.old, parts.step, parts.new)
    ]


def test_row_vector_update_is_an_entry_per_line_with_unit_labels():
    # W[2] (1, 4): old, −α·dW[2] and new across, a line per hidden unit, so it fits 50 cells
    view = iteration_views()["W2"]
    parts = update_parts(view)
    text = text_of(details(view, (0, 2)), width=50)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 50
    assert any(line.split() == ["old", "−α·dW[2]", "new"] for line in lines)
    scientific = uses_scientific(np.concatenate([parts.old[0], parts.step[0], parts.new[0]]))
    for j, label in enumerate(("a1", "a2", "a3", "a4")):
        row = next(line for line in lines if line.startswith(label + " "))
        values = (parts.old[0, j], parts.step[0, j], parts.new[0, j])
        assert row.split()[1:] == [number(v, scientific=scientific) for v in values]


@pytest.mark.parametrize("name", ["Z1", "dZ1", "W1"])
def test_equations_of_blocks_wrap_between_blocks_in_a_narrow_panel(name):
    view = iteration_views()[name]
    cursor = (1, 1)
    wide = text_of(details(view, cursor), width=160)
    narrow = text_of(details(view, cursor), width=52)
    assert max(len(line) for line in narrow.splitlines()) <= 52
    assert len(narrow.splitlines()) > len(wide.splitlines())
    # the column is a block of its own, except in the update, where it is W[1]'s
    block = view.event.value if name == "W1" else view.event.value[:, 1]
    for shown in view.event.value[:, 1]:  # every number of the column survives the wrap
        assert number(shown, scientific=uses_scientific(block)) in narrow


def test_a_block_and_a_matrix_each_write_their_numbers_in_one_notation():
    view = iteration_views()["W1"]
    parts = update_parts(view)
    assert uses_scientific(parts.step) and not uses_scientific(parts.old[[0, 1, 3]][:, [1]])
    text = text_of(details(view, (0, 0)))
    step_lines = [line for line in text.splitlines() if "e-0" in line]
    assert step_lines  # −α·dW[1] is all small: scientific throughout
    mixed = parts.old  # +0.0178 beside +8.262e-04: written all in scientific
    for value in mixed.flat:
        assert number(value, scientific=True) in text
    assert fit(0.0178, 10, scientific=True).strip() == "+1.780e-02"
    assert number(-0.0) == "+0.0000"  # never -0.0000


def test_stacked_update_rows_line_up_with_their_labels():
    text = text_of(details(iteration_views()["b2"], (0, 0)), width=60)
    lines = text.splitlines()
    parts = update_parts(iteration_views()["b2"])
    assert any(line.split() == ["old", number(parts.old[0, 0])] for line in lines)
    assert any(line.split() == ["new", number(parts.new[0, 0])] for line in lines)


def test_details_keep_to_a_window_of_many_hidden_units():
    view = iteration_views("tanh", 20)["Z1"]
    text = text_of(details(view, (12, 0)))
    assert "⋮" in text
    assert text.count("\n") < 25


def test_window_centres_on_the_pick_and_stays_inside():
    assert window(4, 3, 6) == range(4)
    assert window(20, 0, 6) == range(0, 6)
    assert window(20, 12, 6) == range(9, 15)
    assert window(20, 19, 6) == range(14, 20)


# ---- the selection and the axes


def test_selection_keeps_unit_and_example_across_shapes():
    selection = Selection()
    selection.remember("Z1", (2, 150), (4, 400))
    assert selection.cursor_for("Z2", (1, 400)) == (0, 150)
    assert selection.cursor_for("dW2", (1, 4)) == (0, 2)
    assert selection.cursor_for("dW1", (4, 2)) == (2, 0)
    assert selection.cursor_for("Z1", (2, 400)) == (1, 150)  # fewer units: clamped
    selection.remember("Z2", (0, 7), (1, 400))  # the single output row leaves the unit alone
    assert selection.cursor_for("Z1", (4, 400)) == (2, 7)


def test_axes_are_described_in_the_slide_names():
    assert describe("Z1", (4, 400)) == "hidden units a1…a4 × examples (1)…(400)"
    assert describe("W2", (1, 4)) == "output unit × hidden units a1…a4"
    assert describe("b1", (1, 1)) == "hidden unit a1 × 1"


# ---- the matrix view: pure parts


def test_intensity_has_four_levels_relative_to_the_largest_value():
    assert [intensity(v, 1.0) for v in (0.0, 0.1, 0.25, 0.26, 0.5, 0.74, 0.76, 1.0)] == [
        0,
        1,
        1,
        2,
        2,
        3,
        4,
        4,
    ]
    assert intensity(-1.0, 1.0) == 4
    assert cell_class(-0.3, 1.0) == "matrix-view--negative-2"
    assert cell_class(0.9, 1.0) == "matrix-view--positive-4"
    assert cell_class(0.0, 1.0) == "matrix-view--zero"
    assert cell_class(float("nan"), 1.0) == "matrix-view--nonfinite"
    assert cell_class(0.0, 0.0) == "matrix-view--zero"


def test_summary_width_fits_every_number():
    for data in (
        np.array([[0.5, -0.25]]),
        np.array([[123.456, -1.0]]),
        np.array([[1e-5, 0.5]]),
        np.array([[np.nan, 2.0]]),
        np.array([[1e5, -3.0]]),
    ):
        largest, width = summary(data)
        assert largest == np.nanmax(np.abs(data))
        assert all(len(number(v)) <= width for v in data.flat)
    assert len(fit(-1.5e-100, 10)) == 10


# ---- the matrix view: render_line


class MatrixApp(App):
    CSS = "MatrixView { height: 8; }"

    def compose(self) -> ComposeResult:
        yield MatrixView()


def assert_all_styled(strip) -> None:
    for segment in strip:
        assert segment.style is not None, f"unstyled segment {segment.text!r}"


async def test_render_line_draws_labels_numbers_and_styles_everything():
    data = np.array([[0.5, -0.25, 0.0], [1.0, -1.0, 0.125]])
    app = MatrixApp()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(MatrixView)
        view.set_matrix(data, lambda r: f"a{r + 1}", lambda c: f"({c + 1})")
        await pilot.pause()
        lines = [view.render_line(y) for y in range(8)]
        for strip in lines:
            assert_all_styled(strip)
            assert strip.cell_length == view.scrollable_content_region.width
        assert lines[0].text.split() == ["(1)", "(2)", "(3)"]
        assert lines[1].text.split() == ["a1", "+0.5000", "-0.2500", "+0.0000"]
        assert lines[2].text.split() == ["a2", "+1.0000", "-1.0000", "+0.1250"]
        assert lines[3].text.strip() == ""
        # the cursor cell and the sign/intensity classes
        styles = {
            segment.text.strip(): segment.style for segment in lines[1] if segment.text.strip()
        }
        assert styles["+0.5000"] == view.get_component_rich_style("matrix-view--cursor")
        assert styles["-0.2500"] == view.get_component_rich_style("matrix-view--negative-1")
        row_two = {segment.text.strip(): segment.style for segment in lines[2]}
        assert row_two["-1.0000"] == view.get_component_rich_style("matrix-view--negative-4")
        assert row_two["+1.0000"] == view.get_component_rich_style("matrix-view--positive-4")


async def test_a_marked_row_and_column_keep_every_cell_where_it_was():
    data = np.array([[0.5, -0.25, 0.0], [1.0, -1.0, 0.125], [2.0, 3.0, -4.0]])
    app = MatrixApp()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(MatrixView)
        view.set_matrix(data, lambda r: f"a{r + 1}", lambda c: f"a{c + 1}")
        await pilot.pause()
        plain = [view.render_line(y).text for y in range(4)]
        view.mark(row=1, col=2)
        await pilot.pause()
        marked = [view.render_line(y) for y in range(4)]
        for strip in marked:
            assert_all_styled(strip)
        # only the spaces beside the marked labels changed: no cell moved
        changed = [
            (y, x, before, after)
            for y, (line, strip) in enumerate(zip(plain, marked, strict=True))
            for x, (before, after) in enumerate(zip(line, strip.text, strict=True))
            if before != after
        ]
        gutter = view.gutter_width
        column_start = gutter + 2 * view.cell_width  # the space before column a3's label
        assert changed == [(0, column_start, " ", COLUMN_MARK), (2, gutter - 1, " ", ROW_MARK)]
        underlined = {
            (y, segment.text.strip())
            for y, strip in enumerate(marked)
            for segment in strip
            if segment.style.underline and segment.text.strip()
        }
        cursor = fit(data[0, 0], view.cell_width - 1).strip()  # underlined as the cursor
        marked_cells = {(2, fit(v, view.cell_width - 1).strip()) for v in data[1]}
        marked_cells |= {
            (y + 1, fit(v, view.cell_width - 1).strip()) for y, v in enumerate(data[:, 2])
        }
        assert underlined == marked_cells | {(1, cursor)}
        view.mark()
        await pilot.pause()
        assert [view.render_line(y).text for y in range(4)] == plain


async def test_render_line_formats_only_the_visible_cells_of_a_huge_matrix():
    data = np.random.default_rng(0).normal(size=(256, 100_000))
    app = MatrixApp()
    async with app.run_test(size=(80, 10)) as pilot:
        view = app.query_one(MatrixView)
        started = time.perf_counter()
        view.set_matrix(data, lambda r: f"a{r + 1}", lambda c: f"({c + 1})")
        await pilot.pause()
        view.move_cursor(200, 99_990)
        await pilot.pause()
        lines = [view.render_line(y) for y in range(8)]
        elapsed = time.perf_counter() - started
        assert elapsed < 2.0
        for strip in lines:
            assert_all_styled(strip)
        assert "(99991)" in lines[0].text
        cursor_line = next(strip for strip in lines if strip.text.lstrip().startswith("a201 "))
        assert fit(data[200, 99_990], view.cell_width - 1).strip() in cursor_line.text


async def test_matrix_view_clamps_its_cursor_to_a_new_shape():
    app = MatrixApp()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(MatrixView)
        view.set_matrix(np.ones((4, 10)))
        view.move_cursor(3, 9)
        view.set_matrix(np.ones((2, 5)))
        await pilot.pause()
        assert view.cursor == (1, 4)
        view.set_matrix(np.ones((4, 10)), cursor=(-5, 50))
        assert view.cursor == (0, 9)


# ---- the panel in an app


class PanelApp(App):
    CSS = "ValuePanel { height: 1fr; }"

    def __init__(self) -> None:
        super().__init__()
        self.moves: list[ValuePanel.CursorMoved] = []

    def compose(self) -> ComposeResult:
        yield ValuePanel()

    def on_value_panel_cursor_moved(self, message: ValuePanel.CursorMoved) -> None:
        self.moves.append(message)


def screen_text(app: App) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_arrow_keys_move_the_cursor_and_post_cursor_moved():
    views = iteration_views()
    app = PanelApp()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.query_one(ValuePanel)
        panel.show(views["Z1"])
        await pilot.pause()
        assert panel.cursor == (0, 0)
        app.query_one(MatrixView).focus()
        await pilot.press("right", "right", "down", "left")
        await pilot.pause()
        assert panel.cursor == (1, 1)
        assert [(m.row, m.col, m.unit, m.example) for m in app.moves] == [
            (0, 1, 0, 1),
            (0, 2, 0, 2),
            (1, 2, 1, 2),
            (1, 1, 1, 1),
        ]
        assert "example i = 2" in screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        assert panel.cursor == (1, 399)
        await pilot.press("home", "pagedown")  # all 4 rows on screen: a page of columns
        await pilot.pause()
        row, col = panel.cursor
        assert row == 1 and col > 1


async def test_cursor_survives_same_shape_and_follows_unit_and_example_across_shapes():
    views = iteration_views()
    app = PanelApp()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.query_one(ValuePanel)
        panel.show(views["Z1"])
        await pilot.pause()
        panel.cursor = (2, 150)
        await pilot.pause()
        panel.show(views["A1"])  # same shape: the same cell
        await pilot.pause()
        assert panel.cursor == (2, 150)
        panel.show(views["Z2"])  # (1, 400): the example stays
        await pilot.pause()
        assert panel.cursor == (0, 150)
        panel.show(views["dW2"])  # (1, 4): the picked unit's weight
        await pilot.pause()
        assert panel.cursor == (0, 2)
        assert (panel.unit, panel.example) == (2, 150)
        panel.show(views["dZ1"])
        await pilot.pause()
        assert panel.cursor == (2, 150)
        panel.show(iteration_views("tanh", 2)["Z1"])  # fewer hidden units: clamped
        await pilot.pause()
        assert panel.cursor == (1, 150)
        assert app.moves[-1].row == 1


async def test_click_moves_the_cursor_to_the_cell_under_the_mouse():
    app = PanelApp()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = app.query_one(ValuePanel)
        panel.show(iteration_views()["Z1"])
        await pilot.pause()
        matrix = app.query_one(MatrixView)
        x = matrix.gutter_width + 2 * matrix.cell_width + 2  # inside the third column
        await pilot.click(MatrixView, offset=(x, 3))  # line 3: the third row (a3)
        await pilot.pause()
        assert panel.cursor == (2, 2)
        assert app.moves[-1].row == 2 and app.moves[-1].col == 2


async def test_panel_before_the_first_step_and_at_the_cost():
    app = PanelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(ValuePanel)
        panel.show(first_view())
        await pilot.pause()
        assert "press n to compute the first step" in screen_text(app)
        assert not app.query_one(MatrixView).display
        cost = iteration_views()["cost"]
        panel.show(cost)
        await pilot.pause()
        assert app.query_one(Digits).value == f"{cost.event.value:.6f}"
        assert not app.query_one(MatrixView).display
        assert "J = (1/m)·Σᵢ L(i)" in screen_text(app)


async def test_the_hint_before_the_first_step_reads_whole_in_the_wide_layout():
    # at 120x40 the value panel is 52 cells wide: the hint was cut at "compute the firs…"
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        header = app.screen.query_one("#value-header")
        lines = [header.render_line(y).text.strip() for y in range(header.size.height)]
        assert " ".join(lines) == HINT.format(formula=STEPS[0].formula)
        assert not any("…" in line for line in lines)
        await pilot.press("n")
        await pilot.pause()
        assert panel_text(app, "#value-header").startswith("Z[1]  (4, 400)")
        assert header.styles.text_wrap == "nowrap"  # a step's header is cut, not wrapped


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_step_renders_at_small_and_large_sizes(size):
    app = PanelApp()
    async with app.run_test(size=size) as pilot:
        panel = app.query_one(ValuePanel)
        for name, view in iteration_views().items():
            panel.show(view)
            await pilot.pause()
            text = screen_text(app)
            heading = "J" if name == "cost" else view.event.name[:1]
            assert heading in text
            matrix = app.query_one(MatrixView)
            if matrix.display:
                assert matrix.size.height >= 2


async def test_no_color_renders_every_step_without_crashing(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = PanelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.no_color
        panel = app.query_one(ValuePanel)
        panel.show(first_view())
        await pilot.pause()
        for view in iteration_views().values():
            panel.show(view)
            app.query_one(MatrixView).focus()
            await pilot.press("down", "right")
            await pilot.pause()
        assert "b[2]" in screen_text(app)
