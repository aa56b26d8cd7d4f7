"""The training and test scores with their confusion matrices, over the panels until closed."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Static


class ScoresScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,c,q", "dismiss", "close", id="close-scores")]
    DEFAULT_CSS = """
    ScoresScreen { align: center middle; }
    ScoresScreen > Static {
        width: auto; max-width: 100%; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, table: Table) -> None:
        super().__init__()
        self._table = table

    def compose(self) -> ComposeResult:
        yield Static(self._table, id="scores")
