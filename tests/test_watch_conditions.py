"""Watch expressions as breakpoint conditions, and watchpoints: each stops a run where the slow,
obvious scan of the run's values says, runs back exactly, and survives a session file."""

from __future__ import annotations

import numpy as np
import pytest
from engine_fixtures import flower
from test_engine_reverse import forward_stops

from engine.config import RunConfig
from engine.errors import StepnetError
from engine.steps import STEPS_PER_ITERATION
from tui.session.session import Session
from tui.session.watch_conditions import moment_state, read_breakpoint

N = STEPS_PER_ITERATION


def stepper(**settings):
    return RunConfig(**settings).stepper(flower())


def values_per_iteration(name: str, iterations: int, **settings) -> list[np.ndarray]:
    """`name` after each whole iteration, stepped one event at a time."""
    s = stepper(**settings)
    values = []
    for _ in range(iterations):
        s.finish_iteration()
        values.append(np.array(s.state()[name]))
    return values


def latest_boundary_where(bp, before: int) -> int | None:
    """The brute-force answer for a condition: every earlier iteration end, newest first."""
    oracle = stepper()
    for position in range((before - 1) // N * N, 0, -N):
        oracle.goto(position)
        if bp.condition(oracle):
            return position
    return None


def test_a_watch_comparison_stops_after_the_first_iteration_where_it_holds():
    reference = stepper()
    reference.run(800)
    first = int(np.argmax(reference.costs < 0.3))
    assert reference.costs[first] < 0.3 <= reference.costs[first - 1]

    s = stepper()
    result = s.run(800, breakpoints=[read_breakpoint("cost < 0.3")])
    assert result.reason == "breakpoint" and s.cursor == (first + 1) * N
    assert result.message == f"breakpoint: cost < 0.3 (iteration {first})"


def test_a_reduction_of_a_gradient_stops_where_a_scan_of_the_state_says():
    text = "abs(dW1).max() > 0.015"  # the gradient grows as the units leave the origin
    grads = values_per_iteration("dW1", 300)
    first = next(k for k, g in enumerate(grads) if np.abs(g).max() > 0.015)
    assert first > 10
    s = stepper()
    s.run(300, breakpoints=[read_breakpoint(text)])
    assert s.cursor == (first + 1) * N


def test_a_comparison_of_arrays_holds_when_every_element_does():
    s = stepper()
    bp = read_breakpoint("A2 > 0.3")
    s.run(2)
    expected = bool((s.state()["A2"] > 0.3).all())
    assert bp.condition(s) is expected
    assert read_breakpoint("A2 > 0.0").condition(s) is True


def test_a_watch_that_is_not_true_or_false_is_refused_with_a_way_out():
    s = stepper()
    s.run(1)
    with pytest.raises(StepnetError, match=r"abs\(cost\) gives .* not True or False.* < 0\.3"):
        read_breakpoint("abs(cost)", s)
    # one not computed yet is taken: it may be True or False once its step has run
    assert read_breakpoint("dW1.max() < 1", stepper()).label == "dW1.max() < 1"
    with pytest.raises(StepnetError, match="not allowed"):
        read_breakpoint("__import__('os') < 1")
    with pytest.raises(StepnetError, match="cannot read breakpoint"):
        read_breakpoint("when it feels right")


def test_changes_by_stops_where_the_value_first_moves_by_more_than_the_amount():
    b2 = values_per_iteration("b2", 300, learning_rate=2.0)
    steps = [abs((b2[k] - b2[k - 1]).item()) for k in range(1, 300)]
    amount = sorted(steps)[-5]  # a few moves are larger: the first of them is the stop
    first = 1 + next(k for k, step in enumerate(steps) if step > amount)
    s = stepper(learning_rate=2.0)
    bp = read_breakpoint(f"b2 changes by > {amount!r}")
    assert bp.label == f"b2 changes by > {amount!r}"
    result = s.run(300, breakpoints=[bp])
    assert result.reason == "breakpoint" and s.cursor == (first + 1) * N


def test_changes_sign_stops_where_some_element_first_crosses_zero():
    db1 = values_per_iteration("db1", 200)
    first = next(k for k in range(1, 200) if (np.sign(db1[k]) * np.sign(db1[k - 1]) < 0).any())
    s = stepper()
    s.run(200, breakpoints=[read_breakpoint("db1 changes sign")])
    assert s.cursor == (first + 1) * N


@pytest.mark.parametrize(
    "text", ["cost < 0.45", "db1 changes sign", "b2 changes by > 0.002", "accuracy > 0.85"]
)
def test_run_back_on_watch_conditions_matches_the_brute_force_scan(text):
    bp = read_breakpoint(text)
    s = stepper()
    s.run(600)
    s.step()  # mid-iteration, as a user may be
    expected = latest_boundary_where(bp, s.cursor)
    stops = forward_stops(stepper(), [bp], s.cursor)
    result = s.run_back([bp])
    assert expected is not None and stops[-1] == expected
    assert (result.reason, s.cursor) == ("breakpoint", expected)


def test_a_watchpoint_never_compares_with_another_runs_value():
    bp = read_breakpoint("b2 changes by > 0.0")
    fast, slow = stepper(learning_rate=1.2), stepper(learning_rate=0.01)
    fast.run(10)
    slow.run(10)
    assert bp.condition(fast) and bp.condition(slow)  # each moved within its own run
    frozen = stepper(learning_rate=1.2, init="zeros", mistake=None)
    frozen.run(1)
    state = moment_state(frozen)
    assert state["iteration"] == 0 and len(state["costs"]) == 1


def test_session_takes_watch_breakpoints_and_a_session_file_keeps_them(tmp_path):
    session = Session(RunConfig())
    session.add_breakpoint("cost < 0.5")
    session.add_breakpoint("b2 changes by > 0.01")
    session.add_breakpoint("cost")  # still the step
    assert [bp.label for bp in session.breakpoints] == [
        "cost < 0.5",
        "b2 changes by > 0.01",
        "cost",
    ]
    session.add_breakpoint("abs(W1)")
    assert "not True or False" in session.message and len(session.breakpoints) == 3
    session.breakpoints.pop()  # the step breakpoint would stop every iteration
    session.stepper.run(300, breakpoints=session.breakpoints)
    stopped = session.stepper.cursor
    session.save(str(tmp_path / "s.json"))

    resumed = Session.resume(str(tmp_path / "s.json"))
    assert [bp.label for bp in resumed.breakpoints] == ["cost < 0.5", "b2 changes by > 0.01"]
    resumed.run_back()
    session.run_back()
    assert resumed.stepper.cursor == session.stepper.cursor < stopped


def test_a_lesson_runs_to_a_watch_breakpoint(tmp_path):
    from tui.lessons.lesson_file import load_lesson
    from tui.lessons.player import check_lesson

    path = tmp_path / "watch.toml"
    path.write_text(
        'title = "t"\nslide = "s"\n[setup]\niterations = 2000\n'
        '[[beats]]\nnote = "n"\nrun_to = "breakpoint cost < 0.5"\n'
        'claims = ["cost < 0.5", "costs[-2] >= 0.5"]\n'
    )
    lines = []
    assert check_lesson(load_lesson(path), lines.append) is None
    assert len(lines) == 2 and all("✓" in line for line in lines)
    path.write_text(path.read_text().replace("breakpoint cost < 0.5", "breakpoint cost <"))
    with pytest.raises(StepnetError, match=r"run_to: cannot read breakpoint 'cost <'"):
        load_lesson(path)


def test_a_breakpoint_past_the_length_bound_is_refused_at_once_as_an_expression_too():
    import time

    from engine.conditions import MAX_CONDITION_LENGTH

    for text in ("grad norm < " + "1" * 20_000 + "x", "abs(dW1).max() < " + "1" * 20_000):
        start = time.perf_counter()
        with pytest.raises(StepnetError, match="characters"):
            read_breakpoint(text)
        assert time.perf_counter() - start < 0.5
        assert len(text) > MAX_CONDITION_LENGTH
