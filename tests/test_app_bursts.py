"""Keys as a terminal delivers them: several in one read, pastes, resizes in between. None of it
may crash the app or leave it showing less than it did."""

from __future__ import annotations

import asyncio

import pytest
from app_helpers import SMALL, WIDE, burst, new_app, panel_text, settle_keys, settle_layout
from textual import events
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widgets import Tabs

from tui.app.screens.help_screen import HelpScreen
from tui.app.screens.palette import Palette
from tui.app.screens.prompt_screen import PromptScreen


@pytest.mark.parametrize(
    "keys",
    [
        ("w", "x", "enter", "enter"),
        ("g", "5", "enter", "enter"),
        ("s", "enter", "enter"),
        ("m", "enter", "enter"),
        ("question_mark", "escape", "escape"),
    ],
)
async def test_two_enters_in_one_read_close_the_dialog_once(keys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # s saves into the working folder
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await burst(pilot, *keys)
        await pilot.pause()
        assert app.is_running
        assert not isinstance(app.screen, ModalScreen)
        assert "iteration" in panel_text(app, "#formula")


async def test_after_a_doubled_enter_the_prompt_answered_once_and_the_next_dialog_opens():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("g", "3")
        await burst(pilot, "enter", "enter")
        await pilot.pause()
        assert app.session.stepper.iteration == 3
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, ModalScreen)


async def test_a_watch_answered_and_enter_pressed_again_adds_the_watch_once():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("w")
        await burst(pilot, "paste:A1.mean()", "enter", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, PromptScreen)
        assert [watch.text for watch in app.session.watches] == ["A1.mean()"]


@pytest.mark.parametrize("keys", [("ctrl+p", "pagedown"), ("ctrl+p", "pageup", "pagedown")])
async def test_page_keys_right_after_ctrl_p_are_dropped_not_a_crash(keys):
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await burst(pilot, *keys)
        await pilot.pause()
        assert isinstance(app.screen, Palette)
        await pilot.press("pagedown", "escape")  # once the list is laid out, keys work again
        assert not isinstance(app.screen, ModalScreen)


async def test_a_palette_burst_with_backspace_enter_and_help_keeps_the_app_up():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await burst(pilot, "ctrl+p", "backspace", "enter", "question_mark", "enter")
        await pilot.pause()
        assert app.is_running
        while isinstance(app.screen, ModalScreen):
            await pilot.press("escape")
        assert "iteration" in panel_text(app, "#formula")


@pytest.mark.parametrize("opener", ["question_mark", "w", "g", "s", "m", "ctrl+p"])
async def test_a_dialog_open_across_resizes_stays_whole_and_the_panels_behind_it_too(opener):
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n", "n", opener)
        dialog = app.screen
        assert isinstance(dialog, ModalScreen)
        await burst(pilot, "resize:80x24")
        await settle_layout(pilot)
        await burst(pilot, "resize:120x40")
        await settle_layout(pilot)
        assert app.screen is dialog
        assert not dialog.query("FormulaPanel")  # the panels were not rebuilt inside it
        await burst(pilot, "resize:80x24")
        await settle_layout(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ModalScreen)
        assert app.layout_mode == "compact"
        assert "A[1] = g[1](Z[1])" in panel_text(app, "#formula")
        assert "A[1]" in panel_text(app, "#value-header")
        assert app.screen.query_one("#value-matrix").has_focus  # arrows move the cursor


async def test_keys_typed_right_after_g_go_into_its_prompt():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await burst(pilot, "g", "5", "enter")
        await settle_keys(app, pilot)
        assert app.session.stepper.iteration == 5
        assert not isinstance(app.screen, ModalScreen)


async def test_a_watch_typed_fast_is_typed_not_run_as_commands():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        # m, a and n are commands on the main screen (mistake, activation, step)
        await burst(pilot, "w", *"A1.mean()", "enter", "n")
        await settle_keys(app, pilot)
        assert [watch.text for watch in app.session.watches] == ["A1.mean()"]
        assert app.session.config.activation == "tanh"
        assert app.session.stepper.cursor == 1  # the n after the prompt closed is a step


async def type_slowly(pilot, *inputs: str) -> None:
    """The same inputs as `burst` takes, each handled before the next is sent."""
    for item in inputs:
        if item.startswith("paste:"):
            await burst(pilot, item)
            await settle_keys(pilot.app, pilot)
        else:
            await pilot.press(item)


def what_was_set(app) -> tuple:
    session = app.session
    return (
        [watch.text for watch in session.watches],
        [breakpoint.label for breakpoint in session.breakpoints],
        session.stepper.iteration,
    )


# (what opens the prompt, the inputs typed into it, what the app holds afterwards)
PROMPT_TYPING = [
    ("w", ["W", "1", "home", "d", "end", "paste:.sum()", "enter"], (["dW1.sum()"], [], 0)),
    ("w", ["b", "2", "ctrl+u", "paste:A1.mean()", "enter"], (["A1.mean()"], [], 0)),
    ("w", ["paste:A1.meanx(", "left", "backspace", "end", ")", "enter"], (["A1.mean()"], [], 0)),
    ("g", ["1", "2", "end", "backspace", "3", "enter"], ([], [], 13)),
    ("g", ["9", "ctrl+u", "4", "enter"], ([], [], 4)),
    ("g", ["5", "left", "1", "right", "0", "enter"], ([], [], 150)),
    ("g", ["7", "escape", "g", "2", "enter"], ([], [], 2)),
    (
        "add_breakpoint",
        ["paste:iteration 2", "backspace", "7", "home", "delete", "I", "enter"],
        ([], ["iteration 7"], 0),
    ),
    (
        "add_breakpoint",
        ["paste:cost rises", "ctrl+u", "paste:iteration 10", "enter"],
        ([], ["iteration 10"], 0),
    ),
]


@pytest.mark.parametrize(
    ("opener", "inputs", "expected", "opened_in_the_burst"),
    [(*case, False) for case in PROMPT_TYPING]
    + [(*case, True) for case in PROMPT_TYPING if case[0] != "add_breakpoint"],
)
async def test_a_prompt_typed_in_one_read_ends_as_when_typed_slowly(
    opener, inputs, expected, opened_in_the_burst
):
    results = []
    for send in (type_slowly, burst):
        app = new_app()
        async with app.run_test(size=WIDE) as pilot:
            if opener == "add_breakpoint":  # a palette command: no key of its own
                await app.run_action(opener)
                await pilot.pause()
                typed = inputs
            elif opened_in_the_burst:
                typed = [opener, *inputs]
            else:
                await pilot.press(opener)
                typed = inputs
            await send(pilot, *typed)
            await settle_keys(app, pilot)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert not isinstance(app.screen, ModalScreen)
            results.append(what_was_set(app))
    slow, fast = results
    assert fast == slow == expected


async def test_tabs_still_handling_a_resize_when_the_layout_is_rebuilt_keep_their_underline():
    app = new_app()
    async with app.run_test(size=SMALL) as pilot:
        tabs = app.screen.query_one(Tabs)
        underlines_seen = []

        async def busy() -> None:  # a loaded machine: the tabs' queue lags behind
            await asyncio.sleep(0.05)
            underlines_seen.append(len(tabs.query("Underline")))

        tabs.post_message(events.Callback(callback=busy))
        tabs.post_message(events.Resize(Size(70, 2), Size(70, 2)))  # queued behind it
        await app.recompose()  # what a resize to another layout does, here while they lag
        await pilot.pause()
        assert app.is_running
        assert underlines_seen == [1]  # its children go only after the tabs' queued events
        assert app.screen.query_one(Tabs) is not tabs
