"""Keys reach what was on screen when they were typed, in the order they were typed.

A terminal read can hold several keys (a fast typist over SSH, a paste, `w x Enter`). Textual
hands each to whatever has focus when the app takes it from its queue, so keys typed right
after `w` went to the main screen before the watch prompt had mounted: `x` restarted with
random weights instead of being typed into the prompt. Here keys are held while a dialog is
on its way in or out (not yet focused, or answered and not yet gone), and given back one by
one once it is ready. A key that closes a dialog (Enter, Escape) makes the keys after it wait
until the dialog has gone.

The commands' bindings are priority bindings (tui/app/commands.py) so that a command key acts
when the app takes it, not after it has bubbled up from the focused widget, behind later keys.
"""

from __future__ import annotations

from collections import deque

from textual import events
from textual.app import App

from tui.app.screens.dialog import DismissOnce

RETRY = 0.02  # seconds between looks at a dialog still on its way


class KeysInOrder(App):
    _held: deque[events.Key]

    def dialog_on_top(self) -> bool:
        return isinstance(self.screen, DismissOnce)

    def _ready_for_keys(self) -> bool:
        screen = self.screen
        return not isinstance(screen, DismissOnce) or screen.accepting_keys

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            held = self.__dict__.setdefault("_held", deque())
            if held or not self._ready_for_keys():
                held.append(event)  # behind the ones held already: the order is kept
                if len(held) == 1:
                    self.call_after_refresh(self._give_back_held_key)
                return
            self._hand_over(event)
        await super().on_event(event)

    def _hand_over(self, event: events.Key) -> None:
        if isinstance(self.screen, DismissOnce):
            self.screen.key_arrives(event.key)

    async def _give_back_held_key(self) -> None:
        if not self._held:
            return
        if not self._ready_for_keys():
            self.set_timer(RETRY, self._give_back_held_key)
            return
        event = self._held.popleft()
        self._hand_over(event)
        await super().on_event(event)
        if self._held:
            self.call_after_refresh(self._give_back_held_key)
