"""The app's screen as a terminal's cell grid: a character and its colours in every cell.

A picture drawn from this grid puts each glyph in its own cell, so nothing can drift along a
line the way text laid out by an SVG renderer does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from rich.cells import get_character_cell_size
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from rich.terminal_theme import SVG_EXPORT_THEME, TerminalTheme

RGB = tuple[int, int, int]
# the colours Textual's own SVG screenshots use where a segment leaves them to the terminal
THEME = SVG_EXPORT_THEME


@dataclass(frozen=True)
class Cell:
    text: str  # one character (with any combining marks after it); "" where a wide one goes on
    fg: RGB
    bg: RGB
    bold: bool = False
    italic: bool = False
    underline: bool = False
    strike: bool = False
    wide: bool = False  # the character spans this cell and the next


def app_cells(app) -> list[list[Cell]]:
    """What `app` shows now, row by row, `app.size` cells each: the screen on top composed over
    the ones under it, as Textual's export_screenshot composes it."""
    width, height = app.size
    # Textual has no public call for the composed strips; export_screenshot uses this one, and
    # Textual is pinned exactly (pyproject.toml), so it cannot change under us
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    rows = [[segment for strip in line for segment in strip] for line in update.strips]
    return [cells_of_line(row, width) for row in rows[:height]]


def cells_of_line(segments: Iterable[Segment], width: int, theme: TerminalTheme = THEME):
    """`width` cells from one line of segments: padded with blanks, cut at the edge."""
    cells: list[Cell] = []
    for segment in segments:
        if segment.control:
            continue
        fg, bg = colours(segment.style, theme)
        style = segment.style or Style()
        look = {
            "bold": bool(style.bold),
            "italic": bool(style.italic),
            "underline": bool(style.underline),
            "strike": bool(style.strike),
        }
        for character in segment.text:
            size = get_character_cell_size(character)
            if size == 0:  # a combining mark goes with the character before it
                at = len(cells) - 1 if cells and cells[-1].text else len(cells) - 2
                if at >= 0:
                    cells[at] = replace(cells[at], text=cells[at].text + character)
                continue
            if size == 2:
                cells.append(Cell(character, fg, bg, wide=True, **look))
                cells.append(Cell("", fg, bg, **look))
            else:
                cells.append(Cell(character, fg, bg, **look))
    blank = Cell(" ", tuple(theme.foreground_color), tuple(theme.background_color))
    cells = cells[:width] + [blank] * (width - len(cells))
    if cells and cells[-1].wide:  # half of a wide character does not fit
        cells[-1] = Cell(" ", cells[-1].fg, cells[-1].bg)
    return cells


def colours(style: Style | None, theme: TerminalTheme = THEME) -> tuple[RGB, RGB]:
    """(foreground, background) of a cell in `style`: reverse swaps them, dim halves the way
    from the background to the foreground, as a terminal shows them."""
    style = style or Style()
    fg = _rgb(style.color, theme, foreground=True)
    bg = _rgb(style.bgcolor, theme, foreground=False)
    if style.reverse:
        fg, bg = bg, fg
    if style.dim:
        fg = tuple((f + b) // 2 for f, b in zip(fg, bg, strict=True))
    return fg, bg


def _rgb(color: Color | None, theme: TerminalTheme, *, foreground: bool) -> RGB:
    if color is None or color.is_default:
        default = theme.foreground_color if foreground else theme.background_color
        return tuple(default)
    return tuple(color.get_truecolor(theme, foreground=foreground))
