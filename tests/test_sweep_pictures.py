"""Sweeps as pictures: a fresh run per value, its accuracy and its boundary on a small grid,
the course's figures for the hidden-layer sizes; in the app from the palette, in a worker."""

from __future__ import annotations

import numpy as np
import pytest
from app_helpers import WIDE, new_app, panel_text
from engine_fixtures import flower
from test_app import type_answer

from engine.config import RunConfig
from engine.errors import StepnetError
from engine.functional import forward
from tui.app.screens.sweep_screen import SweepScreen
from tui.session.plotting import LEVELS_PER_CLASS, data_bounds, grid_inputs
from tui.session.sweep_pictures import parse_sweep, sweep_pictures


def test_parse_sweep_reads_the_three_settings_and_refuses_the_rest():
    assert parse_sweep("n_h 1 2 3") == ("n_h", (1, 2, 3))
    assert parse_sweep(" alpha 0.5, 1.2 ") == ("alpha", (0.5, 1.2))
    assert parse_sweep("seed 4") == ("seed", (4,))
    for text, message in [
        ("hidden 1 2", "cannot read sweep"),
        ("n_h", "cannot read sweep"),
        ("n_h 1.5", "whole numbers"),
        ("n_h " + " ".join(["1"] * 13), "at most 12"),
    ]:
        with pytest.raises(StepnetError, match=message):
            parse_sweep(text)


def test_hidden_sizes_give_the_course_accuracies_and_their_boundaries():
    config = RunConfig()
    pictures = sweep_pictures(config, flower(), "n_h", (1, 2, 3), 5000, (16, 8))
    assert [p.value for p in pictures] == [1, 2, 3]
    assert pictures[0].accuracy == 0.675 and pictures[1].accuracy == 0.6725  # the notebook's
    assert pictures[2].accuracy >= 0.9
    # the picture's classes are the trained network's predictions at the grid points
    stepper = config.with_changes(hidden=3).stepper(flower())
    stepper.run(5000)
    X = flower()[0]
    A2 = forward(stepper.parameters(), grid_inputs(X, data_bounds(X), 16, 8), "tanh")["A2"]
    predicted_1 = (A2 > 0.5).reshape(8, 16)
    np.testing.assert_array_equal(pictures[2].shades >= LEVELS_PER_CLASS, predicted_1)
    assert predicted_1.any() and not predicted_1.all()


def test_a_diverging_value_is_drawn_as_such_and_a_bad_one_refused():
    config = RunConfig(activation="linear", scale=1.0)
    pictures = sweep_pictures(config, flower(), "alpha", (100.0, 0.5), 200, (8, 4))
    assert pictures[0].accuracy is None and pictures[0].shades is None  # went NaN or Inf
    assert pictures[1].accuracy is not None and pictures[1].shades.shape == (4, 8)
    with pytest.raises(StepnetError):
        sweep_pictures(RunConfig(), flower(), "n_h", (0,), 10, (8, 4))


async def test_the_palette_sweep_draws_a_boundary_per_seed():
    app = new_app(iterations=300)
    async with app.run_test(size=WIDE) as pilot:
        await app.run_action("sweep")
        await pilot.pause()
        await type_answer(pilot, "seed 1 2 3")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SweepScreen)
        text = panel_text(app, "#sweep")
        expected = sweep_pictures(
            app.session.config, app.session.data, "seed", (1, 2, 3), 300, (16, 8)
        )
        for picture in expected:
            assert f"seed {picture.value} {100 * picture.accuracy:.1f}%" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not app.running and "sweep of seed: 3 runs of 300 iterations" in app.session.message


def test_stepnet_snapshot_draws_a_sweep_over_the_app(tmp_path, capsys):
    from tui.cli.main import main

    out = tmp_path / "sweep.svg"
    args = ["snapshot", "--iterations", "400", "--sweep", "seed 1 2", "-o", str(out)]
    assert main(args) == 0
    svg = out.read_text()
    for picture in sweep_pictures(
        RunConfig(iterations=400), flower(), "seed", (1, 2), 400, (16, 8)
    ):
        shown = f"seed&#160;{picture.value}&#160;{100 * picture.accuracy:.1f}%"
        assert shown in svg
    assert main(["snapshot", "--sweep", "hidden 1", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "cannot read sweep 'hidden 1'" in err and err.count("\n") == 1
