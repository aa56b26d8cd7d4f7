"""engine.diagnostics, measured on constructed cases whose answers are known: symmetry groups,
saturation, dead ReLU units, and the linear network collapsing to logistic regression."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from engine_fixtures import flower, random_params

import engine
from engine import Stepper
from engine.diagnostics import accuracy, dead_units, linear_collapse, saturation, symmetry


def unit_rows(params) -> np.ndarray:
    return np.hstack([params["W1"], params["b1"], params["W2"].T])


def largest_pairwise_difference(params) -> float:
    rows = unit_rows(params)
    return max(
        (float(np.abs(a - b).max()) for a, b in itertools.combinations(rows, 2)), default=0.0
    )


def test_symmetry_groups_identical_units():
    params = random_params(5, seed=4)
    for source, copy in ((0, 2), (1, 3)):  # units 0 = 2 and 1 = 3; unit 4 on its own
        params["W1"][copy] = params["W1"][source]
        params["b1"][copy] = params["b1"][source]
        params["W2"][0, copy] = params["W2"][0, source]

    report = symmetry(params)

    assert sorted(report.groups) == [(0, 2), (1, 3), (4,)]
    assert report.identical_units == 4
    assert report.n_units == 5
    assert not report.all_identical
    assert report.max_difference == largest_pairwise_difference(params)
    assert report.max_difference > 0


def test_symmetry_one_differing_entry_splits_a_group():
    params = engine.initialize("constant:0.5", 2, 4)
    assert symmetry(params).all_identical and symmetry(params).identical_units == 4
    assert symmetry(params).max_difference == 0.0
    params["W2"][0, 3] = np.nextafter(0.5, 1.0)  # one unit differs by a single ulp
    report = symmetry(params)
    assert sorted(report.groups) == [(0, 1, 2), (3,)]
    assert report.identical_units == 3
    assert report.max_difference == np.nextafter(0.5, 1.0) - 0.5


def test_symmetry_counts_minus_zero_as_zero():
    params = engine.initialize("zeros", 2, 3)
    params["W1"][1, 0] = -0.0
    assert symmetry(params).all_identical


def test_symmetry_of_distinct_units():
    params = random_params(6, seed=5)
    report = symmetry(params)
    assert report.identical_units == 0 and len(report.groups) == 6
    assert report.max_difference == largest_pairwise_difference(params)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_saturation_is_high_for_huge_weights_and_low_for_small_ones(activation):
    X, _ = flower()
    big = engine.forward(engine.initialize("random", 2, 4, scale=100.0, seed=3), X, activation)
    small = engine.forward(engine.initialize("random", 2, 4, scale=0.01, seed=3), X, activation)
    high, low = saturation(big["Z1"], activation), saturation(small["Z1"], activation)
    assert high > 0.9
    assert low == 0.0
    # saturated really means flat: there g'(z) is a small fraction of its peak
    act = engine.get_activation(activation)
    slope = act.slope(big["A1"], np.empty_like(big["A1"]))
    peak = act.slope(act.apply(np.zeros((1, 1)), np.empty((1, 1))), np.empty((1, 1)))[0, 0]
    flat = np.abs(big["Z1"]) > act.flat_threshold
    assert slope[flat].max() < 0.3 * peak


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "linear"])
def test_saturation_is_none_for_activations_that_never_flatten(activation):
    X, _ = flower()
    Z1 = engine.forward(random_params(4, scale=100.0), X, activation)["Z1"]
    assert saturation(Z1, activation) is None


def test_dead_relu_units_are_found_and_never_learn():
    X, Y = flower()
    params = random_params(4, scale=0.5, seed=6)
    params["b1"][1, 0] = -100.0  # far below any W1·x on the flower: z < 0 on every example
    params["W1"][3] = 0.0
    params["b1"][3, 0] = 0.0  # z = 0 exactly on every example: not dead (g'(0) = 1)
    Z1 = engine.forward(params, X, "relu")["Z1"]
    assert (Z1[1] < 0).all() and (Z1[3] == 0).all()

    assert dead_units(Z1) == (1,)

    stepper = Stepper(X, Y, params, activation="relu", learning_rate=0.5)
    stepper.run(100)
    trained = stepper.parameters()
    # the dead unit's weights and bias are exactly where they started; the others moved
    np.testing.assert_array_equal(trained["W1"][1], params["W1"][1])
    assert trained["b1"][1, 0] == params["b1"][1, 0]
    for alive in (0, 2, 3):
        assert np.abs(trained["W1"][alive] - params["W1"][alive]).max() > 1e-3, alive
    assert dead_units(stepper.state()["Z1"]) == (1,)


def test_no_dead_units_with_small_random_weights():
    X, _ = flower()
    Z1 = engine.forward(engine.initialize("random", 2, 8, seed=3), X, "relu")["Z1"]
    assert dead_units(Z1) == ()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_linear_network_collapses_to_logistic_regression(seed):
    X, _ = flower()
    params = random_params(5, scale=0.8, seed=seed)
    collapse = linear_collapse(params, X)
    assert collapse.max_difference < 1e-12
    np.testing.assert_allclose(collapse.W_prime, params["W2"] @ params["W1"], rtol=1e-14)
    np.testing.assert_allclose(
        collapse.b_prime, params["W2"] @ params["b1"] + params["b2"], rtol=1e-14
    )
    # and that logistic regression is what forward computes with g(z) = z
    A2 = engine.forward(params, X, "linear")["A2"]
    logistic = 1 / (1 + np.exp(-(collapse.W_prime @ X + collapse.b_prime)))
    np.testing.assert_allclose(A2, logistic, rtol=1e-12)
    # while with tanh the same parameters are not a logistic regression
    A2_tanh = engine.forward(params, X, "tanh")["A2"]
    assert np.abs(A2_tanh - logistic).max() > 1e-3


def test_accuracy_is_the_share_of_correct_predictions():
    X, Y = flower()
    params = random_params(4, scale=1.0, seed=7)
    predicted = engine.predict(params, X)
    expected = np.count_nonzero(predicted == Y) / Y.shape[1]
    assert accuracy(params, X, Y) == expected
    assert accuracy(params, X, 1 - predicted) == 0.0
