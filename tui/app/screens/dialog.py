"""The base of every dialog: a modal screen that closes once, however many keys arrive at once.

A terminal delivers keys in bursts (a paste, an SSH packet, a class typing over a slow link):
`w x Enter Enter` reaches the prompt's Input as two Enters before the first dismissal has
been drawn. Textual's dismiss pops whatever screen is on top, so the second Enter would pop
the main screen (ScreenStackError) or another dialog just opened. Here a dialog answers once,
and only while it is the screen on top; later keys meant for it are dropped.
"""

from __future__ import annotations

from time import monotonic
from typing import Generic, TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen

Answer = TypeVar("Answer")
CLOSING_GRACE = 0.5  # seconds


class DismissOnce:
    """Mixed into a Screen class, ahead of it: its dismiss acts once, and only while on top.
    (A plain mixin: a Screen base here would reorder Textual's component-class lookup.)"""

    # keys that answer or cancel it; a key after one of them is not the dialog's
    CLOSING_KEYS = frozenset({"enter", "escape"})
    _answered = False
    _ready = False
    _closing_since: float | None = None

    @property
    def accepting_keys(self) -> bool:
        """Mounted, focused, not answered and no closing key on its way: keys typed now are
        meant for it. A closing key that did not close it (Enter on an empty palette) stops
        holding keys back after CLOSING_GRACE."""
        if not self._ready or self._answered:
            return False
        closing = self._closing_since
        return closing is None or monotonic() - closing > CLOSING_GRACE

    def key_arrives(self, key: str) -> None:
        """Told of each key the app hands it, before the key is handled."""
        if key in self.CLOSING_KEYS:
            self._closing_since = monotonic()

    def on_mount(self) -> None:
        # focus is given once the mounted screen has been drawn
        self.call_after_refresh(self._become_ready)

    def _become_ready(self) -> None:
        self._ready = True

    def dismiss(self, result=None) -> AwaitComplete:
        if self._answered or self.app.screen is not self:
            return AwaitComplete.nothing()
        self._answered = True
        return super().dismiss(result)


class Dialog(DismissOnce, ModalScreen[Answer], Generic[Answer]):
    # Every dialog draws its content in one box, centred: each gives only the box's width (and
    # a max-height where it scrolls). `> Widget` names two types, so it outranks the box
    # widget's own defaults (VerticalScroll's height: 1fr) as the dialogs' own rules did.
    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > Widget {
        max-width: 100%; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """
