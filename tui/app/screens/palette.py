"""Textual's command palette, guarded against keys that arrive before it is ready.

Like every dialog here it closes once (tui/app/screens/dialog.py): `ctrl+p backspace enter
enter` would otherwise pop the main screen. Upstream (Textual 8.2.8): PageUp/PageDown within
~50 ms of ctrl+p reach OptionList._move_page before the list has measured its lines
(KeyError: 0), and a key arriving while the palette is recomposed after a resize finds no
CommandList (NoMatches). Either key is dropped here: the list is not there to move yet, and
the next key finds it.
"""

from __future__ import annotations

from contextlib import suppress

from textual.command import CommandPalette
from textual.css.query import NoMatches

from tui.app.screens.dialog import DismissOnce


class Palette(DismissOnce, CommandPalette):
    def _action_command_list(self, action: str) -> None:
        with suppress(KeyError, NoMatches):  # see the module's docstring
            super()._action_command_list(action)
