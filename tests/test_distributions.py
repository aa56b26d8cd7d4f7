"""Distributions over iterations: a column per sampled iteration, each the histogram of W1, dW1
and A1 there (computed from the stepper exactly, which ends where it began); saturation of tanh
shows as A1's outer bins filling up."""

from __future__ import annotations

import numpy as np
from app_helpers import WIDE, new_app, panel_text

from engine.config import RunConfig
from engine.steps import STEPS_PER_ITERATION
from tui.app.screens.distributions_screen import DistributionsScreen, shade
from tui.session.distributions import distributions

N = STEPS_PER_ITERATION


def test_each_column_is_the_histogram_at_that_iterations_end_and_the_stepper_stays():
    stepper = RunConfig().stepper()
    stepper.run(200)
    stepper.step()
    before = {name: np.copy(value) for name, value in stepper.state().items()}
    found = distributions(stepper, 20, 7)
    assert stepper.cursor == 200 * N + 1
    for name, value in before.items():
        np.testing.assert_array_equal(stepper.state()[name], value, err_msg=name)
    assert found.iterations.tolist() == list(range(0, 200, 10))
    W1, dW1, A1 = found.strips
    assert (W1.entries, dW1.entries, A1.entries) == (8, 8, 1600)
    assert (A1.low, A1.high) == (-1.0, 1.0)  # tanh's range
    for strip in found.strips:
        assert (strip.counts.sum(axis=0) == strip.entries).all()
    reference = RunConfig().stepper()
    reference.goto(71 * N)  # the end of iteration 70, the eighth column
    expected, _ = np.histogram(reference.state()["A1"], bins=np.linspace(-1, 1, 8))
    np.testing.assert_array_equal(A1.counts[:, 7], expected)


def test_saturation_fills_the_outer_bins_of_A1():
    stepper = RunConfig().stepper()
    stepper.run(2000)
    A1 = distributions(stepper, 40, 7).strips[2]
    outer = (A1.counts[0] + A1.counts[-1]) / A1.entries
    assert outer[0] == 0.0 and outer[-1] > 0.5  # from none near ±1 to most of them


def test_nothing_before_a_whole_iteration():
    stepper = RunConfig().stepper()
    stepper.step()
    assert distributions(stepper, 10, 5) is None


def test_shades_by_share():
    assert [shade(c, 100) for c in (0, 1, 13, 26, 60)] == [" ", "░", "▒", "▓", "█"]


async def test_d_shows_the_three_strips():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        app.session.stepper.run(300)
        app.refresh_from_session()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DistributionsScreen)
        text = panel_text(app, "#distributions")
        assert "A1 · 1600 entries, from -1 to +1" in text and "dW1 · 8 entries" in text
        assert "iteration 0" in text
