"""The course's week 3 assignment, reproduced: the planar flower, 4 tanh units, learning rate 1.2,
10,000 iterations, and the costs the notebook prints every 1000 iterations."""

from __future__ import annotations

import pytest
from engine_fixtures import flower

import engine
from engine import Stepper
from engine.diagnostics import accuracy

# Costs printed by the course's nn_model (np.random.seed(3) before initialize_parameters) every
# 1000 iterations, as published in public reproductions of the assignment. Only up to 6000:
# later the dynamics amplify rounding differences, and the printed costs differ in the 5th
# digit between BLAS builds (how np.dot sums its products), so they cannot pin the engine.
PUBLISHED_COSTS_SEED_3 = {
    0: 0.693162,
    1000: 0.258625,
    2000: 0.239334,
    3000: 0.230802,
    4000: 0.225528,
    5000: 0.221845,
    6000: 0.219094,
}
# An older version of the assignment seeded with 2.
PUBLISHED_COSTS_SEED_2 = {0: 0.693048, 1000: 0.288083, 2000: 0.254385}


def course_run(seed: int, iterations: int) -> Stepper:
    X, Y = flower()
    params = engine.initialize("random", X.shape[0], 4, scale=0.01, seed=seed)
    stepper = Stepper(X, Y, params, activation="tanh", learning_rate=1.2)
    result = stepper.run(iterations)
    assert result.reason == "done" and result.iterations == iterations
    return stepper


@pytest.fixture(scope="module")
def seed_3_run() -> Stepper:
    return course_run(seed=3, iterations=10_000)


def test_course_run_reaches_90_percent_training_accuracy(seed_3_run):
    X, Y = flower()
    assert len(seed_3_run.costs) == 10_000
    assert accuracy(seed_3_run.parameters(), X, Y, "tanh") >= 0.90


@pytest.mark.parametrize("iteration", sorted(PUBLISHED_COSTS_SEED_3))
def test_course_costs_match_the_published_printout(seed_3_run, iteration):
    cost = float(seed_3_run.costs[iteration])
    assert round(cost, 6) == PUBLISHED_COSTS_SEED_3[iteration], f"J[{iteration}] = {cost!r}"


@pytest.mark.parametrize("iteration", sorted(PUBLISHED_COSTS_SEED_2))
def test_older_assignment_seed_2_costs_match(iteration):
    stepper = course_run(seed=2, iterations=iteration + 1)
    cost = float(stepper.costs[iteration])
    assert round(cost, 6) == PUBLISHED_COSTS_SEED_2[iteration], f"J[{iteration}] = {cost!r}"


def test_train_is_the_same_run_as_the_stepper(seed_3_run):
    X, Y = flower()
    params = engine.train(X, Y, 4, learning_rate=1.2, iterations=10_000, seed=3)
    for name, value in seed_3_run.parameters().items():
        assert (params[name] == value).all(), name
