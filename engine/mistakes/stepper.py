"""A stepper with a mistake made on purpose: the course's steps in plain numpy, a few swapped.

The same interface as engine.stepper.Stepper, whose cursor, history, stepping back, goto and
run (with every stop rule) it inherits; what differs is underneath. Each step runs the plain
path's computation (engine.mistakes.plain_path) or the mistake's, on arrays whose shapes may
change from one iteration to the next, and every iteration goes event by event: there is no
fast path to keep in step with. A step whose shapes do not line up raises ShapeMismatch and
leaves the stepper where it was, with `failure` saying why; a run stops there with reason
'shape-error'.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from engine.events import Event
from engine.history import SnapshotHistory
from engine.mistakes.catalogue import get_mistake
from engine.mistakes.checked_numpy import ShapeMismatch
from engine.mistakes.plain_path import PlainState
from engine.stepper import Breakpoint, RunResult, Stepper
from engine.steps import STEP_INDEX, STEP_NAMES, STEPS, STEPS_PER_ITERATION

_COST_INDEX = STEP_INDEX["cost"]


class MistakenStepper(Stepper):
    """Steps through gradient descent with the mistake called `mistake` made in its steps."""

    has_fast_path = False

    def _set_up(
        self, X: np.ndarray, Y: np.ndarray, params: dict[str, np.ndarray], history_bytes: int
    ) -> None:
        self.ws = PlainState(X, Y, params, self.activation, self.learning_rate)
        self.history = SnapshotHistory(history_bytes)
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
    # arrival: a run's child process hands the stepper back this way (tui/session/child_run.py).
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
