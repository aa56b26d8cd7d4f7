"""The app as a served student gets it: the same keys, kept inside a Confinement.

Saving is offered only where the file outlives the session: in a browser, `s` downloads the
session file there; in a folder the teacher keeps (`stepnet serve --save-to DIR`), it is saved
and the student told its name. Over SSH without one, the session's folder goes when the session
does, so `s` says that instead of pretending to save. Screenshots (which Textual writes to the
server's disk) are off, and n_h and jumps to an iteration stay within the caps. Whatever an action
raises becomes one line on the status bar and the session goes on: a student never sees a
traceback, with the server's paths and locals in it.
"""

from __future__ import annotations

import asyncio
import inspect
import io
import re
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

import numpy as np
from rich.text import Text
from textual.app import SystemCommand
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen

from engine.config import RunConfig
from engine.errors import StepnetError
from tui.app.app import StepnetApp
from tui.app.commands import COMMANDS
from tui.serve.child_limits import cpu_time_up_message, on_cpu_time_up
from tui.serve.confinement import Confinement
from tui.session.session import MAX_HIDDEN_IN_APP, Session
from tui.session.session_file import session_text

# Textual's own palette entry that writes an SVG into the server's working folder, and the
# picture key's (a PNG): both are left out of the palette, and deliver_screenshot refuses them
SCREENSHOT_COMMAND = "Screenshot"
PICTURE_COMMAND = next(command.label for command in COMMANDS if command.id == "picture")
# Errors told on the status bar before the app gives up: one that repeats at every frame (a
# panel that cannot draw) would otherwise never end
MAX_ERRORS_TOLD = 20
ENDED = "stepnet: this session hit an error; connect again to start a new one"  # one 80-column line
SAVE_OFF = (
    "saving is off here: this session's folder is deleted when it ends "
    "(a teacher keeps files with stepnet serve ssh --save-to DIR)"
)
SAVE_COMMAND = "save (s)"  # the palette's entry, hidden where saving is off
DOWNLOAD_NAME_LENGTH = 100


class ConfinedSession(Session):
    def __init__(
        self,
        config: RunConfig,
        data: tuple[np.ndarray, np.ndarray] | None = None,
        *,
        confinement: Confinement,
    ) -> None:
        config = confinement.caps.confine(config.checked())
        data = data if data is not None else config.load_data()
        confinement.caps.check_examples(data[0].shape[1])
        super().__init__(config, data)
        self.confinement = confinement
        self.max_hidden = min(MAX_HIDDEN_IN_APP, confinement.caps.max_hidden)

    def restart(self, **changes) -> None:
        # a lesson's beat may change any setting: it stays within the caps too
        confined = self.confinement.caps.confine(self.config.with_changes(**changes))
        super().restart(**{**changes, "iterations": confined.iterations})

    def save(self, path: str, lesson=None) -> None:
        if not self.confinement.keeps_files:
            raise StepnetError(SAVE_OFF)
        target = self.confinement.save_path(path)
        super().save(str(target), lesson)
        # the folder and file first: the status line shows the start of a long message
        self.message = (
            f"saved as {target.parent.name}/{target.name} on the server; it stays there after "
            "this session: ask your teacher for it"
        )

    def goto_iteration(self, iteration: int) -> None:
        cap = self.confinement.caps.max_iterations
        if iteration > cap:
            self.message = f"iteration {iteration}: a served session goes up to {cap}"
            return
        super().goto_iteration(iteration)


def confined_sessions(confinement: Confinement) -> Callable[..., Session]:
    """Makes sessions as Session(config, data) does, confined: for a lesson's player."""
    return partial(ConfinedSession, confinement=confinement)


class ConfinedApp(StepnetApp):
    # Textual reads a relative CSS_PATH beside the subclass's module; the stylesheet is the app's
    CSS_PATH = Path(inspect.getfile(StepnetApp)).with_name(StepnetApp.CSS_PATH)
    # a stylesheet parsed by an app run before (tui/serve/warm_app.py), with the CSS
    # variables it was parsed with
    _kept_stylesheet: tuple[dict[str, str], Stylesheet] | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self._kept_stylesheet is not None:
            variables, stylesheet = self._kept_stylesheet
            if variables == self.get_css_variables():  # else this theme's must be parsed
                self.stylesheet = stylesheet

    @classmethod
    def keep_stylesheet(cls, app: ConfinedApp) -> None:
        """Give every ConfinedApp made from now on `app`'s stylesheet, already parsed: its
        sources are the same, so Textual finds each one parsed."""
        cls._kept_stylesheet = (app.get_css_variables(), app.stylesheet)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        hidden = {SCREENSHOT_COMMAND} if self.saving_offered else {SCREENSHOT_COMMAND, SAVE_COMMAND}
        for command in super().get_system_commands(screen):
            if command.title not in hidden and not command.title.startswith(f"{PICTURE_COMMAND} ("):
                yield command

    @property
    def saving_offered(self) -> bool:
        """Whether a saved file outlives the session: downloaded to a browser, or in a folder
        the teacher keeps."""
        return self.is_web or self.session.confinement.keeps_files

    def action_save(self) -> None:
        if not self.saving_offered:
            self._tell(SAVE_OFF)
            return
        super().action_save()

    def save_session_as(self, path: str) -> None:
        if not self.is_web:
            super().save_session_as(path)
            return
        name = download_name(path)
        try:
            text = session_text(self.session.captured(self.lesson_place()), name)
        except StepnetError as error:
            self.session.message = str(error)
            return
        # Textual's web driver hands the text to textual-serve, whose /download route
        # (web_server.py) sends it to the student's browser
        self.deliver_text(io.StringIO(text), save_filename=name, mime_type="application/json")
        told = f"{name} is downloading in your browser: stepnet --resume {name} reopens it"
        if self.session.confinement.keeps_files:
            super().save_session_as(name)
            told += f"; on the server: {self.session.message}"
        self.session.message = told

    errors_told = 0

    def on_mount(self) -> None:
        # Textual calls StepnetApp.on_mount too, as it calls every class's handler
        loop = asyncio.get_running_loop()
        message = cpu_time_up_message(self.session.confinement.caps.max_cpu_seconds)
        # the signal comes between two bytecodes of whatever runs: exit from the loop instead
        on_cpu_time_up(lambda: loop.call_soon_threadsafe(self._cpu_time_up, message))

    def _cpu_time_up(self, message: str) -> None:
        self.exit(return_code=3, message=message)

    async def _dispatch_action(self, namespace, action_name: str, params) -> bool:
        # every key, palette entry and binding reaches its action here
        try:
            return await super()._dispatch_action(namespace, action_name, params)
        except Exception as error:  # told in one line; the session goes on
            self._told(error)
            return True

    def push_screen(self, screen, callback=None, *args, **kwargs):
        # what a prompt's answer leads to (save, add a watch) runs in its callback
        if callback is not None:
            answered = callback

            def callback(result) -> None:
                try:
                    answered(result)
                except Exception as error:  # as for actions
                    self._told(error)

        return super().push_screen(screen, callback, *args, **kwargs)

    def _told(self, error: Exception) -> None:
        """One line on the status bar; past MAX_ERRORS_TOLD (an error at every frame, say)
        the app ends, in one line too."""
        self.errors_told += 1
        if self.errors_told > MAX_ERRORS_TOLD:
            self._end_in_one_line()
            return
        try:
            self._tell(what_went_wrong(error))
        except Exception:  # the status bar itself cannot draw
            self._end_in_one_line()

    def _handle_exception(self, error: Exception) -> None:
        # anything else: Textual's own handler would print a rich traceback with locals; the
        # message pump that raised has stopped, so the app ends, in one line
        self._end_in_one_line()

    def _fatal_error(self) -> None:
        self._end_in_one_line()

    def _end_in_one_line(self) -> None:
        self._return_code = 1
        if not self._exit_renderables:
            self._exit_renderables.append(Text(ENDED))
        self._close_messages_no_wait()

    def deliver_screenshot(self, *args, **kwargs) -> None:
        # every way to a screenshot (the palette, action_screenshot, a keymap) ends here
        self._tell("screenshots are off in a served session")


def download_name(typed: str) -> str:
    """The file name a browser is given for a download: the last part of what was typed, in
    letters, digits, '.', '-' and '_' only, since it goes into an HTTP header as it is."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", typed.strip().replace("\\", "/").rsplit("/", 1)[-1])
    name = name.lstrip(".")[:DOWNLOAD_NAME_LENGTH]
    return name or "stepnet-session.json"


def what_went_wrong(error: Exception) -> str:
    """One line for the student: what failed, never where in the server's files."""
    if isinstance(error, MemoryError):
        return "not enough memory for that in a served session; the session goes on"
    return f"that did not work ({type(error).__name__}); the session goes on"
