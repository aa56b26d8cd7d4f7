"""Backpropagation is right: gradient checks for every activation, an independent finite
difference, and backward computing g' from the cache the slides say it uses."""

from __future__ import annotations

import numpy as np
import pytest
from engine_fixtures import ACTIVATION_NAMES, flower_subset, random_params

import engine
from engine.diagnostics import gradient_check


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_gradient_check_passes_for_every_activation(activation, seed):
    X, Y = flower_subset(every=5)
    params = random_params(n_h=4, scale=0.5, seed=seed)
    report = gradient_check(params, X, Y, activation)
    assert set(report) == {"W1", "b1", "W2", "b2"}
    for name, difference in report.items():
        assert difference < 1e-7, f"{activation}: {name} relative difference {difference:.2e}"


def test_gradient_check_passes_where_a_gradient_is_tiny():
    # db1 is about 1e-8 at the course's start on the flower, below what a centred difference
    # resolves against its own size: judged against the whole gradient it passes, as it must
    X, Y = engine.load_dataset("flower")
    params = engine.initialize("random", 2, 4, scale=0.01, seed=3)
    grads = engine.backward(params, engine.forward(params, X, "tanh"), X, Y, "tanh")
    assert np.abs(grads["db1"]).max() < 1e-6  # the case really is a tiny gradient
    report = gradient_check(params, X, Y, "tanh", epsilon=1e-6)
    assert max(report.values()) < 1e-7, report


def test_gradient_check_catches_a_wrong_gradient(monkeypatch):
    # The check must be able to fail: feed it a backward pass whose dW1 is off by 1%.
    import engine.diagnostics as diagnostics

    real_backward = diagnostics.backward

    def skewed_backward(*args, **kwargs):
        grads = real_backward(*args, **kwargs)
        grads["dW1"] = grads["dW1"] * 1.01
        return grads

    monkeypatch.setattr(diagnostics, "backward", skewed_backward)
    X, Y = flower_subset(every=10)
    report = gradient_check(random_params(seed=0), X, Y, "tanh")
    assert report["W1"] > 1e-3
    assert report["W2"] < 1e-7


def centred_difference(params, X, Y, activation, name, index, epsilon=1e-5) -> float:
    """(J(θ + ε) − J(θ − ε)) / 2ε for one entry, written here rather than trusted to the engine."""

    def cost_with(delta):
        trial = {key: np.array(value, dtype=float) for key, value in params.items()}
        trial[name][index] += delta
        cache = engine.forward(trial, X, activation)
        return engine.cost(cache["A2"], Y)

    return (cost_with(epsilon) - cost_with(-epsilon)) / (2 * epsilon)


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize(
    ("name", "index"), [("W1", (2, 1)), ("b1", (0, 0)), ("W2", (0, 3)), ("b2", (0, 0))]
)
def test_backward_matches_own_finite_difference(activation, name, index):
    X, Y = flower_subset(every=4)
    params = random_params(n_h=4, scale=0.5, seed=7)
    grads = engine.backward(params, engine.forward(params, X, activation), X, Y, activation)
    numerical = centred_difference(params, X, Y, activation, name, index)
    analytic = grads["d" + name][index]
    assert abs(analytic) > 1e-6  # a real gradient, not two zeros agreeing
    assert analytic == pytest.approx(numerical, rel=1e-6, abs=1e-10)


def test_tanh_backward_uses_the_cached_A1_as_one_minus_A1_squared():
    X, Y = flower_subset(every=10)
    params = random_params(n_h=4, seed=3)
    cache = engine.forward(params, X, "tanh")
    # Change the cache: A1 is no longer tanh(Z1). backward must work from it as given.
    rng = np.random.default_rng(0)
    modified = dict(cache)
    modified["A1"] = cache["A1"] * rng.uniform(0.5, 1.5, size=cache["A1"].shape)

    grads = engine.backward(params, modified, X, Y, "tanh")
    original = engine.backward(params, cache, X, Y, "tanh")

    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dZ1 = (params["W2"].T @ dZ2) * (1 - modified["A1"] ** 2)  # the slide's g' from A1
    np.testing.assert_allclose(grads["dW1"], dZ1 @ X.T / m, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grads["db1"], dZ1.sum(axis=1, keepdims=True) / m, rtol=1e-12)
    np.testing.assert_allclose(grads["dW2"], dZ2 @ modified["A1"].T / m, rtol=1e-12)
    assert np.abs(grads["dW1"] - original["dW1"]).max() > 1e-4


def test_relu_backward_takes_slope_from_Z1_with_slope_one_at_zero():
    # Three units: unit 0 sees z < 0, z = 0 and z > 0; unit 1 sees exactly 0 on every example;
    # unit 2 sees only negative z. The slide's g'(z) is 1 for z ≥ 0 and 0 for z < 0.
    X = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
    Y = np.array([[1, 0, 1]])
    params = {
        "W1": np.zeros((3, 2)),
        "b1": np.zeros((3, 1)),
        "W2": np.array([[0.3, -0.7, 1.1]]),
        "b2": np.array([[0.2]]),
    }
    Z1 = np.array([[-1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [-0.5, -2.0, -3.0]])
    A2 = engine.sigmoid(np.array([[0.1, -0.4, 0.9]]))
    cache = {"Z1": Z1, "A1": np.maximum(Z1, 0), "Z2": np.log(A2 / (1 - A2)), "A2": A2}

    grads = engine.backward(params, cache, X, Y, "relu")

    m = X.shape[1]
    slope = np.array([[0.0, 1.0, 1.0], [1.0, 1.0, 1.0], [0.0, 0.0, 0.0]])
    dZ1 = (params["W2"].T @ (A2 - Y)) * slope
    np.testing.assert_allclose(grads["db1"], dZ1.sum(axis=1, keepdims=True) / m, rtol=1e-12)
    np.testing.assert_allclose(grads["dW1"], dZ1 @ X.T / m, rtol=1e-12)
    assert grads["db1"][1, 0] != 0.0  # z = 0 exactly counts as slope 1
    assert grads["db1"][2, 0] == 0.0 and (grads["dW1"][2] == 0.0).all()

    # g' reads Z1, not A1: a different A1 changes dW2 but leaves dW1 and db1 alone.
    cache_other_A1 = dict(cache, A1=cache["A1"] + 5.0)
    other = engine.backward(params, cache_other_A1, X, Y, "relu")
    np.testing.assert_array_equal(other["dW1"], grads["dW1"])
    np.testing.assert_array_equal(other["db1"], grads["db1"])
    assert not np.array_equal(other["dW2"], grads["dW2"])


@pytest.mark.parametrize(
    ("activation", "expected"),
    [("relu", [0.0, 1.0, 1.0, 1.0, 0.0, 1.0]), ("leaky_relu", [0.01, 1.0, 1.0, 1.0, 0.01, 1.0])],
)
def test_relu_slopes_at_and_around_zero(activation, expected):
    z = np.array([[-1.0, 0.0, -0.0, 1e-300, -1e-300, 3.0]])
    out = np.empty_like(z)
    engine.get_activation(activation).slope(z, out)
    np.testing.assert_array_equal(out, [expected])
