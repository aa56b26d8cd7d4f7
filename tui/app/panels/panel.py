"""What every panel is: a widget that draws itself from a View; and the text panel most are.

A panel says whether it redraws while a run goes: the step on screen is then always an
iteration's last update, so only what moves (the cost, the boundary, the numbers) is worth the
time, and the others catch up when the run stops.

A text panel repaints only when its text or styles change, and asks for a new layout only when
its height really changes. Most steps change the words in a panel but not its number of lines; a
layout pass for every panel on every step would cost more than everything else a step does. Many
steps leave a panel exactly as it was: repainting it anyway would send its whole area down an SSH
connection.
"""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.widgets import Static

from tui.session.view import View


class Panel:
    """Mixed into a widget class: the app hands every panel each View it shows."""

    redraws_while_running: ClassVar[bool] = False

    def show(self, view: View) -> None:
        raise NotImplementedError


class TextPanel(Panel, Static):
    _lines = -1
    _shown: Content | None = None

    def show_content(self, content: Content) -> None:
        # Content's == compares the text alone; a change of style alone must repaint too
        shown = self._shown
        if shown is not None and shown.plain == content.plain and shown.spans == content.spans:
            return
        self._shown = content
        lines = len(content.plain.splitlines())
        self.update(content, layout=lines != self._lines)
        self._lines = lines
