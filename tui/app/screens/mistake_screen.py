"""A list of the mistakes to make on purpose, and 'none': enter picks one, escape cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from engine.mistakes.catalogue import MISTAKES
from tui.app.screens.dialog import Dialog

NO_MISTAKE = "none"  # the option for the course's own steps


class MistakeScreen(Dialog[str]):
    """Answers the picked mistake's name, NO_MISTAKE, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "cancel", id="cancel-mistake")]
    DEFAULT_CSS = """
    MistakeScreen > Vertical {
        width: 84; max-height: 100%;
    }
    MistakeScreen OptionList, MistakeScreen OptionList:focus {
        height: auto; max-height: 1fr; border: none; padding: 0;
    }
    MistakeScreen Label { width: 100%; }
    """

    def __init__(self, current: str | None) -> None:
        super().__init__()
        self.current = current or NO_MISTAKE

    def compose(self) -> ComposeResult:
        options = [
            Option(_entry(NO_MISTAKE, "the course's steps, as the slides write them"), NO_MISTAKE)
        ]
        options += [Option(_entry(m.name, m.description), m.name) for m in MISTAKES]
        with Vertical():
            yield Label("Make a mistake on purpose (restarts from iteration 0):")
            yield OptionList(*options, id="mistakes")
            yield Label("enter to pick · escape to cancel", classes="hint")

    def on_mount(self) -> None:
        choices = self.query_one(OptionList)
        choices.highlighted = choices.get_option_index(self.current)
        choices.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _entry(name: str, description: str) -> Content:
    return (
        Content.styled(name, "bold") + Content("\n  ") + Content.styled(description, "$text-muted")
    )
