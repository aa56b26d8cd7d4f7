"""Mistake mode: each mistake computes what its numpy line computes, shows its documented symptom
with real values, fails where numpy fails (with the shapes, not a traceback), and leaves the
correct engine exactly as it was."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from engine_fixtures import ACTIVATION_NAMES, flower, flower_subset, random_params

import engine
from engine import STEP_NAMES, STEPS, StepnetError, Stepper
from engine.conditions import at_step, cost_rises
from engine.config import RunConfig
from engine.diagnostics import gradient_check, symmetry
from engine.mistakes.catalogue import MISTAKE_NAMES, MISTAKES, get_mistake
from engine.mistakes.checked_numpy import ShapeMismatch
from engine.mistakes.stepper import MistakenStepper
from engine.steps import STEP_INDEX

STEPS_PER_ITERATION = len(STEPS)
STEP_MISTAKES = tuple(mistake.name for mistake in MISTAKES if mistake.steps)


def course_start(n_h: int = 4) -> dict:
    """The course's start: random × 0.01, seed 3."""
    return engine.initialize("random", 2, n_h, scale=0.01, seed=3)


def mistaken(mistake: str, *, params=None, activation="tanh", learning_rate=1.2, **kwargs):
    X, Y = flower()
    params = course_start() if params is None else params
    return engine.make_stepper(
        X, Y, params, activation=activation, learning_rate=learning_rate, mistake=mistake, **kwargs
    )


def correct(*, params=None, activation="tanh", learning_rate=1.2) -> Stepper:
    X, Y = flower()
    params = course_start() if params is None else params
    return Stepper(X, Y, params, activation=activation, learning_rate=learning_rate)


def steps_to(name: str, iteration: int = 0) -> int:
    """The cursor with step `name` of `iteration` just computed."""
    return iteration * STEPS_PER_ITERATION + STEP_INDEX[name] + 1


def run_quietly(stepper: Stepper, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return stepper.run(*args, **kwargs)


# ---- the catalogue


def test_the_catalogue_names_each_mistake_its_steps_and_its_symptom():
    assert MISTAKE_NAMES == (
        "no-1-over-m",
        "W2-not-transposed",
        "sum-wrong-axis",
        "no-keepdims",
        "slope-wrong-cache",
        "update-sign-flipped",
        "dW2-for-W2",
        "extra-1-over-m-in-dZ1",
        "half-cross-entropy",
        "zero-init",
    )
    for mistake in MISTAKES:
        assert mistake.description and "\n" not in mistake.description, mistake.name
        assert mistake.symptom and "\n" not in mistake.symptom, mistake.name
        assert set(mistake.steps) <= set(STEP_NAMES), mistake.name
        assert mistake.steps or mistake.init_code, mistake.name
    assert get_mistake("zero-init").steps == ()
    assert get_mistake("no-1-over-m").steps == ("dW2", "db2", "dW1", "db1")


def test_an_unknown_mistake_is_one_line_naming_the_known_ones():
    for bad in ("no-keepdim", "", "W2"):
        with pytest.raises(StepnetError) as caught:
            RunConfig(mistake=bad).checked()
        message = str(caught.value)
        assert f"unknown mistake {bad!r}" in message and "\n" not in message
        assert all(name in message for name in MISTAKE_NAMES)
        with pytest.raises(StepnetError):
            mistaken(bad)


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_a_mistaken_step_shows_its_own_formula_and_line_and_has_no_kernel(activation):
    act = engine.get_activation(activation)
    for mistake in MISTAKES:
        for step in STEPS:
            shown = mistake.step_for(step, act)
            if step.name not in mistake.steps:
                assert shown is step
                continue
            assert shown.kernel is None and shown.name == step.name
            assert shown.code_for(act) != step.code_for(act) or shown.formula != step.formula
            assert shown.code_for(act).startswith(f"{step.name} = ")
            assert "{" not in shown.code and "{" not in shown.formula


def test_the_slope_mistake_feeds_g_prime_the_other_cached_array():
    codes = {
        name: get_mistake("slope-wrong-cache").step_for(STEPS[8], engine.get_activation(name)).code
        for name in ACTIVATION_NAMES
    }
    assert codes["tanh"] == "dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(Z1, 2))"
    assert codes["sigmoid"] == "dZ1 = np.dot(W2.T, dZ2) * (Z1 * (1 - Z1))"
    assert codes["relu"] == "dZ1 = np.dot(W2.T, dZ2) * (A1 >= 0)"
    formula = get_mistake("slope-wrong-cache").step_for(STEPS[8], engine.get_activation("tanh"))
    assert formula.formula == "dZ[1] = W[2]ᵀ·dZ[2] * (1 − Z[1]²)"


# ---- honesty: the line shown is the line computed, with numpy's real semantics


def evaluate_line(code: str, name: str, state: dict, learning_rate: float):
    namespace = {key: np.array(value) for key, value in state.items()}
    namespace.update(np=np, m=state["X"].shape[1], learning_rate=learning_rate)
    exec(code, namespace)  # tests only: the lines come from the catalogues, not from a user
    return namespace[name]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("mistake", STEP_MISTAKES)
def test_every_step_computes_what_its_numpy_line_computes(mistake, activation):
    stepper = mistaken(mistake, params=random_params(4, scale=0.5, seed=2), activation=activation)
    for _ in range(3 * STEPS_PER_ITERATION):
        before = dict(stepper.state())
        code = stepper.mistake.step_for(STEPS[stepper.next_index], stepper.activation)
        code = code.code_for(stepper.activation)
        try:
            event = stepper.step()
        except ShapeMismatch:
            # numpy refuses the very same line
            with pytest.raises(ValueError):
                evaluate_line(code, STEPS[stepper.next_index].name, before, 1.2)
            return
        assert event.code == code
        expected = evaluate_line(code, event.name, before, 1.2)
        where = f"{mistake}, {activation}, iteration {event.iteration}: {code}"
        if event.name == "cost":
            # the course's line takes log(1 − A2), which loses digits as σ nears 1 and is -inf
            # once it rounds there; the engine computes the same J from the logits, finite
            if np.isfinite(expected).all():
                assert event.value == pytest.approx(expected.item(), rel=1e-9), where
        else:
            assert event.value.shape == expected.shape, where
            np.testing.assert_allclose(event.value, expected, rtol=1e-12, atol=1e-12, err_msg=where)
        assert dict(event.operands) == {
            name: np.shape(before[name]) for name in dict(event.operands)
        }, where


# ---- the correct engine is untouched


def step_fields(step):
    return (step.name, step.phase, step.layer, step.formula, step.code, step.operands, step.note)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_using_every_mistake_leaves_the_course_catalogue_and_kernels_as_they_were():
    before = [(step_fields(step), step.kernel) for step in STEPS]
    kernels = engine.stepper._KERNELS
    for mistake in MISTAKE_NAMES:
        for activation in ACTIVATION_NAMES:
            stepper = mistaken(mistake, activation=activation)
            try:
                stepper.finish_iteration()
                stepper.run(3)
            except ShapeMismatch:
                pass
    assert [(step_fields(step), step.kernel) for step in STEPS] == before
    assert engine.stepper._KERNELS is kernels
    assert all(kernel is step.kernel for kernel, step in zip(kernels, STEPS, strict=True))


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_without_a_mistake_the_stepper_is_the_engine_and_equals_the_functional_api(activation):
    X, Y = flower()
    params = random_params(4, scale=0.5, seed=4)
    stepper = Stepper(X, Y, params, activation=activation)
    assert type(stepper) is Stepper and stepper.mistake is None and stepper.has_fast_path
    for _ in range(4):
        stepper.finish_iteration()
        state = stepper.state()
        cache = engine.forward(params, X, activation)
        grads = engine.backward(params, cache, X, Y, activation)
        params = engine.update(params, grads, 1.2)
        for values in (cache, grads, params):
            for name, value in values.items():
                np.testing.assert_array_equal(state[name], value, err_msg=name)
        assert state["cost"] == engine.cost(cache["A2"], Y, Z2=cache["Z2"])
    fast = Stepper(X, Y, random_params(4, scale=0.5, seed=4), activation=activation)
    fast.run(4)
    np.testing.assert_array_equal(fast.costs, stepper.costs)


def test_a_mistake_in_a_step_gets_the_plain_path_and_one_in_the_start_the_engine():
    assert type(mistaken("no-keepdims")) is MistakenStepper
    zero = mistaken("zero-init")
    assert type(zero) is Stepper and zero.has_fast_path
    assert zero.mistake is get_mistake("zero-init")
    assert isinstance(mistaken("no-keepdims"), Stepper)


@pytest.mark.parametrize(
    ("mistake", "activation", "n_h"),
    [
        ("slope-wrong-cache", "leaky_relu", 4),
        ("slope-wrong-cache", "linear", 4),
        ("W2-not-transposed", "tanh", 1),
        ("no-keepdims", "sigmoid", 1),
    ],
)
def test_where_a_mistake_changes_nothing_it_matches_the_engine(mistake, activation, n_h):
    # leaky ReLU's A1 ≥ 0 exactly where Z1 ≥ 0; linear's slope reads nothing; with one hidden
    # unit W2 is 1×1, its own transpose, and a (1,) bias broadcasts back into (1, 1)
    params = random_params(n_h, scale=0.5, seed=6)
    plain = mistaken(mistake, params=params, activation=activation)
    plain.run(30)
    reference = correct(params=params, activation=activation)
    reference.run(30)
    np.testing.assert_allclose(plain.costs, reference.costs, rtol=1e-12)
    for name, value in reference.parameters().items():
        np.testing.assert_allclose(plain.parameters()[name], value, rtol=1e-9, atol=1e-12)


# ---- each mistake's symptom, with real values


def test_no_1_over_m_gradients_are_m_times_the_averages_and_it_is_alpha_times_m():
    stepper = mistaken("no-1-over-m")
    stepper.goto(steps_to("db1", 3))
    state = stepper.state()
    m = state["X"].shape[1]
    # the correct gradients from the very same cache
    grads = engine.backward(
        stepper.iteration_start_parameters(), state, state["X"], state["Y"], "tanh"
    )
    for name in ("dW1", "db1", "dW2", "db2"):
        np.testing.assert_allclose(state[name], m * grads[name], rtol=1e-12, err_msg=name)
    # a sum instead of a mean is the correct descent with α × m = 480
    run_quietly(stepper, 7)
    with_big_alpha = correct(learning_rate=1.2 * m)
    run_quietly(with_big_alpha, 3)
    np.testing.assert_allclose(stepper.costs[:3], with_big_alpha.costs, rtol=1e-9)
    assert stepper.costs[:3].round(6).tolist() == [0.693162, 0.825896, 37.669695]
    assert min(stepper.costs[2:]) > 8  # and it never comes back


def test_no_1_over_m_never_learns():
    stepper = mistaken("no-1-over-m")
    result = run_quietly(stepper, 2_000)
    assert result.reason == "done"
    assert min(stepper.costs[2:]) > 8.0
    X, Y = flower()
    assert engine.diagnostics.accuracy(stepper.parameters(), X, Y) < 0.7  # the course: 0.89


def test_W2_not_transposed_stops_at_dZ1_with_the_shapes_that_fail():
    stepper = mistaken("W2-not-transposed")
    result = stepper.run(100)
    message = (
        "dZ[1] = W[2] (1, 4) · dZ[2] (1, 400): inner sizes 4 and 1 do not line up"
        " — W[2]ᵀ (4, 1) would (iteration 0, step 9: dZ1)"
    )
    assert (result.reason, result.iterations, result.message) == ("shape-error", 0, message)
    # nothing lost: the stepper stands after db2, every value there
    assert stepper.cursor == steps_to("db2") and stepper.event.name == "db2"
    failure = stepper.failure
    assert (failure.step, failure.iteration, failure.index) == ("dZ1", 0, 8)
    assert failure.left == ("W[2]", (1, 4)) and failure.right == ("dZ[2]", (1, 400))
    assert failure.misfit == "W[2] (1, 4) · dZ[2] (1, 400)"
    with pytest.raises(ShapeMismatch, match="inner sizes 4 and 1") as caught:
        stepper.step()
    assert str(caught.value) == message and stepper.cursor == steps_to("db2")
    assert isinstance(caught.value, StepnetError)
    stepper.back()
    assert stepper.failure is None and stepper.event.name == "dW2"


def test_sum_wrong_axis_gives_one_bias_per_example_and_memorises_the_training_set():
    stepper = mistaken("sum-wrong-axis")
    stepper.goto(steps_to("db2"))
    assert stepper.event.shape == (1, 400)  # the slide's db[2] is (1, 1)
    stepper.finish_iteration()
    params = stepper.parameters()
    assert params["b1"].shape == (4, 400) and params["b2"].shape == (1, 400)
    stepper.run(999)
    reference = correct()
    reference.run(1000)
    assert stepper.costs[1000 - 1] < 0.01 < 0.25 < reference.costs[-1]
    # no network is left to predict a new example with
    with pytest.raises(StepnetError, match=r"b1 has shape \(4, 400\)"):
        engine.predict(stepper.parameters(), flower()[0][:, :5])


def test_no_keepdims_turns_b1_into_a_matrix_and_the_next_Z1_fails():
    stepper = mistaken("no-keepdims")
    stepper.goto(steps_to("db1"))
    assert stepper.event.shape == (4,)
    assert stepper.state()["db2"].shape == (1,)
    event = stepper.step()  # W1
    event = stepper.step()  # b1: (4, 1) − (4,) broadcasts to (4, 4)
    assert event.name == "b1" and event.shape == (4, 4)
    assert dict(event.operands) == {"b1": (4, 1), "db1": (4,)}
    stepper.finish_iteration()
    assert stepper.state()["b2"].shape == (1, 1)  # (1, 1) − (1,) stays (1, 1)
    with pytest.raises(ShapeMismatch) as caught:
        stepper.step()
    assert str(caught.value) == (
        "Z[1] = W[1]·X (4, 400) + b[1] (4, 4): sizes 400 and 4 on axis 1 neither match nor are 1"
        " — b[1] should be (4, 1) (iteration 1, step 1: Z1)"
    )
    assert stepper.cursor == STEPS_PER_ITERATION


def test_no_keepdims_run_and_goto_stop_at_the_failure_without_losing_anything():
    stepper = mistaken("no-keepdims")
    result = stepper.run(50)
    assert result.reason == "shape-error" and result.iterations == 1
    assert stepper.cursor == STEPS_PER_ITERATION and stepper.failure is not None
    other = mistaken("no-keepdims")
    with pytest.raises(ShapeMismatch):
        other.goto_iteration(20)
    assert other.cursor == STEPS_PER_ITERATION and other.failure is not None
    np.testing.assert_array_equal(other.state()["b1"], stepper.state()["b1"])


def test_slope_wrong_cache_changes_dZ1_fails_the_gradient_check_and_blows_up():
    X, Y = flower()
    stepper = mistaken("slope-wrong-cache")
    stepper.goto_iteration(40)
    params = stepper.parameters()
    stepper.goto(steps_to("dZ1", 40))
    state = stepper.state()
    right = (params["W2"].T @ state["dZ2"]) * (1 - state["A1"] ** 2)
    assert np.abs(state["dZ1"] - right).max() > 1e-3
    correct_check = gradient_check(params, X, Y, "tanh")
    mistaken_check = gradient_check(params, X, Y, "tanh", mistake="slope-wrong-cache")
    assert max(correct_check.values()) < 1e-6
    # against the whole gradient (gradient_check's measure), dW1 is most of the error and db1
    # a smaller share of it: both far past the 1e-3 that reads as wrong
    assert mistaken_check["W1"] > 0.5 and mistaken_check["b1"] > 1e-2
    assert mistaken_check["W2"] < 1e-6  # the layer-2 gradients never see g'

    result = run_quietly(mistaken("slope-wrong-cache"), 1_000)
    assert result.reason == "non-finite"
    assert result.message.startswith("dZ1 became NaN or Inf at iteration 45")
    assert "this step is the mistake slope-wrong-cache" in result.message


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_the_slope_mistake_fails_the_gradient_check_for_each_activation_it_changes(activation):
    X, Y = flower_subset(every=5)
    params = random_params(4, scale=0.5, seed=0)
    assert max(gradient_check(params, X, Y, activation).values()) < 1e-7
    report = gradient_check(params, X, Y, activation, mistake="slope-wrong-cache")
    assert report["W1"] > 1e-2 and report["b1"] > 1e-2


def test_update_sign_flipped_climbs_the_cost():
    stepper = mistaken("update-sign-flipped")
    stepper.goto(steps_to("W1"))
    state = stepper.state()
    start = stepper.iteration_start_parameters()
    np.testing.assert_array_equal(state["W1"], start["W1"] + 1.2 * state["dW1"])
    run_quietly(stepper, 300)
    costs = stepper.costs
    assert (np.diff(costs[:287]) > 0).all()  # up at every one of the first 286 iterations
    assert costs[100] > 100
    again = mistaken("update-sign-flipped")
    result = again.run(1_000, breakpoints=[cost_rises()])
    assert result.reason == "breakpoint" and again.iteration == 2


def test_zero_init_starts_and_stays_symmetric_with_zero_gradients():
    stepper = mistaken("zero-init")
    assert all((value == 0).all() for value in stepper.parameters().values())
    stepper.goto(steps_to("db1"))
    for name in ("dW1", "db1", "dW2", "db2"):
        assert (stepper.state()[name] == 0).all(), name  # balanced flower: exactly 0
    stepper.run(100)
    assert symmetry(stepper.parameters()).all_identical
    assert stepper.costs[-1] == stepper.costs[0] == pytest.approx(math.log(2), rel=1e-15)


def test_zero_init_units_learn_identically_where_they_do_learn():
    X, Y = flower()
    X, Y = X[:, :300:3], Y[:, :300:3]  # unbalanced: 67 of class 0, 33 of class 1
    stepper = engine.make_stepper(X, Y, course_start(), activation="sigmoid", mistake="zero-init")
    stepper.run(200)
    params = stepper.parameters()
    assert not (params["W2"] == 0).all()
    assert symmetry(params).all_identical and symmetry(params).max_difference == 0.0


# ---- the stepper's promises hold on the plain path too


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("mistake", ["no-1-over-m", "sum-wrong-axis", "update-sign-flipped"])
def test_back_and_goto_reproduce_mistaken_events_exactly(mistake):
    stepper = mistaken(mistake, history_bytes=3_000)  # thinned checkpoints too
    recorded = []
    for _ in range(40 * STEPS_PER_ITERATION):
        event = stepper.step()
        recorded.append((event.iteration, event.name, np.copy(event.value)))
    assert stepper.history.stride > 1
    for cursor in (599, 17, 1, 300, 451, 16):
        stepper.goto(cursor)
        iteration, name, value = recorded[cursor - 1]
        assert (stepper.event.iteration, stepper.event.name) == (iteration, name)
        np.testing.assert_array_equal(stepper.event.value, value)
    stepper.goto(450)
    for cursor in range(450, 430, -1):
        event = stepper.back()
        assert stepper.cursor == cursor - 1
        np.testing.assert_array_equal(event.value, recorded[cursor - 2][2])


def test_a_step_breakpoint_and_the_fast_run_agree_on_the_plain_path():
    stepper = mistaken("no-1-over-m")
    result = run_quietly(stepper, 10, breakpoints=[at_step("dW1")])
    assert result.reason == "breakpoint" and stepper.event.name == "dW1"
    stepper.run(5)
    one_by_one = mistaken("no-1-over-m")
    for _ in range(stepper.cursor):
        one_by_one.step()
    np.testing.assert_array_equal(stepper.costs, one_by_one.costs)


def test_a_config_carries_the_mistake_into_its_stepper():
    config = RunConfig(mistake="no-keepdims").checked()
    assert config.to_dict()["mistake"] == "no-keepdims"
    assert config.stepper(flower()).mistake.name == "no-keepdims"
    assert RunConfig().checked().stepper(flower()).mistake is None


# ---- the command line


def test_cli_unknown_mistake_is_one_line_and_exit_2(capsys):
    from tui.cli.main import main

    assert main(["trace", "--mistake", "keepdims"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown mistake 'keepdims'" in err
    assert "no-keepdims" in err and "W2-not-transposed" in err


def test_cli_trace_prints_the_steps_up_to_the_shape_error_then_the_error(capsys):
    from tui.cli.main import main

    assert main(["trace", "--mistake", "W2-not-transposed", "--format", "jsonl"]) == 2
    out, err = capsys.readouterr()
    steps = [line for line in out.splitlines() if line]
    assert len(steps) == STEP_INDEX["dZ1"]  # Z1 … db2, then dZ1 cannot be computed
    assert '"step": "db2"' in steps[-1]
    assert err == (
        "stepnet: error: dZ[1] = W[2] (1, 4) · dZ[2] (1, 400): inner sizes 4 and 1 do not"
        " line up — W[2]ᵀ (4, 1) would (iteration 0, step 9: dZ1)\n"
    )


def test_cli_trace_table_marks_the_mistaken_steps_with_their_real_shapes():
    import io

    from rich.console import Console

    from tui.cli.trace import run_trace

    console = Console(file=io.StringIO(), width=200)
    with pytest.raises(ShapeMismatch, match=r"Z\[1\] = W\[1\]·X \(4, 400\) \+ b\[1\] \(4, 4\)"):
        run_trace(RunConfig(mistake="no-keepdims", iterations=2), "table", console)
    out = console.file.getvalue()
    assert "mistake no-keepdims" in out and out.count("✗ mistake") == 2
    assert "db1 = (1 / m) * np.sum(dZ1, axis=1)" in out
    assert "b[1] (4, 1) − α · db[1] (4,) → b[1] (4, 4)" in out


def test_cli_mistakes_lists_each_with_its_symptom(capsys):
    from tui.cli.main import main

    assert main(["mistakes"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    for mistake in MISTAKES:
        assert mistake.name in out and " ".join(mistake.symptom.split()) in out


# ---- the app


async def test_m_picks_a_mistake_that_restarts_the_run_and_shows_what_goes_wrong():
    from app_helpers import WIDE, new_app, panel_text

    from tui.app.screens.mistake_screen import MistakeScreen

    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n", "n", "m")
        await pilot.pause()
        assert isinstance(app.screen, MistakeScreen)
        await pilot.press("down", "down", "down", "down", "enter")  # none, no-1-over-m, … 4th
        await pilot.pause()
        assert app.session.config.mistake == "no-keepdims"
        assert app.session.stepper.cursor == 0  # a fresh run, from iteration 0
        assert "MISTAKE: no-keepdims" in panel_text(app, "#status")

        for _ in range(STEP_INDEX["db1"] + 1):
            await pilot.press("n")
        formula = panel_text(app, "#formula")
        assert "db1 = (1 / m) * np.sum(dZ1, axis=1)" in formula and "✗ mistake" in formula
        assert "course: db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)" in formula
        assert "db[1] is (4,) where the slide has (4, 1)" in formula
        assert "8 db2  backward ✗" in panel_text(app, "#steps")

        await pilot.press("i", "i")  # the end of iteration 0, then Z1 of iteration 1 fails
        assert app.session.stepper.cursor == STEPS_PER_ITERATION
        formula = panel_text(app, "#formula")
        assert "✗ step 1/15 of iteration 1 cannot be computed" in formula
        assert "W[1]·X (4, 400) + b[1] (4, 4)" in formula
        assert "b[1] should be (4, 1)" in formula
        status = panel_text(app, "#status")
        assert "Z[1] = W[1]·X (4, 400) + b[1] (4, 4): sizes 400 and 4" in status
        assert "b[1] (4, 4)" in panel_text(app, "#network")

        await pilot.press("p")  # back is always possible, and clears the failure
        assert app.view.failure is None and app.session.stepper.event.name == "W2"

        await pilot.press("m")
        await pilot.pause()
        await pilot.press("up", "up", "up", "up", "enter")  # back to none
        await pilot.pause()
        assert app.session.config.mistake is None
        assert "MISTAKE" not in panel_text(app, "#status")


async def test_escape_leaves_the_mistake_as_it_was():
    from app_helpers import WIDE, new_app

    from tui.app.screens.mistake_screen import MistakeScreen

    app = new_app(mistake="update-sign-flipped")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n", "m")
        await pilot.pause()
        assert isinstance(app.screen, MistakeScreen)
        await pilot.press("down", "escape")
        await pilot.pause()
        assert app.session.config.mistake == "update-sign-flipped"
        assert app.session.stepper.cursor == 1


async def test_a_run_in_the_app_stops_at_the_shape_error():
    from app_helpers import WIDE, new_app, panel_text

    app = new_app(mistake="W2-not-transposed")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.running and app.session.stepper.cursor == STEP_INDEX["dZ1"]
        assert "W[2] (1, 4) · dZ[2] (1, 400)" in panel_text(app, "#formula")
        assert "inner sizes 4 and 1 do not line up" in panel_text(app, "#status")
        await pilot.press("n")  # tries again, fails again, stays
        assert app.session.stepper.cursor == STEP_INDEX["dZ1"]


async def test_a_saved_session_keeps_its_mistake(tmp_path):
    from app_helpers import WIDE, new_app

    from tui.session.session import Session

    app = new_app(mistake="sum-wrong-axis")
    path = tmp_path / "mistake.json"
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(20):
            await pilot.press("n")
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("Input").value = str(path)
        await pilot.press("enter")
        await pilot.pause()
    resumed = Session.resume(str(path))
    assert resumed.config.mistake == "sum-wrong-axis" and resumed.stepper.cursor == 20
    np.testing.assert_array_equal(resumed.stepper.state()["b1"], app.session.stepper.state()["b1"])
