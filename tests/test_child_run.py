"""A run in a child process leaves the session exactly as the same run in-process would."""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time

import numpy as np
import pytest

from engine.config import RunConfig
from engine.mistakes.catalogue import MISTAKES
from engine.steps import STEPS_PER_ITERATION
from tui.session import child_run
from tui.session.child_run import new_cancel_event, run_in_child
from tui.session.session import Session


def _session(**changes) -> Session:
    session = Session(RunConfig(**changes))
    session.add_watch("abs(dW1).max()")
    return session


def _assert_same_session(actual: Session, expected: Session) -> None:
    assert actual.stepper.cursor == expected.stepper.cursor
    np.testing.assert_array_equal(actual.stepper.ws.theta, expected.stepper.ws.theta)
    np.testing.assert_array_equal(actual.stepper.costs, expected.stepper.costs)
    assert actual.message == expected.message
    assert [w.history for w in actual.watches] == [w.history for w in expected.watches]


@pytest.mark.parametrize("in_child", [True, False])
def test_a_child_run_ends_where_an_in_process_run_ends(monkeypatch, in_child):
    monkeypatch.setattr(child_run, "IN_CHILD", in_child)
    in_child, in_process = _session(iterations=3000), _session(iterations=3000)
    in_child.step()
    in_process.step()
    views = []
    result = run_in_child(in_child, new_cancel_event(), views.append, frame_seconds=0)
    expected = in_process.run(threading.Event(), lambda view: None, frame_seconds=0)
    assert result == expected
    assert result.reason == "done"
    _assert_same_session(in_child, in_process)
    # the Views came from the run as it went, the last of them near its end
    assert views and all(view.running for view in views)
    assert views[-1].iteration > 2900
    # stepping back into the run uses the history the child handed over
    for session in (in_child, in_process):
        session.stepper.goto(1234 * STEPS_PER_ITERATION + 6)
    np.testing.assert_array_equal(in_child.stepper.event.value, in_process.stepper.event.value)


def test_the_breakpoint_that_stopped_the_run_is_the_sessions_own():
    session = _session()
    session.add_breakpoint("iteration 250")
    session.toggle_step_breakpoint("dZ1")
    session.step()
    result = run_in_child(session, new_cancel_event(), lambda view: None)
    assert result.reason == "breakpoint"
    assert result.breakpoint is session.breakpoints[1]
    assert session.stepper.event.name == "dZ1"

    session.toggle_step_breakpoint("dZ1")
    result = run_in_child(session, new_cancel_event(), lambda view: None)
    assert result.breakpoint is session.breakpoints[0]
    assert session.stepper.iteration == 251


def test_a_cancelled_run_stops_at_once_and_keeps_what_it_did():
    session = _session(iterations=1_000_000)
    cancel = new_cancel_event()
    cancel.set()
    result = run_in_child(session, cancel, lambda view: None)
    assert result.reason == "cancelled"
    assert session.stepper.cursor == 0
    assert "paused at iteration 0" in session.message


@pytest.mark.parametrize("mistake", [mistake.name for mistake in MISTAKES])
def test_a_mistaken_run_comes_back_from_its_child_the_same(mistake):
    in_child = _session(mistake=mistake, iterations=300)
    in_process = _session(mistake=mistake, iterations=300)
    result = run_in_child(in_child, new_cancel_event(), lambda view: None)
    assert result == in_process.run(threading.Event(), lambda view: None)
    assert in_child.stepper.cursor == in_process.stepper.cursor
    np.testing.assert_array_equal(in_child.stepper.ws.theta, in_process.stepper.ws.theta)
    assert in_child.message == in_process.message
    if result.reason == "shape-error":  # the failure came back too, as the same message
        assert str(in_child.stepper.failure) == str(in_process.stepper.failure)


def _unchanged(session: Session, theta: np.ndarray, stepper) -> bool:
    return session.stepper is stepper and np.array_equal(stepper.ws.theta, theta)


@pytest.mark.parametrize("in_child", [True, False])
def test_a_run_that_raises_leaves_a_message_not_a_crash(monkeypatch, in_child):
    def failing_run(self, cancel, on_view, **kwargs):
        raise ValueError("no such thing as a free lunch")

    # patched before the fork, so the child's copy of the class has it too
    monkeypatch.setattr(Session, "run", failing_run)
    monkeypatch.setattr(child_run, "IN_CHILD", in_child)
    session = _session()
    session.step()
    stepper, theta = session.stepper, session.stepper.ws.theta.copy()

    result = run_in_child(session, new_cancel_event(), lambda view: None)

    assert result.reason == "failed"
    assert session.message.startswith("the run failed")
    assert session.message.endswith("ValueError: no such thing as a free lunch")
    assert result.message == session.message
    assert _unchanged(session, theta, stepper)


def test_a_child_that_ignores_the_pause_is_ended_soon_after(monkeypatch):
    def stuck_run(self, cancel, on_view, **kwargs):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # deaf to terminate(): kill() it is
        time.sleep(3600)

    monkeypatch.setattr(Session, "run", stuck_run)
    monkeypatch.setattr(child_run, "STOP_SECONDS", 1.0)
    session = _session()
    stepper, theta = session.stepper, session.stepper.ws.theta.copy()
    cancel = new_cancel_event()
    threading.Timer(0.3, cancel.set).start()

    started = time.monotonic()
    result = run_in_child(session, cancel, lambda view: None)
    took = time.monotonic() - started

    assert 0.3 + child_run.STOP_SECONDS <= took < 0.3 + child_run.STOP_SECONDS + 2.0
    assert result.reason == "failed"
    assert session.message == "the run did not stop when asked; it was ended, and nothing changed"
    assert _unchanged(session, theta, stepper)
    assert multiprocessing.active_children() == []
