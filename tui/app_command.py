"""`stepnet` with no command: open the debugger on the chosen setup."""

from __future__ import annotations

import warnings

from engine.config import RunConfig
from tui.lesson_file import Lesson
from tui.session import Session


def run_app(config: RunConfig, resume: str | None = None) -> int:
    # load and check everything before the screen switches over, so errors print plainly
    session = Session.resume(resume) if resume else Session(config)
    from tui.app import StepnetApp

    # The app shows NaN and Inf where they appear; numpy's warnings about them would only
    # scribble over the screen.
    warnings.simplefilter("ignore", RuntimeWarning)
    StepnetApp(session).run()
    return 0


def run_app_in_lesson(lesson: Lesson) -> int:
    """The debugger with the lesson's notes beside the panels, at its first beat."""
    from tui.app import StepnetApp
    from tui.lesson_player import LessonPlayer

    player = LessonPlayer(lesson)  # loads the data before the screen switches over
    warnings.simplefilter("ignore", RuntimeWarning)
    StepnetApp(player.session, lesson=player).run()
    return 0
