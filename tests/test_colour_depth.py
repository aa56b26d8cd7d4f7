"""On 16 and 256 colours the boundary's classes, its glyphs and the matrix signs keep their hues.

What such a terminal draws is each colour rounded to its palette (Rich does it as it writes), so
these tests round the panels' styles the same way and look at what is left.
"""

from __future__ import annotations

import pytest
import textual.constants
from app_helpers import WIDE, LimitedColourApp
from rich.color import Color, ColorSystem

from engine.config import RunConfig
from tui.app import colour_depth
from tui.app.panels.boundary_panel import BoundaryPanel
from tui.app.panels.value.matrix_view import MatrixView, cell_class
from tui.app.snapshot import build_app
from tui.session.session import Session

SYSTEMS = {16: ("standard", ColorSystem.STANDARD), 256: ("256", ColorSystem.EIGHT_BIT)}
# the palette entries colour_depth's comments name, in the order of its tables
ENTRIES = {
    16: {
        "NEGATIVE": (1, 1, 9, 9),
        "POSITIVE": (4, 4, 12, 12),
        "POINT_0": (11,),
        "POINT_1": (15,),
        "POINT_BOTH": (10,),
    },
    256: {
        "NEGATIVE": (52, 88, 124, 160),
        "POSITIVE": (17, 18, 19, 20),
        "POINT_0": (217,),
        "POINT_1": (153,),
        "POINT_BOTH": (231,),
    },
}


def palette_number(colour: Color | str, depth: int) -> int:
    colour = Color.parse(colour) if isinstance(colour, str) else colour
    return colour.downgrade(SYSTEMS[depth][1]).number


@pytest.mark.parametrize("depth", SYSTEMS)
def test_every_colour_rounds_to_exactly_the_palette_entry_named(depth):
    for table, entries in ENTRIES[depth].items():
        colours = getattr(colour_depth, table)[depth]
        colours = colours if isinstance(colours, tuple) else (colours,)
        assert [palette_number(colour, depth) for colour in colours] == list(entries), table


def test_the_app_marks_its_colour_depth_from_the_console(monkeypatch):
    for system, expected in (("standard", "-colours-16"), ("256", "-colours-256")):
        monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", system)
        app = LimitedColourApp(Session(RunConfig()), SYSTEMS[int(expected[9:])][1])
        assert app.has_class(expected)
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "truecolor")
    app = LimitedColourApp(Session(RunConfig()), ColorSystem.TRUECOLOR)
    assert not app.has_class("-colours-16") and not app.has_class("-colours-256")


def _cells(panel) -> list[tuple[str, object]]:
    return [
        (segment.text, segment.style)
        for y in range(panel.size.height)
        for segment in panel.render_line(y)
        if segment.text.strip()
    ]


@pytest.mark.parametrize("depth", SYSTEMS)
async def test_after_a_run_both_classes_glyphs_and_signs_have_hues_of_their_own(depth, monkeypatch):
    name, system = SYSTEMS[depth]
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", name)
    app = LimitedColourApp(Session(RunConfig()), system)
    async with app.run_test(size=WIDE) as pilot:
        app.session.stepper.run(300)
        for _ in range(12):  # to the W1 update: a (4, 2) matrix of both signs
            app.session.step()
        app.refresh_from_session()
        await pilot.pause()
        boundary = app.query_one(BoundaryPanel)
        cells = _cells(boundary)
        regions = {palette_number(style.bgcolor, depth) for text, style in cells if text[0] == "▀"}
        red = set(ENTRIES[depth]["NEGATIVE"])
        blue = set(ENTRIES[depth]["POSITIVE"])
        # both classes' regions, each in its own hue, and in more than one certainty step
        assert len(regions & red) >= 2 and len(regions & blue) >= 2
        assert regions <= red | blue
        glyphs = {
            text[0]: palette_number(style.color, depth) for text, style in cells if text[0] in "○×⊗"
        }
        assert set(glyphs) == {"○", "×", "⊗"}
        assert len(set(glyphs.values())) == 3  # three glyphs, three colours
        assert not set(glyphs.values()) & (red | blue)  # none vanishes into a region

        matrix = app.query_one("#value-matrix", MatrixView)
        data = matrix.data
        assert (data > 0).any() and (data < 0).any()
        row, col = matrix.cursor
        hues = {}
        for r in range(data.shape[0]):
            for c in range(data.shape[1]):
                if (r, c) == (row, col):
                    continue
                style = matrix.get_component_rich_style(cell_class(data[r, c], matrix.scale))
                hues.setdefault(data[r, c] > 0, set()).add(palette_number(style.bgcolor, depth))
        assert hues[True] <= blue and hues[False] <= red
        # the cursor is neither sign's hue
        cursor = matrix.get_component_rich_style("matrix-view--cursor")
        assert palette_number(cursor.bgcolor, depth) not in red | blue


def test_a_picture_is_drawn_in_the_themes_colours_whatever_the_terminal(monkeypatch):
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")  # as TERM=xterm does
    app = build_app(RunConfig())
    assert app.console.color_system == "standard"
    assert not any(app.has_class(name) for name in colour_depth.DEPTH_CLASSES)
