"""Random key sequences never crash the app, and the screen always shows the engine's step."""

from __future__ import annotations

import asyncio

from app_helpers import WIDE, new_app, panel_text
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.screen import ModalScreen

from engine.steps import STEPS_PER_ITERATION

KEYS = [
    "n", "space", "p", "i", "r", "g", "k", "w", "a", "x", "z", "plus", "minus",
    "left_square_bracket", "right_square_bracket", "question_mark", "escape", "enter",
    "up", "down", "left", "right", "home", "end", "1", "5",
]  # fmt: skip


async def drive(keys: list[str]) -> None:
    app = new_app(iterations=200)  # a short iteration limit keeps r quick
    async with app.run_test(size=WIDE) as pilot:
        for key in keys:
            await pilot.press(key)
        await app.workers.wait_for_complete()
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


@settings(max_examples=25)
@given(st.lists(st.sampled_from(KEYS), max_size=30))
def test_random_key_sequences_keep_the_screen_true_to_the_engine(keys):
    asyncio.run(drive(keys))
