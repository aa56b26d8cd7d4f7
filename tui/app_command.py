"""`stepnet` with no command: open the debugger on the chosen setup."""

from __future__ import annotations

import warnings

from engine.config import RunConfig
from engine.errors import StepnetError
from tui.serve.confinement import Confinement
from tui.session import Session


def run_app(
    config: RunConfig, resume: str | None = None, confinement: Confinement | None = None
) -> int:
    # load and check everything before the screen switches over, so errors print plainly
    if confinement is not None:
        if resume:
            raise StepnetError("a served session cannot resume a file from the server")
        from tui.serve.confined_app import ConfinedApp, ConfinedSession

        app = ConfinedApp(ConfinedSession(config, confinement))
    else:
        session = Session.resume(resume) if resume else Session(config)
        from tui.app import StepnetApp

        app = StepnetApp(session)
    # The app shows NaN and Inf where they appear; numpy's warnings about them would only
    # scribble over the screen.
    warnings.simplefilter("ignore", RuntimeWarning)
    app.run()
    return 0
