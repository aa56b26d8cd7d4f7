"""Nothing a learner needs is cut off: the message log keeps each status-line message whole,
the compact layout's tabs switch from a key, and the footer keeps its most needed keys."""

from __future__ import annotations

import re
from itertools import pairwise

import numpy as np
import pytest
from app_helpers import (
    SMALL,
    WIDE,
    burst,
    lesson_app,
    new_app,
    panel_text,
    settle,
    settle_layout,
)
from textual.widgets import TabbedContent, TabPane

from engine.mistakes.catalogue import MISTAKES
from engine.notation import shape_equation
from engine.steps import STEPS
from tui.app import ranked_footer
from tui.app.screens.message_log_screen import MessageLogScreen
from tui.session.formatting import number, statistics, uses_scientific
from tui.session.message_log import MessageLog

SIZES = [(120, 40), (100, 30), (80, 24), (60, 20)]


async def test_l_shows_every_status_line_message_whole_even_when_the_status_line_cuts_it():
    app = new_app()
    mistake = max(MISTAKES, key=lambda m: len(m.description))
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("p")  # "already at the start"
        app.session.set_mistake(mistake.name)
        app.refresh_from_session()
        told = f"mistake {mistake.name}: {mistake.description}"
        status = app.screen.query_one("#status")
        assert len(told) > status.size.width  # the status line cannot hold it
        await pilot.press("n", "l")
        await pilot.pause()
        assert isinstance(app.screen, MessageLogScreen)
        shown = " ".join(panel_text(app, "#message-log").split())
        assert "iteration 0: already at the start" in shown
        assert " ".join(told.split()) in shown  # whole, though wrapped across lines
        assert shown.index("already at the start") < shown.index(mistake.name)  # newest last
        await pilot.press("l")
        await pilot.pause()
        assert not isinstance(app.screen, MessageLogScreen)


def test_the_log_keeps_a_message_once_per_change_and_only_the_latest_200():
    log = MessageLog()
    for text in ["a", "a", "", "a", "b"]:
        log.seen(0, None, text)
    assert [entry.text for entry in log.entries] == ["a", "a", "b"]
    for n in range(300):
        log.seen(n, "Z1", f"m{n}")
    assert len(log.entries) == 200 and log.entries[0].text == "m100"
    assert log.entries[-1].iteration == 299 and log.entries[-1].step == "Z1"


async def test_t_cycles_the_compact_layouts_tabs_and_the_value_tab_takes_the_arrow_keys():
    app = new_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("n")
        tabs = app.screen.query_one("#tabs", TabbedContent)
        order = [pane.id for pane in tabs.query(TabPane)]
        assert order[0] == tabs.active == "tab-value"
        seen = []
        for _ in order:
            await pilot.press("t")
            await pilot.pause()
            seen.append(tabs.active)
        assert seen == [*order[1:], order[0]]  # every tab once, then back to the first
        await pilot.press("t")
        await pilot.pause()
        assert tabs.active == "tab-steps" and "Z1" in panel_text(app, "#steps")
        for _ in order[1:]:
            await pilot.press("t")
        await pilot.pause()
        assert tabs.active == "tab-value"
        await pilot.press("right")
        assert app.session.selection == (0, 1)


async def test_shift_t_goes_back_through_the_tabs_the_way_t_came():
    app = new_app()
    async with app.run_test(size=SMALL) as pilot:
        tabs = app.screen.query_one("#tabs", TabbedContent)
        order = [pane.id for pane in tabs.query(TabPane)]
        assert tabs.active == order[0]
        seen = []
        for _ in order:
            await pilot.press("T")
            await pilot.pause()
            seen.append(tabs.active)
        assert seen == [*reversed(order[1:]), order[0]]  # the last tab first, then back round
        await pilot.press("t", "T")
        await pilot.pause()
        assert tabs.active == order[0]  # one forward, one back: where it was
        # the value tab takes the arrow keys again, as after t
        await pilot.press("n", "right")
        assert app.session.selection == (0, 1)


async def test_t_side_by_side_says_every_panel_is_in_sight():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("t")
        assert "side by side" in panel_text(app, "#status")


def footer_keys(app) -> dict[str, tuple[int, int]]:
    """Each footer key's label and the cells it spans, left to right."""
    keys = app.main_screen.query("FooterKey")
    return {key.description: (key.region.x, key.region.right) for key in keys}


def wholly_in_sight(app, label: str) -> bool:
    spans = footer_keys(app)
    start, end = spans[label]
    palette_start = spans["palette"][0]
    return label == "palette" or (start >= 0 and end <= palette_start)


@pytest.mark.parametrize("size", SIZES)
async def test_help_and_the_palette_stay_in_the_footer_at_every_size(size):
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        spans = footer_keys(app)
        assert wholly_in_sight(app, "help") and wholly_in_sight(app, "quit")
        assert wholly_in_sight(app, "step")
        assert spans["palette"][1] <= size[0]
        ends = sorted(spans.values())
        assert all(a[1] <= b[0] for a, b in pairwise(ends))  # no overlap


@pytest.mark.parametrize("size", SIZES)
async def test_a_lessons_footer_keeps_beat_and_help_at_every_size(size):
    app = lesson_app("9")
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        assert wholly_in_sight(app, "beat") and wholly_in_sight(app, "help")


async def test_the_footer_follows_a_resize_within_one_layout():
    app = new_app()
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.pause()
        assert "g(z)" in footer_keys(app)
        await burst(pilot, "resize:112x40")
        await settle_layout(pilot)
        assert "g(z)" not in footer_keys(app) and wholly_in_sight(app, "help")


async def test_the_footer_is_composed_once_for_the_first_screen_and_again_on_a_change(
    monkeypatch,
):
    compositions: list[list[str]] = []  # the keys each composition chose among
    choose = ranked_footer.kept

    def counted(keys, room):
        if keys:  # the footer composes empty before the bindings are ready
            compositions.append([key.description for key in keys])
        return choose(keys, room)

    monkeypatch.setattr(ranked_footer, "kept", counted)
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("n")  # the bindings are signalled again, and stay as they were
        await settle(app, pilot)
        assert len(compositions) == 1
        await burst(pilot, "resize:112x40")
        await settle_layout(pilot)
        assert len(compositions) == 2 and "g(z)" not in footer_keys(app)


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def whole_on_a_line(lines: list[str], text: str) -> bool:
    return any(text in line for line in lines)


# Z1, the cost, dZ1 and the W2 update: a forward, the cost, a backward and an update step
REPRESENTATIVE = {"Z1": 1, "cost": 5, "dZ1": 9, "W2": 14}


@pytest.mark.parametrize("size", SIZES)
async def test_the_formula_the_shapes_and_the_statistics_are_whole_on_screen(size):
    app = new_app()
    async with app.run_test(size=size) as pilot:
        done = 0
        for name, steps in REPRESENTATIVE.items():
            await pilot.press(*["n"] * (steps - done))
            done = steps
            await pilot.pause()
            await pilot.pause()
            lines = screen_lines(app)
            step = STEPS[steps - 1]
            assert app.view.event.name == name
            assert whole_on_a_line(lines, step.formula), (size, name)
            equation = shape_equation(step.formula, app.view.dims)
            for with_shape in re.findall(r"\S+ \([^()]*\)", equation):
                assert whole_on_a_line(lines, with_shape), (size, name, with_shape)
            result = equation.rpartition("→ ")[2]
            assert whole_on_a_line(lines, result), (size, name, result)
            if name != "cost":
                for part in statistics(app.view.event.value).split("  "):
                    assert whole_on_a_line(lines, part), (size, name, part)
            title = app.screen.query_one("#boundary").border_title
            assert "…" not in title and title.endswith("%")


@pytest.mark.parametrize("size", [WIDE, SMALL])
async def test_the_w2_update_table_shows_every_entry_whole_with_no_sign_after_an_operator(size):
    # W[2] is (1, 4): its old, −α·dW and new go an entry per line, so no number is cut
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press(*["n"] * REPRESENTATIVE["W2"])
        await pilot.pause()
        await pilot.pause()
        lines = screen_lines(app)
        state, start = app.view.state, app.view.start_parameters
        old, new = start["W2"][0], state["W2"][0]
        step = new - old
        shown = {}
        for j, label in enumerate(("a1", "a2", "a3", "a4")):
            row = [line for line in lines if re.search(rf"│ {label} [+-]\d", line)]
            if row:  # at 80x24 the last rows are below the fold: those shown are whole
                shown[label] = row[0]
                scientific = uses_scientific(np.concatenate([old, step, new]))
                for value in (old[j], step[j], new[j]):
                    assert number(value, scientific=scientific) in row[0], (size, label)
        assert list(shown)[:2] == ["a1", "a2"]
        if size == WIDE:
            assert len(shown) == 4
        # an operator stands on the blocks' title line, never before a signed number
        assert not [line for line in lines if re.search(r"[+−] [+-]\d", line)]


async def test_no_operator_stands_before_a_signed_number_in_the_example_forms():
    # b[1] is 0 at the start: `+ +0.0000` was the W x + b form of Z1 on the first step
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(12):  # Z1 … W1 of iteration 0, each step's details on screen
            await pilot.press("n")
            await pilot.pause()
            lines = screen_lines(app)
            assert not [line for line in lines if re.search(r"[+−] [+-]\d", line)], (
                app.view.event.name
            )


async def test_the_networks_legend_for_identical_units_is_read_whole_in_the_wide_layout():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("z", "n")  # zero initialization: every hidden unit is A
        await pilot.pause()
        network = app.screen.query_one("#network")
        lines = [network.render_line(y).text for y in range(network.size.height)]
        assert "a4[1] A" in "".join(lines)
        legend = [line for line in lines if "same letter" in line]
        assert [line.strip() for line in legend] == ["same letter: identical"]  # not cut
