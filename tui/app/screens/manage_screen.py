"""Every breakpoint, watchpoint and watch the learner set, in one list: space switches a
breakpoint off or on, e edits the one highlighted (in a prompt filled with its words), d removes
it; escape (or K) closes the list.

The list acts on the session directly and says what each key did on its last line, as the
status line under it would: an edit that cannot be read keeps the old one, and that line says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.app.screens.dialog import Dialog
from tui.app.screens.prompt_screen import PromptScreen
from tui.session.session import Session
from tui.session.watch_conditions import breakpoint_kind

NOTHING_SET = "nothing set yet: k breaks on a step, w adds a watch, ctrl+p adds a condition"
KEYS_HINT = "space on/off · e edit · d remove · escape close"
# keys after which the next keys are the prompt's: held back until it is on top
OPENS_PROMPT = frozenset({"e", "enter"})


@dataclass(frozen=True)
class Item:
    """One line of the list: a breakpoint (by its index in the session's) or a watch."""

    kind: str  # 'step', 'condition', 'watchpoint' or 'watch'
    index: int  # in session.breakpoints, or in session.watches for a watch
    text: str
    on: bool | None  # a breakpoint's state; None for a watch, which is never off

    @property
    def is_watch(self) -> bool:
        return self.kind == "watch"


def items(session: Session) -> list[Item]:
    """The breakpoints in the order they were set, then the watches."""
    found = [
        Item(breakpoint_kind(bp), i, bp.label, bp.label not in session.disabled)
        for i, bp in enumerate(session.breakpoints)
    ]
    found += [Item("watch", i, watch.text, None) for i, watch in enumerate(session.watches)]
    return found


def item_content(item: Item) -> Content:
    if item.on is None:
        state = Content("       ")
    elif item.on:
        state = Content.styled("● on   ", "$success")
    else:
        state = Content.styled("○ off  ", "$text-muted")
    text = Content(item.text) if item.on is not False else Content.styled(item.text, "$text-muted")
    return state + Content.styled(f"{item.kind:<11}", "bold") + text


class ManageScreen(Dialog[None]):
    BINDINGS = [
        Binding("escape,K", "dismiss", "close", id="close-manage"),
        Binding("space", "toggle", "on/off", id="manage-toggle"),
        Binding("e", "edit", "edit", id="manage-edit"),
        Binding("d,delete", "remove", "remove", id="manage-remove"),
    ]
    CLOSING_KEYS = frozenset({"escape", "K"}) | OPENS_PROMPT
    DEFAULT_CSS = """
    ManageScreen > Vertical {
        width: 90; max-height: 100%;
    }
    ManageScreen OptionList, ManageScreen OptionList:focus {
        height: auto; max-height: 1fr; border: none; padding: 0;
    }
    ManageScreen Label { width: 100%; }
    """

    def __init__(self, session: Session, changed: Callable[[], None]) -> None:
        """`changed` redraws the screen under the list after each change to the session."""
        super().__init__()
        self.session = session
        self.changed = changed
        self.shown: list[Item] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content.styled("breakpoints, watchpoints and watches", "bold"))
            yield OptionList(id="managed")
            yield Label("", id="manage-message")
            yield Label(Content.styled(KEYS_HINT, "$text-muted"), classes="hint")

    def on_mount(self) -> None:
        super().on_mount()
        self._show(0, "")
        self.query_one(OptionList).focus()

    def _show(self, highlight: int | None, message: str) -> None:
        self.shown = items(self.session)
        choices = self.query_one(OptionList)
        choices.clear_options()
        if self.shown:
            choices.add_options(Option(item_content(item)) for item in self.shown)
            choices.highlighted = min(highlight or 0, len(self.shown) - 1)
        else:
            choices.add_option(Option(Content.styled(NOTHING_SET, "$text-muted"), disabled=True))
        self.query_one("#manage-message", Label).update(message)

    def _highlighted(self) -> Item | None:
        index = self.query_one(OptionList).highlighted
        return self.shown[index] if self.shown and index is not None else None

    def _after_change(self) -> None:
        position = self.query_one(OptionList).highlighted
        self.changed()
        self._show(position, self.session.message)

    def action_toggle(self) -> None:
        item = self._highlighted()
        if item is None:
            return
        if item.is_watch:
            self.query_one("#manage-message", Label).update(
                f"watch {item.text} has no off: d removes it"
            )
            return
        self.session.toggle_breakpoint_enabled(item.index)
        self._after_change()

    def action_remove(self) -> None:
        item = self._highlighted()
        if item is None:
            return
        if item.is_watch:
            self.session.remove_watch(item.index)
        else:
            self.session.remove_breakpoint(item.index)
        self._after_change()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_edit()  # enter, which the list takes for itself

    def action_edit(self) -> None:
        item = self._highlighted()
        if item is None:
            self._closing_since = None  # nothing opens: the keys after e are this list's
            return
        if item.is_watch:
            question, replace = "Watch expression:", self.session.replace_watch
        else:
            question, replace = f"Break when ({item.kind}):", self.session.replace_breakpoint

        def edited(text: str | None) -> None:
            self._closing_since = None  # the prompt has gone: keys are this list's again
            if text:
                replace(item.index, text)
                self._after_change()

        self.app.push_screen(PromptScreen(question, "", item.text), edited)
