"""`stepnet` with no command: open the debugger on the chosen setup."""

from __future__ import annotations

from engine.config import RunConfig
from tui.session import Session


def run_app(config: RunConfig, resume: str | None = None) -> int:
    # load and check everything before the screen switches over, so errors print plainly
    session = Session.resume(resume) if resume else Session(config)
    from tui.app import StepnetApp

    StepnetApp(session).run()
    return 0
