"""The app as a served student gets it: the same keys, kept inside a Confinement.

Saving goes into the session's own folder, screenshots (which Textual writes to the server's
disk) are off, and n_h and jumps to an iteration stay within the caps.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

import numpy as np
from textual.app import SystemCommand
from textual.screen import Screen

from engine.config import RunConfig
from tui.app.app import StepnetApp
from tui.serve.confinement import Confinement
from tui.session.session import MAX_HIDDEN_IN_APP, Session

# Textual's own palette entry that writes an SVG into the server's working folder
SCREENSHOT_COMMAND = "Screenshot"


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

    def save(self, path: str) -> None:
        target = self.confinement.save_path(path)
        super().save(str(target))
        self.message = f"saved as {target.name}, in this session's own folder until it ends"

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

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title != SCREENSHOT_COMMAND:
                yield command

    def deliver_screenshot(self, *args, **kwargs) -> None:
        # every way to a screenshot (the palette, action_screenshot, a keymap) ends here
        self._tell("screenshots are off in a served session")
