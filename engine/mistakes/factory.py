"""One place that picks a stepper's class: the engine's own, or the plain path for a mistake.

A mistake in a step needs arrays whose shapes may change, which the engine's fixed buffers
cannot hold, so it runs on MistakenStepper; a mistake only in where the run starts (zero-init)
runs on the engine's own steps.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from engine.errors import StepnetError
from engine.history import DEFAULT_HISTORY_BYTES
from engine.mistakes.catalogue import get_mistake
from engine.mistakes.stepper import MistakenStepper
from engine.shapes import PARAMETER_NAMES, shape_text
from engine.stepper import Stepper
from engine.steps import STEP_INDEX


def make_stepper(
    X: np.ndarray,
    Y: np.ndarray,
    params: Mapping[str, np.ndarray],
    *,
    activation: str = "tanh",
    learning_rate: float = 1.2,
    history_bytes: int = DEFAULT_HISTORY_BYTES,
    mistake: str | None = None,
) -> Stepper:
    """A stepper at iteration 0 with `mistake` (a name from engine.MISTAKES) made, or none."""
    made = None if mistake is None else get_mistake(mistake)
    kind = MistakenStepper if made is not None and made.steps else Stepper
    return kind(
        X,
        Y,
        params,
        activation=activation,
        learning_rate=learning_rate,
        history_bytes=history_bytes,
        mistake=made,
    )


def mistaken_gradients(
    params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray, activation: str, mistake: str
) -> dict[str, np.ndarray]:
    """dW1, db1, dW2, db2 at `params` as the backward pass with `mistake` computes them;
    StepnetError if they cannot be computed or are not the parameters' shapes. A mistake in
    the initialization leaves the backward pass the course's."""
    made = get_mistake(mistake)
    in_steps = made.name if made.steps else None
    stepper = make_stepper(X, Y, params, activation=activation, mistake=in_steps)
    stepper.goto(STEP_INDEX["db1"] + 1)
    state = stepper.state()
    start = stepper.iteration_start_parameters()
    gradients = {}
    for name in PARAMETER_NAMES:
        gradient = np.array(state["d" + name])
        if gradient.shape != start[name].shape:
            raise StepnetError(
                f"with the mistake {mistake}, d{name} is {shape_text(gradient.shape)} but "
                f"{name} is {shape_text(start[name].shape)}: they cannot be compared"
            )
        gradients["d" + name] = gradient
    return gradients
