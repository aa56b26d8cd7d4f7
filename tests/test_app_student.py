"""`stepnet --student FILE` in the app, driven with Pilot: marks, status line, r stopping."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from app_helpers import WIDE, panel_text
from rich.console import Console

from engine.config import RunConfig
from engine.steps import STEP_INDEX
from tui.app.student_app import StudentApp
from tui.cli.main import main
from tui.session.session import Session

FILES = Path(__file__).parent / "learner_files"


def student_app(name: str) -> StudentApp:
    return StudentApp(Session(RunConfig()), FILES / name)


async def traced(app, pilot) -> None:
    """Wait until theirs is traced at the iteration on screen and drawn. The trace's worker
    starts from the first screen drawn, which may come after this is called, so waiting for
    the workers alone can return before it has begun."""
    for _ in range(500):  # 10 s at most
        await app.workers.wait_for_complete()
        await pilot.pause(0.02)
        if app.view.iteration in app.marks and not app.workers:
            break
    await pilot.pause()


def details_text(app) -> str:
    """The value panel's details as a terminal shows them (a Group of Rich texts)."""
    console = Console(width=100, color_system=None, record=True, file=None)
    with console.capture() as capture:
        console.print(app.screen.query_one("#value-details").content)
    return capture.get()


async def stepped_to(app, pilot, step: str) -> None:
    """n (so theirs is compared at iteration 0), then on to `step` by its row in the steps."""
    await pilot.press("n")
    await traced(app, pilot)
    app.session.run_to_step(step)
    app.refresh_from_session()
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


async def test_the_value_panel_shows_theirs_over_the_engines_with_the_differences_marked():
    app = student_app("no_1_over_m.py")
    async with app.run_test(size=WIDE) as pilot:
        await stepped_to(app, pilot, "dW2")
        lines = details_text(app).splitlines()
        assert lines[0] == "yours ✗ backward_propagation: dW[2] differs by up to 1.47063 at [0, 1]"
        assert lines[1].startswith("diagnosis no-1-over-m: your dW2 is exactly m = 400 times")
        assert lines[2] == "yours  (rows 0–0, columns 0–3; * differs)"
        # theirs is the engine's times m = 400, entry by entry, and every entry is marked
        assert lines[3] == " +1.837e-01* -1.474e+00* -2.546e-01* -4.866e-01*"
        assert lines[4] == "the engine's"
        assert lines[5] == " +4.592e-04* -3.686e-03* -6.365e-04* -1.217e-03*"
        engines = app.session.stepper.event.value
        assert f"{engines[0, 1]:+.3e}" == "-3.686e-03"  # the panel's numbers are the engine's
        assert "dW[2][0, 0] = +4.592e-04" in details_text(app)  # the usual details follow


async def test_the_value_panel_says_where_theirs_agrees_and_what_is_not_theirs():
    app = student_app("no_1_over_m.py")
    async with app.run_test(size=WIDE) as pilot:
        await stepped_to(app, pilot, "W1")
        assert details_text(app).startswith(
            "yours ✓ update_parameters gives this W[1] too (the course's tolerance: "
        )
        await pilot.press("p", "p", "p")  # back to dZ1, which the course's functions keep
        await pilot.pause()
        assert app.view.event.name == "dZ1"
        assert details_text(app).startswith("yours: the course's functions do not return dZ[1]")


async def test_the_value_panel_gives_a_cost_as_two_numbers():
    app = student_app("cost_not_averaged.py")
    async with app.run_test(size=WIDE) as pilot:
        await stepped_to(app, pilot, "cost")
        lines = details_text(app).splitlines()
        assert lines[0] == "yours ✗ compute_cost: J = 277.265, the engine's 0.693162"
        assert lines[1].startswith("diagnosis cost-not-averaged: your cost is m = 400 times")
        assert pytest.approx(400, rel=1e-4) == 277.265 / 0.693162  # theirs is a sum, not a mean


async def test_the_formula_panel_keeps_the_slide_and_says_what_theirs_did():
    app = student_app("no_1_over_m.py")
    async with app.run_test(size=WIDE) as pilot:
        await stepped_to(app, pilot, "db1")
        formula = panel_text(app, "#formula").splitlines()
        assert formula[1] == "db[1] = (1/m)·Σᵢ dZ[1]"  # the slide's formula stays
        # under the numpy line, before the shapes: what a short panel still shows
        assert formula[3] == (
            "yours ✗ no-1-over-m: your db1 is exactly m = 400 times the reference: the 1/m is "
            "missing"
        )
        await pilot.press("n")  # W1: theirs agrees, the formula panel is the slide's alone
        await traced(app, pilot)
        assert not any(line.startswith("yours") for line in panel_text(app, "#formula").split("\n"))


async def test_the_formula_panel_says_when_no_known_mistake_fits():
    app = student_app("sum_wrong_axis.py")
    async with app.run_test(size=WIDE) as pilot:
        await stepped_to(app, pilot, "db1")
        assert (
            panel_text(app, "#formula")
            .splitlines()[3]
            .startswith("yours ✗ sum-wrong-axis: your db1 sums over axis=0 (the units)")
        )


def test_served_and_unreadable_and_other_networks_are_refused(capsys, tmp_path):
    assert main(["--student", str(FILES / "syntax_error.py")]) == 2
    assert "line 51: syntax error" in capsys.readouterr().err
    assert main(["--student", str(FILES / "correct.py"), "--activation", "relu"]) == 2
    assert "use tanh" in capsys.readouterr().err
    served = ["--served", "--save-dir", str(tmp_path), "--student", str(FILES / "correct.py")]
    assert main(served) == 2
    assert capsys.readouterr().err == (
        "stepnet: error: a served session runs no one's code: --student is not available here\n"
    )


@pytest.mark.parametrize("key", ["y", "r"])
async def test_a_file_that_goes_away_meanwhile_is_one_line_not_a_crash(tmp_path, key):
    mine = tmp_path / "mine.py"
    mine.write_text((FILES / "correct.py").read_text())
    app = StudentApp(Session(RunConfig(iterations=20)), mine)
    async with app.run_test(size=WIDE) as pilot:
        await traced(app, pilot)
        mine.unlink()
        await pilot.press(key)
        await comparison_done(app, pilot)
        assert app.crash is None and not app.running and not app._training
        assert f"yours could not be run: {mine}: no such file; check the path" in (
            panel_text(app, "#status")
        )


async def test_the_activation_and_mistake_keys_say_what_student_compares_with():
    app = student_app("correct.py")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert app.session.config.activation == "tanh"
        assert "compares your functions with the course's tanh network" in app.session.message
        await pilot.press("m")
        await pilot.pause()
        assert app.session.config.mistake is None and len(app.screen_stack) == 1
        assert "without a mistake" in app.session.message


def test_snapshot_of_theirs_beside_the_engine_at_dW2(snap_compare):
    session = Session(RunConfig())
    for _ in range(STEP_INDEX["dW2"] + 1):
        session.step()
    app = StudentApp(session, FILES / "no_1_over_m.py")

    async def compared(pilot):
        await traced(app, pilot)

    assert snap_compare(app, terminal_size=WIDE, run_before=compared)


def cost_chart(app) -> list[str]:
    panel = app.screen.query_one("#cost")
    return ["".join(s.text for s in panel.render_line(y)) for y in range(panel.size.height)]


def engines_training(params, X, Y, iterations: int) -> dict:
    from engine.functional import backward, forward, update

    for _ in range(iterations):
        params = update(params, backward(params, forward(params, X), X, Y), 1.2)
    return params


def accuracy_of(params, X, Y) -> float:
    from engine.functional import forward

    return float(np.mean((forward(params, X)["A2"] > 0.5) == Y))


async def test_y_trains_on_theirs_and_draws_both_curves_then_y_again_the_engines_alone():
    app = student_app("correct.py")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("y")
        await traced(app, pilot)
        engines, theirs = app.curves
        assert len(engines) == len(theirs) == 1000
        assert theirs == pytest.approx(engines, rel=1e-9)  # a correct file trains as the engine
        # the panels draw the parameters theirs trained to: here the engine's after 1000
        X, Y = app.session.data
        expected = engines_training(dict(app.session.view().start_parameters), X, Y, 1000)
        for name, value in expected.items():
            np.testing.assert_allclose(app.view.state[name], value, rtol=1e-9, atol=1e-12)
        status = panel_text(app, "#status")
        assert status.startswith(
            f"yours: trained 1000 iterations from iteration 0 · J {theirs[-1]:.6f} (the "
            f"engine's {engines[-1]:.6f}) · accuracy {100 * accuracy_of(expected, X, Y):.1f}%"
        )
        assert "boundary, network, ŷ and accuracy are your parameters'" in status
        assert panel_text(app, "#steps").splitlines()[:2] == [
            "trained on yours",
            "iterations 0–999",
        ]
        assert "iteration 1000" in panel_text(app, "#formula").splitlines()[0]  # theirs' next
        chart = cost_chart(app)
        assert app.screen.query_one("#cost").border_title == "cost J · engine ▇ yours •"
        assert chart[1].startswith("0.6932┤••")  # theirs, on the engine's first columns
        assert chart[-2].startswith("0.2587┤") and chart[-2].endswith("••")
        assert chart[-1].strip() == "└0 ──────── 1,000 iterations"
        await pilot.press("n", "x")  # the screen is their training: the run's keys wait
        await pilot.pause()
        assert app.session.stepper.cursor == 0 and app.session.config.seed == 3
        await pilot.press("y")  # y again: the engine's run, where it was
        await pilot.pause()
        assert app.curves is None and "•" not in "".join(cost_chart(app))
        assert "back to the engine's run, at iteration 0" in panel_text(app, "#status")
        assert panel_text(app, "#steps").startswith("iteration 0 · yours ✓/✗")
        await pilot.press("x", "y", "y")  # the second y while the first still trains: it waits
        # the status line may already say the training ended: the log keeps what y said
        told = [entry.text for entry in app.messages.entries]
        assert any("still training on yours for 1000 iterations" in text for text in told)
        await traced(app, pilot)
        assert app.curves is not None and "from iteration 0" in panel_text(app, "#status")


async def test_y_shows_the_parameters_their_training_gave_not_the_engines():
    # an extra 1/m in dZ1: the hidden layer barely learns, so theirs stays near 0.69
    from engine.reference.student import train_student

    app = student_app("extra_mean_in_dz1.py")
    async with app.run_test(size=WIDE) as pilot:
        start = dict(app.session.view().start_parameters)
        await pilot.press("y")
        await traced(app, pilot)
        X, Y = app.session.data
        trained = train_student(FILES / "extra_mean_in_dz1.py", X, Y, start, iterations=1000)
        for name, value in trained.parameters.items():
            assert np.array_equal(app.view.state[name], value)  # theirs, exactly
        engines = engines_training(start, X, Y, 1000)
        assert not np.allclose(app.view.state["W1"], engines["W1"])
        theirs_accuracy = accuracy_of(trained.parameters, X, Y)
        assert app.view.accuracy == theirs_accuracy != accuracy_of(engines, X, Y)
        assert app.screen.query_one("#boundary").border_title.startswith(
            f"boundary · accuracy {100 * theirs_accuracy:.1f}%"
        )
        assert f"accuracy {100 * theirs_accuracy:.1f}%" in panel_text(app, "#status")
        assert details_text(app).startswith("yours, trained: the value is the engine's forward")


async def test_y_on_theirs_that_blows_up_draws_theirs_until_it_stops_and_says_why():
    app = student_app("no_1_over_m.py")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("y")
        await traced(app, pilot)
        _, theirs = app.curves
        assert len(theirs) == 3  # 400 times too big a step: J is NaN at iteration 2
        status = panel_text(app, "#status")
        assert "your cost is not finite at iteration 2" in status
        # the panels draw where theirs stopped: the start of iteration 2, after two updates
        assert status.startswith(
            "yours: trained 3 iterations, 2 updates from iteration 0 · J NaN (the "
        )
        assert "J yours    NaN" in panel_text(app, "#steps")
        assert cost_chart(app)[0].startswith("J NaN")  # the cost panel spells it alike
        assert "iteration 2" in panel_text(app, "#formula").splitlines()[0]
        assert details_text(app).startswith("yours, trained: the value is the engine's forward")
        assert "after 2 updates" in details_text(app).replace("\n", " ")
        chart = cost_chart(app)
        # the largest J drawn is theirs (0.8259 at iteration 1), at the top of the first column
        assert chart[1].startswith(f"{theirs[1]:.4g}┤•")
        assert sum(line.count("•") for line in chart) == 1  # theirs ends in the first column


async def test_y_on_theirs_whose_parameters_change_shape_keeps_the_engines_panels_and_says_so():
    # db1 summed over the examples' axis wrongly: b1 becomes (4, 400), not the course's (4, 1)
    app = student_app("sum_wrong_axis.py")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("y")
        await traced(app, pilot)
        _, theirs = app.curves
        assert len(theirs) == 1000  # their costs are drawn
        assert "the panels show the engine's run: your update_parameters does not return W1, " in (
            panel_text(app, "#status")
        )
        assert panel_text(app, "#steps").splitlines()[-2] == "the panels: the engine's"
        assert app.view.cursor == app.session.stepper.cursor == 0  # the engine's, untouched
        assert np.array_equal(app.view.state["W1"], app.session.view().state["W1"])


async def test_y_on_theirs_that_raises_says_so_and_draws_the_engines_alone():
    app = student_app("crash.py")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("y")
        await traced(app, pilot)
        assert app.curves is None
        assert "yours could not be trained: KeyError: 'w1' (line 38, in forward_propagation)" in (
            panel_text(app, "#status")
        )


async def test_y_without_student_says_where_it_works_and_is_not_offered():
    from app_helpers import new_app

    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("y")
        await pilot.pause()
        assert app.view.iteration == 0 and app.session.stepper.cursor == 0
        told = app.messages.entries[-1].text
        assert told == "y trains yours: start stepnet --student FILE.py"
        assert told in app.screen.query_one("#status").render_line(1).text  # read whole
        offered = [command.help for command in app.get_system_commands(app.screen)]
        assert not any("With --student" in text for text in offered)  # nothing of theirs here


def test_snapshot_of_theirs_trained_beside_the_engines_cost_curve(snap_compare):
    # an extra 1/m in dZ1: the hidden layer barely learns, so theirs stays near 0.69
    app = student_app("extra_mean_in_dz1.py")

    async def trained(pilot):
        await traced(app, pilot)  # the first trace, at iteration 0
        await pilot.press("y")
        await traced(app, pilot)

    assert snap_compare(app, terminal_size=WIDE, run_before=trained)


# ---- r: the first divergence however far ahead, or word that there is none


async def comparison_done(app, pilot) -> None:
    """Wait for r's run and comparison to end (seconds: a child process per 100 iterations)."""
    for _ in range(3000):  # 60 s at most
        await pilot.pause(0.02)
        if not app.running and not app.workers:
            break
    await pilot.pause()


async def test_r_finds_a_divergence_that_shows_only_after_hundreds_of_iterations():
    # A2 clipped to [0.01, 0.99]: right until the engine's A2 first leaves that range
    app = student_app("clip_a2.py")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n")
        await traced(app, pilot)
        assert "yours: agrees with the engine at iteration 0" in panel_text(app, "#status")
        await pilot.press("r")
        await comparison_done(app, pilot)
        assert (app.view.iteration, app.view.event.name) == (515, "A2")
        status = panel_text(app, "#status")
        assert "stopped where yours differs: A2, iteration 515" in status
        assert "yours: forward_propagation differs first at A2, iteration 515" in status
        # the engine's A2 there is the first outside [0.01, 0.99] by more than the tolerance
        engines = app.view.event.value
        assert engines.max() > 0.99 + 1e-5 * 0.99 + 1e-8 or engines.min() < 0.01 - 1e-5 * 0.01
        assert panel_text(app, "#steps").splitlines()[STEP_INDEX["A2"] + 1].endswith(" ✗")
        assert all(app.marks[i].marks["A2"] == "✓" for i in range(500, 515))


async def test_r_on_a_file_that_never_differs_says_so_at_the_iteration_limit():
    app = StudentApp(Session(RunConfig(iterations=250)), FILES / "correct.py")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("r")
        await comparison_done(app, pilot)
        assert app.session.stepper.iteration == 250  # the run went to its limit, and stayed
        status = panel_text(app, "#status")
        assert "yours agrees with the engine at every step from iteration 0 to 249; " in status
        assert "yours: agrees with the engine at iteration 249" in status


async def test_r_pauses_the_comparison_where_it_got_to():
    app = student_app("clip_a2.py")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("r")
        for _ in range(1500):  # the run is over and theirs is being compared
            await pilot.pause(0.02)
            if "yours: comparing with the engine, iteration" in panel_text(app, "#status"):
                break
        await pilot.press("r")
        await comparison_done(app, pilot)
        cursor = app.session.stepper.cursor
        compared = cursor // 15  # at the end of the last iteration compared
        assert cursor % 15 == 0 and compared % 100 == 0 and 100 <= compared < 515
        assert f"paused: yours agrees with the engine up to iteration {compared - 1}" in (
            panel_text(app, "#status")
        )
        await pilot.press("r")  # on from there, to the same divergence
        await comparison_done(app, pilot)
        assert (app.view.iteration, app.view.event.name) == (515, "A2")


# ---- marks belong to one run


@pytest.mark.parametrize("key", ["plus", "x", "z", "right_square_bracket"])
async def test_a_new_run_forgets_the_marks_of_the_last(key):
    from engine.functional import backward, forward, update
    from tui.app.student_app import StudentTraced

    app = student_app("update_sign_flipped.py")  # W := W + α·dW
    async with app.run_test(size=WIDE) as pilot:
        await stepped_to(app, pilot, "W1")
        before, run_before = app.marks[0], app._run()
        await pilot.press(key)  # n_h, seed, init or α: a new run from iteration 0
        await pilot.press("n")
        await traced(app, pilot)
        # a trace of the last run that comes late is not taken for this one's
        app.post_message(StudentTraced(run_before, 0, type("T", (), {"iterations": [before]})))
        await pilot.pause()
        marks = app.marks[0]
        if key == "z":  # zero weights, half the labels 1: every gradient is 0, so W ± α·0 agrees
            assert (before.marks["W1"], marks.marks["W1"]) == ("✗", "✓")
            return
        params, (X, Y) = app.view.start_parameters, app.session.data
        grads = backward(params, forward(params, X), X, Y)
        engines = update(params, grads, app.session.config.learning_rate)["W1"]
        assert np.array_equal(marks.differences["W1"].expected, engines)  # this run's W1
        assert not np.array_equal(before.differences["W1"].expected, engines)
