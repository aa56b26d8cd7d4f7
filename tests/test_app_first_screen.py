"""The first screen is laid out and drawn once (tui/app/main_screen.py, strip_panel.py): every
byte of it is sent to a served student, and a class's start is mostly this drawing."""

from __future__ import annotations

from collections import Counter

import pytest
from app_helpers import SMALL, WIDE, new_app
from textual._compositor import Compositor

from tui.app.main_screen import MainScreen
from tui.app.panels.boundary_panel import BoundaryPanel
from tui.app.panels.cost_panel import CostPanel
from tui.app.panels.unit_maps_panel import UnitMapsPanel
from tui.app.panels.value.value_panel import ValuePanel


@pytest.fixture
def drawn(monkeypatch) -> Counter:
    """How many times, from now on, the screen was laid out, drawn whole, and each strip
    panel's picture drawn."""
    counts: Counter = Counter()

    def counting(cls, name, key):
        method = getattr(cls, name)

        def counted(self, *args, **kwargs):
            counts[key(self)] += 1
            return method(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, counted)

    counting(Compositor, "reflow", lambda _: "layouts")
    counting(Compositor, "render_full_update", lambda _: "whole screens")
    for panel in (BoundaryPanel, UnitMapsPanel, CostPanel):
        counting(panel, "_render_strips", type)
    counting(ValuePanel, "update_node_styles", lambda _: "value panels restyled")
    return counts


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_the_first_screen_is_drawn_whole_once_and_each_picture_once(drawn):
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert drawn["whole screens"] == 1
        # the first layout, one for the footer's keys (Textual's footer composes them once
        # the screen tells it its bindings) and one for what the formula panel redraws for
        # the width it was given (its shape equation); Textual's own start made six
        assert drawn["layouts"] <= 3
        assert drawn[BoundaryPanel] == drawn[UnitMapsPanel] == drawn[CostPanel] == 1
        assert drawn["value panels restyled"] == 0
        lines = screen_lines(app)
        assert any("Z[1] = W[1]" in line for line in lines)
        assert "n step" in lines[-1]  # the footer's keys


async def test_a_resize_to_the_size_it_has_lays_nothing_out_again(drawn):
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        before, counts = screen_lines(app), drawn.copy()
        await pilot.resize_terminal(*WIDE)
        await pilot.pause()
        await pilot.pause()
        assert drawn == counts
        assert screen_lines(app) == before


async def test_a_resize_to_another_size_lays_out_and_draws_the_pictures_for_it(drawn):
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        counts = drawn.copy()
        await pilot.resize_terminal(WIDE[0] - 10, WIDE[1])  # still wide: the same panels
        await pilot.pause(0.2)  # the app's layout settles (LAYOUT_SETTLE)
        await pilot.pause()
        assert drawn["layouts"] > counts["layouts"]
        assert drawn[BoundaryPanel] > counts[BoundaryPanel]
        boundary = app.screen.query_one(BoundaryPanel)
        assert [line.cell_length for line in boundary._strips] == [boundary.size.width] * len(
            boundary._strips
        )
        assert app.screen.outer_size == (WIDE[0] - 10, WIDE[1])
        await pilot.resize_terminal(*SMALL)  # compact: panels in tabs
        await pilot.pause(0.2)
        await pilot.pause()
        assert app.screen.outer_size == SMALL
        assert len(screen_lines(app)) == SMALL[1]
