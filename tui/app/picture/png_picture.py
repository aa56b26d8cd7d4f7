"""The screen's cell grid drawn into a PNG: a background rectangle and a glyph per cell.

Every glyph is placed in its own cell (centred across it, on one baseline for the row), so a
line of text lines up with the one below it whatever the font's own advance widths are; box
drawing, blocks and braille are drawn as shapes (cell_glyphs.py) so they join up. The same
cells and fonts give the same bytes.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from tui.app.picture.cell_glyphs import is_shape, shape_mask
from tui.app.picture.screen_cells import THEME, Cell, app_cells
from tui.app.picture.typeface import Typeface, system_typeface


def app_png(app, typeface: Typeface | None = None) -> bytes:
    """A PNG of what `app` shows now (it must be running, as for export_screenshot)."""
    return cells_png(app_cells(app), typeface or system_typeface())


def cells_png(rows: list[list[Cell]], typeface: Typeface) -> bytes:
    """A PNG of `rows` of cells: (columns × cell width) by (rows × cell height) pixels."""
    width, height = typeface.cell_width, typeface.cell_height
    columns = max((len(row) for row in rows), default=0)
    image = Image.new("RGB", (columns * width, len(rows) * height), tuple(THEME.background_color))
    draw = ImageDraw.Draw(image)
    # every background first, so that a glyph reaching past its cell (an italic's tail) is not
    # cut off by the next cell's background
    for y, row in enumerate(rows):
        for x, cell in enumerate(row):
            left, top = x * width, y * height
            draw.rectangle((left, top, left + width - 1, top + height - 1), fill=cell.bg)
    for y, row in enumerate(rows):
        for x, cell in enumerate(row):
            if cell.text.strip():
                _draw_glyph(image, draw, cell, x * width, y * height, typeface)
            _draw_lines(draw, cell, x * width, y * height, typeface)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _draw_glyph(image, draw, cell: Cell, left: int, top: int, typeface: Typeface) -> None:
    width, height = typeface.cell_width, typeface.cell_height
    span = 2 if cell.wide else 1
    if is_shape(cell.text):
        mask = shape_mask(cell.text, width * span, height)
        image.paste(cell.fg, (left, top, left + width * span, top + height), mask)
        return
    font = typeface.face_for(cell.text[0]).styled(cell.bold, cell.italic)
    advance = font.getlength(cell.text[0])
    x = left + round((width * span - advance) / 2)
    if isinstance(font, ImageFont.FreeTypeFont):
        # on the first font's baseline, whichever font has the glyph
        draw.text((x, top + typeface.ascent), cell.text, font=font, fill=cell.fg, anchor="ls")
    else:
        draw.text((x, top), cell.text, font=font, fill=cell.fg)


def _draw_lines(draw, cell: Cell, left: int, top: int, typeface: Typeface) -> None:
    width = typeface.cell_width * (2 if cell.wide else 1)
    if cell.underline:
        y = top + min(typeface.ascent + 1, typeface.cell_height - 1)
        draw.line((left, y, left + width - 1, y), fill=cell.fg)
    if cell.strike:
        y = top + typeface.cell_height // 2
        draw.line((left, y, left + width - 1, y), fill=cell.fg)
