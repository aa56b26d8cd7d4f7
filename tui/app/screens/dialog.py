"""The base of every dialog: a modal screen that closes once, however many keys arrive at once.

A terminal delivers keys in bursts (a paste, an SSH packet, a class typing over a slow link):
`w x Enter Enter` reaches the prompt's Input as two Enters before the first dismissal has
been drawn. Textual's dismiss pops whatever screen is on top, so the second Enter would pop
the main screen (ScreenStackError) or another dialog just opened. Here a dialog answers once,
and only while it is the screen on top; later keys meant for it are dropped.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen

Answer = TypeVar("Answer")


class DismissOnce:
    """Mixed into a Screen class, ahead of it: its dismiss acts once, and only while on top.
    (A plain mixin: a Screen base here would reorder Textual's component-class lookup.)"""

    _answered = False

    def dismiss(self, result=None) -> AwaitComplete:
        if self._answered or self.app.screen is not self:
            return AwaitComplete.nothing()
        self._answered = True
        return super().dismiss(result)


class Dialog(DismissOnce, ModalScreen[Answer], Generic[Answer]):
    pass
