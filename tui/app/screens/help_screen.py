"""Every key and what it does, made from the command table, so it is never out of date."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.app.commands import COMMANDS
from tui.app.screens.dialog import Dialog

INTRODUCTION = (
    "stepnet steps through gradient descent on a one-hidden-layer network, one formula at a "
    "time: 4 forward steps, the cost, 6 backward steps and 4 updates make an iteration. "
    "Arrow keys move the cursor in the value panel; ctrl+p opens the command palette "
    "(breakpoint conditions live there)."
)


def _keys(command) -> str:
    if command.key_display:
        return command.key_display
    return " / ".join(key.replace("_", " ") for key in command.keys.split(","))


class HelpScreen(Dialog[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "close", id="close-help")]
    CLOSING_KEYS = frozenset({"escape", "question_mark", "q"})
    DEFAULT_CSS = """
    HelpScreen > VerticalScroll {
        width: 84; max-height: 100%;
    }
    """

    def compose(self) -> ComposeResult:
        keyed = [command for command in COMMANDS if command.keys]
        width = max(len(_keys(command)) for command in keyed) + 2
        lines = [Content.styled("stepnet: keys", "bold"), Content(INTRODUCTION), Content("")]
        for command in keyed:
            lines.append(
                Content.styled(f"{_keys(command):<{width}}", "bold $accent") + Content(command.help)
            )
        lines.append(Content(""))
        lines.append(Content.styled("without a key, in the command palette (ctrl+p):", "bold"))
        for command in COMMANDS:
            if not command.keys:
                lines.append(
                    Content.styled(command.label, "bold $accent") + Content(f": {command.help}")
                )
        lines.append(Content(""))
        lines.append(Content.styled("escape closes this help", "$text-muted"))
        with VerticalScroll():
            yield Static(Content("\n").join(lines), id="help-text")
