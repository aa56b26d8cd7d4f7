"""A stepper with a mistake made on purpose: the course's steps in plain numpy, a few swapped.

The same interface as engine.stepper.Stepper, whose cursor, history, stepping back, goto and
run (with every stop rule) it inherits; what differs is underneath. Each step runs the plain
path's computation (engine.plain_path) or the mistake's, on arrays whose shapes may change from
one iteration to the next, and every iteration goes event by event: there is no fast path to
keep in step with. A step whose shapes do not line up raises ShapeMismatch and leaves the
stepper where it was, with `failure` saying why; a run stops there with reason 'shape-error'.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from engine.activations import get_activation
from engine.checked_numpy import ShapeMismatch, shape_text
from engine.errors import StepnetError
from engine.events import Event
from engine.history import DEFAULT_HISTORY_BYTES, SnapshotHistory
from engine.mistakes import get_mistake
from engine.plain_path import PlainState
from engine.shapes import PARAMETER_NAMES
from engine.stepper import Breakpoint, RunResult, Stepper, checked_data
from engine.steps import STEP_INDEX, STEP_NAMES, STEPS, STEPS_PER_ITERATION
from engine.validation import check_learning_rate

_COST_INDEX = STEP_INDEX["cost"]


class MistakenStepper(Stepper):
    """Steps through gradient descent with the mistake called `mistake` made in its steps."""

    has_fast_path = False

    def __init__(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        params: Mapping[str, np.ndarray],
        *,
        activation: str = "tanh",
        learning_rate: float = 1.2,
        history_bytes: int = DEFAULT_HISTORY_BYTES,
        mistake: str,
    ):
        X, Y, params = checked_data(X, Y, params)
        self.mistake = get_mistake(mistake)
        self.activation = get_activation(activation)
        self.learning_rate = check_learning_rate(learning_rate)
        self.ws = PlainState(
            X, Y, self.mistake.starting(params), self.activation, self.learning_rate
        )
        self.history = SnapshotHistory(history_bytes)
        self.cursor = 0
        self._costs = np.full(1024, np.nan)
        self._steps = tuple(self.mistake.step_for(step, self.activation) for step in STEPS)
        self._codes = tuple(step.code_for(self.activation) for step in self._steps)
        self._computations = tuple(self.mistake.computation(name) for name in STEP_NAMES)
        # the shapes each step of the latest iteration read, taken before it ran: an update
        # replaces its own operand
        self._operands: list[tuple[tuple[str, tuple[int, ...]], ...]] = [()] * len(STEPS)
        self._blocked: tuple[int, ShapeMismatch] | None = None  # (cursor, why) of the last failure
        self._start_theta = self.ws.snapshot()
        self.history.save(0, self._start_theta)

    # Pickled without the mistake and its steps (closures among them), rebuilt from its name on
    # arrival: a run's child process hands the stepper back this way (tui/child_run.py).
    _REBUILT = ("mistake", "_steps", "_computations")

    def __getstate__(self) -> dict:
        state = {key: value for key, value in self.__dict__.items() if key not in self._REBUILT}
        return {**state, "mistake_name": self.mistake.name}

    def __setstate__(self, state: dict) -> None:
        state = dict(state)
        self.mistake = get_mistake(state.pop("mistake_name"))
        self.__dict__.update(state)
        self._steps = tuple(self.mistake.step_for(step, self.activation) for step in STEPS)
        self._computations = tuple(self.mistake.computation(name) for name in STEP_NAMES)

    @property
    def failure(self) -> ShapeMismatch | None:
        """Why the next step cannot be computed, if stepping from here has failed."""
        if self._blocked is not None and self._blocked[0] == self.cursor:
            return self._blocked[1]
        return None

    def step(self) -> Event:
        """Compute the next step and return its event; ShapeMismatch, and no move, if its
        shapes do not line up."""
        iteration, index = divmod(self.cursor, STEPS_PER_ITERATION)
        state, step = self.ws, self._steps[index]
        operands = tuple(
            (name, np.shape(getattr(state, name))) for name in step.operands_for(self.activation)
        )
        try:
            value = self._computations[index](state)
        except ShapeMismatch as misfit:
            failure = misfit.located(step.name, step.formula, iteration, index)
            self._blocked = (self.cursor, failure)
            raise failure from None
        if index == 0:  # Z1 leaves the parameters as they were when the iteration began
            self._start_iteration_here()
            self.history.save(iteration, self._start_theta)
        state.set(step.name, value)
        self._operands[index] = operands
        self.cursor += 1
        if index == _COST_INDEX:
            self._record_cost(iteration, value)
        return self._event(iteration, index)

    def _start_iteration_here(self) -> None:
        # a snapshot, not a copy into a buffer: the parameters' shapes may change
        self._start_theta = self.ws.snapshot()

    def _steps_to_boundary(self, at_steps: Mapping[str, Breakpoint], done: int) -> RunResult | None:
        try:
            return super()._steps_to_boundary(at_steps, done)
        except ShapeMismatch as failure:
            return RunResult("shape-error", done, str(failure))

    def _non_finite_result(self, event: Event, done: int) -> RunResult:
        result = super()._non_finite_result(event, done)
        if event.name not in self.mistake.steps:
            return result
        # a smaller α is the usual cure, but here the step itself is the learner's mistake
        message = result.message.replace(
            "try a smaller learning rate", f"this step is the mistake {self.mistake.name}"
        )
        return RunResult(result.reason, result.iterations, message)

    def _restore(self, iteration: int) -> None:
        """Go to the start of `iteration` from the nearest checkpoint, step by step; a step
        that cannot be computed on the way stops there (ShapeMismatch), at a true position."""
        start, snapshot = self.history.nearest(iteration)
        self.ws.load(snapshot.arrays)
        self.cursor = start * STEPS_PER_ITERATION
        while self.cursor < iteration * STEPS_PER_ITERATION:
            self.step()

    def _event(self, iteration: int, index: int) -> Event:
        name = STEP_NAMES[index]
        value = self.ws.cost if index == _COST_INDEX else getattr(self.ws, name)
        return Event(
            iteration, index, self._steps[index], self._codes[index], self._operands[index], value
        )


def mistaken_gradients(
    params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray, activation: str, mistake: str
) -> dict[str, np.ndarray]:
    """dW1, db1, dW2, db2 at `params` as the backward pass with `mistake` computes them;
    StepnetError if they cannot be computed or are not the parameters' shapes. A mistake in
    the initialization leaves the backward pass the course's."""
    in_steps = mistake if get_mistake(mistake).steps else None
    stepper = Stepper(X, Y, params, activation=activation, mistake=in_steps)
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
