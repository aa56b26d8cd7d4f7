"""Nothing on screen depends on the last bits of a float.

Another machine's BLAS rounds matrix products differently in the last bit, so a screen that
shows sub-rounding figures passes its snapshot only on the machine that wrote it. Each screen
the snapshot tests take is drawn twice here: on the flower data, and on the flower data with
every feature moved by one ulp, which shifts every value downstream by about as much as a
different BLAS would. The two pictures must be the same, character for character.
"""

from __future__ import annotations

import numpy as np
import pytest

from engine.config import RunConfig
from engine.stepper import Stepper
from engine.steps import STEP_INDEX
from tui.app.app import StepnetApp
from tui.lessons.lesson_file import lesson_paths, load_lesson
from tui.lessons.player import check_lesson
from tui.session.session import Session

WIDE = (120, 40)
SMALL = (80, 24)


def steps_to(name: str, iteration: int = 0) -> int:
    return iteration * 15 + STEP_INDEX[name] + 1


async def _run_50(app, pilot):
    app.session.stepper.run(50)
    app.refresh_from_session()
    await pilot.pause()


async def _break_and_run(app, pilot):
    await pilot.press("k", "r")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def _run_300_then_to_w1(app, pilot):
    app.session.stepper.run(300)
    for _ in range(STEP_INDEX["W1"] + 1):
        app.session.step()
    app.refresh_from_session()
    await pilot.pause()


async def _set_and_list(app, pilot):
    await pilot.press("k")
    for text in ("cost rises", "b2 changes by > 0.01"):
        app.session.add_breakpoint(text)
    app.session.add_watch("abs(dW1).max()")
    app.session.toggle_breakpoint_enabled(1)
    await pilot.press("K")
    await pilot.pause()


SCREENS = {
    "start": (RunConfig(), 0, WIDE, None),
    "Z1": (RunConfig(), steps_to("Z1"), WIDE, None),
    "cost": (RunConfig(), steps_to("cost"), WIDE, None),
    "dZ1": (RunConfig(), steps_to("dZ1"), WIDE, None),
    "W1 of iteration 2": (RunConfig(), steps_to("W1", 2), WIDE, None),
    "zero init, 50 iterations": (
        RunConfig(init="zeros", activation="sigmoid"),
        0,
        WIDE,
        _run_50,
    ),
    "breakpoint at dW1": (RunConfig(), steps_to("dW1"), WIDE, _break_and_run),
    "80x24 at dW1": (RunConfig(), steps_to("dW1"), SMALL, None),
    "breakpoints and watches listed": (RunConfig(), steps_to("dW1"), WIDE, _set_and_list),
    "W2-not-transposed": (RunConfig(mistake="W2-not-transposed"), steps_to("dZ1"), WIDE, None),
    # the colour-depth snapshots: their text is the same on every colour system
    "W1 after 300 iterations": (RunConfig(), 0, WIDE, _run_300_then_to_w1),
}


async def _picture(config: RunConfig, data, steps: int, size, before) -> str:
    session = Session(config, data=data)
    for _ in range(steps):
        session.step()
    app = StepnetApp(session)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if before is not None:
            await before(app, pilot)
        return await _settled(app, pilot)


async def _settled(app, pilot, tries: int = 50) -> str:
    """The screen's text once the footer shows its keys and two frames in a row agree: on a
    loaded machine the footer is still being laid out when the first frame is drawn."""
    shown = None
    for _ in range(tries):
        await pilot.pause(0.02)
        frame = "\n".join(line.text for line in app.screen._compositor.render_strips())
        if frame == shown and "palette" in frame.rsplit("\n", 1)[-1]:
            return frame
        shown = frame
    raise AssertionError(f"the screen was still changing after {tries} frames")


@pytest.mark.parametrize("name", SCREENS)
async def test_a_screen_reads_the_same_when_every_value_moves_by_rounding(name):
    config, steps, size, before = SCREENS[name]
    X, Y = config.load_data()
    nudged = np.nextafter(X, np.inf)
    assert (nudged != X).all()  # every feature really moved
    exact = await _picture(config, (X, Y), steps, size, before)
    moved = await _picture(config, (nudged, Y), steps, size, before)
    assert moved == exact


def test_a_trace_reads_the_same_when_every_value_moves_by_rounding():
    X, Y = RunConfig().load_data()
    params = RunConfig().stepper((X, Y)).parameters()
    exact = Stepper(X, Y, params)
    moved = Stepper(np.nextafter(X, np.inf), Y, params)
    for _ in range(3 * 15):  # three whole iterations, every kind of step
        event, nudged = exact.step(), moved.step()
        assert nudged.to_json() == event.to_json()
    assert moved.parameters()["W1"].tobytes() != exact.parameters()["W1"].tobytes()


def test_a_trace_keeps_ten_significant_digits():
    X, Y = RunConfig().load_data()
    event = RunConfig().stepper((X, Y)).step()
    written = np.array(event.to_json()["value"])
    assert np.allclose(written, event.value, rtol=1e-9, atol=0)
    assert written.shape == event.value.shape


@pytest.mark.parametrize("path", lesson_paths(), ids=lambda path: path.stem)
def test_a_lesson_reads_the_same_when_every_value_moves_by_rounding(path, monkeypatch):
    # what a beat shows beside its claims (the values they read) is on screen too
    lesson = load_lesson(path)
    exact: list[str] = []
    assert check_lesson(lesson, exact.append) is None
    load = RunConfig.load_data
    loaded = []

    def nudged(config):
        X, Y = load(config)
        loaded.append(config.data)
        return np.nextafter(X, np.inf), Y

    monkeypatch.setattr(RunConfig, "load_data", nudged)
    moved: list[str] = []
    assert check_lesson(lesson, moved.append) is None
    assert loaded  # the lesson's sessions really ran on the moved data
    assert moved == exact
