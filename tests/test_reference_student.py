"""The learner's functions beside the engine, iteration by iteration (what --student shows)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import engine
from engine.reference.student import trace_student, train_student

FILES = Path(__file__).parent / "learner_files"
X, Y = engine.load_dataset("flower")
START = engine.initialize("random", 2, 4, seed=3)
EXPOSED = ("Z1", "A1", "Z2", "A2", "cost", "dW2", "db2", "dW1", "db1", "W1", "b1", "W2", "b2")


def test_a_correct_file_agrees_at_every_step_it_exposes_for_each_iteration():
    trace = trace_student(FILES / "correct.py", X, Y, START, iterations=3)
    assert trace.divergence is None and trace.missing == []
    for marks in trace.iterations:
        assert marks.marks == dict.fromkeys(EXPOSED, "✓") and marks.errors == {}
    # dZ2 and dZ1 are not returned by the course's functions: nothing to mark there


def test_the_status_line_names_the_first_divergence_and_its_mistake():
    trace = trace_student(FILES / "no_1_over_m.py", X, Y, START, iterations=2)
    assert trace.divergence.status_line() == (
        "yours: backward_propagation differs first at dW2, iteration 0 — no-1-over-m"
    )
    marks = trace.iterations[0].marks
    assert [marks[step] for step in ("dW2", "db2", "dW1", "db1")] == ["✗"] * 4
    # each function is judged from the engine's inputs: the update after theirs is still right
    assert [marks[step] for step in ("cost", "W1", "b1", "W2", "b2")] == ["✓"] * 5


def test_a_function_that_raises_is_shown_at_its_steps():
    trace = trace_student(FILES / "crash.py", X, Y, START)
    assert trace.iterations[0].errors == {
        "forward_propagation": "KeyError: 'w1' (line 38, in forward_propagation)"
    }
    assert "Z1" not in trace.iterations[0].marks and trace.iterations[0].marks["dW2"] == "✓"
    assert trace.divergence.status_line() == (
        "yours: forward_propagation failed (KeyError: 'w1'), iteration 0"
    )


def test_a_consistent_cache_hides_a_slope_from_Z1_as_the_issue_says():
    assert trace_student(FILES / "slope_from_z1.py", X, Y, START).divergence is None


def test_the_iterations_are_bounded():
    with pytest.raises(engine.StepnetError, match="1 to 1000 iterations"):
        trace_student(FILES / "correct.py", X, Y, START, iterations=10_000)


def test_each_differing_step_keeps_theirs_the_engines_and_the_mistake_it_matches():
    trace = trace_student(FILES / "no_1_over_m.py", X, Y, START)
    marks = trace.iterations[0]
    assert sorted(marks.differences) == ["dW1", "dW2", "db1", "db2"]  # where ✗, nothing else
    for step, difference in marks.differences.items():
        # what the value panel shows: theirs is the engine's times m, entry by entry
        assert difference.got == pytest.approx(400 * difference.expected, rel=1e-9)
        assert marks.diagnoses[step][0] == "no-1-over-m"
    assert marks.diagnoses["dW1"][1] == (
        "your dW1 is exactly m = 400 times the reference: the 1/m is missing"
    )


def test_training_on_a_correct_file_follows_the_engines_cost_curve():
    from engine.functional import backward, cost, forward, update

    training = train_student(FILES / "correct.py", X, Y, START, iterations=50)
    assert training.error is None and len(training.costs) == 50
    params, engines = dict(START), []
    for _ in range(50):  # the engine's own loop from the same start
        cache = forward(params, X)
        engines.append(cost(cache["A2"], Y))
        params = update(params, backward(params, cache, X, Y), 1.2)
    assert training.costs == pytest.approx(engines, rel=1e-9)


def test_training_on_theirs_says_why_it_stopped():
    blown_up = train_student(FILES / "no_1_over_m.py", X, Y, START, iterations=50)
    # 400 times too big a step: J is NaN by the third iteration, and the curve stops there
    assert blown_up.error == "your cost is not finite at iteration 2" and len(blown_up.costs) == 3
    crashed = train_student(FILES / "crash.py", X, Y, START, iterations=5)
    assert crashed == type(crashed)([], "KeyError: 'w1' (line 38, in forward_propagation)")


# ---- the search r makes: however far ahead, in chunks, cancellable


def test_the_search_finds_a_divergence_hundreds_of_iterations_ahead():
    from engine.functional import backward, forward, update
    from engine.reference.divergence_search import search_divergence

    found = search_divergence(
        FILES / "clip_a2.py", X, Y, START,
        first_iteration=0, after=(0, -1), until=(1000, 14), learning_rate=1.2,
    )  # fmt: skip
    assert found.place == (515, 3) and not found.cancelled  # A2, at iteration 515
    assert sorted(found.marks) == list(range(500, 600))  # the chunk it was found in, alone
    assert found.marks[515].marks["A2"] == "✗" and found.marks[514].marks["A2"] == "✓"
    params = dict(START)  # the engine's A2 there is the first the clip changes beyond tolerance
    for _ in range(515):
        params = update(params, backward(params, forward(params, X), X, Y), 1.2)
    A2 = forward(params, X)["A2"]
    clipped = np.clip(A2, 0.01, 0.99)
    assert not np.allclose(clipped, A2, rtol=1e-5, atol=1e-8)
    assert np.array_equal(found.marks[515].differences["A2"].expected, A2)


def test_the_search_stops_at_until_and_when_cancelled():
    from engine.reference.divergence_search import search_divergence

    chunks = []
    clean = search_divergence(
        FILES / "clip_a2.py", X, Y, START, first_iteration=0, after=(0, -1), until=(250, 14),
        learning_rate=1.2, on_chunk=chunks.append,
    )  # fmt: skip
    assert (clean.place, clean.compared, clean.cancelled) == (None, 251, False)
    assert chunks == [100, 200, 251]
    asked = []
    cancelled = search_divergence(
        FILES / "clip_a2.py", X, Y, START, first_iteration=0, after=(0, -1), until=(1000, 14),
        learning_rate=1.2, cancel=lambda: asked.append(1) or len(asked) > 2,
    )  # fmt: skip
    assert (cancelled.place, cancelled.compared, cancelled.cancelled) == (None, 200, True)
