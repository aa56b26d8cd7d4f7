"""The footer, keeping the keys that matter most when the terminal is too narrow for all.

Textual's footer lays its keys out in the bindings' order and lets the last ones run under the
command palette's key at the right edge: at 80×24 and 100×30 `? help` and `> beat` were the
ones lost. Here the keys that do not fit are left out, least needed first (a command's
footer_rank in tui/app/commands.py); the ones kept stay in the table's order.

Textual recomposes the footer whenever the bindings may have changed (a focus moving, a screen
pushed) and we do on each resize: before the first screen it was composed with its keys three
times, and each key mounted restyled itself twice more (Textual's FooterKey starts compact,
then is told it is not). It recomposes only when what it would show has changed, and each key
starts as it will stay; together a fifth of the Python calls of a served session's start.
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
    _composed: tuple = ()  # what the keys shown were composed from (see `_shows`)

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        palette = [w for w in widgets if w.has_class("-command-palette")]
        keys = [w for w in widgets if isinstance(w, FooterKey) and w not in palette]
        self._composed = self._shows()
        keys = kept(keys, self.app.size.width - sum(map(key_width, palette)))
        self.styles.grid_size_columns = len(keys)
        # a FooterKey starts compact, and its watcher restyles it on mount to match, then
        # again when it is bound to the footer's setting (the palette's key is not bound):
        # given its class and setting now, mounting restyles it once, not three times
        for key in keys:
            key.set_reactive(FooterKey.compact, self.compact)
        for key in palette:
            key.set_class(True, "-compact", update=False)
        yield from keys
        yield from palette

    def _shows(self) -> tuple:
        """All the keys' composition depends on: the width and the bindings shown."""
        if not self._bindings_ready or not self.is_attached:  # nothing shown, or to show
            return ()
        return (
            self.app.size.width,
            *(
                (binding.key, binding.action, binding.description, enabled, tooltip)
                for _, binding, enabled, tooltip in self.screen.active_bindings.values()
                if binding.show
            ),
        )

    async def recompose(self) -> None:
        if self._composed and self._shows() == self._composed:
            return
        await super().recompose()

    def on_resize(self, event: events.Resize) -> None:
        if self._composed:
            self.call_after_refresh(self.recompose)
