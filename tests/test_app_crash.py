"""A crash ends the command non-zero with one line naming a log file, never a traceback."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from app_helpers import WIDE, new_app

from engine.config import RunConfig
from tui.app.app import StepnetApp
from tui.app.crash import CRASH_STATUS
from tui.cli.debug import _run_to_exit
from tui.session.session import Session

# Textual reads a relative CSS_PATH beside the subclass's module: point at the app's own
APP_CSS = Path(inspect.getfile(StepnetApp)).with_name(StepnetApp.CSS_PATH)


class CrashOnStep(StepnetApp):
    CSS_PATH = APP_CSS

    def action_step(self) -> None:
        raise RuntimeError("a bug in a step\nsecond line")


class CrashOnStart(StepnetApp):
    CSS_PATH = APP_CSS

    def on_ready(self) -> None:
        raise RuntimeError("a bug at start")


async def test_a_crash_is_logged_with_its_traceback_and_not_left_for_the_screen(tmp_path):
    app = CrashOnStep(Session(RunConfig()))
    with pytest.raises(RuntimeError):  # run_test re-raises what ended the app
        async with app.run_test(size=WIDE) as pilot:
            await pilot.press("n")
    assert app.return_code == 1
    log = app.crash_log.read_text()
    assert "Traceback" in log and "action_step" in log and "a bug in a step" in log
    assert app._exit_renderables == []  # nothing for Textual to print on the terminal
    app.crash_log.unlink()


def test_the_command_ends_non_zero_with_one_line_and_the_log_path(capfd):
    app = CrashOnStart(Session(RunConfig()))
    status = _run_to_exit(app, headless=True, size=WIDE)
    out, err = capfd.readouterr()
    assert status == CRASH_STATUS != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("stepnet: internal error (RuntimeError: a bug at start)")
    assert str(app.crash_log) in lines[0] and app.crash_log.exists()
    assert "Traceback" not in out + err
    app.crash_log.unlink()


def test_a_clean_quit_ends_with_status_0():
    app = new_app()
    app.call_later(app.exit)
    assert _run_to_exit(app, headless=True, size=WIDE) == 0
