"""Per-hidden-unit maps: each map is the first layer's a_j[1] at the grid's points, shaded on one
scale for all units, drawn live beside the decision boundary; u follows a unit, marked in its
map, in the network and in every matrix with a row (W[2]: a column) per hidden unit."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from app_helpers import SMALL, WIDE, burst, lesson_app, new_app, panel_text, settle, settle_keys

from engine.config import RunConfig
from engine.functional import forward
from engine.shapes import SHAPES, hidden_axis
from tui.app.app import WIDE_SIZE, StepnetApp
from tui.app.panels.network_panel import MAX_UNITS_SHOWN, network_markup
from tui.app.panels.unit_maps_panel import (
    GAP,
    MARK,
    MAX_MAP_WIDTH,
    MIN_MAP,
    MONO_NEGATIVE_SHADES,
    SHADES,
    MapLayout,
    UnitMapsPanel,
    map_layout,
    unit_maps_legend,
    unit_maps_title,
)
from tui.app.panels.value.matrix_view import COLUMN_MARK, ROW_MARK, MatrixView
from tui.session.plotting import data_bounds, pixel_centres
from tui.session.session import Session
from tui.session.unit_maps import LEVELS, unit_maps, view_unit_maps


def test_each_map_is_the_units_activation_at_the_grid_points():
    session = Session(RunConfig())
    session.stepper.run(400)
    maps = view_unit_maps(session.view(), 16, 8)
    params = session.stepper.iteration_start_parameters()
    xs, ys = pixel_centres(data_bounds(session.data[0]), 16, 8)
    for j in range(4):
        for y, x in ((0, 0), (3, 11), (7, 15)):
            point = np.array([[xs[x]], [ys[y]]])
            # one point at a time: a product over one column may round in the last bit
            expected = forward(params, point, "tanh")["A1"][j, 0]
            np.testing.assert_allclose(maps.values[j, y, x], expected, rtol=1e-13)
    assert maps.scale == np.abs(maps.values).max()
    strongest = np.unravel_index(np.abs(maps.values).argmax(), maps.values.shape)
    assert abs(maps.levels[strongest]) == LEVELS
    assert (np.sign(maps.levels) == np.sign(maps.values)).all()


def test_zero_weights_give_blank_maps_and_nan_gives_none():
    X = Session(RunConfig()).data[0]
    zeros = {
        "W1": np.zeros((3, 2)),
        "b1": np.zeros((3, 1)),
        "W2": np.zeros((1, 3)),
        "b2": np.zeros((1, 1)),
    }
    maps = unit_maps(zeros, X, "tanh", 4, 2)
    assert maps.scale == 0 and not maps.levels.any()
    broken = dict(zeros, W1=np.full((3, 2), np.nan))
    assert unit_maps(broken, X, "tanh", 4, 2) is None


# ---- where the maps go


def fits(per_row: int, across: int, down: int, units: int, width: int, height: int) -> bool:
    return (
        per_row * across + (per_row - 1) * GAP <= width
        and math.ceil(units / per_row) * (down + 1) <= height
    )


def allowed(across: int, down: int) -> bool:
    """A map's shape: between the smallest and the widest, about square on the plane."""
    return (
        MIN_MAP[0] <= across <= MAX_MAP_WIDTH
        and down >= MIN_MAP[1]
        and down <= math.ceil(across / 2)
        and across <= 2 * down
    )


def largest_by_search(n_h: int, width: int, height: int) -> int:
    """The largest map area that shows every unit, by trying every shape; 0 if none does."""
    return max(
        (
            across * down
            for per_row in range(1, n_h + 1)
            for across in range(1, MAX_MAP_WIDTH + 1)
            for down in range(1, height + 1)
            if allowed(across, down) and fits(per_row, across, down, n_h, width, height)
        ),
        default=0,
    )


@pytest.mark.parametrize("n_h", [1, 2, 4, 5, 8, 20, 64])
@pytest.mark.parametrize(("width", "height"), [(34, 5), (76, 17), (56, 30), (20, 3), (4, 2)])
def test_the_maps_are_the_largest_that_show_every_unit_or_a_page_holding_the_followed_one(
    n_h, width, height
):
    best = largest_by_search(n_h, width, height)
    for unit in (None, 0, n_h - 1):
        layout = map_layout(n_h, width, height, unit)
        if best:
            assert layout.shown == n_h and layout.first == 0
            assert layout.width * layout.height == best
        elif layout is None:
            assert width < MIN_MAP[0] or height < MIN_MAP[1] + 1
            continue
        else:  # a page of the smallest maps, the one that holds the unit followed
            assert (layout.width, layout.height) == MIN_MAP
            assert layout.first <= (unit or 0) < layout.first + layout.shown
            assert layout.shown < n_h
        assert allowed(layout.width, layout.height)
        assert fits(layout.per_row, layout.width, layout.height, layout.shown, width, height)


def test_a_cell_of_a_map_or_its_title_belongs_to_its_unit_and_a_gap_to_none():
    layout = MapLayout(per_row=3, width=5, height=2, first=6, shown=5)
    for position in range(layout.shown):
        row, column = divmod(position, layout.per_row)
        left, top = column * (layout.width + GAP), row * (layout.height + 1)
        for x, y in ((left, top), (left + layout.width - 1, top + layout.height)):
            assert layout.unit_at(x, y) == layout.first + position
        assert layout.unit_at(left + layout.width, top) is None  # the gap after it
    assert layout.unit_at(2 * (layout.width + GAP), layout.height + 1) is None  # past the last


def test_the_titles_shorten_to_fit_and_keep_the_page_and_the_unit_followed():
    layout = map_layout(8, 31, 5, 7)
    assert (layout.first, layout.shown) == (6, 2)  # a page: six maps to a row, one row
    for room in (60, 40, 30, 24, 16):
        title = unit_maps_title(layout, 8, 7, room)
        assert "a7…a8 of 8" in title and "a8" in title.replace("a7…a8", "")
        shortest = unit_maps_title(layout, 8, 7, 0)
        assert len(title) <= room or title == shortest
        for no_color in (False, True):
            legend = unit_maps_legend(0.0712, no_color, room)
            assert "0.07" in legend
            assert len(legend) <= room or legend == unit_maps_legend(0.0712, no_color, 0)
            assert unit_maps_legend(0.0, no_color, room) == "a = 0 everywhere"


def test_a_unit_followed_from_the_middle_of_a_wide_layer_is_drawn_in_the_network():
    session = Session(RunConfig(hidden=20))
    for unit, hidden in ((10, "a18[1]"), (3, "a18[1]"), (None, "a11[1]")):
        session.pick_unit(unit)
        lines = network_markup(session.view()).plain.splitlines()
        units = [line for line in lines if "[1]" in line and "(" not in line]
        assert len(units) <= MAX_UNITS_SHOWN
        drawn = " ".join(units)
        assert "a1[1]" in drawn and "a20[1]" in drawn and hidden not in drawn
        if unit is not None:
            assert f"{MARK}a{unit + 1}[1]" in drawn


# ---- in the app


def map_text(app) -> list[str]:
    panel = app.screen.query_one("#units", UnitMapsPanel)
    return [panel.render_line(y).text for y in range(panel.size.height)]


def assert_maps_drawn(app) -> None:
    """The panel shows the maps of the View on screen, cell by cell, every unit under its
    name."""
    panel = app.screen.query_one("#units", UnitMapsPanel)
    layout = panel.layout_shown
    maps = view_unit_maps(app.view, layout.width, layout.height)
    lines = map_text(app)
    for position in range(layout.shown):
        unit = layout.first + position
        row, column = divmod(position, layout.per_row)
        left, top = column * (layout.width + GAP), row * (layout.height + 1)
        name = lines[top][left : left + layout.width].strip()
        assert name == f"{MARK if unit == app.view.unit else ''}a{unit + 1}"
        for y in range(layout.height):
            drawn = lines[top + 1 + y][left : left + layout.width]
            levels = maps.levels[unit, y]
            expected = "".join(SHADES[abs(level) - 1] if level else " " for level in levels)
            if app.no_color:
                expected = "".join(
                    MONO_NEGATIVE_SHADES[-level - 1] if level < 0 else glyph
                    for level, glyph in zip(levels, expected, strict=True)
                )
            assert drawn == expected


async def test_the_maps_beside_the_boundary_follow_each_step_and_a_run():
    app = new_app(iterations=300)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        panel = app.screen.query_one("#units", UnitMapsPanel)
        assert panel.region.x == app.screen.query_one("#boundary").region.x  # under it
        assert panel.layout_shown.shown == 4
        assert_maps_drawn(app)
        at_start = map_text(app)
        await pilot.press("i", "n")  # iteration 1 starts from the first update's parameters
        await pilot.pause()
        assert_maps_drawn(app)
        after_one = map_text(app)
        assert after_one != at_start
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.view.iteration == 299
        assert_maps_drawn(app)
        assert map_text(app) != after_one
        # a run's Views carry only what the moving panels need: the maps draw from one too
        running = app.session.view(running=True)
        assert "A1" not in running.state
        panel.show(running)
        app.view = running
        await pilot.pause()
        assert_maps_drawn(app)
        broken = dict(running.start_parameters, W1=np.full_like(running.state["W1"], np.nan))
        panel.show(dataclasses.replace(running, start_parameters=broken))
        await pilot.pause()
        assert "NaN" in " ".join(map_text(app))


def marks_in(matrix: MatrixView) -> tuple[list[str], list[str]]:
    """The labels a row mark follows, and those a column mark precedes."""
    lines = [matrix.render_line(y).text for y in range(matrix.data.shape[0] + 1)]
    rows = [line.split(ROW_MARK)[0].strip() for line in lines[1:] if ROW_MARK in line]
    columns = [part.split()[0] for part in lines[0].split(COLUMN_MARK)[1:]]
    return rows, columns


def marked_cells_underlined(matrix: MatrixView, y: int) -> bool:
    strip = matrix.render_line(y)
    numbers = [segment for segment in strip if segment.text.strip()[:1] in ("+", "-")]
    return bool(numbers) and all(segment.style.underline for segment in numbers)


async def test_u_follows_a_unit_marked_in_its_map_the_network_and_every_matrix_of_units():
    app = new_app(hidden=5)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("u", "u", "u")
        await pilot.pause()
        assert app.view.unit == 2
        assert "following a3" in app.screen.query_one("#units").border_title
        assert_maps_drawn(app)
        assert "▸a3[1]" in panel_text(app, "#network")
        matrix = app.screen.query_one("#value-matrix", MatrixView)
        by_axis = {0: 0, 1: 0}
        for _ in range(15):
            await pilot.press("n")
            await pilot.pause()
            name = app.view.event.name
            rows, columns = marks_in(matrix)
            axis = hidden_axis(name)
            if axis == 0:  # a row per unit: W1, b1, Z1, A1, dZ1, dW1, db1
                assert (rows, columns) == (["a3"], []), name
                assert matrix.marked == (2, None)
                assert marked_cells_underlined(matrix, 3)
                assert not marked_cells_underlined(matrix, 2)
            elif axis == 1:  # a column per unit: W2, dW2
                assert (rows, columns) == ([], ["a3"]), name
                assert matrix.marked == (None, 2)
            else:
                assert (rows, columns) == ([], []), name
            if axis is not None:
                by_axis[axis] += 1
        # every array with a hidden axis was seen, and marked
        assert by_axis == {
            axis: sum(hidden_axis(n) == axis for n in SHAPES if n not in ("X", "Y"))
            for axis in (0, 1)
        }
        await pilot.press("U")
        await pilot.pause()
        assert app.view.unit is None and MARK not in "".join(map_text(app))
        await pilot.press("n")
        await pilot.pause()
        assert marks_in(matrix) == ([], [])
        await pilot.press(*["u"] * 5)  # a1 … a5
        await pilot.pause()
        assert app.view.unit == 4 and marks_in(matrix) == (["a5"], [])
        await pilot.press("u")  # after the last: none
        await pilot.pause()
        assert app.view.unit is None and marks_in(matrix) == ([], [])


async def test_a_click_on_a_map_follows_its_unit_and_fewer_units_forget_a_gone_one():
    app = new_app(hidden=5)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        layout = app.screen.query_one("#units", UnitMapsPanel).layout_shown
        # the panel's border and padding come before its content: one cell down, two across
        x = 2 + 3 * (layout.width + GAP) + 1
        await pilot.click("#units", offset=(x, 1 + 2))
        await pilot.pause()
        assert app.view.unit == 3
        assert "following unit a4" in panel_text(app, "#status")
        await pilot.press("minus")  # n_h 4: a4 is still there
        await pilot.pause()
        assert app.view.unit == 3
        await pilot.press("minus")
        await pilot.pause()
        assert app.view.unit is None


async def test_without_colour_the_marks_and_the_sign_still_read(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = new_app(iterations=200)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.press("u", "p", "p")  # back from the b2 update to b1's
        await pilot.pause()
        assert app.no_color
        assert_maps_drawn(app)
        text = "".join(map_text(app))
        assert any(glyph in text for glyph in MONO_NEGATIVE_SHADES)
        assert any(glyph in text for glyph in SHADES)
        assert "−" in app.screen.query_one("#units").border_subtitle
        matrix = app.screen.query_one("#value-matrix", MatrixView)
        assert marks_in(matrix) == (["a1"], [])


async def test_in_a_small_terminal_the_maps_have_a_tab_beside_the_boundarys():
    app = new_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("u")
        for _ in range(4):
            await pilot.press("t")
        await pilot.pause()
        assert app.screen.query_one("#tabs").active == "tab-units"
        assert_maps_drawn(app)
        layout = app.screen.query_one("#units", UnitMapsPanel).layout_shown
        assert layout.shown == 4 and layout.width > MIN_MAP[0]


# ---- the unit followed outlives a save, a beat and a run


def marks_shown(app) -> tuple[str | None, bool]:
    """The unit the maps' title says is followed, and whether the network marks it too."""
    title = str(app.screen.query_one("#units").border_title)
    followed = title.split("following ")[1].split()[0] if "following " in title else None
    marked = followed is not None and f"{MARK}{followed}[1]" in panel_text(app, "#network")
    return followed, marked


async def test_a_session_saved_with_s_resumes_following_the_same_unit(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = new_app(hidden=5)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("i", "u", "u", "u", "s")
        await settle_keys(app, pilot)
        await burst(pilot, "paste:followed.json", "enter")
        await settle_keys(app, pilot)
        assert "saved to followed.json" in panel_text(app, "#status")
    resumed = StepnetApp(Session.resume(str(tmp_path / "followed.json")))
    async with resumed.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert resumed.view.unit == 2
        assert marks_shown(resumed) == ("a3", True)
        assert_maps_drawn(resumed)
        matrix = resumed.screen.query_one("#value-matrix", MatrixView)
        assert resumed.view.event.name == "b2" and marks_in(matrix) == ([], [])
        await pilot.press("p")  # W2's update: a column per unit
        await pilot.pause()
        assert marks_in(matrix) == ([], ["a3"])


async def test_a_beat_entered_or_replayed_keeps_the_unit_followed():
    app = lesson_app("zero-initialization")
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("u", "u")
        await pilot.press("greater_than_sign")  # on from where beat 1 left the session
        await settle(app, pilot)
        assert app.lesson.index == 1 and app.view.unit == 1
        assert marks_shown(app) == ("a2", True)
        await pilot.press("n", "u")  # moved on from the beat: the next one replays the lesson
        await pilot.press("greater_than_sign")
        await settle(app, pilot)
        assert app.lesson.index == 2 and app.session.stepper.iteration == 1000
        assert app.view.unit == 2 and marks_shown(app) == ("a3", True)
        await pilot.press("less_than_sign")  # back: a replay from the start
        await settle(app, pilot)
        assert app.lesson.index == 1 and app.view.unit == 2
        assert marks_shown(app) == ("a3", True)


async def test_u_during_a_run_moves_the_marks_at_once_and_in_the_runs_later_views():
    app = new_app(iterations=10**6, hidden=5)  # a run far longer than the test
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        matrix = app.screen.query_one("#value-matrix", MatrixView)
        assert app.view.event.name == "b2" and marks_in(matrix) == ([], [])
        await pilot.press("r")
        while not app.view.running:  # the run's first View from its child
            await pilot.pause(0.05)
        await pilot.press("u", "u")
        assert app.running
        assert app.view.unit == 1 and marks_shown(app) == ("a2", True)
        assert "following unit a2" in panel_text(app, "#status")
        assert_maps_drawn(app)
        shown = app.view.cursor
        while app.view.cursor == shown:  # a View the child sent after the keys
            await pilot.pause(0.05)
        assert app.running and app.view.unit == 1 and marks_shown(app) == ("a2", True)
        assert "following unit a2" in panel_text(app, "#status")
        await pilot.click("#units", offset=(2 + 1, 2))  # the first map: a1
        await pilot.pause()
        assert app.running and app.view.unit == 0 and marks_shown(app) == ("a1", True)
        await pilot.press("U")
        await pilot.pause()
        assert app.running and marks_shown(app) == (None, False)
        await pilot.press("u", "r")  # a1 again, then pause the run
        await settle(app, pilot)
        assert not app.running and app.view.unit == 0 and app.session.unit == 0
        await pilot.press("p")  # W2's update: the unit's column
        await pilot.pause()
        assert marks_in(matrix) == ([], ["a1"])


async def test_where_a_lessons_notes_leave_no_room_for_a_row_of_maps_the_boundary_has_it():
    app = lesson_app("hidden-layer-size")
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.pause(0.2)  # the layout after the beat's notes, then the one after hiding
        units = app.screen.query_one("#units", UnitMapsPanel)
        boundary, cost = app.screen.query_one("#boundary"), app.screen.query_one("#cost")
        row = 2 + 1 + MIN_MAP[1]  # the border, a title line and the smallest map
        # the maps' 1fr to the boundary's 2fr: Textual gives them ceil(a third), a row from 13
        smallest = 3 * (row - 1) + 1
        room = boundary.outer_size.height
        assert room < smallest
        assert not units.display
        assert boundary.region.bottom == cost.region.y  # the boundary has the room
        for taller, shown in ((smallest - room - 1, False), (smallest - room, True), (0, False)):
            await pilot.resize_terminal(WIDE[0], WIDE[1] + taller)
            await pilot.pause(0.3)
            assert units.display == shown, taller
            if shown:
                assert units.outer_size.height == row
                assert (units.region.y, units.region.bottom) == (
                    boundary.region.bottom,
                    cost.region.y,
                )
                assert units.layout_shown.shown == 4
                assert_maps_drawn(app)
            else:
                assert boundary.region.bottom == cost.region.y


async def test_at_the_smallest_side_by_side_size_the_maps_keep_their_row():
    app = new_app()
    async with app.run_test(size=WIDE_SIZE) as pilot:
        await pilot.pause(0.2)
        units = app.screen.query_one("#units", UnitMapsPanel)
        assert units.display and units.outer_size.height == 2 + 1 + MIN_MAP[1]
        assert units.layout_shown.shown == 4
        assert_maps_drawn(app)


async def test_the_words_of_u_name_the_marks_the_panels_draw_and_are_read_whole():
    # the status line and the help said ▸ marks W[2]'s column too; the panels draw ▾ there
    from tui.app.commands import COMMANDS

    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n", "n", "n", "n", "n", "n", "n", "u", "u", "u")  # at dW2, a3
        await pilot.pause()
        matrix = app.screen.query_one("#value-matrix", MatrixView)
        assert app.view.event.name == "dW2" and marks_in(matrix) == ([], ["a3"])
        assert marks_shown(app) == ("a3", True) and MARK == ROW_MARK
        status = app.screen.query_one("#status").render_line(1).text
        words = f"following unit a3: {ROW_MARK} marks it; {COLUMN_MARK} in W[2], dW[2]"
        assert status.rstrip().endswith(words)  # whole, not cut
        (help_text,) = [command.help for command in COMMANDS if command.keys == "u"]
        assert f"{ROW_MARK} marks its map, its node in the network and its row" in help_text
        assert f"{COLUMN_MARK} its column in W[2] and dW[2]" in help_text
