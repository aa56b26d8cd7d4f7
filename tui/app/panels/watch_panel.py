"""Watch expressions, re-evaluated at every step, with the values they showed before."""

from __future__ import annotations

from textual.content import Content

from tui.app.panels.panel import TextPanel
from tui.session.view import View

HISTORY_SHOWN = 3


class WatchPanel(TextPanel):
    redraws_while_running = True  # the numbers the user asked to follow
    DEFAULT_CSS = """
    WatchPanel { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def show(self, view: View) -> None:
        self.show_content(watch_content(view))


def watch_content(view: View) -> Content:
    if not view.watches:
        return Content.from_markup("[$text-muted]w adds a watch, e.g. abs(dW1).max()[/]")
    lines = []
    for line in view.watches:
        value = line.value
        style = "" if value.ok else ("$text-muted" if value.pending else "$error")
        lines.append(
            Content.styled(line.text, "bold")
            + Content(" = ")
            + Content.styled(value.summary(), style)
        )
        earlier = [shown for _, shown in line.history[:-1]][-HISTORY_SHOWN:]
        if earlier:
            lines.append(
                Content.styled("  before: " + " ← ".join(reversed(earlier)), "$text-muted")
            )
    return Content("\n").join(lines)
