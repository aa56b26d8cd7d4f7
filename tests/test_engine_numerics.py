"""σ and the cost stay finite, exact and silent for logits far beyond where the naive formulas
overflow (|z| > 709) or round to log(0) (|z| > 37)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from engine_fixtures import flower

import engine

EXTREME_Z = np.array([[-1e4, -800.0, -40.0, -1.0, 0.0, 1.0, 40.0, 800.0, 1e4]])


def reference_sigmoid(z: float) -> float:
    """σ(z) by cases, so that math.exp never overflows."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    return math.exp(z) / (1.0 + math.exp(z))


def reference_loss(z: float, y: int) -> float:
    """−[y log σ(z) + (1 − y) log(1 − σ(z))] = softplus((1 − 2y)·z), with
    softplus(t) = max(t, 0) + log(1 + e^−|t|)."""
    t = (1 - 2 * y) * z
    return max(t, 0.0) + math.log1p(math.exp(-abs(t)))


def strict():
    """Every floating-point condition numpy warns about becomes an error. Underflow is left as
    numpy's default ('ignore': it never warns), since e^−800 rounding to 0 is the right answer
    and what σ relies on."""
    return np.errstate(over="raise", divide="raise", invalid="raise", under="ignore")


def test_sigmoid_is_finite_exact_and_silent_for_huge_z():
    with warnings.catch_warnings(), strict():
        warnings.simplefilter("error")
        a = engine.sigmoid(EXTREME_Z)
    expected = np.array([[reference_sigmoid(z) for z in EXTREME_Z[0]]])
    assert np.isfinite(a).all()
    np.testing.assert_allclose(a, expected, rtol=1e-15, atol=0)
    assert a[0, 0] == 0.0 and a[0, -1] == 1.0 and a[0, 4] == 0.5


def test_sigmoid_in_place_writes_into_out():
    out = np.empty_like(EXTREME_Z)
    with warnings.catch_warnings(), strict():
        warnings.simplefilter("error")
        returned = engine.sigmoid(EXTREME_Z, out=out)
    assert returned is out
    np.testing.assert_array_equal(out, engine.sigmoid(EXTREME_Z))


@pytest.mark.parametrize("label", [0, 1])
def test_cost_from_logits_is_exact_for_huge_z(label):
    Z2 = EXTREME_Z
    Y = np.full(Z2.shape, label)
    with warnings.catch_warnings(), strict():
        warnings.simplefilter("error")
        A2 = engine.sigmoid(Z2)
        cost = engine.cost(A2, Y, Z2=Z2)
    expected = np.mean([reference_loss(z, label) for z in Z2[0]])
    assert math.isfinite(cost)
    assert cost == pytest.approx(expected, rel=1e-14)


def test_cost_of_a_confidently_wrong_example_is_about_z():
    # z = 1e4 with y = 0: σ(z) rounds to exactly 1, log(1 − a) would be −inf; the loss is ≈ 1e4
    Z2 = np.array([[1e4]])
    with warnings.catch_warnings(), strict():
        warnings.simplefilter("error")
        cost = engine.cost(engine.sigmoid(Z2), np.array([[0]]), Z2=Z2)
    assert cost == pytest.approx(1e4, rel=1e-15)
    assert cost == pytest.approx(reference_loss(1e4, 0), rel=1e-15)


def test_cost_from_probabilities_alone_stays_finite_and_silent():
    # without Z2 the engine clips a probability of exactly 0 or 1 rather than take log(0)
    A2 = engine.sigmoid(EXTREME_Z)
    with warnings.catch_warnings(), strict():
        warnings.simplefilter("error")
        cost = engine.cost(A2, np.array([[0, 1, 0, 1, 0, 1, 0, 1, 0]]))
    assert math.isfinite(cost) and cost > 0


def test_cost_from_probabilities_matches_the_course_formula_when_nothing_saturates():
    _, Y = flower()
    rng = np.random.default_rng(4)
    A2 = rng.uniform(0.05, 0.95, size=Y.shape)
    m = Y.shape[1]
    course = -(np.dot(Y, np.log(A2).T) + np.dot(1 - Y, np.log(1 - A2).T)).item() / m
    assert engine.cost(A2, Y) == pytest.approx(course, rel=1e-13)
    Z2 = np.log(A2 / (1 - A2))
    assert engine.cost(A2, Y, Z2=Z2) == pytest.approx(course, rel=1e-12)


def test_saturated_network_trains_without_warnings():
    # Weights of scale 100 drive |Z1| and |Z2| into the thousands: every step must stay finite
    # and no numpy warning may escape.
    X, Y = flower()
    params = engine.initialize("random", 2, 4, scale=100.0, seed=3)
    stepper = engine.Stepper(X, Y, params, activation="sigmoid", learning_rate=1.2)
    with warnings.catch_warnings(), strict():
        warnings.simplefilter("error")
        events = [stepper.step() for _ in range(3 * 15)]
        result = stepper.run(50)
    assert result.reason == "done"
    assert all(event.finite for event in events)
    assert events[0].value.min() < -709  # some Z1 really is past the point where e^−z overflows
    assert np.abs(events[2].value).max() > 37  # and some Z2 past where σ rounds to 0 or 1
    assert np.isfinite(stepper.costs).all()


def test_softplus_sum_agrees_with_the_reference_on_both_of_its_routes():
    # up to 709 the fast route log1p(exp(t)); beyond, eᵗ overflows and logaddexp takes over
    from engine.loss import softplus_sum

    moderate = np.linspace(-745.0, 709.0, 2001)
    for t in (moderate, np.append(moderate, [710.0, 1e4])):
        with warnings.catch_warnings(), strict():
            warnings.simplefilter("error")
            total = softplus_sum(t)
        expected = math.fsum(reference_loss(value, 0) for value in t)
        assert total == pytest.approx(expected, rel=1e-14)


def test_the_fast_path_and_the_event_path_cost_alike_where_exp_overflows():
    # W2 so large that |Z2| passes 709 on the first iteration: the cost takes the logaddexp route
    X, Y = flower()
    params = engine.initialize("random", 2, 4, seed=3)
    params["W2"] = np.full((1, 4), 400.0)
    fast = engine.Stepper(X, Y, params, learning_rate=0.01)
    slow = engine.Stepper(X, Y, params, learning_rate=0.01)
    fast.run(2)
    with warnings.catch_warnings(), strict():
        warnings.simplefilter("error")
        for _ in range(2 * len(engine.STEPS)):
            slow.step()
    Z2 = fast.state()["Z2"]
    assert np.abs(Z2).max() > 709
    expected = np.mean([reference_loss(z, y) for z, y in zip(Z2[0], Y[0], strict=True)])
    assert fast.costs[-1] == pytest.approx(expected, rel=1e-14)  # the cost of that Z2
    np.testing.assert_array_equal(fast.costs, slow.costs)
