"""Starting `stepnet --student FILE`: what it needs checked before the screen switches over."""

from __future__ import annotations

import warnings

from engine.config import RunConfig
from engine.errors import StepnetError
from engine.reference.source import read_learner_file
from tui.session.session import Session


def student_session(config: RunConfig, path: str, confinement=None) -> Session:
    """The session a student app runs, after refusing what it cannot compare."""
    if confinement is not None:
        raise StepnetError("a served session runs no one's code: --student is not available here")
    if config.activation != "tanh" or config.mistake:
        raise StepnetError(
            "--student compares your functions with the course's network: use tanh "
            "(the default) and no --mistake"
        )
    read_learner_file(path)  # unreadable or unparsable: one line now, not a blank screen
    return Session(config)


def run_student_app(config: RunConfig, path: str, confinement=None) -> int:
    from tui.app.student_app import StudentApp

    app = StudentApp(student_session(config, path, confinement), path)
    warnings.simplefilter("ignore", RuntimeWarning)
    app.run()
    return 0
