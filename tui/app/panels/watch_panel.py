"""Watch expressions, re-evaluated at every step, with the values they showed before.

A watch's value gets the lines it needs: one when it fits, else a small matrix a row per line
(a long summary broken between its parts). The earlier values go on one line, as many as fit,
newest first; numbers there and in the value are written with the digits that tell them apart,
so J moving by 6e-5 reads +0.693131 ← +0.693162, not +0.6931 twice.
"""

from __future__ import annotations

import re

from textual import events
from textual.content import Content

from tui.app.panels.panel import TextPanel
from tui.session.formatting import apart
from tui.session.view import View, WatchLine

HISTORY_SHOWN = 3
INDENT = "  "
NO_WIDTH = 1_000  # before the first layout: one line per value, as if the panel were wide
# where a summary may break: between the rows of a matrix, and at its double spaces
# ("(4, 400) min -0.0781  max +0.0785")
_BREAKS = re.compile(r"(?<=\]) (?=\[)|  ")
_SHAPE = re.compile(r"(\([0-9, ]*\)) ")


class WatchPanel(TextPanel):
    redraws_while_running = True  # the numbers the user asked to follow
    DEFAULT_CSS = """
    WatchPanel { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    """
    _view: View | None = None

    def show(self, view: View) -> None:
        self._view = view
        self.show_content(watch_content(view, self.content_size.width or NO_WIDTH, self._room()))

    def _room(self) -> int:
        """The lines the panel can grow to (its max-height less border), or NO_WIDTH."""
        tallest = self.styles.max_height
        if tallest is None or not tallest.is_cells:
            return NO_WIDTH
        return max(1, int(tallest.value) - self.styles.gutter.height)

    def on_resize(self, event: events.Resize) -> None:
        if self._view is not None:  # the lines break where the new width says
            self.show(self._view)


def watch_content(view: View, width: int = NO_WIDTH, room: int = NO_WIDTH) -> Content:
    """Every watch with the lines it needs; where they would pass `room` lines, a value each
    on one line (cut at the edge), as many watches in sight as can be."""
    if not view.watches:
        return Content.from_markup("[$text-muted]w adds a watch: abs(dW1).max()[/]")
    lines = _lines(view, width, expand=True)
    if len(lines) > room:
        lines = _lines(view, width, expand=False)
    return Content("\n").join(lines)


def _lines(view: View, width: int, expand: bool) -> list[Content]:
    lines: list[Content] = []
    for line in view.watches:
        value = line.value
        style = "" if value.ok else ("$text-muted" if value.pending else "$error")
        earlier = _earlier(line, view.cursor)
        current, before = _written(line, earlier)
        # a reason is no value: "cost = cost is not computed yet" read as if it were one
        joint = " = " if value.ok else ": "
        head = f"{line.text}{joint}"
        for n, text in enumerate(_wrapped(head, current, width if expand else NO_WIDTH)):
            if n == 0:
                lines.append(Content.styled(line.text, "bold") + Content(joint))
                lines[-1] += Content.styled(text[len(head) :], style)
            else:
                lines.append(Content.styled(text, style))
        if before_line := _before_line(before, width):
            lines.append(Content.styled(before_line, "$text-muted"))
    return lines


def _earlier(line: WatchLine, cursor: int) -> list:
    """The values shown before the one on screen, newest first, each only where it changed:
    J stays put through an iteration's other 14 steps, and `before` is to show it move."""
    history = list(line.history)
    now = history.pop() if history and history[-1].cursor == cursor else None
    earlier = []
    for entry in reversed(history):
        latest = earlier[-1] if earlier else now
        if latest is None or (entry.number, entry.text) != (latest.number, latest.text):
            earlier.append(entry)
            if len(earlier) == HISTORY_SHOWN:
                break
    return earlier


def _written(line: WatchLine, earlier: list) -> tuple[str, list[str]]:
    """The value's text and the earlier ones'; the numbers among them in the digits that tell
    them apart."""
    value = line.value
    current = value.value if value.ok and value.shown is None else None
    numbers = [current if isinstance(current, float) else None]
    numbers += [entry.number for entry in earlier]
    texts = [value.summary(), *(entry.text for entry in earlier)]
    found = [n for n, number in enumerate(numbers) if number is not None]
    for n, text in zip(found, apart([numbers[n] for n in found]), strict=True):
        texts[n] = text
    return texts[0], texts[1:]


def _wrapped(head: str, text: str, width: int) -> list[str]:
    """head + text in lines of `width`, the lines after the first indented; broken between a
    summary's parts where it can, else between words."""
    if len(head) + len(text) <= width:
        return [head + text]
    room = max(1, width - len(INDENT))
    shape = _SHAPE.match(text)  # "(4, 2)" stays whole
    parts = [(shape[1], False)] if shape else []
    for n, part in enumerate(_BREAKS.split(text[shape.end() :] if shape else text)):
        # a matrix's rows each start a line, so that it reads as a matrix
        row = n > 0 and part.startswith("[")
        words = part.split(" ") if len(part) > room else [part]
        parts += [(word, row and k == 0) for k, word in enumerate(words)]
    lines, line = [], head.rstrip()
    for part, new_line in parts:
        if not new_line and len(line) + 1 + len(part) <= width:
            line = f"{line} {part}"
        else:
            lines.append(line)
            line = INDENT + part
    lines.append(line)
    return lines


def _before_line(before: list[str], width: int) -> str:
    """'  before: a ← b ← c', newest first, with as many as fit whole; '' if none does (a
    matrix's earlier summary, cut, would say nothing)."""
    line = f"{INDENT}before:"
    for n, text in enumerate(before):
        joined = f"{line}{' ←' if n else ''} {text}"
        if len(joined) > width:
            break
        line = joined
    return line if before and line != f"{INDENT}before:" else ""
