"""What-if edits in the session and the app: typed as text, shown on the status line while in
effect, undone by stepping back across them, and kept by a session file exactly."""

from __future__ import annotations

import numpy as np
import pytest
from app_helpers import WIDE, new_app, panel_text
from test_app import type_answer

from engine.config import RunConfig
from engine.errors import StepnetError
from engine.steps import STEPS_PER_ITERATION
from tui.session.edit_text import parse_edit
from tui.session.session import Session
from tui.session.session_file import load_session

N = STEPS_PER_ITERATION


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("W1[2, 0] = 0.0", ("W1", (2, 0), 0.0)),
        ("  b1[3]=-1 ", ("b1", (3, 0), -1.0)),
        ("W2[1] = 2.5e-1", ("W2", (0, 1), 0.25)),
        ("W2[0, 1] = 1", ("W2", (0, 1), 1.0)),
        ("b2 = 0.1", ("b2", (0, 0), 0.1)),
        ("alpha = 0.3", ("alpha", (), 0.3)),
        ("α=2", ("alpha", (), 2.0)),
    ],
)
def test_parse_edit_reads_each_form(text, parsed):
    assert parse_edit(text) == parsed


@pytest.mark.parametrize("text", ["W1 = 0", "Z1[0, 0] = 1", "W1[0, 0] 0.5", "b2 = zero", ""])
def test_parse_edit_refuses_anything_else_in_one_line(text):
    with pytest.raises(StepnetError) as error:
        name, index, value = parse_edit(text)
        RunConfig().stepper().edit(name, index, value)  # W1 = 0 reads, but W1 needs a cell
    assert "\n" not in str(error.value)


def test_session_edit_says_what_changed_and_the_view_keeps_saying_it():
    session = Session(RunConfig())
    session.stepper.run(10)
    old = session.stepper.parameters()["W1"][2, 0]
    session.edit("W1[2, 0] = 0.0")
    label = f"edited at iteration 10: W1[2, 0] {old:.4g} → 0.0"
    assert session.message == label
    assert session.view().edits == (label,)
    session.back()
    assert session.view().edits == ()  # before the edit: the original
    assert session.stepper.parameters()["W1"][2, 0] == old
    session.step()
    assert session.view().edits == (label,)
    session.edit("W1[9, 0] = 1")
    assert "outside W1" in session.message and len(session.stepper.edits) == 1


def test_a_session_file_keeps_the_edits_and_resumes_exactly(tmp_path):
    session = Session(RunConfig())
    session.stepper.run(20)
    session.edit("alpha = 0.5")
    session.stepper.run(15)
    session.edit("b1[1] = 0.25")
    session.stepper.run(7)
    session.stepper.step()
    session.save(str(tmp_path / "s.json"))
    assert [e[:3] for e in load_session(tmp_path / "s.json").edits] == [
        (20, "alpha", ()),
        (35, "b1", (1, 0)),
    ]

    resumed = Session.resume(str(tmp_path / "s.json"))
    assert resumed.stepper.edits == session.stepper.edits
    assert resumed.stepper.cursor == session.stepper.cursor
    for name, value in session.stepper.state().items():
        np.testing.assert_array_equal(resumed.stepper.state()[name], value, err_msg=name)
    np.testing.assert_array_equal(resumed.stepper.costs, session.stepper.costs)
    # and both branches go on alike, also back across the edits
    for s in (session, resumed):
        s.stepper.goto(30 * N + 4)
        s.stepper.run(40)
    np.testing.assert_array_equal(resumed.stepper.costs, session.stepper.costs)


def test_an_edit_before_the_first_iteration_with_npz_init_keeps_the_true_start(tmp_path):
    from engine.parameters import initialize, save_parameters

    npz = save_parameters(tmp_path / "p.npz", initialize("random", 2, 4, seed=1))
    session = Session(RunConfig(init=str(npz)))
    session.edit("b2 = 0.75")
    session.stepper.run(5)
    session.save(str(tmp_path / "s.json"))
    saved = load_session(tmp_path / "s.json")
    assert saved.initial_parameters["b2"][0, 0] == 0.0  # the file's, not the edit's
    resumed = Session.resume(str(tmp_path / "s.json"))
    np.testing.assert_array_equal(resumed.stepper.costs, session.stepper.costs)


async def test_e_edits_at_this_iteration_and_the_status_line_says_so():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("i", "i", "n", "n")
        await pilot.press("e")
        await type_answer(pilot, "W2[0, 1] = 0.0")
        await pilot.pause()
        assert app.session.stepper.parameters()["W2"][0, 1] == 0.0
        assert "edited at iteration 2: W2[0, 1]" in panel_text(app, "#status")
        assert app.session.stepper.cursor == 2 * N + 2
