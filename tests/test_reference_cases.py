"""The engine's answers on the course's own test inputs, cross-checked against the outputs the
course published (../shared/course/assignment-reference.md §3), and the engine API taking what
the course's graded tests pass."""

from __future__ import annotations

import numpy as np
import pytest

import engine
from engine.reference.cases import all_cases, cases_for
from engine.reference.graded import GRADED, QUANTITIES
from engine.reference.planar_utils import load_planar_dataset, sigmoid


def by_label(function: str) -> dict:
    return {case.label: case for case in cases_for(function)}


def test_every_graded_function_has_course_cases_and_a_flower_case():
    cases = all_cases()
    assert tuple(cases) == GRADED
    for function, found in cases.items():
        labels = [case.label for case in found]
        assert any(label.startswith("course") for label in labels), function
        if function != "initialize_parameters":  # its inputs are sizes, not data
            assert any(label.startswith("flower") for label in labels), function
        for case in found:
            assert set(case.expected) <= set(QUANTITIES[function]), function


def test_layer_sizes_as_published():
    cases = by_label("layer_sizes")
    assert tuple(cases["course test (every version)"].expected.values()) == (5, 4, 2)
    assert tuple(cases["course v3/v4 test, second case"].expected.values()) == (7, 4, 5)


def test_initialization_as_published():
    v1 = by_label("initialize_parameters")["course v1/v2 test"].expected
    np.testing.assert_allclose(
        v1["W2"], [[-0.01057952, -0.00909008, 0.00551454, 0.02292208]], atol=5e-9
    )
    v3 = by_label("initialize_parameters")["course v3/v4 test"].expected
    assert v3["W2"].shape == (2, 5) and v3["b2"].shape == (2, 1)
    np.testing.assert_allclose(v3["W1"][4], [0.00041539, -0.01117925, 0.00539058], atol=5e-9)
    np.testing.assert_allclose(v3["W2"][1, 4], -3.38821966e-03, rtol=1e-8)


def test_forward_as_published():
    cache = by_label("forward_propagation")["course test (every version)"].expected
    np.testing.assert_allclose(cache["A2"], [[0.21292656, 0.21274673, 0.21295976]], atol=5e-8)
    np.testing.assert_allclose(cache["Z2"], [[-1.30737426, -1.30844761, -1.30717618]], atol=5e-8)
    means = [float(np.mean(cache[name])) for name in ("Z1", "A1", "Z2", "A2")]
    np.testing.assert_allclose(
        means, [0.262818640198, 0.091999045227, -1.30766601287, 0.212877681719], atol=5e-8
    )


def test_cost_as_published_including_the_1d_A2_case():
    costs = {label: case.expected["cost"] for label, case in by_label("compute_cost").items()}
    assert costs["course v1/v2 test"] == pytest.approx(0.6930587610394646, rel=1e-12)
    assert costs["course v3/v4 test, first case"] == pytest.approx(0.5447066599017815, rel=1e-12)
    assert costs["course v4 test, 1-D A2"] == pytest.approx(0.22944289410146546, rel=1e-12)
    assert all(type(cost) is float for cost in costs.values())


def test_backward_as_published_on_the_consistent_and_the_random_cache():
    cases = by_label("backward_propagation")
    v1 = cases["course v1/v2 test"].expected
    np.testing.assert_allclose(v1["db2"], [[-0.16655712]], atol=5e-9)
    np.testing.assert_allclose(
        v1["dW2"], [[0.00078841, 0.01765429, -0.00084166, -0.01022527]], atol=5e-9
    )
    v3 = cases["course v3/v4 test (a random cache)"].expected
    np.testing.assert_allclose(v3["db2"], [[-0.78032466]], atol=5e-9)
    np.testing.assert_allclose(v3["dW1"][1], [0.7370069, -0.64785999, 0.23669823], atol=5e-9)
    np.testing.assert_allclose(
        v3["db1"].ravel()[:3], [0.1463639, -0.33647992, -0.51738006], atol=5e-9
    )


def test_update_as_published():
    new = by_label("update_parameters")["course test (every version)"].expected
    np.testing.assert_allclose(
        new["W2"], [[-0.01041081, -0.04463285, 0.01758031, 0.04747113]], atol=5e-9
    )
    np.testing.assert_allclose(new["b2"], [[0.00010457]], atol=5e-9)


def test_nn_model_as_published_for_v4_and_v1_seeds():
    case = by_label("nn_model")["course v4 test, 10000 iterations"]
    v4, v1_seed = case.answers
    np.testing.assert_allclose(
        v4["W2"], [[2.82545815, -3.3063945, -3.16116615, 1.8549574]], atol=5e-7
    )
    np.testing.assert_allclose(v4["b2"], [[0.00393452]], atol=5e-8)
    assert not np.allclose(v1_seed["W1"], v4["W1"])  # the other start the course accepts


def test_predict_as_published():
    case = by_label("predict")["course test (every version)"]
    np.testing.assert_array_equal(case.expected["predictions"], [[1, 0, 1]])


def test_the_planar_utils_stand_in_is_the_course_flower():
    X, Y = load_planar_dataset()
    assert X.shape == (2, 400) and Y.shape == (1, 400) and Y.dtype == np.uint8
    np.testing.assert_array_equal(X[:, 0], [1.204442292254319, 3.5761141481288448])
    assert float(X[0].sum()) == pytest.approx(-17.33836367040442, rel=1e-12)
    assert int(Y.sum()) == 200
    np.testing.assert_array_equal(sigmoid(np.array([0.0])), [0.5])


def test_engine_cost_takes_a_1d_A2_and_boolean_labels_and_names_a_misfit():
    assert engine.cost(np.array([0.7, 0.3, 0.8, 0.9, 0.9]), np.array([[1, 0, 1, 1, 1]])) == (
        pytest.approx(0.22944289410146546, rel=1e-12)
    )
    labels = np.array([[True, False, False]])
    A2 = np.array([[0.5002307, 0.49985831, 0.50023963]])
    assert engine.cost(A2, labels) == pytest.approx(0.6930587610394646, rel=1e-12)
    with pytest.raises(engine.StepnetError, match=r"A2 has shape \(1, 2\) but Y has 3 labels"):
        engine.cost(np.array([[0.5, 0.5]]), labels)
