"""Distributions over iterations: a column per sampled iteration, each the histogram of W1, dW1
and A1 there (computed from the stepper exactly, which ends where it began), from iteration 0 to
the latest; A1's outer bins are g's flat ends, holding exactly the entries the engine counts as
saturated."""

from __future__ import annotations

import numpy as np
import pytest
from app_helpers import SMALL, WIDE, new_app, panel_text

from engine.activations import get_activation
from engine.config import RunConfig
from engine.diagnostics import saturation
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
    shown = found.iterations.tolist()
    assert (shown[0], shown[-1], len(set(shown))) == (0, 199, 20)  # the start and the latest
    assert set(np.diff(shown)) <= {10, 11}  # evenly apart: 199 iterations in 19 steps
    W1, dW1, A1 = found.strips
    assert (W1.entries, dW1.entries, A1.entries) == (8, 8, 1600)
    assert (A1.low, A1.high) == (-1.0, 1.0)  # tanh's range
    for strip in found.strips:
        assert (strip.counts.sum(axis=0) == strip.entries).all()
    reference = RunConfig().stepper()
    reference.goto((shown[7] + 1) * N)  # the end of the eighth column's iteration
    Z1, A1_there = reference.state()["Z1"], reference.state()["A1"]
    # W1 as its iteration began, binned around 0 on its largest |value| over the columns
    W1_there = reference.iteration_start_parameters()["W1"]
    expected, _ = np.histogram(W1_there, bins=np.linspace(-W1.high, W1.high, 8))
    np.testing.assert_array_equal(W1.counts[:, 7], expected)
    # A1: g flat below, 5 equal bins of a between g(−2) and g(2), g flat above
    knee = float(np.tanh(2.0))
    inner, _ = np.histogram(A1_there[np.abs(Z1) <= 2], bins=np.linspace(-knee, knee, 6))
    np.testing.assert_array_equal(A1.counts[:, 7], [(Z1 < -2).sum(), *inner, (Z1 > 2).sum()])


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_A1s_outer_bins_hold_exactly_the_entries_the_engine_calls_saturated(activation):
    stepper = RunConfig(activation=activation).stepper()
    stepper.run(2000)
    A1 = distributions(stepper, 40, 7).strips[2]
    assert A1.flat_beyond == get_activation(activation).flat_threshold
    shares = A1.saturation()
    assert shares[-1] == saturation(stepper.state()["Z1"], activation)  # the latest: here
    assert shares[0] == 0.0 and shares[-1] > 0.5  # from none flat to most of them


def test_an_activation_that_never_flattens_has_equal_bins_and_no_saturation():
    stepper = RunConfig(activation="relu").stepper()
    stepper.run(50)
    A1 = distributions(stepper, 10, 7).strips[2]
    assert A1.flat_beyond is None and A1.saturation() is None
    expected, _ = np.histogram(stepper.state()["A1"], bins=np.linspace(A1.low, A1.high, 8))
    np.testing.assert_array_equal(A1.counts[:, -1], expected)


def test_nothing_before_a_whole_iteration():
    stepper = RunConfig().stepper()
    stepper.step()
    assert distributions(stepper, 10, 5) is None


def test_shades_by_share():
    assert [shade(c, 100) for c in (0, 1, 13, 26, 60)] == [" ", "░", "▒", "▓", "█"]


@pytest.mark.parametrize("size", [WIDE, SMALL])
async def test_d_shows_the_three_strips_with_g_flat_marked(size):
    app = new_app()
    async with app.run_test(size=size) as pilot:
        app.session.stepper.run(300)
        app.refresh_from_session()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DistributionsScreen)
        text = panel_text(app, "#distributions")
        share = saturation(app.session.stepper.state()["Z1"], "tanh")
        assert (
            f"A1 · 1600 entries, from -1 to +1 · saturated (g flat) at the latest: "
            f"{100 * share:.1f}%" in text
        )
        assert "dW1 · 8 entries" in text
        lines = text.splitlines()
        assert lines[-2].split() == ["iteration", "0", "299"]
        a1 = lines.index(next(line for line in lines if line.startswith("A1 ")))
        assert lines[a1 + 1].endswith(" flat z>+2") and lines[a1 + 7].endswith(" flat z<-2")
        # every line fits the dialog: nothing of a label is cut off
        dialog = app.screen.query_one("#distributions")
        assert max(map(len, lines)) <= dialog.content_region.width
