"""`stepnet --student FILE` in the app, driven with Pilot: marks, status line, r stopping."""

from __future__ import annotations

from pathlib import Path

from app_helpers import WIDE, panel_text

from engine.config import RunConfig
from engine.steps import STEP_INDEX
from tui.app.student_app import StudentApp
from tui.cli.main import main
from tui.session.session import Session

FILES = Path(__file__).parent / "learner_files"


def student_app(name: str) -> StudentApp:
    return StudentApp(Session(RunConfig()), FILES / name)


async def traced(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_steps_panel_marks_theirs_and_the_status_names_the_first_divergence():
    app = student_app("no_1_over_m.py")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n")
        await traced(app, pilot)
        steps = panel_text(app, "#steps").splitlines()
        assert steps[0] == "iteration 0 · yours ✓/✗"
        assert steps[STEP_INDEX["Z1"] + 1].endswith("forward ✓")
        assert steps[STEP_INDEX["dW2"] + 1].endswith("backward ✗")
        assert steps[STEP_INDEX["W1"] + 1].endswith("update ✓")
        assert steps[STEP_INDEX["dZ2"] + 1].endswith("backward")  # not returned: no mark
        status = panel_text(app, "#status")
        assert "yours: backward_propagation differs first at dW2, iteration 0 — no-1-over-m" in (
            status
        )


async def test_r_stops_at_the_first_step_where_theirs_differs():
    app = student_app("no_1_over_m.py")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n")
        await traced(app, pilot)
        await pilot.press("r")
        await traced(app, pilot)
        assert app.session.stepper.cursor == STEP_INDEX["dW2"] + 1  # dW2 of iteration 0 shown
        assert "stopped where yours differs: dW2" in panel_text(app, "#status")
        for step in ("db2", "dW1", "db1"):  # each step theirs differs at, in turn
            await pilot.press("r")
            await traced(app, pilot)
            assert (app.view.iteration, app.view.index) == (0, STEP_INDEX[step])
        await pilot.press("r")  # past the last in this iteration: the next iteration's dW2
        await traced(app, pilot)
        assert (app.view.iteration, app.view.index) == (1, STEP_INDEX["dW2"])
        assert panel_text(app, "#steps").splitlines()[STEP_INDEX["dW2"] + 1].endswith(" ✗")


async def test_a_correct_file_agrees_and_r_runs_as_usual():
    app = student_app("correct.py")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n")
        await traced(app, pilot)
        assert "yours: agrees with the engine at iteration 0" in panel_text(app, "#status")
        marked = [line for line in panel_text(app, "#steps").splitlines() if line.endswith(" ✓")]
        assert len(marked) == 13


async def test_a_function_that_raised_is_marked_at_its_steps():
    app = student_app("crash.py")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n")
        await traced(app, pilot)
        steps = panel_text(app, "#steps").splitlines()
        assert all(steps[STEP_INDEX[name] + 1].endswith(" ✗") for name in ("Z1", "A1", "Z2"))
        assert steps[STEP_INDEX["dW2"] + 1].endswith(" ✓")
        assert "yours: forward_propagation failed (KeyError: 'w1'), iteration 0" in panel_text(
            app, "#status"
        )


def test_served_and_unreadable_and_other_networks_are_refused(capsys):
    assert main(["--student", str(FILES / "syntax_error.py")]) == 2
    assert "line 51: syntax error" in capsys.readouterr().err
    assert main(["--student", str(FILES / "correct.py"), "--activation", "relu"]) == 2
    assert "use tanh" in capsys.readouterr().err


def test_snapshot_of_theirs_beside_the_engine_at_dW2(snap_compare):
    session = Session(RunConfig())
    for _ in range(STEP_INDEX["dW2"] + 1):
        session.step()
    app = StudentApp(session, FILES / "no_1_over_m.py")

    async def compared(pilot):
        await traced(app, pilot)

    assert snap_compare(app, terminal_size=WIDE, run_before=compared)
