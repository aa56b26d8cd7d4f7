"""Keys reach what was on screen when they were typed, in the order they were typed.

A terminal read can hold several keys (a fast typist over SSH, a paste, `w x Enter`). Textual
hands each to whatever has focus when the app takes it from its queue, so keys typed right
after `w` went to the main screen before the watch prompt had mounted: `x` restarted with
random weights instead of being typed into the prompt. Here keys are held while a dialog is
on its way in or out (not yet focused, or answered and not yet gone), and given back one by
one once it is ready. A key that closes a dialog (Enter, Escape) makes the keys after it wait
until the dialog has gone. A paste is held and given back in its place among the keys.

A key the focused widget does not take itself travels up to the app through each container's
queue, and only there meets the widget's own bindings (an Input's end, backspace, ctrl+u,
arrows). Keys typed after it went straight to the widget and overtook it: `end backspace 3` in
one read typed the 3 before the backspace deleted it. So a key handed to a widget is followed
by a KeyHandled marker that climbs the same way; the next key waits until the marker is back.

The commands' bindings are priority bindings (tui/app/commands.py) so that a command key acts
when the app takes it, not after it has bubbled up from the focused widget, behind later keys.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import partial
from time import monotonic

from textual import events
from textual.app import App
from textual.message import Message
from textual.widget import Widget

from tui.app.screens.dialog import DismissOnce

RETRY = 0.02  # seconds between looks at a dialog still on its way
FLIGHT_LIMIT = 1.0  # seconds after which a key whose marker never came back stops holding keys


@dataclass
class _Flight:
    """A key handed to `target` whose marker has not reached the app yet."""

    marker: Message
    target: Widget
    since: float

    def over(self) -> bool:
        # a target removed with the key's effect (a dialog answered) drops the marker
        return not self.target.is_attached or monotonic() - self.since > FLIGHT_LIMIT


class KeysInOrder(App):
    class KeyHandled(Message):
        """Posted behind a key to the widget it went to: it bubbles up the path the key took,
        behind it in every queue, so it reaches the app once the key has been handled."""

    _held: deque[events.Key | events.Paste]
    _flight: _Flight | None = None
    _turn = 0  # the give-back scheduled last; an earlier one still pending does nothing

    def dialog_on_top(self) -> bool:
        return isinstance(self.screen, DismissOnce)

    def _ready_for_keys(self) -> bool:
        if self._flight is not None:
            if not self._flight.over():
                return False
            self._flight = None
        screen = self.screen
        return not isinstance(screen, DismissOnce) or screen.accepting_keys

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            held = self.__dict__.setdefault("_held", deque())
            if held or not self._ready_for_keys():
                held.append(event)  # behind the ones held already: the order is kept
                if len(held) == 1:
                    self._give_back_soon()
                return
            await self._handle_key(event)
            return
        await super().on_event(event)

    def on_keys_in_order_key_handled(self, message: KeyHandled) -> None:
        if self._flight is not None and self._flight.marker is message:
            self._flight = None
            if self.__dict__.get("_held"):
                self._give_back_soon(now=True)  # not at the next look: a paste of keys flows

    async def _handle_key(self, event: events.Key | events.Paste) -> None:
        if isinstance(self.screen, DismissOnce) and isinstance(event, events.Key):
            self.screen.key_arrives(event.key)
        await super().on_event(event)
        if event.is_forwarded:  # no priority binding took it: it went to the focused widget
            target = self.focused or self.screen
            marker = self.KeyHandled()
            if target.post_message(marker):
                self._flight = _Flight(marker, target, monotonic())

    def _give_back_soon(self, delay: float | None = None, now: bool = False) -> None:
        """Give back the next held key after the next refresh (or `now`, or after `delay`);
        this replaces any give-back scheduled before, so one chain of them hands out the keys."""
        self._turn += 1
        turn = self._turn
        if now:
            self.call_next(self._give_back_held_key, turn)
        elif delay is None:
            self.call_after_refresh(self._give_back_held_key, turn)
        else:
            self.set_timer(delay, partial(self._give_back_held_key, turn))

    async def _give_back_held_key(self, turn: int) -> None:
        if turn != self._turn or not self._held:
            return
        if not self._ready_for_keys():
            self._give_back_soon(RETRY)
            return
        await self._handle_key(self._held.popleft())
        if self._held:
            self._give_back_soon()
