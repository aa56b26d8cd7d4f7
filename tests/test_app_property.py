"""Random input as a terminal sends it never crashes the app, and the screen always shows the
engine's step: keys in bursts of one read, pastes, resizes between and during keys, dialogs
left open across resizes, at every layout size."""

from __future__ import annotations

import asyncio
import os
import tempfile

from app_helpers import burst, new_app, panel_text, settle_layout
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.screen import ModalScreen

from engine.steps import STEPS_PER_ITERATION

KEYS = [
    "n", "space", "p", "i", "r", "g", "k", "w", "a", "x", "z", "plus", "minus", "m", "s",
    "left_square_bracket", "right_square_bracket", "question_mark", "escape", "enter",
    "up", "down", "left", "right", "home", "end", "pageup", "pagedown", "tab", "shift+tab",
    "backspace", "ctrl+p", "1", "5", "K", "d",
]  # fmt: skip
# every layout: wide, compact (100x30 and 80x24), the smallest compact, and too small
SIZES = ["120x40", "100x30", "80x24", "60x20", "50x15"]
PASTES = ["A1.mean()", "cost rises", "12", "nonsense((", "x" * 300]

INPUT = st.one_of(
    st.sampled_from(KEYS),
    st.sampled_from(SIZES).map(lambda size: f"resize:{size}"),
    st.sampled_from(PASTES).map(lambda text: f"paste:{text}"),
)


async def drive(start: str, reads: list[list[str]]) -> None:
    app = new_app(iterations=200)  # a short iteration limit keeps r quick
    width, height = map(int, start.split("x"))
    async with app.run_test(size=(width, height)) as pilot:
        for read in reads:
            await burst(pilot, *read)
        await app.workers.wait_for_complete()
        await burst(pilot, "resize:120x40")
        await settle_layout(pilot)
        while isinstance(app.screen, ModalScreen):  # a prompt or the help may still be open
            await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
        stepper = app.session.stepper
        assert app.view.cursor == stepper.cursor
        formula = panel_text(app, "#formula")
        event = stepper.event
        if event is None:
            assert f"next 1/{STEPS_PER_ITERATION}" in formula
        else:
            assert f"step {event.index + 1}/{STEPS_PER_ITERATION}" in formula
            assert event.formula in formula
            assert f"iteration {event.iteration}" in formula


@settings(max_examples=int(os.environ.get("STEPNET_FUZZ_EXAMPLES", "15")))
@given(
    start=st.sampled_from(SIZES[:4]),
    reads=st.lists(st.lists(INPUT, min_size=1, max_size=6), max_size=10),
)
def test_random_terminal_input_keeps_the_screen_true_to_the_engine(start, reads):
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as saves:
        os.chdir(saves)  # s saves into the working folder
        try:
            asyncio.run(drive(start, reads))
        finally:
            os.chdir(here)
