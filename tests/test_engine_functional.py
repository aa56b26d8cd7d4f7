"""The functional API (forward, cost, backward, update, predict): the course's arithmetic, inputs
left untouched, labels and parameters accepted in the forms a notebook has them."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pytest
from engine_fixtures import ACTIVATION_NAMES, flower, flower_subset, random_params

import engine

ACTIVATION_FUNCTIONS = {
    "tanh": np.tanh,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "relu": lambda z: np.maximum(0, z),
    "leaky_relu": lambda z: np.maximum(0.01 * z, z),
    "linear": lambda z: z,
}


class ParameterBag(Mapping):
    """A read-only Mapping that is not a dict, holding nested lists rather than arrays."""

    def __init__(self, params):
        self._data = {name: np.asarray(value).tolist() for name, value in params.items()}

    def __getitem__(self, key):
        return self._data[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_forward_is_the_course_forward_pass(activation):
    X, _ = flower()
    p = random_params(4, seed=8)
    cache = engine.forward(p, X, activation)
    Z1 = np.dot(p["W1"], X) + p["b1"]
    A1 = ACTIVATION_FUNCTIONS[activation](Z1)
    Z2 = np.dot(p["W2"], A1) + p["b2"]
    np.testing.assert_allclose(cache["Z1"], Z1, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(cache["A1"], A1, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(cache["Z2"], Z2, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(cache["A2"], 1 / (1 + np.exp(-Z2)), rtol=1e-13)


def test_update_is_theta_minus_alpha_times_gradient():
    p = random_params(4, seed=9)
    rng = np.random.default_rng(9)
    grads = {"d" + name: rng.normal(size=value.shape) for name, value in p.items()}
    new = engine.update(p, grads, learning_rate=0.3)
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_array_equal(new[name], p[name] - 0.3 * grads["d" + name])


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_functional_calls_never_mutate_their_inputs(activation):
    X, Y = flower_subset(every=5)
    X, Y = X.copy(), Y.copy()  # writeable, so a mutation would go unnoticed without the check
    params = random_params(4, seed=10)
    inputs = {"X": X, "Y": Y, "params": params}
    before = copy.deepcopy(inputs)

    cache = engine.forward(params, X, activation)
    cache_before = copy.deepcopy(cache)
    engine.cost(cache["A2"], Y)
    engine.cost(cache["A2"], Y, Z2=cache["Z2"])
    grads = engine.backward(params, cache, X, Y, activation)
    grads_before = copy.deepcopy(grads)
    new = engine.update(params, grads, learning_rate=1.2)
    engine.predict(new, X, activation)

    np.testing.assert_array_equal(X, before["X"])
    np.testing.assert_array_equal(Y, before["Y"])
    for name, value in params.items():
        np.testing.assert_array_equal(value, before["params"][name], err_msg=name)
    for name, value in cache.items():
        np.testing.assert_array_equal(value, cache_before[name], err_msg=name)
    for name, value in grads.items():
        np.testing.assert_array_equal(value, grads_before[name], err_msg=name)
    # and the results are fresh arrays, not views into an input
    for name in params:
        assert not np.shares_memory(new[name], params[name])


def test_labels_as_bool_int_float_or_flat_give_the_same_results():
    X, Y = flower_subset(every=5)
    params = random_params(4, seed=12)
    cache = engine.forward(params, X)
    forms = {
        "float": Y,
        "bool": Y.astype(bool),
        "int": Y.astype(np.int64),
        "int8": Y.astype(np.int8),
        "flat (m,)": Y.ravel(),
        "list": Y.astype(int).tolist(),
    }
    reference = engine.backward(params, cache, X, Y)
    reference_cost = engine.cost(cache["A2"], Y)
    for form, labels in forms.items():
        grads = engine.backward(params, cache, X, labels)
        for name, value in reference.items():
            np.testing.assert_array_equal(grads[name], value, err_msg=f"{form}: {name}")
        assert engine.cost(cache["A2"], labels) == reference_cost, form
        assert engine.cost(cache["A2"], labels, Z2=cache["Z2"]) == pytest.approx(reference_cost)


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_predict_returns_zero_one_integers_shaped_1_by_m(activation):
    X, _ = flower()
    params = random_params(4, scale=2.0, seed=13)
    labels = engine.predict(params, X, activation)
    assert labels.shape == (1, X.shape[1])
    assert labels.dtype.kind == "i"
    assert set(np.unique(labels)) == {0, 1}  # scale 2 weights: both classes predicted
    A2 = engine.forward(params, X, activation)["A2"]
    np.testing.assert_array_equal(labels, (A2 > 0.5).astype(int))


@pytest.mark.parametrize(
    "wrap", [dict, MappingProxyType, ParameterBag], ids=["dict", "MappingProxyType", "Mapping"]
)
def test_parameters_as_any_mapping(wrap):
    X, Y = flower_subset(every=5)
    params = random_params(4, seed=14)
    wrapped = wrap(params)
    cache = engine.forward(wrapped, X)
    reference_cache = engine.forward(params, X)
    for name, value in reference_cache.items():
        np.testing.assert_array_equal(cache[name], value, err_msg=name)
    grads = engine.backward(wrapped, cache, X, Y)
    reference_grads = engine.backward(params, reference_cache, X, Y)
    for name, value in reference_grads.items():
        np.testing.assert_array_equal(grads[name], value, err_msg=name)
    new = engine.update(wrapped, grads, learning_rate=1.2)
    np.testing.assert_array_equal(new["W1"], params["W1"] - 1.2 * grads["dW1"])
    np.testing.assert_array_equal(engine.predict(wrapped, X), engine.predict(params, X))
    stepper = engine.Stepper(*flower(), wrapped)
    assert stepper.step().name == "Z1"


def test_integer_features_are_accepted():
    X, _ = flower_subset(every=5)
    X_int = np.round(X).astype(np.int32)
    params = random_params(4, seed=15)
    cache = engine.forward(params, X_int)
    np.testing.assert_array_equal(cache["Z1"], engine.forward(params, X_int.astype(float))["Z1"])
