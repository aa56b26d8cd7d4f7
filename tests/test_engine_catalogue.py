"""The catalogue tells the truth: each step's numpy line, as the course writes it, evaluated on the
stepper's state right before the step, gives the value the engine's kernel computed."""

from __future__ import annotations

import numpy as np
import pytest
from engine_fixtures import ACTIVATION_NAMES, flower, random_params

import engine
from engine import STEP_NAMES, STEPS, Stepper, get_activation


def evaluate_numpy_line(code: str, name: str, state, m: int, learning_rate: float):
    """Run the catalogue's line (a fixed string such as "Z1 = np.dot(W1, X) + b1") on copies of
    the state's arrays and return what it assigns to `name`."""
    namespace = {key: np.array(value) for key, value in state.items()}
    namespace.update(np=np, m=m, learning_rate=learning_rate)
    exec(code, namespace)  # tests only: the strings come from engine.STEPS, not from a user
    return namespace[name]


def check_one_iteration(stepper: Stepper) -> None:
    activation = stepper.activation
    m = stepper.X.shape[1]
    for step in STEPS:
        before = dict(stepper.state())
        event = stepper.step()
        assert event.name == step.name
        code = step.code_for(activation)
        assert event.code == code
        assert code.startswith(f"{step.name} = ")
        expected = evaluate_numpy_line(code, step.name, before, m, stepper.learning_rate)
        where = f"{activation.name}, iteration {event.iteration}: {code}"
        if step.name == "cost":
            assert np.shape(expected) == (1, 1), where
            assert event.value == pytest.approx(expected.item(), rel=0, abs=1e-12), where
        else:
            assert event.value.shape == expected.shape, where
            np.testing.assert_allclose(event.value, expected, rtol=0, atol=1e-12, err_msg=where)


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_numpy_lines_match_kernels_with_random_init(activation):
    X, Y = flower()
    stepper = Stepper(X, Y, random_params(5, scale=0.5, seed=2), activation=activation)
    check_one_iteration(stepper)  # iteration 0
    stepper.run(25)
    check_one_iteration(stepper)  # iteration 25, far from the start


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_numpy_lines_match_kernels_with_identical_units(activation):
    # with identical units the kernels work on one row per group; the course's line on the
    # full arrays must still agree
    X, Y = flower()
    stepper = Stepper(X, Y, engine.initialize("constant:0.5", 2, 6), activation=activation)
    stepper.run(10)
    check_one_iteration(stepper)


def test_catalogue_has_the_fifteen_steps_in_the_slides_order():
    assert list(STEP_NAMES) == [
        *("Z1", "A1", "Z2", "A2", "cost"),
        *("dZ2", "dW2", "db2", "dZ1", "dW1", "db1"),
        *("W1", "b1", "W2", "b2"),
    ]
    phases = [step.phase for step in STEPS]
    assert phases == ["forward"] * 4 + ["cost"] + ["backward"] * 6 + ["update"] * 4


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_activation_code_is_the_activation(activation):
    # the A1 line and the slope expression, evaluated on their own, match g and g'
    act = get_activation(activation)
    Z1 = np.linspace(-5, 5, 41).reshape(1, -1)
    A1 = act.apply(Z1, np.empty_like(Z1))
    namespace = {"np": np, "Z1": Z1, "A1": A1}
    np.testing.assert_allclose(eval(act.code, namespace), A1, rtol=1e-15)
    operand = A1 if act.slope_operand == "A1" else Z1
    slope = act.slope(operand, np.empty_like(Z1))
    expected_slope = np.broadcast_to(eval(act.slope_code, namespace), Z1.shape)
    np.testing.assert_allclose(slope, expected_slope.astype(float), rtol=1e-15)


def test_each_kernel_is_named_for_its_step_and_runs_the_plans_calls_for_it():
    # Kernel.__call__ finds its calls in the plan by name, so a kernel filed under another
    # step's name would compute that step instead
    from engine.steps import plan_of

    X, Y = flower()
    stepper = Stepper(X, Y, random_params(4, seed=2))
    plan = plan_of(stepper.ws)
    assert [step.kernel.name for step in STEPS] == list(STEP_NAMES) == list(plan.steps)
    for step, calls in zip(STEPS, plan.in_order, strict=True):
        assert calls is plan.steps[step.name] and len(calls) >= 1
