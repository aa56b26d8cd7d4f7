"""Reverse-continue in the session and the app: b runs back to the latest earlier breakpoint
stop, the palette offers it, and r pauses a long search."""

from __future__ import annotations

from app_helpers import WIDE, new_app, panel_text, settle

from engine.config import RunConfig
from engine.steps import STEPS_PER_ITERATION
from tui.session.session import Session

N = STEPS_PER_ITERATION


def test_session_run_back_goes_to_the_latest_iteration_where_a_condition_held():
    session = Session(RunConfig(learning_rate=1.2))
    session.add_breakpoint("iteration 12")
    session.add_breakpoint("iteration 30")
    session.stepper.run(40)
    result = session.run_back()
    assert (result.reason, session.stepper.cursor) == ("breakpoint", 31 * N)
    assert session.message == "breakpoint: iteration 30 (iteration 30)"
    session.run_back()
    assert session.stepper.cursor == 13 * N
    result = session.run_back()
    assert (result.reason, session.stepper.cursor) == ("start", 0)
    assert session.message == "no breakpoint held before iteration 12: back at the start"


def test_session_run_back_without_breakpoints_says_it_went_to_the_start():
    session = Session(RunConfig())
    session.stepper.run(5)
    session.run_back()
    assert session.stepper.cursor == 0
    assert session.message == "no breakpoints to run back to: back at the start"


async def test_b_runs_back_to_the_previous_stop_of_a_step_breakpoint():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(10):  # dW1
            await pilot.press("n")
        await pilot.press("k", "i", "i", "i")  # iteration 3 begins
        await pilot.press("b")
        await settle(app, pilot)
        event = app.session.stepper.event
        assert (event.iteration, event.name) == (2, "dW1")
        assert "breakpoint: dW1 (iteration 2)" in panel_text(app, "#status")
        await pilot.press("b")
        await settle(app, pilot)
        assert app.session.stepper.event.iteration == 1
        assert not app.running


async def test_the_palette_offers_run_back_with_its_key():
    app = new_app()
    async with app.run_test(size=WIDE):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "run back (b)" in titles
