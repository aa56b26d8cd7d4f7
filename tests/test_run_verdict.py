"""A finished run says what it means: stuck is not converged, and a blow-up is called one."""

from __future__ import annotations

import threading

from engine.config import RunConfig
from tui.session.session import Session


def finished_run(**changes) -> Session:
    session = Session(RunConfig(**changes))
    session.run(threading.Event(), lambda view: None)
    return session


def test_zero_init_on_the_flower_is_stuck_with_every_gradient_zero_not_converged():
    session = finished_run(init="zeros", iterations=200)
    message = session.message
    assert message.startswith("stuck, not converged: every gradient is exactly 0")
    assert "A[1] is 0" in message and "W[2] is 0" in message
    assert "converged at" not in message
    assert session.view().accuracy == 0.5  # the 50% it sits at


def test_a_learning_rate_far_too_large_is_said_to_diverge():
    session = finished_run(learning_rate=1.2 * 2**20, iterations=300)
    costs = session.stepper.costs
    assert costs[-1] > costs[0]
    assert session.message.startswith(f"diverged: J rose from {costs[0]:.6g} to {costs[-1]:.6g}")
    assert "press [ to halve it" in session.message


def test_a_good_run_keeps_the_engines_own_words():
    session = finished_run(iterations=50)
    assert session.message == "stopped at the iteration limit (50)"
