"""A text panel that asks for a new layout only when its height really changes.

Most steps change the words in a panel but not its number of lines; a layout pass for every
panel on every step would cost more than everything else a step does.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class TextPanel(Static):
    _lines = -1

    def show_content(self, content: Content) -> None:
        lines = len(content.plain.splitlines())
        self.update(content, layout=lines != self._lines)
        self._lines = lines
