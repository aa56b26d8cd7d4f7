"""A one-line question in a box: enter answers, escape cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from tui.app.screens.dialog import Dialog


class PromptScreen(Dialog[str]):
    BINDINGS = [Binding("escape", "cancel", "cancel", id="cancel-prompt")]
    DEFAULT_CSS = """
    PromptScreen > Vertical {
        width: 64;
    }
    PromptScreen Label { width: 100%; }
    """

    def __init__(self, question: str, placeholder: str = "", value: str = "") -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield Input(value=self.value, placeholder=self.placeholder)
            yield Label("enter to confirm · escape to cancel", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
