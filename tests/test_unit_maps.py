"""Per-hidden-unit maps: each map is the first layer's a_j[1] at the grid's points, shaded on one
scale for all units; u shows them side by side."""

from __future__ import annotations

import numpy as np
from app_helpers import WIDE, new_app, panel_text

from engine.config import RunConfig
from engine.functional import forward
from tui.app.screens.unit_maps_screen import SHADES, UnitMapsScreen
from tui.session.plotting import data_bounds, pixel_centres
from tui.session.session import Session
from tui.session.unit_maps import LEVELS, unit_maps
from tui.session.watch import describe


def test_each_map_is_the_units_activation_at_the_grid_points():
    session = Session(RunConfig())
    session.stepper.run(400)
    maps = session.unit_maps(16, 8)
    params = session.stepper.iteration_start_parameters()
    xs, ys = pixel_centres(data_bounds(session.data[0]), 16, 8)
    for j in range(4):
        for y, x in ((0, 0), (3, 11), (7, 15)):
            point = np.array([[xs[x]], [ys[y]]])
            # one point at a time: a product over one column may round in the last bit
            expected = forward(params, point, "tanh")["A1"][j, 0]
            np.testing.assert_allclose(maps.values[j, y, x], expected, rtol=1e-13)
    assert maps.scale == np.abs(maps.values).max()
    strongest = np.unravel_index(np.abs(maps.values).argmax(), maps.values.shape)
    assert abs(maps.levels[strongest]) == LEVELS
    assert (np.sign(maps.levels) == np.sign(maps.values)).all()


def test_zero_weights_give_blank_maps_and_nan_gives_none():
    X = Session(RunConfig()).data[0]
    zeros = {
        "W1": np.zeros((3, 2)),
        "b1": np.zeros((3, 1)),
        "W2": np.zeros((1, 3)),
        "b2": np.zeros((1, 1)),
    }
    maps = unit_maps(zeros, X, "tanh", 4, 2)
    assert maps.scale == 0 and not maps.levels.any()
    broken = dict(zeros, W1=np.full((3, 2), np.nan))
    assert unit_maps(broken, X, "tanh", 4, 2) is None


async def test_u_shows_a_map_per_unit_with_its_range():
    app = new_app(hidden=5)
    async with app.run_test(size=WIDE) as pilot:
        app.session.stepper.run(300)
        app.refresh_from_session()
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, UnitMapsScreen)
        text = panel_text(app, "#unit-maps")
        for j in range(1, 6):
            assert f"a{j}[1]" in text
        maps = app.session.unit_maps(16, 8)
        assert f"{maps.values[4].min():+.2f}…{maps.values[4].max():+.2f}" in text
        assert SHADES[LEVELS] in text
        await pilot.press("right", "right")  # the third unit: its own values in every array
        await pilot.pause()
        assert app.screen.selected == 2
        values = panel_text(app, "#unit-values")
        state = app.session.stepper.state()
        assert "unit a3[1]" in values
        lines = dict(
            line.split(None, 1) if "[:" not in line else line.split("  ", 1)
            for line in values.splitlines()[1:]
        )
        assert lines["W1[2]"].strip() == describe(state["W1"][2])
        assert lines["dW1[2]"].strip() == describe(state["dW1"][2])
        assert lines["W2[:, 2]"].strip() == describe(state["W2"][:, 2])
        assert set(lines) == {"W1[2]", "b1[2]", "Z1[2]", "A1[2]", "dZ1[2]", "dW1[2]", "W2[:, 2]"}
        await pilot.press("left", "left", "left")  # round to the last
        await pilot.pause()
        assert app.screen.selected == 4
        await pilot.press("u")
        await pilot.pause()
        assert not isinstance(app.screen, UnitMapsScreen)
