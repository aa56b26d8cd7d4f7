"""The gradient check on a key: per parameter, at the parameters the backward pass on screen
used; right for the course's steps, and catching every catalogue mistake that changes a
gradient (and none that does not)."""

from __future__ import annotations

import pytest
from app_helpers import WIDE, new_app

from engine.config import RunConfig
from engine.diagnostics import gradient_check
from engine.mistakes.catalogue import MISTAKES
from engine.steps import BACKWARD_STEPS
from tui.app.screens.table_screen import TableScreen
from tui.session.gradient_report import verdict
from tui.session.session import Session

GRADIENT_STEPS = {step.name for step in BACKWARD_STEPS}
MISTAKE_LIST = list(MISTAKES.values()) if isinstance(MISTAKES, dict) else list(MISTAKES)


def test_the_course_steps_pass_at_the_start_and_after_a_run():
    session = Session(RunConfig())
    for iterations in (0, 200):
        session.stepper.run(iterations)
        session.step()
        report = session.check_gradients()
        params = session.stepper.iteration_start_parameters()
        X, Y = session.data
        assert dict(report.differences) == gradient_check(params, X, Y, "tanh")
        assert report.all_right
        assert session.message.startswith("gradient check: every gradient right")


@pytest.mark.parametrize("mistake", MISTAKE_LIST, ids=lambda m: m.name)
def test_a_mistake_is_caught_exactly_when_it_changes_a_gradient(mistake):
    session = Session(RunConfig(mistake=mistake.name))
    report = session.check_gradients()
    changes_a_gradient = bool(set(mistake.steps) & GRADIENT_STEPS)
    assert report.all_right is not changes_a_gradient, report.summary()
    if changes_a_gradient:
        assert "gradient check: " in session.message and "right" not in session.message[:40]


def test_verdicts_follow_the_bands():
    assert [verdict(d) for d in (1e-9, 3e-7, 2e-4, 0.5, float("nan"))] == [
        "right",
        "look closer",
        "probably wrong",
        "wrong",
        "wrong",
    ]


async def test_v_shows_the_check_per_parameter_and_v_closes_it():
    app = new_app(mistake="no-1-over-m")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n", "v")
        await pilot.pause()
        assert isinstance(app.screen, TableScreen)
        table = app.screen.query_one("#table").content
        rows = list(table.columns[0].cells)
        assert rows == ["dW1", "db1", "dW2", "db2"]
        verdicts = list(table.columns[2].cells)
        assert verdicts[0] == "wrong"  # dW1 without 1/m is m times too large
        await pilot.press("v")
        await pilot.pause()
        assert not isinstance(app.screen, TableScreen)
        assert "disagree with the numerical gradient" in app.session.message


def test_the_slope_from_the_wrong_cache_is_flagged_at_the_first_iteration():
    # what the learners'-mistakes lesson promises: dW1 alone, "look closer", at iteration 0
    session = Session(RunConfig(mistake="slope-wrong-cache"))
    session.goto_iteration(0)
    report = session.check_gradients()
    assert [name for name, d in report.differences.items() if verdict(d) != "right"] == ["W1"]
    assert verdict(report.differences["W1"]) == "look closer"
    assert session.message.startswith("gradient check: dW1 disagrees with the numerical gradient")
