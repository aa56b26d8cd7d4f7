"""`stepnet` with no command: open the debugger on the chosen setup (or in a lesson)."""

from __future__ import annotations

import argparse
import sys
import warnings

from engine.config import RunConfig
from engine.errors import StepnetError
from tui.app.crash import CRASH_STATUS, crash_line
from tui.cli.setup_options import add_setup_options, config_from
from tui.lessons.lesson_file import Lesson
from tui.serve.confinement import Confinement, add_confinement_options, confinement_from
from tui.session.session import Session


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options of `stepnet` with no command, on the main parser."""
    add_setup_options(parser, RunConfig().iterations)
    parser.add_argument("--resume", metavar="FILE", help="reopen a session saved with s in the app")
    parser.add_argument(
        "--student",
        metavar="FILE",
        help="your assignment (.py or .ipynb) run beside the engine: ✓/✗ per step",
    )
    add_confinement_options(parser)  # hidden: what a server gives each student's app
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    confinement = confinement_from(args)
    if args.student:
        from tui.app.student_setup import run_student_app

        return run_student_app(config_from(args), args.student, confinement)
    return run_app(config_from(args), resume=args.resume, confinement=confinement)


def run_app(
    config: RunConfig, resume: str | None = None, confinement: Confinement | None = None
) -> int:
    # load and check everything before the screen switches over, so errors print plainly
    if confinement is not None:
        if resume:
            raise StepnetError("a served session cannot resume a file from the server")
        from tui.serve.confined_app import ConfinedApp, ConfinedSession

        app = ConfinedApp(ConfinedSession(config, confinement=confinement))
        # once the setup is checked (a refusal prints plainly), before the app takes memory
        confinement.limit_this_process()
    elif resume:
        from tui.app.app import StepnetApp
        from tui.lessons.resume import resume as resumed

        session, player = resumed(resume)  # in the lesson it was saved in, if it was
        app = StepnetApp(session, lesson=player)
    else:
        from tui.app.app import StepnetApp

        app = StepnetApp(Session(config))
    # The app shows NaN and Inf where they appear; numpy's warnings about them would only
    # scribble over the screen.
    warnings.simplefilter("ignore", RuntimeWarning)
    return _run_to_exit(app)


def run_app_in_lesson(lesson: Lesson, confinement: Confinement | None = None) -> int:
    """The debugger with the lesson's notes beside the panels, at its first beat."""
    from tui.app.app import StepnetApp
    from tui.lessons.player import LessonPlayer

    if confinement is not None:
        from tui.serve.confined_app import ConfinedApp, confined_sessions

        # loads the data before the screen switches over
        player = LessonPlayer(lesson, new_session=confined_sessions(confinement))
        app = ConfinedApp(player.session, lesson=player)
        confinement.limit_this_process()
    else:
        player = LessonPlayer(lesson)
        app = StepnetApp(player.session, lesson=player)
    warnings.simplefilter("ignore", RuntimeWarning)
    return _run_to_exit(app)


def _run_to_exit(app, **run_options) -> int:
    """Run the app; a crash ends in one line naming its log file, and a non-zero status."""
    app.run(**run_options)
    if app.crash is None:
        return app.return_code or 0
    if app.crash_log is not None:  # else Textual has printed the traceback itself
        print(crash_line(app.crash, app.crash_log), file=sys.stderr)
    return CRASH_STATUS
