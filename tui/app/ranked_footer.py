"""The footer, keeping the keys that matter most when the terminal is too narrow for all.

Textual's footer lays its keys out in the bindings' order and lets the last ones run under the
command palette's key at the right edge: at 80×24 and 100×30 `? help` and `> beat` were the
ones lost. Here the keys that do not fit are left out, least needed first (a command's
footer_rank in tui/app/commands.py); the ones kept stay in the table's order.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tui.app.commands import COMMANDS

RANKS = {command.action: command.footer_rank for command in COMMANDS}
KEY_PADDING = 2  # cells around a key and its label, beside the space between them


def key_width(key: FooterKey) -> int:
    return cell_len(key.key_display) + 1 + cell_len(key.description) + KEY_PADDING


def kept(keys: list[FooterKey], room: int) -> list[FooterKey]:
    """The keys that fit in `room` cells, the least needed left out first (the later of two
    equally needed), in their own order."""
    keeping = list(keys)
    by_need = sorted(keys, key=lambda key: (RANKS.get(key.action, 9), keys.index(key)))
    while keeping and sum(map(key_width, keeping)) > room:
        keeping.remove(by_need.pop())
    return keeping


class RankedFooter(Footer):
    _composed_width = 0

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        palette = [w for w in widgets if w.has_class("-command-palette")]
        keys = [w for w in widgets if isinstance(w, FooterKey) and w not in palette]
        self._composed_width = width = self.app.size.width
        keys = kept(keys, width - sum(map(key_width, palette)))
        self.styles.grid_size_columns = len(keys)
        yield from keys
        yield from palette

    def on_resize(self, event: events.Resize) -> None:
        if self._composed_width and event.size.width != self._composed_width:
            self.call_after_refresh(self.recompose)
