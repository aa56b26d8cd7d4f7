"""The Stepper: the fast path and the event path agree bit for bit, stepping back and jumping
reproduce every value exactly (also with thinned checkpoints), and runs stop for the right
reason at the right place; a pickled stepper arrives as it left, without its scratch."""

from __future__ import annotations

import pickle
import random

import numpy as np
import pytest
from engine_fixtures import ACTIVATION_NAMES, flower, random_params

import engine
from engine import STEP_NAMES, STEPS, Breakpoint, StepnetError, Stepper

STEPS_PER_ITERATION = len(STEPS)


def new_stepper(activation="tanh", n_h=5, *, learning_rate=1.2, params=None, **kwargs):
    X, Y = flower()
    params = random_params(n_h, scale=0.5, seed=11) if params is None else params
    return engine.make_stepper(
        X, Y, params, activation=activation, learning_rate=learning_rate, **kwargs
    )


def snapshot(event) -> tuple:
    """What identifies an event and its value; the value is already a fresh read-only copy."""
    return event.iteration, event.index, event.name, event.value


def assert_same_event(event, recorded, where="") -> None:
    iteration, index, name, value = recorded
    assert (event.iteration, event.index, event.name) == (iteration, index, name), where
    if name == "cost":
        assert event.value == value, where
    else:
        np.testing.assert_array_equal(event.value, value, err_msg=f"{where} {name}")


def assert_same_parameters(actual: dict, expected: dict) -> None:
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_array_equal(actual[name], expected[name], err_msg=name)


# ---- 3. fast path vs event path


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("init", ["random", "constant:0.5"])
def test_fast_path_and_event_path_are_bit_identical(activation, init):
    iterations = 40
    params = random_params(6, seed=5) if init == "random" else engine.initialize(init, 2, 6)
    fast = new_stepper(activation, params=params)
    slow = new_stepper(activation, params=params)

    result = fast.run(iterations)
    for _ in range(STEPS_PER_ITERATION * iterations):
        slow.step()

    assert result.reason == "done" and result.iterations == iterations
    assert fast.cursor == slow.cursor == STEPS_PER_ITERATION * iterations
    assert_same_parameters(fast.parameters(), slow.parameters())
    np.testing.assert_array_equal(fast.costs, slow.costs)
    assert len(fast.costs) == iterations
    # The forward cache and gradients of the last iteration agree too.
    fast_state, slow_state = fast.state(), slow.state()
    for name in STEP_NAMES:
        np.testing.assert_array_equal(fast_state[name], slow_state[name], err_msg=name)


def test_costs_are_the_cost_events():
    stepper = new_stepper()
    events = [stepper.step() for _ in range(6 * STEPS_PER_ITERATION)]
    costs = [event.value for event in events if event.name == "cost"]
    assert stepper.costs.tolist() == costs
    assert len(costs) == 6 and costs[-1] < costs[0]


# ---- 4. stepping back and jumping


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_back_reproduces_every_event_exactly(activation):
    stepper = new_stepper(activation)
    k = 3 * STEPS_PER_ITERATION + 7  # ends mid-iteration, so going back crosses 3 boundaries
    recorded = [snapshot(stepper.step()) for _ in range(k)]

    for position in range(k - 1, 0, -1):
        event = stepper.back()
        assert stepper.cursor == position
        assert_same_event(event, recorded[position - 1], f"back to cursor {position}")
    assert stepper.back() is None and stepper.cursor == 0
    assert stepper.back() is None  # at the start already


def test_back_across_an_iteration_boundary():
    stepper = new_stepper()
    for _ in range(2 * STEPS_PER_ITERATION):
        last_update = stepper.step()  # ends on iteration 1's update of b2
    params_after_1 = stepper.parameters()
    stepper.step()  # Z1 of iteration 2
    assert stepper.iteration == 2 and len(stepper.costs) == 2

    event = stepper.back()

    assert (event.name, event.iteration) == ("b2", 1)
    np.testing.assert_array_equal(event.value, last_update.value)
    assert stepper.iteration == 2 and stepper.next_index == 0
    assert_same_parameters(stepper.parameters(), params_after_1)
    assert stepper.computed() == STEP_NAMES  # the state is iteration 1's, every step done
    assert len(stepper.costs) == 2

    event = stepper.back()  # the update of W2, before b2 was updated
    assert (event.name, event.iteration) == ("W2", 1)
    assert not np.array_equal(stepper.state()["b2"], params_after_1["b2"])


def test_goto_earlier_positions_reproduces_values_and_state():
    stepper = new_stepper("sigmoid")
    recorded = {}
    states = {}
    for _ in range(12 * STEPS_PER_ITERATION):
        event = stepper.step()
        recorded[stepper.cursor] = snapshot(event)
        if stepper.cursor % 11 == 0:
            states[stepper.cursor] = {k: np.copy(v) for k, v in stepper.state().items()}

    order = list(recorded)
    random.Random(0).shuffle(order)
    for cursor in order[:60]:
        stepper.goto(cursor)
        assert stepper.cursor == cursor
        assert_same_event(stepper.event, recorded[cursor], f"goto({cursor})")
    for cursor, state in states.items():
        stepper.goto(cursor)
        now = stepper.state()
        assert set(now) == set(state)
        for name, value in state.items():
            np.testing.assert_array_equal(now[name], value, err_msg=f"goto({cursor}) {name}")


def test_goto_iteration_restores_the_parameters_at_its_start():
    stepper = new_stepper("relu")
    starts = [stepper.parameters()]
    for _ in range(30):
        stepper.run(1)
        starts.append(stepper.parameters())
    for iteration in (17, 3, 0, 29, 30, 12):
        stepper.goto_iteration(iteration)
        assert stepper.cursor == iteration * STEPS_PER_ITERATION
        assert_same_parameters(stepper.parameters(), starts[iteration])
        assert len(stepper.costs) == iteration


@pytest.mark.parametrize("mistake", [None, "no-1-over-m"])
def test_back_at_the_start_the_iteration_start_parameters_are_the_initial_ones(mistake):
    # the app shows W', b' and the per-example loops from these: at the start they are the
    # initial parameters, however far the stepper had gone before
    params = random_params(5, scale=0.5, seed=11)
    stepper = new_stepper(params=params, mistake=mistake)
    stepper.run(200)
    stepper.goto(0)
    assert_same_parameters(stepper.iteration_start_parameters(), params)


def test_tiny_history_budget_thins_checkpoints_and_stays_exact():
    budget = 2_000  # room for 7 checkpoints of θ: 33 floats (n_h = 8, n_x = 2), 264 bytes
    reference = new_stepper("tanh", n_h=8)
    recorded = {}
    for _ in range(300 * STEPS_PER_ITERATION):
        event = reference.step()
        if reference.cursor % 37 == 0 or reference.cursor % STEPS_PER_ITERATION == 0:
            recorded[reference.cursor] = snapshot(event)

    thin = new_stepper("tanh", n_h=8, history_bytes=budget)
    thin.run(300)

    assert thin.history.stride > 1
    assert thin.history.nbytes <= budget
    assert len(thin.history) <= budget // thin.ws.theta.nbytes
    order = list(recorded)
    random.Random(1).shuffle(order)
    for cursor in order:
        thin.goto(cursor)
        assert_same_event(thin.event, recorded[cursor], f"goto({cursor})")
        assert thin.history.nbytes <= budget
    np.testing.assert_array_equal(thin.costs, reference.costs[: len(thin.costs)])
    # Stepping back one event at a time from a thinned iteration is exact too.
    thin.goto(250 * STEPS_PER_ITERATION + 4)
    reference.goto(250 * STEPS_PER_ITERATION + 4)
    for _ in range(20):
        assert_same_event(thin.back(), snapshot(reference.back()))


# ---- 5. run stop rules


def test_until_converged_stops_when_the_cost_is_calm():
    stepper = new_stepper(params=engine.initialize("random", 2, 4, seed=3))
    tolerance, window = 1e-5, 10

    result = stepper.run(20_000, until_converged=True, tolerance=tolerance, window=window)

    assert result.reason == "converged"
    assert result.iterations == len(stepper.costs) < 20_000
    assert f"iteration {len(stepper.costs) - 1}" in result.message
    changes = np.abs(np.diff(stepper.costs))
    assert (changes[-window:] < tolerance).all()
    # ... and it stopped at the first such window, not later
    calm = changes < tolerance
    earlier_windows = [calm[i - window : i].all() for i in range(window, len(calm))]
    assert not any(earlier_windows)


def test_step_breakpoint_stops_right_after_that_step():
    stepper = new_stepper()
    stepper.run(5)
    breakpoint_ = Breakpoint("after dW1", step="dW1")

    result = stepper.run(100, breakpoints=[breakpoint_])

    assert result.reason == "breakpoint" and result.breakpoint is breakpoint_
    assert stepper.event.name == "dW1" and stepper.event.iteration == 5
    assert stepper.next_index == STEP_NAMES.index("dW1") + 1
    assert "after dW1" in result.message
    # the value is what the event path computes at that position
    reference = new_stepper()
    reference.goto(stepper.cursor)
    np.testing.assert_array_equal(stepper.event.value, reference.event.value)


def test_condition_breakpoint_stops_after_the_first_iteration_where_it_holds():
    stepper = new_stepper(params=engine.initialize("random", 2, 4, seed=3))
    below = Breakpoint("cost below 0.5", condition=lambda s: s.costs[-1] < 0.5)

    result = stepper.run(10_000, breakpoints=[below])

    assert result.reason == "breakpoint" and result.breakpoint is below
    assert stepper.next_index == 0  # between iterations
    assert stepper.costs[-1] < 0.5
    assert (stepper.costs[:-1] >= 0.5).all()
    assert result.iterations == len(stepper.costs)


def test_cancel_pauses_the_run():
    stepper = new_stepper()
    calls = []

    def cancel():
        calls.append(stepper.iteration)
        return len(calls) > 7

    result = stepper.run(1_000, cancel=cancel)

    assert result.reason == "cancelled"
    assert result.iterations == 7 == stepper.iteration
    assert stepper.next_index == 0 and len(stepper.costs) == 7
    assert calls == list(range(8))  # asked once before each iteration
    assert "iteration 7" in result.message


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@pytest.mark.parametrize("activation", ["relu", "linear", "leaky_relu"])
def test_divergence_stops_right_after_the_first_non_finite_step(activation):
    stepper = new_stepper(activation, n_h=4, learning_rate=1e6)

    result = stepper.run(1_000)

    assert result.reason == "non-finite"
    event = stepper.event
    assert not event.finite
    assert stepper.cursor == event.iteration * STEPS_PER_ITERATION + event.index + 1
    assert f"{event.name} became NaN or Inf at iteration {event.iteration}" in result.message
    assert f"step {event.index + 1} of 15" in result.message
    assert "\n" not in result.message
    assert result.iterations == event.iteration  # whole iterations done before it
    # the step before was still finite: this really is the first bad value
    before = stepper.back()
    assert before.finite
    assert all(np.isfinite(value).all() for value in stepper.parameters().values())


def first_non_finite_event(stepper: Stepper, limit: int):
    """Step one event at a time until a value is NaN or Inf; that event, or None."""
    for _ in range(limit * STEPS_PER_ITERATION):
        event = stepper.step()
        if not event.finite:
            return event
    return None


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@pytest.mark.parametrize(
    ("activation", "learning_rate"),
    [("relu", 1e6), ("linear", 1e3), ("leaky_relu", 1e10), ("tanh", 1e308), ("sigmoid", 1.7e308)],
)
def test_fast_run_stops_where_the_event_path_first_sees_non_finite(activation, learning_rate):
    # the fast path only checks the cost (and the weights every few iterations), then replays;
    # it must land on the very event that stepping one at a time reports first
    params = engine.initialize("random", 2, 4, scale=0.01, seed=3)
    fast = new_stepper(activation, params=params, learning_rate=learning_rate)
    slow = new_stepper(activation, params=params, learning_rate=learning_rate)

    result = fast.run(500)
    first = first_non_finite_event(slow, 500)

    assert first is not None and result.reason == "non-finite"
    assert (fast.event.iteration, fast.event.name) == (first.iteration, first.name)
    assert fast.cursor == slow.cursor
    assert result.iterations == first.iteration


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_step_breakpoint_run_stops_on_divergence_too():
    # a run to a step breakpoint goes event by event, and stops at a NaN or Inf on the way
    stepper = new_stepper("relu", learning_rate=1e6)
    stepper.run(20)
    at_db2 = Breakpoint("after db2", step="db2")
    for _ in range(500):
        result = stepper.run(breakpoints=[at_db2])
        if result.reason != "breakpoint":
            break
        assert stepper.event.name == "db2"
    assert result.reason == "non-finite"
    assert not stepper.event.finite
    assert f"iteration {stepper.event.iteration}" in result.message


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@pytest.mark.parametrize("activation", ["relu", "linear"])
def test_train_raises_on_divergence(activation):
    X, Y = flower()
    with pytest.raises(StepnetError, match="became NaN or Inf at iteration") as caught:
        engine.train(X, Y, 4, activation=activation, learning_rate=1e6, iterations=500)
    assert "\n" not in str(caught.value)


def test_train_returns_the_steppers_parameters():
    X, Y = flower()
    params = engine.train(X, Y, 4, iterations=50, seed=3)
    stepper = Stepper(X, Y, engine.initialize("random", 2, 4, seed=3))
    stepper.run(50)
    assert_same_parameters(params, stepper.parameters())


def test_a_run_checks_conditions_even_with_a_step_breakpoint_set():
    from engine.conditions import at_iteration, at_step

    stepper = new_stepper("tanh", n_h=4)
    first = stepper.run(10, breakpoints=[at_step("dW1")])
    assert first.reason == "breakpoint" and stepper.event.name == "dW1"
    assert stepper.event.iteration == 0

    # continuing: the end of iteration 0 comes before the next dW1, and its condition fires
    second = stepper.run(10, breakpoints=[at_step("dW1"), at_iteration(0)])
    assert second.reason == "breakpoint" and second.breakpoint.label == "iteration 0"
    assert stepper.cursor == STEPS_PER_ITERATION


def test_a_step_breakpoint_run_still_honours_cancel_and_the_iteration_cap():
    from engine.conditions import at_step

    stepper = new_stepper("tanh", n_h=4)
    assert stepper.run(10, breakpoints=[at_step("dW1")], cancel=lambda: True).reason == (
        "cancelled"
    )
    assert stepper.cursor == 0
    stepper.step()
    assert stepper.run(0, breakpoints=[at_step("dW1")]).reason == "done"
    assert stepper.cursor == 1


# ---- 6. travelling by pickle, as a run's child process hands the stepper back


def _pickled_and_back(stepper: Stepper) -> Stepper:
    return pickle.loads(pickle.dumps(stepper))


@pytest.mark.parametrize("init", ["random", "constant:0.5"])  # distinct units, and one group
@pytest.mark.parametrize(
    "cursor",
    [
        30 * STEPS_PER_ITERATION,  # a boundary: the previous iteration's fifteen steps shown
        30 * STEPS_PER_ITERATION + 7,  # mid-iteration, the parameters not yet updated
        30 * STEPS_PER_ITERATION + 13,  # mid-update: W1 and b1 new, W2 and b2 not yet
        0,  # back at the start after a run
    ],
)
def test_a_pickled_stepper_arrives_exactly_as_it_left(init, cursor):
    params = random_params(5, seed=5) if init == "random" else engine.initialize(init, 2, 5)
    stepper = new_stepper(params=params)
    stepper.run(40)
    stepper.goto(cursor)
    copy = _pickled_and_back(stepper)

    assert copy.cursor == stepper.cursor
    if cursor:
        assert_same_event(copy.event, snapshot(stepper.event))
    else:
        assert copy.event is None
    state, copied_state = stepper.state(), copy.state()
    assert list(copied_state) == list(state)
    for name in state:
        np.testing.assert_array_equal(copied_state[name], state[name], err_msg=name)
    assert_same_parameters(copy.iteration_start_parameters(), stepper.iteration_start_parameters())
    for _ in range(2 * STEPS_PER_ITERATION):
        assert_same_event(copy.step(), snapshot(stepper.step()))
    np.testing.assert_array_equal(copy.ws.theta, stepper.ws.theta)
    # the fast path too: its calls are bound afresh to the copy's own buffers
    before = stepper.ws.theta.copy()
    copy.run(3)
    np.testing.assert_array_equal(stepper.ws.theta, before)
    stepper.run(3)
    np.testing.assert_array_equal(copy.ws.theta, stepper.ws.theta)
    np.testing.assert_array_equal(copy.costs, stepper.costs)


def test_a_pickled_stepper_leaves_its_scratch_buffers_behind():
    # m = 4,800 and n_h = 50: each (n_h, m) buffer of the steps is 1.9 MB, and there are four
    X, Y = (np.tile(array, 12) for array in flower())
    stepper = Stepper(X, Y, random_params(50, seed=2))
    stepper.run(20)
    stepper.goto(20 * STEPS_PER_ITERATION + 9)
    ws = stepper.ws
    # what must travel: the data (X inside [X; 1], Y and its signs), the parameters with
    # their gradients and the iteration's start, the checkpoints and the costs
    needed = (
        ws.X_ones.nbytes
        + 2 * ws.Y.nbytes
        + 4 * ws.theta.nbytes
        + stepper.history.nbytes
        + stepper._costs.nbytes
    )
    assert needed < ws.Z1.nbytes  # so that one scratch buffer would break the bound below
    assert len(pickle.dumps(stepper)) < needed + 64 * 1024


def test_the_steppers_copy_of_the_data_is_read_only():
    stepper = new_stepper()
    for arrival in (stepper, _pickled_and_back(stepper)):
        with pytest.raises(ValueError, match="read-only"):
            arrival.X[0, 0] = 1.0
