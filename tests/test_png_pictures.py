"""PNG pictures of the screen: a glyph per cell, shapes that join, the same bytes each time.

The app's own screens are drawn in the font this machine has and in Pillow's built-in one (a
fresh CI machine may have no fonts at all); only the check that names a system font skips
where it is missing.
"""

from __future__ import annotations

import io
import math
import unicodedata

import pytest
from app_helpers import SMALL, WIDE, new_app, settle, settle_layout
from PIL import Image
from rich.segment import Segment
from rich.style import Style

from tui.app.picture import typeface as typeface_module
from tui.app.picture.cell_glyphs import box_arms, shape_mask
from tui.app.picture.png_picture import app_png, cells_png
from tui.app.picture.screen_cells import THEME, Cell, app_cells, cells_of_line
from tui.app.picture.typeface import builtin_typeface, system_typeface

BORDER, PLOT = "─", "▀"
TYPEFACES = {"system": system_typeface, "builtin": builtin_typeface}


def picture(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.mode == "RGB"
    return image


def cell_pixels(image: Image.Image, x: int, y: int, typeface) -> list[tuple[int, int, int]]:
    w, h = typeface.cell_width, typeface.cell_height
    return values(image.crop((x * w, y * h, (x + 1) * w, (y + 1) * h)))


def values(image: Image.Image) -> list:
    """The pixels row by row: an int each in a mask, an (r, g, b) each in a picture."""
    data, bands = image.tobytes(), len(image.getbands())
    if bands == 1:
        return list(data)
    return [tuple(data[i : i + bands]) for i in range(0, len(data), bands)]


def find(cells: list[list[Cell]], text: str) -> tuple[int, int]:
    """(x, y) of the first cell showing `text`."""
    for y, row in enumerate(cells):
        for x, cell in enumerate(row):
            if cell.text == text:
                return x, y
    raise AssertionError(f"{text!r} is not on screen")


async def screen_cells(size, steps: int = 9):
    app = new_app()
    async with app.run_test(size=size) as pilot:
        for _ in range(steps):
            app.session.step()
        app.refresh_from_session()
        # under load one pause may leave a panel's first layout or redraw still to come
        await settle(app, pilot)
        await settle_layout(pilot)
        return app_cells(app), app.session.view(), app_png(app, builtin_typeface())


@pytest.mark.parametrize("size", [WIDE, SMALL])
@pytest.mark.parametrize("face", sorted(TYPEFACES))
async def test_the_picture_is_the_grid_times_the_cell_and_each_cell_has_its_colours(size, face):
    cells, view, _ = await screen_cells(size)
    typeface = TYPEFACES[face]()
    image = picture(cells_png(cells, typeface))
    columns, rows = size
    assert len(cells) == rows and {len(row) for row in cells} == {columns}
    assert image.size == (columns * typeface.cell_width, rows * typeface.cell_height)
    # the status line says what the session's view holds, a character a cell
    said = f"iteration 0 · J {view.cost:.6f}"
    lines = ["".join(cell.text for cell in row) for row in cells]
    status = next(y for y, line in enumerate(lines) if line.strip().startswith(said))
    start = lines[status].index(said)
    for x, character in enumerate(said[:9], start):
        cell = cells[status][x]
        pixels = cell_pixels(image, x, status, typeface)
        assert cell.text == character and cell.fg != cell.bg
        assert cell.fg in pixels  # the glyph's stems
        assert pixels[0] == cell.bg and pixels.count(cell.bg) > len(pixels) // 2
    # a border: its line's rows all foreground, the rest background, edge to edge
    x, y = find(cells, BORDER)
    border = cells[y][x]
    pixels = cell_pixels(image, x, y, typeface)
    w = typeface.cell_width
    line_rows = {i // w for i, pixel in enumerate(pixels) if pixel == border.fg}
    assert line_rows and all(pixels[r * w : (r + 1) * w] == [border.fg] * w for r in line_rows)
    assert set(pixels) == {border.fg, border.bg}


async def test_the_boundary_plots_half_blocks_fill_their_cells_exactly():
    cells, _, _ = await screen_cells(WIDE)
    typeface = system_typeface()
    image = picture(cells_png(cells, typeface))
    # where the boundary crosses a cell, its upper half pixel is one class's shade, the lower
    # the other's
    x, y = next(
        (x, y)
        for y, row in enumerate(cells)
        for x, cell in enumerate(row)
        if cell.text == PLOT and cell.fg != cell.bg
    )
    cell = cells[y][x]
    w, h = typeface.cell_width, typeface.cell_height
    pixels = cell_pixels(image, x, y, typeface)
    top = round(h / 2)
    assert pixels[: top * w] == [cell.fg] * (top * w)
    assert pixels[top * w :] == [cell.bg] * ((h - top) * w)


async def test_two_pictures_of_the_same_screen_are_the_same_bytes():
    first = (await screen_cells(WIDE))[2]
    second = (await screen_cells(WIDE))[2]
    assert first == second
    cells = (await screen_cells(SMALL))[0]
    typeface = system_typeface()
    assert cells_png(cells, typeface) == cells_png(cells, typeface)


def _row(text: str, fg=(255, 255, 255), bg=(0, 0, 0)) -> list[Cell]:
    return [Cell(character, fg, bg) for character in text]


@pytest.mark.parametrize("face", sorted(TYPEFACES))
def test_box_lines_join_across_cells_and_rows(face):
    typeface = TYPEFACES[face]()
    white = (255, 255, 255)
    rows = [_row("╭──┬─╮"), _row("│  │ │"), _row("╰──┴─╯")]
    image = picture(cells_png(rows, typeface))
    w, h = typeface.cell_width, typeface.cell_height
    width = 6 * w
    # a row of pixels white from the middle of the first cell to the middle of the last
    line_y = next(y for y in range(h) if image.getpixel((width // 2, y)) == white)
    across = [image.getpixel((x, line_y)) for x in range(w, width - w)]
    assert across == [white] * len(across)
    # a column of pixels white from the top row's line down to the bottom row's
    line_x = next(x for x in range(w) if image.getpixel((x, h + h // 2)) == white)
    down = [image.getpixel((line_x, y)) for y in range(h, 2 * h)]
    assert down == [white] * h
    tee_x = 3 * w + line_x  # ┬ │ ┴ in the fourth column meet the lines above and below
    assert [image.getpixel((tee_x, y)) for y in range(line_y, 3 * h - h + line_y)] == [white] * (
        2 * h
    )


def test_box_drawing_arms_and_weights_come_from_the_unicode_names():
    def arms(character: str):
        return box_arms(unicodedata.name(character).removeprefix("BOX DRAWINGS "))

    assert arms("┡") == ({"down": 1, "right": 2, "up": 2}, 0, False)
    assert arms("╿") == ({"up": 2, "down": 1}, 0, False)
    assert arms("╭") == ({"down": 1, "right": 1}, 0, True)
    assert arms("┅") == ({"left": 2, "right": 2}, 3, False)
    assert arms("╬") == ({"up": 3, "down": 3, "left": 3, "right": 3}, 0, False)


def test_blocks_and_braille_cover_exactly_their_part_of_the_cell():
    full = values(shape_mask("█", 10, 20))
    assert full == [255] * 200
    lower = values(shape_mask("▂", 10, 20))  # a quarter: 5 of 20 rows
    assert lower == [0] * 150 + [255] * 50
    left = values(shape_mask("▌", 10, 20))
    assert left == ([255] * 5 + [0] * 5) * 20
    assert values(shape_mask("▒", 10, 20)) == [128] * 200
    assert values(shape_mask("\u2800", 10, 20)) == [0] * 200  # no dots
    dots = shape_mask("\u28ff", 10, 20)  # all eight: a dot's centre in each of the 2×4 places
    assert all(dots.getpixel((x, y)) == 255 for x in (2, 7) for y in (2, 7, 12, 17))


def test_wide_characters_take_two_cells_and_marks_join_their_letter():
    cells = cells_of_line([Segment("a\u0301中b", Style(color="#ff0000", bgcolor="#0000ff"))], 6)
    assert [cell.text for cell in cells] == ["a\u0301", "中", "", "b", " ", " "]
    assert cells[1].wide and cells[0].fg == (255, 0, 0) and cells[0].bg == (0, 0, 255)
    assert cells[4].bg == tuple(THEME.background_color)
    reverse = cells_of_line(
        [Segment("x", Style(color="#ff0000", bgcolor="#0000ff", reverse=True))], 1
    )
    assert (reverse[0].fg, reverse[0].bg) == ((0, 0, 255), (255, 0, 0))
    assert [c.text for c in cells_of_line([Segment("ab中")], 3)] == ["a", "b", " "]


def test_with_no_font_on_the_machine_pillows_own_draws_the_picture(monkeypatch):
    def forget_fonts():
        typeface_module._files_by_name.cache_clear()
        system_typeface.cache_clear()

    monkeypatch.setattr(typeface_module, "font_folders", lambda: [])
    forget_fonts()
    try:
        typeface = system_typeface()
        assert typeface.name == "Pillow's built-in font"
        image = picture(cells_png([_row("J 0.217813")], typeface))
        assert image.size == (10 * typeface.cell_width, typeface.cell_height)
    finally:
        forget_fonts()


def test_a_monospace_font_of_the_machine_comes_first():
    typeface = system_typeface()
    if typeface.name == "Pillow's built-in font":
        pytest.skip("no monospace TrueType font on this machine (fonts-dejavu-core has one)")
    font = typeface.faces[0].regular
    # monospace: every glyph of the text advances the same, one cell
    widths = {font.getlength(character) for character in "J 0.217813accuracy ^palette"}
    assert len(widths) == 1 and typeface.cell_width == math.ceil(widths.pop())


async def test_o_saves_a_png_of_the_screen_where_stepnet_started(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = new_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("n", "o")
        await pilot.pause()
        (saved,) = tmp_path.glob("stepnet *.png")
        assert app.session.message == f"picture saved as {saved.resolve()}"
        typeface = system_typeface()
        image = picture(saved.read_bytes())
        assert image.size == (80 * typeface.cell_width, 24 * typeface.cell_height)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "picture (o)" in titles


async def test_a_served_session_neither_offers_nor_saves_a_picture(tmp_path, monkeypatch):
    from engine.config import RunConfig
    from tui.serve.confined_app import ConfinedApp, ConfinedSession
    from tui.serve.confinement import Confinement, EngineCaps

    monkeypatch.chdir(tmp_path)
    confinement = Confinement(tmp_path, EngineCaps(max_iterations=50))
    app = ConfinedApp(ConfinedSession(RunConfig(), confinement=confinement))
    async with app.run_test(size=WIDE) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert not [title for title in titles if title.startswith("picture")]
        await pilot.press("o")
        await pilot.pause()
        assert app.session.message == "screenshots are off in a served session"
    assert not list(tmp_path.rglob("*.png"))
