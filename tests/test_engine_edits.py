"""What-if edits on the stepper: a branch whose past stays exact, whose future is a run started
from the edited values, and which steps back across the edit to the original and forth again."""

from __future__ import annotations

import pickle
import random

import numpy as np
import pytest
from engine_fixtures import flower, random_params

import engine
from engine import StepnetError, Stepper
from engine.conditions import cost_rises
from engine.config import RunConfig
from engine.edits import short
from engine.steps import STEPS_PER_ITERATION

N = STEPS_PER_ITERATION


def new_stepper(params=None, learning_rate=1.2, **kwargs) -> Stepper:
    X, Y = flower()
    params = random_params(4, scale=0.5, seed=11) if params is None else params
    return engine.make_stepper(X, Y, params, learning_rate=learning_rate, **kwargs)


def state_copy(stepper: Stepper) -> dict:
    return {name: np.copy(value) for name, value in stepper.state().items()}


def assert_same_state(actual: dict, expected: dict, where="") -> None:
    assert set(actual) == set(expected), where
    for name, value in expected.items():
        np.testing.assert_array_equal(actual[name], value, err_msg=f"{where} {name}")


def test_an_edit_opens_a_branch_whose_future_is_a_run_from_the_edited_values():
    original = new_stepper()
    before = {}
    for _ in range(12 * N):
        original.step()
        before[original.cursor] = state_copy(original)
    original_costs = np.array(original.costs)

    stepper = new_stepper()
    stepper.goto(10 * N + 3)  # mid-iteration 10: the edit goes to its start
    old = stepper.iteration_start_parameters()["W1"][2, 0]
    edit = stepper.edit("W1", (2, 0), 0.0)

    assert (edit.iteration, edit.old, edit.new) == (10, old, 0.0)
    assert str(edit) == f"edited at iteration 10: W1[2, 0] {short(old)} → 0.0"
    assert stepper.cursor == 10 * N + 3  # back where it was, the steps recomputed
    assert stepper.iteration_start_parameters()["W1"][2, 0] == 0.0

    # the future: exactly a run started from the edited parameters
    stepper.goto(10 * N)
    edited = stepper.parameters()
    assert edited["W1"][2, 0] == 0.0
    reference = new_stepper(params=edited)
    stepper.run(30)
    reference.run(30)
    np.testing.assert_array_equal(stepper.costs[10:], reference.costs)
    assert_same_state(state_copy(stepper), state_copy(reference), "30 iterations on")

    # the past: exactly as it was; stepping back across the edit restores the original
    np.testing.assert_array_equal(stepper.costs[:10], original_costs[:10])
    stepper.goto(10 * N - 1)
    assert_same_state(state_copy(stepper), before[10 * N - 1], "just before the edit")
    stepper.step()
    assert stepper.parameters()["W1"][2, 0] == 0.0  # forward across it: edited again
    for cursor in random.Random(0).sample(range(1, 10 * N), 25):
        stepper.goto(cursor)
        assert_same_state(state_copy(stepper), before[cursor], f"goto({cursor})")


def test_every_position_on_the_branch_comes_back_exactly_with_a_thinned_history():
    stepper = new_stepper(history_bytes=2_000)
    stepper.run(40)
    stepper.goto_iteration(25)
    stepper.edit("b2", (0, 0), 0.5)
    stepper.goto_iteration(31)
    stepper.edit("W2", (0, 1), -1.0)
    recorded = {}
    stepper.goto(0)
    for _ in range(300 * N):
        stepper.step()
        if stepper.cursor % 7 == 0 or stepper.cursor % N == 0:
            recorded[stepper.cursor] = state_copy(stepper)
    assert stepper.history.stride > 1
    for cursor in random.Random(2).sample(sorted(recorded), 60):
        stepper.goto(cursor)
        assert_same_state(state_copy(stepper), recorded[cursor], f"goto({cursor})")
    fast = pickle.loads(pickle.dumps(stepper))  # as a run's child process hands it back
    fast.goto(0)
    fast.run(300)
    assert_same_state(state_copy(fast), recorded[300 * N], "run on the branch")


def test_an_alpha_edit_changes_the_steps_from_there_and_only_from_there():
    stepper = new_stepper()
    stepper.run(20)
    stepper.goto_iteration(8)
    edit = stepper.edit("alpha", (), 0.3)
    assert str(edit) == "edited at iteration 8: α 1.2 → 0.3"
    stepper.run(12)
    reference_start = new_stepper()
    reference_start.run(8)
    reference = new_stepper(params=reference_start.parameters(), learning_rate=0.3)
    reference.run(12)
    np.testing.assert_array_equal(stepper.costs[8:], reference.costs)
    unedited = new_stepper()
    unedited.run(8)
    stepper.goto(0)
    stepper.run(8)  # from the start again: α is 1.2 until the edit
    np.testing.assert_array_equal(stepper.costs, unedited.costs)
    assert stepper.ws.learning_rate == 0.3  # arrived at iteration 8: edited
    stepper.back()
    assert stepper.ws.learning_rate == 1.2


def test_editing_earlier_drops_the_edits_made_after_it_and_again_keeps_the_first_original():
    stepper = new_stepper()
    stepper.run(30)
    stepper.goto_iteration(20)
    stepper.edit("b1", (1, 0), 2.0)
    stepper.goto_iteration(10)
    first = stepper.edit("b1", (0, 0), 1.0)
    again = stepper.edit("b1", (0, 0), 3.0)
    assert stepper.edits == (again,)
    assert again.old == first.old and again.new == 3.0


def test_run_back_across_an_edit_matches_a_scan_of_the_branch():
    stepper = new_stepper(learning_rate=4.0)  # the cost rises now and then
    stepper.run(50)
    stepper.goto_iteration(30)
    stepper.edit("alpha", (), 0.5)
    stepper.run(30)
    rises = [k for k in range(1, 60) if stepper.costs[k] > stepper.costs[k - 1]]
    assert rises
    result = stepper.run_back([cost_rises()])
    assert (result.reason, stepper.cursor) == ("breakpoint", (rises[-1] + 1) * N)


@pytest.mark.parametrize(
    ("name", "index", "value", "message"),
    [
        ("W1", (4, 0), 0.0, r"W1\[4, 0\] is outside W1 \(4×2\): rows 0–3, columns 0–1"),
        ("W1", (0,), 0.0, "give a row and a column"),
        ("Z1", (0, 0), 0.0, "cannot edit 'Z1'"),
        ("b2", (0, 0), float("nan"), "finite number"),
        ("alpha", (), -1.0, "above 0"),
        ("alpha", (0,), 1.0, "without"),
    ],
)
def test_bad_edits_say_what_to_do_and_change_nothing(name, index, value, message):
    stepper = new_stepper()
    stepper.run(3)
    before = state_copy(stepper)
    with pytest.raises(StepnetError, match=message):
        stepper.edit(name, index, value)
    assert stepper.edits == ()
    assert_same_state(state_copy(stepper), before)


def test_one_of_identical_units_cannot_be_edited_alone_but_b2_can():
    stepper = RunConfig(init="zeros").stepper(flower())
    stepper.run(5)
    with pytest.raises(StepnetError, match="hidden unit 1 is identical to units 0, 1, 2, 3"):
        stepper.edit("W2", (0, 1), 0.5)
    stepper.edit("b2", (0, 0), 0.5)
    stepper.run(5)
    assert len(engine.diagnostics.symmetry(stepper.parameters()).groups) == 1


def test_a_mistaken_stepper_refuses_edits():
    stepper = new_stepper(mistake="no-1-over-m")
    with pytest.raises(StepnetError, match="remove the mistake"):
        stepper.edit("b2", (0, 0), 0.0)
