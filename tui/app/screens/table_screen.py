"""A Rich table over the panels until closed: the scores (c) and the gradient check (v)."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from tui.app.screens.dialog import Dialog


class TableScreen(Dialog[None]):
    BINDINGS = [Binding("escape,q", "dismiss", "close", id="close-table")]
    DEFAULT_CSS = """
    TableScreen > Static {
        width: auto;
    }
    """

    def __init__(self, table: Table, key: str) -> None:
        super().__init__()
        self._table = table
        self._key = key  # the key that opened it closes it too
        self.CLOSING_KEYS = frozenset({"escape", "q", key})

    def compose(self) -> ComposeResult:
        yield Static(self._table, id="table")

    def on_key(self, event) -> None:
        if event.key == self._key:
            event.stop()
            self.dismiss()
