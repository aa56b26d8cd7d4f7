"""The server's log lines: what clients send shown escaped, and repeats kept few.

A user name, a terminal type or a subsystem name comes from the client and may hold newlines
and escape sequences (OSC 52 writes the teacher's clipboard): `shown` makes it one inert line.
A flood (hundreds of connections a second, or the same error at every accept) would bury the
log and fill the disk: `RepeatLimit` lets each kind of line through PER_WINDOW times a window,
then says how many it held back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

SHOWN_CHARS = 60
PER_WINDOW = 20
WINDOW_SECONDS = 60.0


def shown(text: object) -> str:
    """A client's text for a log line: quoted, control characters escaped, cut short."""
    text = text if isinstance(text, str) else str(text)
    cut = len(text) > SHOWN_CHARS
    return repr(text[:SHOWN_CHARS]) + ("…" if cut else "")


class RepeatLimit(logging.Filter):
    """Each kind of line (its logger and its format string) PER_WINDOW times a window."""

    def __init__(
        self,
        per_window: int = PER_WINDOW,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.per_window = per_window
        self.window = window
        self._clock = clock
        self._seen: dict[tuple[str, str], list] = {}  # kind: [window start, let through, held]

    def filter(self, record: logging.LogRecord) -> bool:
        kind = (record.name, str(record.msg))
        now = self._clock()
        entry = self._seen.get(kind)
        if entry is None or now - entry[0] >= self.window:
            held = entry[2] if entry else 0
            if len(self._seen) > 1000:  # kinds are few; forget old ones rather than grow
                self._seen.clear()
            self._seen[kind] = [now, 1, 0]
            if held:
                record.msg = f"{record.msg} (and {held:d} more like this held back)"
            return True
        if entry[1] < self.per_window:
            entry[1] += 1
            return True
        entry[2] += 1
        if record.exc_info:  # never a traceback for a line held back
            record.exc_info = None
        return False
