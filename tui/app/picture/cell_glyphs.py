"""Box drawing, block elements and braille drawn as shapes that fill their cell exactly.

A font's own glyphs for these leave gaps or overlap wherever its line height is not the cell's,
so borders, the cost curve and the boundary plot's half blocks would not join up. Each shape is
drawn 4× larger and scaled down into a mask of the cell, so arcs and dots come out smooth while
straight edges stay on whole pixels. The shapes are read from the characters' Unicode names
("BOX DRAWINGS DOWN LIGHT AND RIGHT UP HEAVY"), so every character of those blocks has one.
"""

from __future__ import annotations

import functools
import unicodedata

from PIL import Image, ImageDraw

SCALE = 4  # drawn this many times larger, then scaled down: smooth arcs, crisp straight edges
BOX_DRAWING = range(0x2500, 0x2580)
BLOCK_ELEMENTS = range(0x2580, 0x25A0)
BRAILLE = range(0x2800, 0x2900)
WEIGHTS = {"LIGHT": 1, "SINGLE": 1, "HEAVY": 2, "DOUBLE": 3}
ARMS = {
    "UP": ("up",),
    "DOWN": ("down",),
    "LEFT": ("left",),
    "RIGHT": ("right",),
    "HORIZONTAL": ("left", "right"),
    "VERTICAL": ("up", "down"),
}
DASHES = {"DOUBLE": 2, "TRIPLE": 3, "QUADRUPLE": 4}
FRACTIONS = {
    "ONE EIGHTH": 1 / 8,
    "ONE QUARTER": 2 / 8,
    "THREE EIGHTHS": 3 / 8,
    "HALF": 4 / 8,
    "FIVE EIGHTHS": 5 / 8,
    "THREE QUARTERS": 6 / 8,
    "SEVEN EIGHTHS": 7 / 8,
}
SHADES = {"LIGHT SHADE": 64, "MEDIUM SHADE": 128, "DARK SHADE": 192}
# braille dots 1–8 as (column, row) of the 2×4 grid, in the order of the code point's bits
BRAILLE_DOTS = ((0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (0, 3), (1, 3))


def is_shape(character: str) -> bool:
    """Whether `character` is drawn as a shape rather than with the font."""
    if len(character) != 1:
        return False
    point = ord(character)
    return point in BOX_DRAWING or point in BLOCK_ELEMENTS or point in BRAILLE


@functools.cache
def shape_mask(character: str, width: int, height: int) -> Image.Image:
    """The coverage of `character` in a `width`×`height` cell: 255 where the foreground is."""
    big = Image.new("L", (width * SCALE, height * SCALE), 0)
    draw = ImageDraw.Draw(big)
    point = ord(character)
    if point in BRAILLE:
        _braille(draw, point - BRAILLE.start, width, height)
    elif point in BLOCK_ELEMENTS:
        _block(big, draw, unicodedata.name(character), width, height)
    else:
        _box(draw, unicodedata.name(character).removeprefix("BOX DRAWINGS "), width, height)
    return big.resize((width, height), Image.Resampling.BOX)


# ---- block elements: fractions of the cell, quadrants and shades


def _block(big: Image.Image, draw: ImageDraw.ImageDraw, name: str, width: int, height: int):
    if name in SHADES:
        big.paste(SHADES[name], (0, 0, *big.size))
        return
    if name.startswith("QUADRANT "):
        half_w, half_h = (width // 2) * SCALE, (height // 2) * SCALE
        full_w, full_h = big.size
        quadrants = {
            "UPPER LEFT": (0, 0, half_w, half_h),
            "UPPER RIGHT": (half_w, 0, full_w, half_h),
            "LOWER LEFT": (0, half_h, half_w, full_h),
            "LOWER RIGHT": (half_w, half_h, full_w, full_h),
        }
        for part in name.removeprefix("QUADRANT ").split(" AND "):
            _fill(draw, quadrants[part])
        return
    full_w, full_h = big.size
    if name == "FULL BLOCK":
        _fill(draw, (0, 0, full_w, full_h))
        return
    side, _, amount = name.removesuffix(" BLOCK").partition(" ")
    fraction = FRACTIONS[amount]
    across = round(width * fraction) * SCALE  # whole pixels, so neighbours meet exactly
    down = round(height * fraction) * SCALE
    box = {
        "UPPER": (0, 0, full_w, down),
        "LOWER": (0, full_h - down, full_w, full_h),
        "LEFT": (0, 0, across, full_h),
        "RIGHT": (full_w - across, 0, full_w, full_h),
    }[side]
    _fill(draw, box)


def _fill(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int]) -> None:
    left, top, right, bottom = box
    if right > left and bottom > top:
        draw.rectangle((left, top, right - 1, bottom - 1), fill=255)


# ---- braille: a 2×4 grid of dots


def _braille(draw: ImageDraw.ImageDraw, bits: int, width: int, height: int) -> None:
    step_x, step_y = width * SCALE / 2, height * SCALE / 4
    radius = min(step_x, step_y) * 0.3
    for bit, (column, row) in enumerate(BRAILLE_DOTS):
        if bits & (1 << bit):
            x, y = (column + 0.5) * step_x, (row + 0.5) * step_y
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)


# ---- box drawing: up to four arms from the middle, light, heavy or double


def box_arms(name: str) -> tuple[dict[str, int], int, bool]:
    """The arms of a box-drawing character from its name (without "BOX DRAWINGS "): each arm's
    weight (1 light, 2 heavy, 3 double), its dash count (0: solid), whether its corner is an arc.
    A weight written before the arms holds for them ("HEAVY UP AND LIGHT DOWN"); one written
    after holds for the arms just before it ("DOWN LIGHT AND RIGHT UP HEAVY")."""
    words = name.split()
    dashes = 0
    if "DASH" in words:
        at = words.index("DASH")
        dashes = DASHES[words[at - 1]]
        del words[at - 1 : at + 1]
    arc = "ARC" in words
    arms: dict[str, int] = {}
    pending: list[str] = []
    weight = None
    for word in words:
        if word in WEIGHTS:
            if pending:
                arms.update(dict.fromkeys(pending, WEIGHTS[word]))
                pending = []
            else:
                weight = WEIGHTS[word]
        elif word in ARMS:
            if weight is None:
                pending.extend(ARMS[word])
            else:
                arms.update(dict.fromkeys(ARMS[word], weight))
    return arms, dashes, arc


def line_widths(width: int) -> dict[int, int]:
    """Pixels across a light and a heavy line, in a cell `width` pixels wide."""
    light = max(1, round(width / 10))
    return {1: light, 2: max(light + 1, round(width / 4))}


def _box(draw: ImageDraw.ImageDraw, name: str, width: int, height: int) -> None:
    if name.startswith("LIGHT DIAGONAL"):
        _diagonals(draw, name, width, height)
        return
    arms, dashes, arc = box_arms(name)
    widths = line_widths(width)
    if arc:
        columns, rows = _strokes(1, widths, width)[0], _strokes(1, widths, height)[0]
        _arc(draw, arms, columns, rows, width, height)
        return
    full_w, full_h = width * SCALE, height * SCALE
    vertical = max(arms.get("up", 0), arms.get("down", 0))
    horizontal = max(arms.get("left", 0), arms.get("right", 0))
    for arm, weight in arms.items():
        # an arm runs from its edge to the far side of the lines across the middle (or of its
        # own line, where none crosses), so corners and crossings close with no notch
        if arm in ("left", "right"):
            low, high = _span(vertical or weight, widths, width)
            for top, bottom in _strokes(weight, widths, height):
                box = (0, top, high, bottom) if arm == "left" else (low, top, full_w, bottom)
                _draw_line(draw, box, dashes, horizontal=True)
        else:
            low, high = _span(horizontal or weight, widths, height)
            for left, right in _strokes(weight, widths, width):
                box = (left, 0, right, high) if arm == "up" else (left, low, right, full_h)
                _draw_line(draw, box, dashes, horizontal=False)


def _strokes(weight: int, widths: dict[int, int], size: int) -> list[tuple[int, int]]:
    """The one or two strokes (first pixel, past the last, × SCALE) of a line across a cell
    `size` pixels long: a double line is two light ones with a light line's gap between."""
    if weight == 3:
        light = widths[1]
        start = (size - 3 * light) // 2
        return [
            (start * SCALE, (start + light) * SCALE),
            ((start + 2 * light) * SCALE, (start + 3 * light) * SCALE),
        ]
    thickness = widths[weight]
    start = (size - thickness) // 2
    return [(start * SCALE, (start + thickness) * SCALE)]


def _span(weight: int, widths: dict[int, int], size: int) -> tuple[int, int]:
    strokes = _strokes(weight, widths, size)
    return strokes[0][0], strokes[-1][1]


def _draw_line(draw, box: tuple[int, int, int, int], dashes: int, horizontal: bool) -> None:
    if not dashes:
        _fill(draw, box)
        return
    left, top, right, bottom = box
    period = ((right - left) if horizontal else (bottom - top)) / dashes
    for index in range(dashes):
        start, end = round(index * period), round((index + 0.6) * period)
        if horizontal:
            _fill(draw, (left + start, top, left + end, bottom))
        else:
            _fill(draw, (left, top + start, right, top + end))


def _arc(draw, arms: dict[str, int], columns, rows, width: int, height: int) -> None:
    """A rounded corner: a quarter circle from the middle of one edge to the middle of the
    other, with straight line where the cell is longer than the circle is wide."""
    thickness = columns[1] - columns[0]
    x = (columns[0] + columns[1]) / 2  # the lines' centres
    y = (rows[0] + rows[1]) / 2
    full_w, full_h = width * SCALE, height * SCALE
    right, down = "right" in arms, "down" in arms
    reach_x = (full_w - x) if right else x
    reach_y = (full_h - y) if down else y
    radius = min(reach_x, reach_y)
    centre_x = x + radius if right else x - radius
    centre_y = y + radius if down else y - radius
    start = {(True, True): 180, (False, True): 270, (False, False): 0, (True, False): 90}
    half = thickness / 2
    draw.arc(
        (
            centre_x - radius - half,
            centre_y - radius - half,
            centre_x + radius + half,
            centre_y + radius + half,
        ),
        start[(right, down)],
        start[(right, down)] + 90,
        fill=255,
        width=thickness,
    )
    # the straight rest of each arm, from where the circle ends to the cell's edge
    if down:
        _fill(draw, (columns[0], round(centre_y), columns[1], full_h))
    else:
        _fill(draw, (columns[0], 0, columns[1], round(centre_y)))
    if right:
        _fill(draw, (round(centre_x), rows[0], full_w, rows[1]))
    else:
        _fill(draw, (0, rows[0], round(centre_x), rows[1]))


def _diagonals(draw, name: str, width: int, height: int) -> None:
    full_w, full_h = width * SCALE, height * SCALE
    thickness = line_widths(width)[1] * SCALE
    if "CROSS" in name or "UPPER RIGHT TO LOWER LEFT" in name:
        draw.line((full_w, 0, 0, full_h), fill=255, width=thickness)
    if "CROSS" in name or "UPPER LEFT TO LOWER RIGHT" in name:
        draw.line((0, 0, full_w, full_h), fill=255, width=thickness)
