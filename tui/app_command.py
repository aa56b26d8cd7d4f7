"""`stepnet` with no command: open the debugger on the chosen setup."""

from __future__ import annotations

import warnings

from engine.config import RunConfig
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
