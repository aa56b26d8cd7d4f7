"""Stepper.run_back: the latest earlier position where a forward run would have stopped, checked
against two oracles on random conditions and runs: a brute-force scan of every earlier position,
and forward runs from the start, continued stop after stop."""

from __future__ import annotations

import random

import numpy as np
import pytest
from engine_fixtures import flower, random_params

import engine
from engine import Breakpoint, RunResult, Stepper
from engine.conditions import (
    at_iteration,
    at_step,
    cost_rises,
    gradient_norm_below,
    symmetry_kept,
    unit_saturated,
)
from engine.config import RunConfig
from engine.reverse import latest_step_position
from engine.steps import STEP_NAMES, STEPS_PER_ITERATION

N = STEPS_PER_ITERATION


def new_stepper(n_h=4, *, learning_rate=1.2, seed=11, **kwargs) -> Stepper:
    X, Y = flower()
    params = random_params(n_h, scale=0.5, seed=seed)
    return engine.make_stepper(X, Y, params, learning_rate=learning_rate, **kwargs)


def cost_digit(modulus: int, remainder: int) -> Breakpoint:
    """Holds at scattered, unpredictable iterations: where a digit of J has a given value."""

    def condition(stepper: Stepper) -> bool:
        costs = stepper.costs
        return bool(len(costs)) and int(costs[-1] * 1e9) % modulus == remainder

    return Breakpoint(f"cost digit {remainder} mod {modulus}", condition=condition)


def random_breakpoints(rng: random.Random) -> list[Breakpoint]:
    pool = [
        lambda: cost_digit(rng.randint(3, 40), rng.randint(0, 2)),
        lambda: at_iteration(rng.randint(0, 80)),
        lambda: gradient_norm_below(rng.choice([0.05, 0.2, 1.0])),
        lambda: unit_saturated(rng.choice([0.3, 0.6])),
        lambda: at_step(rng.choice(STEP_NAMES)),
        cost_rises,
    ]
    return [rng.choice(pool)() for _ in range(rng.randint(1, 3))]


def brute_force(stepper: Stepper, breakpoints, before: int) -> tuple[int, str] | None:
    """Every earlier position, newest first, asked the question run asks there."""
    steps = {bp.step: bp for bp in breakpoints if bp.step is not None}
    conditions = [bp for bp in breakpoints if bp.condition is not None]
    for position in range(before - 1, 0, -1):
        stepper.goto(position)
        if stepper.event.name in steps:
            return position, steps[stepper.event.name].label
        if position % N == 0:
            for bp in conditions:
                if bp.condition(stepper):
                    return position, bp.label
    return None


def forward_stops(stepper: Stepper, breakpoints, before: int) -> list[int]:
    """Where run, from the start, stops for `breakpoints`, continued until past `before`."""
    stepper.goto(0)
    stops = []
    while stepper.cursor < before:
        result = stepper.run(before // N + 1 - stepper.iteration, breakpoints=breakpoints)
        if result.reason != "breakpoint":
            break
        stops.append(stepper.cursor)
    return [stop for stop in stops if stop < before]


@pytest.mark.parametrize("seed", range(12))
def test_run_back_agrees_with_a_brute_force_scan_and_with_forward_runs(seed):
    rng = random.Random(seed)
    stepper = new_stepper(learning_rate=rng.choice([0.5, 1.2, 3.0]), seed=seed)
    breakpoints = random_breakpoints(rng)
    origin = rng.randint(1, 90 * N)
    stepper.goto(origin)
    oracle = new_stepper(learning_rate=stepper.learning_rate, seed=seed)

    result = stepper.run_back(breakpoints)

    expected = brute_force(oracle, breakpoints, origin)
    stops = forward_stops(oracle, breakpoints, origin)
    if expected is None:
        assert stops == []
        assert result.reason == "start" and stepper.cursor == 0
    else:
        assert stops and stops[-1] == expected[0]
        assert (result.reason, stepper.cursor) == ("breakpoint", expected[0])
        assert result.breakpoint.label == expected[1]
        assert result.iterations == (origin - 1) // N - (expected[0] - 1) // N
    # where it stopped, every value is the one computed there going forward
    oracle.goto(stepper.cursor)
    for name, value in oracle.state().items():
        np.testing.assert_array_equal(stepper.state()[name], value, err_msg=name)
    np.testing.assert_array_equal(stepper.costs, oracle.costs)


def test_run_back_again_and_again_visits_the_forward_stops_in_reverse():
    stepper = new_stepper()
    breakpoints = [cost_digit(7, 1)]
    stepper.run(150)
    visited = []
    while (result := stepper.run_back(breakpoints)).reason == "breakpoint":
        visited.append(stepper.cursor)
    assert result.reason == "start" and stepper.cursor == 0
    oracle = new_stepper()
    assert visited[::-1] == forward_stops(oracle, breakpoints, 150 * N)
    assert len(visited) > 10  # the test means something: many stops, many segments


def test_run_back_with_a_thinned_history_is_still_exact():
    stepper = new_stepper(n_h=8, history_bytes=2_000)
    stepper.run(400)
    assert stepper.history.stride > 16  # segments far apart
    breakpoints = [cost_digit(11, 3)]
    oracle = new_stepper(n_h=8)
    expected = brute_force(oracle, breakpoints, 400 * N)
    result = stepper.run_back(breakpoints)
    assert (result.reason, stepper.cursor) == ("breakpoint", expected[0])


def test_a_step_breakpoint_goes_to_the_latest_earlier_occurrence_of_that_step():
    stepper = new_stepper()
    stepper.goto(5 * N + 3)  # just after step index 2 of iteration 5
    result = stepper.run_back([at_step("Z1")])
    assert stepper.cursor == 5 * N + 1 and stepper.event.name == "Z1"
    assert result.message == "breakpoint: Z1 (iteration 5)"
    stepper.run_back([at_step("Z1")])  # strictly earlier: iteration 4's
    assert stepper.cursor == 4 * N + 1
    assert latest_step_position("Z1", 1) is None
    assert latest_step_position(STEP_NAMES[-1], N + 1) == N


def test_a_step_on_the_last_step_wins_over_a_condition_at_the_same_boundary_as_in_run():
    stepper = new_stepper()
    stepper.run(10)
    bps = [at_iteration(8), at_step(STEP_NAMES[-1])]
    result = stepper.run_back(bps)
    assert stepper.cursor == 9 * N and result.breakpoint.step == STEP_NAMES[-1]
    forward = new_stepper()
    assert forward.run(20, breakpoints=bps).breakpoint.step == STEP_NAMES[-1]


def test_at_the_start_or_with_nothing_held_it_says_so():
    stepper = new_stepper()
    assert stepper.run_back([cost_rises()]) == RunResult("start", 0, "already at the start")
    stepper.run(30)
    result = stepper.run_back([cost_rises()])  # the course's α: the cost only falls
    assert result.reason == "start" and stepper.cursor == 0
    assert result.message == "no breakpoint held before iteration 29: back at the start"
    stepper.run(3)
    assert stepper.run_back([]).reason == "start"


def test_symmetry_kept_from_zero_init_goes_back_one_iteration():
    stepper = RunConfig(init="zeros").stepper(flower())
    stepper.run(40)
    result = stepper.run_back([symmetry_kept()])
    assert (result.reason, stepper.cursor, result.iterations) == ("breakpoint", 39 * N, 1)


def test_a_cancelled_search_comes_back_where_it_was():
    stepper = new_stepper(n_h=2, history_bytes=10**6)
    stepper.run(3000)
    before = {name: np.copy(value) for name, value in stepper.state().items()}
    result = stepper.run_back([cost_rises()], cancel=lambda: True)
    assert result.reason == "cancelled" and stepper.cursor == 3000 * N
    for name, value in before.items():
        np.testing.assert_array_equal(stepper.state()[name], value, err_msg=name)


def test_run_back_on_a_mistaken_stepper_matches_the_brute_force_scan():
    X, Y = flower()
    params = random_params(3, scale=0.5, seed=4)
    make = lambda: engine.make_stepper(X, Y, params, mistake="no-1-over-m")  # noqa: E731
    stepper = make()
    stepper.run(25)
    breakpoints = [cost_digit(5, 2)]
    expected = brute_force(make(), breakpoints, 25 * N)
    result = stepper.run_back(breakpoints)
    if expected is None:
        assert result.reason == "start"
    else:
        assert stepper.cursor == expected[0]
