"""A sweep as pictures: one small decision boundary per value, with its training accuracy.

Class 1 regions are blocks '░▒▓' (surer, denser) in the theme's primary colour, class 0 regions
dots ' .:' in its error colour, so the boundary reads with colour or without.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.app.screens.dialog import Dialog
from tui.session.plotting import LEVELS_PER_CLASS
from tui.session.sweep_pictures import SweepPicture

CLASS_0 = ":. "  # level 0 (surest y = 0) … LEVELS_PER_CLASS − 1 (nearest the boundary)
CLASS_1 = "░▒▓"  # level L (nearest) … 2L − 1 (surest y = 1)
GAP = "  "


def sweep_content(setting: str, pictures: list[SweepPicture], per_row: int) -> Content:
    lines: list[Content] = []
    columns = next((p.shades.shape[1] for p in pictures if p.shades is not None), 16)
    rows = next((p.shades.shape[0] for p in pictures if p.shades is not None), 8)
    for first in range(0, len(pictures), per_row):
        group = pictures[first : first + per_row]
        titles = [_title(setting, p).ljust(columns)[:columns] for p in group]
        lines.append(Content.styled(GAP.join(titles), "bold"))
        for y in range(rows):
            line = Content("")
            for position, picture in enumerate(group):
                if position:
                    line += Content(GAP)
                line += _row(picture, y, columns)
            lines.append(line)
        lines.append(Content(""))
    lines.append(Content.styled("blocks: predicted y = 1 · dots: y = 0", "$text-muted"))
    return Content("\n").join(lines)


def _title(setting: str, picture: SweepPicture) -> str:
    value = f"{picture.value:g}" if isinstance(picture.value, float) else f"{picture.value:d}"
    share = "NaN/Inf" if picture.accuracy is None else f"{100 * picture.accuracy:.1f}%"
    return f"{setting} {value} {share}"


def _row(picture: SweepPicture, y: int, columns: int) -> Content:
    if picture.shades is None:
        return Content(("went NaN or Inf" if y == 0 else "").ljust(columns))
    line = Content("")
    for level in picture.shades[y]:
        if level < LEVELS_PER_CLASS:
            line += Content.styled(CLASS_0[level], "$error")
        else:
            line += Content.styled(CLASS_1[level - LEVELS_PER_CLASS], "$primary")
    return line


class SweepScreen(Dialog[None]):
    CLOSING_KEYS = frozenset({"escape", "q"})
    BINDINGS = [Binding("escape,q", "dismiss", "close", id="close-sweep")]
    DEFAULT_CSS = """
    SweepScreen > VerticalScroll {
        width: auto; max-height: 100%;
    }
    SweepScreen Static { width: auto; }
    """

    def __init__(self, setting: str, pictures: list[SweepPicture], per_row: int) -> None:
        super().__init__()
        self._content = sweep_content(setting, pictures, per_row)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self._content, id="sweep")
