"""Managing what the learner set, headless: a breakpoint switched off is passed by `run` and
`run_back` and stays off in a session file; breakpoints and watches are edited or removed one by
one, and an edit that cannot be read keeps the old one and says why."""

from __future__ import annotations

import threading

from engine.config import RunConfig
from engine.steps import STEPS_PER_ITERATION
from tui.session.session import Session

N = STEPS_PER_ITERATION


def run(session: Session):
    return session.run(threading.Event(), lambda view: None)


def test_a_breakpoint_switched_off_does_not_stop_a_run_and_on_again_it_does():
    session = Session(RunConfig(iterations=200))
    session.add_breakpoint("iteration 30")
    session.toggle_breakpoint_enabled(0)
    assert "is off" in session.message
    assert run(session).reason in ("done", "converged")
    assert session.stepper.iteration == 200  # through iteration 30 without a stop

    session.stepper.goto(0)
    session.toggle_breakpoint_enabled(0)
    assert run(session).reason == "breakpoint"
    assert session.stepper.cursor == 31 * N  # right after iteration 30


def test_run_back_passes_a_breakpoint_switched_off_by():
    session = Session(RunConfig(iterations=100))
    session.add_breakpoint("iteration 10")
    session.add_breakpoint("iteration 20")
    session.stepper.goto(50 * N)
    session.toggle_breakpoint_enabled(1)  # iteration 20 off: back to 10, not 20
    session.run_back()
    assert session.stepper.cursor == 11 * N
    session.toggle_breakpoint_enabled(0)
    session.stepper.goto(50 * N)
    session.run_back()
    assert session.stepper.cursor == 0
    assert "every breakpoint is off" in session.message


def test_a_step_breakpoint_switched_off_is_unmarked_and_k_then_removes_it():
    session = Session(RunConfig())
    session.toggle_step_breakpoint("dW1")
    assert session.view().breakpoints == frozenset({"dW1"})
    session.toggle_breakpoint_enabled(0)
    assert session.view().breakpoints == frozenset()
    session.toggle_step_breakpoint("dW1")  # k on a step whose breakpoint is off removes it
    assert session.breakpoints == [] and session.disabled == set()


def test_editing_a_breakpoint_keeps_its_place_and_state_and_a_bad_edit_keeps_the_old():
    session = Session(RunConfig())
    for text in ("cost rises", "iteration 5", "b2 changes sign"):
        session.add_breakpoint(text)
    session.toggle_breakpoint_enabled(1)
    session.replace_breakpoint(1, "iteration 7")
    assert [bp.label for bp in session.breakpoints] == [
        "cost rises",
        "iteration 7",
        "b2 changes sign",
    ]
    assert session.disabled == {"iteration 7"}
    assert session.message == "breakpoint 'iteration 5' is now 'iteration 7'"

    session.replace_breakpoint(0, "cost wobbles")
    assert session.breakpoints[0].label == "cost rises"
    assert session.message.startswith("breakpoint 'cost rises' kept: cannot read breakpoint")
    session.replace_breakpoint(0, "abs(W1)")  # an array, not True or False
    assert session.breakpoints[0].label == "cost rises"
    assert "not True or False" in session.message
    session.replace_breakpoint(0, "b2 changes sign")
    assert session.message == "breakpoint 'cost rises' kept: 'b2 changes sign' is already set"


def test_removing_one_breakpoint_leaves_the_others():
    session = Session(RunConfig())
    session.add_breakpoint("cost rises")
    session.add_breakpoint("dead unit")
    session.toggle_breakpoint_enabled(0)
    session.remove_breakpoint(0)
    assert [bp.label for bp in session.breakpoints] == ["dead unit"]
    assert session.disabled == set()
    assert session.message == "breakpoint 'cost rises' removed"


def test_watches_are_edited_and_removed_one_by_one():
    session = Session(RunConfig())
    session.add_watch("abs(dW1).max()")
    session.add_watch("W2 @ A1")
    session.finish_iteration()
    session.view()  # the first watch's history has a value now
    assert session.watches[0].history

    session.replace_watch(0, "abs(dW2).max()")
    assert [w.text for w in session.watches] == ["abs(dW2).max()", "W2 @ A1"]
    assert session.watches[0].history == ()  # another expression: its values start afresh
    session.replace_watch(1, "W2 @@ A1")
    assert session.watches[1].text == "W2 @ A1"
    assert session.message.startswith("watch W2 @ A1 kept: ")

    session.remove_watch(0)
    assert [w.text for w in session.watches] == ["W2 @ A1"]
    assert session.message == "watch abs(dW2).max() removed"


def test_a_session_file_keeps_which_breakpoints_are_off(tmp_path):
    session = Session(RunConfig(iterations=100))
    session.add_breakpoint("iteration 10")
    session.add_breakpoint("cost rises")
    session.toggle_breakpoint_enabled(0)
    session.save(str(tmp_path / "s.json"))
    resumed = Session.resume(str(tmp_path / "s.json"))
    assert [bp.label for bp in resumed.breakpoints] == ["iteration 10", "cost rises"]
    assert resumed.disabled == {"iteration 10"}
    assert run(resumed).reason in ("done", "converged")
