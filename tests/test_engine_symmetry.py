"""The slide's lesson on zero initialization, checked bit for bit: hidden units that start equal
stay exactly equal, for every size and every activation, on every path through the engine."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from multiprocessing import get_context

import numpy as np
import pytest
from engine_fixtures import (
    ACTIVATION_NAMES,
    assert_parameters_symmetric,
    flower,
    unbalanced_flower,
    units_identical,
)

import engine
from engine import STEPS, Stepper
from engine.diagnostics import symmetry
from engine.shapes import hidden_axis

SYMMETRIC_INITS = ("zeros", "constant:0.5")
ALL_SIZES = range(1, 65)
LONG_RUN = 10_000
# The spec's full check, every n_h from 1 to 64 × 5 activations × 2 inits through 10,000
# iterations, is 640 runs of about 0.3 s each. They are independent, so they run in worker
# processes on every core; STEPNET_QUICK_SYMMETRY=1 cuts them to 2,000 iterations for a quick
# local loop.
QUICK = os.environ.get("STEPNET_QUICK_SYMMETRY") == "1"
GRID_ITERATIONS = 2_000 if QUICK else LONG_RUN


@pytest.fixture(scope="module")
def workers():
    # fork: the children inherit this module and the flower data as they are
    with ProcessPoolExecutor(os.cpu_count(), mp_context=get_context("fork")) as pool:
        yield pool


def assert_moved_as_expected(init: str, start: dict, params: dict, where: str) -> None:
    """constant:0.5 really trains (so its symmetry is not a frozen network's); zeros never moves
    on the flower: all weights 0 make A2 = 0.5 on every example, and with 200 examples of each
    class dZ2 = A2 − Y sums to exactly 0, so every gradient is exactly 0 (A1 is constant: 0, or
    0.5 for sigmoid; dZ1 = W2ᵀ·dZ2·g' = 0 since W2 = 0)."""
    if init == "zeros":
        for name, value in params.items():
            assert (value == 0.0).all(), f"{where}: {name} left 0"
    else:
        assert np.abs(params["W1"] - start["W1"]).max() > 1e-3, f"{where}: W1 barely moved"


def assert_event_units_identical(event, where: str) -> None:
    assert units_identical(event.name, event.value), (
        f"{where}: {event.name} of iteration {event.iteration} has differing hidden units"
    )


def check_symmetric_run(init: str, activation: str, n_h: int, *, iterations: int) -> None:
    """Run `iterations` on the fast path from a symmetric start, then check the parameters, the
    last iteration's state and one more iteration of events, all on the actual values."""
    X, Y = flower()
    where = f"{init}, {activation}, n_h={n_h}"
    start = engine.initialize(init, X.shape[0], n_h)
    stepper = Stepper(X, Y, start, activation=activation, learning_rate=1.2)

    result = stepper.run(iterations)

    assert result.reason == "done", f"{where}: {result.message}"
    params = stepper.parameters()
    assert params["W1"].shape == (n_h, 2)
    assert_parameters_symmetric(params, where)
    assert symmetry(params).all_identical, where
    assert_moved_as_expected(init, start, params, where)
    # The state of the last iteration: A1, Z1, dZ1, dW1 … rows are identical too.
    state = stepper.state()
    assert "A1" in state
    for name in stepper.computed():
        assert units_identical(name, state[name]), f"{where}: state {name} differs by unit"
    # And one more iteration on the event path.
    for _ in STEPS:
        assert_event_units_identical(stepper.step(), where)


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("init", SYMMETRIC_INITS)
def test_symmetric_init_stays_exactly_symmetric_for_every_size(init, activation, workers):
    runs = workers.map(
        partial(check_symmetric_run, init, activation, iterations=GRID_ITERATIONS), ALL_SIZES
    )
    assert len(list(runs)) == len(ALL_SIZES)  # a failed check re-raises its AssertionError here


@pytest.mark.parametrize("n_h", [3, 5, 7, 13])
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("init", SYMMETRIC_INITS)
def test_symmetric_init_every_event_has_identical_units(init, activation, n_h):
    X, Y = unbalanced_flower()
    stepper = Stepper(X, Y, engine.initialize(init, 2, n_h), activation=activation)
    with_hidden_axis = 0
    for _ in range(5 * len(STEPS)):
        event = stepper.step()
        if hidden_axis(event.name) is not None:
            assert event.value.shape[hidden_axis(event.name)] == n_h
            with_hidden_axis += 1
        assert_event_units_identical(event, f"{init}, {activation}, n_h={n_h}")
    # Z1, A1, dW2, dZ1, dW1, db1, and the updated W1, b1, W2: 9 of the 15 steps, 5 iterations
    assert with_hidden_axis == 9 * 5


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("n_h", [4, 7])
def test_random_init_units_differ(activation, n_h):
    X, Y = flower()
    params = engine.initialize("random", 2, n_h, scale=0.01, seed=3)
    assert symmetry(params).identical_units == 0
    stepper = Stepper(X, Y, params, activation=activation, learning_rate=0.5)
    stepper.run(200)
    report = symmetry(stepper.parameters())
    assert report.identical_units == 0
    assert len(report.groups) == n_h
    assert report.max_difference > 0.0


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("init", SYMMETRIC_INITS)
def test_functional_loop_by_hand_stays_exactly_symmetric(init, activation):
    # forward → backward → update as a notebook would write it, n_h = 7 (not a multiple of any
    # BLAS block size, where a naive product rounds rows differently), on unbalanced data so
    # that even all-zero weights get a gradient.
    X, Y = unbalanced_flower()
    start = engine.initialize(init, 2, 7)
    params = start
    for iteration in range(300):
        cache = engine.forward(params, X, activation)
        grads = engine.backward(params, cache, X, Y, activation)
        params = engine.update(params, grads, learning_rate=1.2)
        if iteration % 50 == 0:
            for name in ("Z1", "A1"):
                assert units_identical(name, cache[name]), f"{name} at iteration {iteration}"
            for name in ("dW1", "db1", "dW2"):
                assert units_identical(name, grads[name]), f"{name} at iteration {iteration}"
        assert_parameters_symmetric(params, f"iteration {iteration}")
    assert abs(params["b2"][0, 0]) > 0.1  # the output layer learned from the imbalance
    if init == "zeros" and activation != "sigmoid":
        # g(0) = 0: A1 = 0, so dW2 = 0 and dZ1 = W2ᵀ·dZ2·g' = 0; the hidden layer never learns
        assert (params["W1"] == 0).all() and (params["W2"] == 0).all()
    else:
        assert np.abs(params["W1"] - start["W1"]).max() > 1e-3


def test_functional_loop_matches_the_stepper_bit_for_bit():
    # The functional API runs the same kernels, so a hand loop and the stepper agree exactly.
    X, Y = flower()
    start = engine.initialize("constant:0.5", 2, 7)
    params = start
    for _ in range(50):
        grads = engine.backward(params, engine.forward(params, X, "sigmoid"), X, Y, "sigmoid")
        params = engine.update(params, grads, learning_rate=1.2)
    stepper = Stepper(X, Y, start, activation="sigmoid", learning_rate=1.2)
    stepper.run(50)
    for name, value in stepper.parameters().items():
        np.testing.assert_array_equal(params[name], value, err_msg=name)
