"""Every status-line message whole, newest last, in a box that scrolls: the status line has
one line and cuts a long message short; here nothing is cut (l opens and closes it)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.app.screens.dialog import Dialog
from tui.session.message_log import Entry


def entry_content(entry: Entry) -> Content:
    where = f"iteration {entry.iteration}" + (f" · {entry.step}" if entry.step else "")
    return Content.styled(f"{where}: ", "$text-muted") + Content(entry.text)


class MessageLogScreen(Dialog[None]):
    BINDINGS = [Binding("escape,l,q", "dismiss", "close", id="close-messages")]
    CLOSING_KEYS = frozenset({"escape", "l", "q"})
    DEFAULT_CSS = """
    MessageLogScreen > VerticalScroll {
        width: 100; max-height: 100%;
    }
    """

    def __init__(self, entries: tuple[Entry, ...]) -> None:
        super().__init__()
        self._entries = entries

    def compose(self) -> ComposeResult:
        lines = [Content.styled("messages, newest last", "bold")]
        lines += [entry_content(entry) for entry in self._entries] or [Content("no messages yet")]
        lines.append(Content.styled("escape or l closes this", "$text-muted"))
        with VerticalScroll():
            yield Static(Content("\n").join(lines), id="message-log")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(VerticalScroll).scroll_end(animate=False)
