"""Checkpoints: the stride follows the network's size, the budget holds, and a history travels
by pickle (as it does from a run's child process) with every checkpoint intact."""

from __future__ import annotations

import pickle

import numpy as np
from engine_fixtures import flower, random_params

from engine import Stepper
from engine.history import REBUILD_WORK, History, first_stride


def test_small_networks_checkpoint_less_often_large_ones_every_iteration():
    assert first_stride(REBUILD_WORK) == 1
    assert first_stride(REBUILD_WORK // 2) == 2
    assert first_stride(400 * 17) == 32  # the flower with n_h = 4: 17 parameters, 400 examples
    assert first_stride(100_000 * 1025) == 1


def test_the_budget_bounds_the_block_and_iteration_0_is_always_kept():
    theta = np.arange(10.0)
    history = History(budget_bytes=8 * theta.nbytes)
    for iteration in range(1000):
        history.save(iteration, theta + iteration)
        assert history.nbytes <= 8 * theta.nbytes
    assert history.stride == 128
    kept, values = history.nearest(999)
    assert kept == 896
    np.testing.assert_array_equal(values, theta + 896)
    assert history.nearest(5)[0] == 0


def test_a_pickled_stepper_keeps_its_history_and_goes_on_identically():
    X, Y = flower()
    stepper = Stepper(X, Y, random_params(4, scale=0.5, seed=2))
    stepper.run(3000)
    copy = pickle.loads(pickle.dumps(stepper))
    assert len(copy.history) == len(stepper.history)
    for position in (17, 1500 * 15 + 4, 2999 * 15 + 14):
        copy.goto(position)
        stepper.goto(position)
        np.testing.assert_array_equal(copy.event.value, stepper.event.value)
    copy.run(500)
    stepper.run(500)
    np.testing.assert_array_equal(copy.ws.theta, stepper.ws.theta)
