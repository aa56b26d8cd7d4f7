"""Every status-line message as it changed, the last MAX_MESSAGES of them: the status line has
one line and cuts a long message (quiz feedback, a save error, a mistake's description) short;
the log keeps each one whole, to be read in full (l)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

MAX_MESSAGES = 200


@dataclass(frozen=True)
class Entry:
    iteration: int
    step: str | None  # the step the message came at, None before the first
    text: str


class MessageLog:
    def __init__(self, limit: int = MAX_MESSAGES) -> None:
        self._entries: deque[Entry] = deque(maxlen=limit)
        self._last = ""  # the message on the status line now, kept or not

    def seen(self, iteration: int, step: str | None, text: str) -> None:
        """Told of the message on the status line at each redraw: a new one is kept; the same
        one redrawn is not kept twice, but it is again once another (or none) came between."""
        if text and text != self._last:
            self._entries.append(Entry(iteration, step, text))
        self._last = text

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(self._entries)
