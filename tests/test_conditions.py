"""Breakpoint conditions, on real runs: each one stops where its question first becomes true,
and agrees with the slow, obvious answer computed from the stepper's state."""

from __future__ import annotations

import time

import numpy as np
import pytest
from engine_fixtures import flower, random_params

from engine import StepnetError, Stepper, initialize
from engine.conditions import (
    ACCEPTED_FORMS,
    at_iteration,
    at_step,
    cost_rises,
    gradient_norm,
    gradient_norm_below,
    non_finite,
    parse_condition,
    symmetry_broken,
    symmetry_kept,
    unit_dead,
    unit_saturated,
    units_identical,
)
from engine.config import RunConfig
from engine.diagnostics import dead_units, symmetry
from engine.steps import STEP_NAMES, STEPS_PER_ITERATION


def stepper(**settings) -> Stepper:
    return RunConfig(**settings).stepper(flower())


def stepper_from(params: dict, activation: str = "tanh", learning_rate: float = 1.2) -> Stepper:
    X, Y = flower()
    return Stepper(X, Y, params, activation=activation, learning_rate=learning_rate)


def norm_from_state(s: Stepper) -> float:
    state = s.state()
    return float(np.sqrt(sum(np.sum(state[name] ** 2) for name in ("dW1", "db1", "dW2", "db2"))))


def stopped_iteration(result) -> int:
    """The iteration number the run's message names: '… (iteration 37)'."""
    return int(result.message.rsplit("(iteration ", 1)[1].rstrip(")"))


def dead_unit_params() -> dict:
    """Four ReLU units; unit 0 has zero weights and bias −1, so its Z1 is −1 on every example."""
    params = random_params(4, scale=0.5, seed=7)
    params["W1"][0] = 0.0
    params["b1"][0] = -1.0
    return params


# ---- cost rises


def test_cost_rises_stops_at_the_first_rise_of_a_too_large_learning_rate():
    s = stepper(learning_rate=10.0)
    result = s.run(5000, breakpoints=[cost_rises()])

    assert result.reason == "breakpoint"
    assert result.breakpoint.label == "cost rises"
    costs = s.costs
    assert costs[-1] > costs[-2]
    assert (np.diff(costs[:-1]) <= 0).all(), "it should have stopped at an earlier rise"
    assert stopped_iteration(result) == len(costs) - 1
    assert s.next_index == 0  # after a whole iteration


def test_cost_rises_stays_quiet_while_the_cost_falls():
    s = stepper()
    result = s.run(300, breakpoints=[cost_rises()])
    assert result.reason == "done"
    assert (np.diff(s.costs) <= 0).all()


# ---- non-finite


def test_non_finite_holds_where_the_engine_found_an_infinite_cost():
    s = stepper(activation="linear", learning_rate=100.0, scale=1.0)
    with np.errstate(all="ignore"):
        result = s.run(3000)
    assert result.reason == "non-finite"
    assert not np.isfinite(s.costs[-1])
    assert non_finite().condition(s)


def test_non_finite_sees_a_parameter_that_overflowed_while_the_cost_stayed_finite():
    # linear units with A1 ~ 1e10 and W2 ~ 1e-300: J stays log 2, but α·dW2 overflows
    params = {
        "W1": np.array([[1e10, 0.0], [0.0, 1e10], [-1e10, 0.0], [0.0, -1e10]]),
        "b1": np.zeros((4, 1)),
        "W2": np.full((1, 4), 1e-300),
        "b2": np.zeros((1, 1)),
    }
    s = stepper_from(params, activation="linear", learning_rate=1e300)
    with np.errstate(all="ignore"):
        s.finish_iteration()
    assert np.isfinite(s.costs).all()
    assert not np.isfinite(s.parameters()["W2"]).all()
    assert non_finite().condition(s)


def test_non_finite_is_quiet_on_a_healthy_run_and_before_any_cost():
    s = stepper()
    assert not non_finite().condition(s)  # cursor 0: the workspace's cost is still NaN
    result = s.run(500, breakpoints=[non_finite()])
    assert result.reason == "done"


# ---- gradient norm


def test_gradient_norm_below_stops_a_converging_run_where_the_norm_first_drops_below():
    s = stepper()
    result = s.run(10_000, breakpoints=[gradient_norm_below(3e-3)])

    assert result.reason == "breakpoint"
    assert result.breakpoint.label == "grad norm < 0.003"
    assert norm_from_state(s) < 3e-3
    stopped = s.cursor
    s.goto(stopped - STEPS_PER_ITERATION)  # the iteration before: still at or above
    assert norm_from_state(s) >= 3e-3


@pytest.mark.parametrize("init", ["random", "zeros", "constant:0.5"])
def test_gradient_norm_counts_every_unit_even_when_units_are_grouped(init):
    s = stepper(init=init, hidden=5)
    s.run(3)
    assert gradient_norm(s) == pytest.approx(norm_from_state(s), rel=1e-12, abs=1e-300)
    s.step()  # Z1 of the next iteration: its gradients are not computed yet
    assert gradient_norm(s) is None
    assert not gradient_norm_below(1e300).condition(s)


@pytest.mark.parametrize("threshold", [0, -1e-4, float("nan"), float("inf"), "small"])
def test_gradient_norm_below_refuses_a_threshold_that_is_not_a_positive_number(threshold):
    with pytest.raises(StepnetError, match="threshold"):
        gradient_norm_below(threshold)


# ---- dead units


@pytest.mark.parametrize("activation", ["relu", "leaky_relu"])
def test_unit_dead_stops_at_once_on_a_unit_whose_z1_is_negative_everywhere(activation):
    s = stepper_from(dead_unit_params(), activation=activation)
    result = s.run(100, breakpoints=[unit_dead()])

    assert result.reason == "breakpoint"
    assert result.iterations == 1
    Z1 = s.state()["Z1"]
    assert 0 in dead_units(Z1)
    assert (Z1[0] < 0).all()


def test_unit_dead_ignores_activations_that_do_not_die():
    s = stepper_from(dead_unit_params(), activation="tanh")
    s.run(1)
    assert dead_units(s.state()["Z1"])  # negative everywhere, but tanh still passes gradient
    assert not unit_dead().condition(s)
    assert s.run(50, breakpoints=[unit_dead()]).reason == "done"


def test_unit_dead_agrees_with_diagnostics_iteration_by_iteration():
    condition = unit_dead().condition
    s = stepper(activation="relu", learning_rate=3.0, scale=1.0, seed=5)
    for _ in range(60):
        s.run(1)
        assert condition(s) == bool(dead_units(s.state()["Z1"]))


# ---- saturation


def saturated_share(s: Stepper) -> float:
    """The largest share of one unit's Z1 entries past the activation's knee."""
    Z1 = s.state()["Z1"]
    return float(np.mean(np.abs(Z1) > s.activation.flat_threshold, axis=1).max())


def test_unit_saturated_stops_when_some_unit_is_mostly_flat():
    s = stepper(scale=10.0)
    result = s.run(100, breakpoints=[unit_saturated(0.9)])
    assert result.reason == "breakpoint"
    assert result.breakpoint.label == "saturated > 0.9"
    assert saturated_share(s) > 0.9


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_unit_saturated_agrees_with_the_share_measured_on_the_state(activation):
    conditions = {share: unit_saturated(share).condition for share in (0.0, 0.3, 0.6, 0.9)}
    s = stepper(activation=activation, scale=2.0, learning_rate=2.0)
    for _ in range(40):
        s.run(1)
        measured = saturated_share(s)
        for share, condition in conditions.items():
            assert condition(s) == (measured > share), (share, measured)


def test_unit_saturated_never_fires_for_activations_without_a_flat_region():
    for activation in ("relu", "leaky_relu", "linear"):
        s = stepper(activation=activation, scale=10.0)
        assert s.run(20, breakpoints=[unit_saturated(0.0)]).reason == "done"


@pytest.mark.parametrize("share", [1.0, -0.1, 2, float("nan"), "most"])
def test_unit_saturated_refuses_a_share_outside_0_to_1(share):
    with pytest.raises(StepnetError, match="share"):
        unit_saturated(share)


# ---- symmetry


def test_symmetry_broken_never_fires_for_zeros_over_2000_iterations():
    s = stepper(init="zeros")
    result = s.run(2000, breakpoints=[symmetry_broken()])
    assert result.reason == "done"
    assert symmetry(s.parameters()).all_identical


def test_symmetry_broken_fires_at_once_for_random_init():
    s = stepper()
    result = s.run(100, breakpoints=[symmetry_broken()])
    assert result.reason == "breakpoint"
    assert result.iterations == 1
    assert not symmetry(s.parameters()).all_identical


def test_symmetry_kept_fires_at_once_for_a_symmetric_start_and_never_for_random():
    s = stepper(init="constant:0.5")
    assert s.run(100, breakpoints=[symmetry_kept()]).iterations == 1
    assert stepper().run(200, breakpoints=[symmetry_kept()]).reason == "done"


def two_groups_params() -> dict:
    """Units 0 and 2 identical, units 1 and 3 identical, the two pairs different."""
    params = random_params(4, seed=11)
    params["W1"][2:] = params["W1"][:2]
    params["b1"][2:] = params["b1"][:2]
    params["W2"][0, 2:] = params["W2"][0, :2]
    return params


@pytest.mark.parametrize("init", ["zeros", "constant:0.5", "random", "two groups", "one unit"])
def test_units_identical_agrees_with_diagnostics_symmetry(init):
    if init == "two groups":
        s = stepper_from(two_groups_params())
    elif init == "one unit":
        s = stepper(hidden=1)
    else:
        s = stepper(init=init)
    for _ in range(30):
        assert units_identical(s) == symmetry(s.parameters()).all_identical
        s.run(1)


def test_units_identical_counts_minus_zero_as_zero_like_diagnostics():
    params = initialize("zeros", 2, 3)
    params["W1"][1, 0] = -0.0
    s = stepper_from(params)
    assert units_identical(s)
    assert symmetry(s.parameters()).all_identical


# ---- iterations and steps


def test_at_iteration_stops_exactly_after_that_iteration():
    s = stepper()
    result = s.run(1000, breakpoints=[at_iteration(37)])
    assert result.reason == "breakpoint"
    assert stopped_iteration(result) == 37
    assert result.iterations == 38
    assert s.cursor == 38 * STEPS_PER_ITERATION
    assert len(s.costs) == 38


def test_at_iteration_from_the_middle_of_an_iteration_and_once_past_it():
    s = stepper()
    s.goto(5 * STEPS_PER_ITERATION + 3)
    assert stopped_iteration(s.run(1000, breakpoints=[at_iteration(37)])) == 37
    assert s.run(50, breakpoints=[at_iteration(37)]).reason == "done"  # already past


def test_at_iteration_zero_and_bad_numbers():
    s = stepper()
    assert s.run(10, breakpoints=[at_iteration(0)]).iterations == 1
    for bad in (-1, 1.5, True, "3"):
        with pytest.raises(StepnetError, match="whole number"):
            at_iteration(bad)


def test_at_step_stops_right_after_that_step():
    s = stepper()
    s.run(3)
    result = s.run(breakpoints=[at_step("dW1")])
    assert result.reason == "breakpoint"
    assert s.event.name == "dW1"
    assert s.event.iteration == 3


def test_at_step_refuses_an_unknown_step_and_lists_the_names():
    with pytest.raises(StepnetError, match="unknown step 'dw1': use one of Z1, A1") as error:
        at_step("dw1")
    assert "\n" not in str(error.value)


# ---- the prompt


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("cost rises", "cost rises"),
        ("  Cost   Rises ", "cost rises"),
        ("cost increases", "cost rises"),
        ("non-finite", "non-finite"),
        ("nan", "non-finite"),
        ("non_finite", "non-finite"),
        ("grad norm < 1e-4", "grad norm < 0.0001"),
        ("gradient norm below 1E-7", "grad norm < 1e-07"),
        ("grad norm<0.5", "grad norm < 0.5"),
        ("dead unit", "dead unit"),
        ("dead units", "dead unit"),
        ("saturated", "saturated > 0.9"),
        ("saturated > 0.8", "saturated > 0.8"),
        ("saturation above .75", "saturated > 0.75"),
        ("symmetry kept", "symmetry kept"),
        ("symmetry broken", "symmetry broken"),
        ("iteration 500", "iteration 500"),
        ("at iteration 7", "iteration 7"),
        ("iter 0", "iteration 0"),
        ("dW1", "dW1"),
        ("dw1", "dW1"),
        ("step db2", "db2"),
        ("after A1", "A1"),
        ("cost", "cost"),
    ],
)
def test_parse_condition_reads_each_form(text, label):
    bp = parse_condition(text)
    assert bp.label == label
    again = parse_condition(bp.label)  # labels read back: sessions save them as text
    assert (again.label, again.step) == (bp.label, bp.step)


def test_parse_condition_gives_a_step_breakpoint_for_every_step_name():
    for name in STEP_NAMES:
        bp = parse_condition(name)
        assert (bp.step, bp.condition) == (name, None)


def test_every_factory_label_reads_back():
    for bp in (
        cost_rises(),
        non_finite(),
        gradient_norm_below(1.2345678901234567e-5),
        unit_dead(),
        unit_saturated(),
        unit_saturated(0.123456789),
        symmetry_kept(),
        symmetry_broken(),
        at_iteration(12345),
        at_step("b2"),
    ):
        assert parse_condition(bp.label).label == bp.label


@pytest.mark.parametrize(
    "text",
    ["", "   ", "cost falls", "grad norm", "grad norm < x", "iteration -1", "iteration 1.5",
     "dW3", "symmetry", "saturated > 1.5", "grad norm < 0", "foo\nbar", "x" * 500],
)  # fmt: skip
def test_parse_condition_refuses_anything_else_with_one_line(text):
    with pytest.raises(StepnetError) as error:
        parse_condition(text)
    message = str(error.value)
    assert "\n" not in message
    assert len(message) < 400
    if "saturated" not in text and "grad norm < 0" not in text:
        assert ACCEPTED_FORMS in message


def test_parse_condition_refuses_non_text():
    with pytest.raises(StepnetError, match="text"):
        parse_condition(None)


# ---- the whole set together, and cheap


ALL_QUIET = (
    cost_rises,
    non_finite,
    lambda: gradient_norm_below(1e-300),
    unit_dead,
    unit_saturated,
    symmetry_kept,
    lambda: at_iteration(10**9),
)


def test_conditions_are_false_on_a_fresh_stepper_where_nothing_happened():
    s = stepper()
    for make in ALL_QUIET:
        assert not make().condition(s)
    assert symmetry_broken().condition(s)  # random init: measured on the parameters, at once


def test_conditions_are_cheap_enough_for_the_fast_path():
    # ~30,000 iterations a second leave ~33 µs per iteration; each condition must take a
    # fraction of that (the bound is loose so a busy machine does not fail it)
    s = stepper(activation="relu")
    s.run(10)
    for make in (*ALL_QUIET, symmetry_broken):
        condition = make().condition
        condition(s)
        start = time.perf_counter()
        for _ in range(2000):
            condition(s)
        per_call = (time.perf_counter() - start) / 2000
        assert per_call < 50e-6, f"{make().label} takes {per_call * 1e6:.1f} µs"


def test_a_run_with_every_quiet_condition_still_runs_to_the_end():
    s = stepper()
    result = s.run(500, breakpoints=[make() for make in ALL_QUIET if make is not unit_saturated])
    assert result.reason == "done"
    assert result.iterations == 500


# ---- hostile text: bounded in time (issue 12)


def test_a_long_run_of_digits_is_refused_at_once_with_one_line():
    # 20k characters took 4.9 s before: the number's pattern backtracked quadratically
    started = time.perf_counter()
    with pytest.raises(StepnetError) as raised:
        parse_condition("grad norm < " + "1" * 20_000 + "x")
    assert time.perf_counter() - started < 0.05
    message = str(raised.value)
    assert "\n" not in message
    assert "breakpoint of 20,013 characters: keep it under 256" in message


def test_the_number_pattern_is_linear_even_past_the_length_bound():
    # the pattern on its own, on 200k digits: a backtracking one would take minutes
    from engine.conditions import _FORMS

    pattern = _FORMS[2][0]
    started = time.perf_counter()
    assert pattern.fullmatch("grad norm < " + "1" * 200_000 + "x") is None
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("grad norm < 1.", "grad norm < 1.0"),
        ("grad norm < .5", "grad norm < 0.5"),
        ("grad norm < 12.25e-3", "grad norm < 0.01225"),
        ("saturated > 0.8", "saturated > 0.8"),
    ],
)
def test_numbers_still_read_in_every_form(text, label):
    assert parse_condition(text).label == label
