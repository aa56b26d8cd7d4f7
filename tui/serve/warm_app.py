"""The served app, run once headless in the warm process, so that each fork starts drawn-in.

Forked from the warm process (tui/serve/warm_start.py), a session still spent a fifth of its
start on work every session repeats identically: parsing the app's and every widget's
stylesheet (nine times over, as each new kind of widget mounts), importing what Textual imports
only once an app runs, and filling Rich's and Textual's caches. `rehearse` runs the confined app
as a student gets it, at 120x40 with no terminal, up to its first screen, and keeps its parsed
stylesheet: a session's app whose theme gives the same CSS variables takes it
(ConfinedApp.__init__), and every source it adds is one parsed already (Textual keeps what it
parsed). The fork's copy is its own (copy-on-write), so what one session's app does to it no
other sees. Measured in a fork to its first screen: a third fewer Python calls than without.
"""

from __future__ import annotations

import signal
import tempfile
from pathlib import Path

from engine.config import RunConfig
from tui.serve.confined_app import ConfinedApp, ConfinedSession
from tui.serve.confinement import Confinement, EngineCaps

REHEARSAL_SIZE = (120, 40)


def rehearse() -> None:
    """Draw the served app's first screen once, headless, and keep its stylesheet for every
    ConfinedApp made in this process (and its forks) from now on."""
    with tempfile.TemporaryDirectory(prefix="stepnet-warm-") as folder:
        confinement = Confinement(Path(folder), EngineCaps())
        app = ConfinedApp(ConfinedSession(RunConfig(), confinement=confinement))

        async def first_screen_then_exit(pilot) -> None:
            await pilot.pause()  # the first screen is composed, laid out and drawn
            pilot.app.exit()

        app.run(headless=True, size=REHEARSAL_SIZE, auto_pilot=first_screen_then_exit)
    # the app's on_mount told SIGXCPU to end it: the warm process has no CPU limit to hit,
    # and each session's app sets its own
    signal.signal(signal.SIGXCPU, signal.SIG_DFL)
    ConfinedApp.keep_stylesheet(app)
