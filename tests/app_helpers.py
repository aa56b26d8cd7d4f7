"""Building the app for tests, and reading what it shows."""

from __future__ import annotations

from engine.config import RunConfig
from tui.app.app import StepnetApp
from tui.session.session import Session

WIDE = (120, 40)
SMALL = (80, 24)

_DATA: dict[tuple[str, float], tuple] = {}  # the training examples, by data set and test split


def new_app(**changes) -> StepnetApp:
    """The app on the default setup (flower, n_h=4, tanh, α=1.2, seed 3), with `changes`."""
    config = RunConfig(**changes)
    key = (config.data, config.test_split)
    if key not in _DATA:
        _DATA[key] = config.load_data()
    return StepnetApp(Session(config, data=_DATA[key]))


def panel_text(app: StepnetApp, selector: str) -> str:
    """The plain text a Static-based panel shows now."""
    content = app.screen.query_one(selector).content
    return getattr(content, "plain", str(content))


def lesson_app(name: str) -> StepnetApp:
    """The app in the shipped lesson `name`, before its first beat is entered."""
    from tui.lessons.lesson_file import find_lesson, load_lesson
    from tui.lessons.player import LessonPlayer

    return StepnetApp(Session(RunConfig()), lesson=LessonPlayer(load_lesson(find_lesson(name))))


async def settle(app: StepnetApp, pilot) -> None:
    """Wait for a beat (or run) in the worker to finish and its result to be drawn."""
    await app.workers.wait_for_complete()
    await pilot.pause()
