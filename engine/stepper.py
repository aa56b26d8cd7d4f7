"""The stepper: gradient descent one event at a time, backwards as well as forwards.

A position is a cursor, the number of steps done since the start: after `cursor` steps, the
latest event is step (cursor − 1) % 15 of iteration (cursor − 1) // 15. Stepping forward runs
one kernel on the workspace; stepping back, or jumping to any earlier position, restores the
nearest checkpoint (engine.history) and recomputes forward with the same kernels, so every
earlier value comes back exactly. Running many iterations takes the fast path (all kernels, no
events) and stops on an iteration count, convergence, a non-finite value, a breakpoint or a
cancel request.

A mistake made on purpose in a step runs on engine.mistakes.stepper.MistakenStepper, the same
interface on the plain numpy path; engine.mistakes.factory.make_stepper picks the class.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from engine.activations import Activation, get_activation
from engine.display import displays_as, render_run_result
from engine.edits import Edit, alpha_at, arrive, make_edit, set_alpha
from engine.events import Event
from engine.history import DEFAULT_HISTORY_BYTES, History, first_stride
from engine.parameters import check_parameters
from engine.reverse import run_back
from engine.shapes import PARAMETER_NAMES, concrete
from engine.steps import (
    STEP_INDEX,
    STEP_NAMES,
    STEPS,
    STEPS_PER_ITERATION,
    plan_of,
    run_iteration,
)
from engine.validation import as_features, as_labels, check_hidden_units, check_learning_rate
from engine.workspace import Workspace

if TYPE_CHECKING:  # the mistakes build on the steps; a stepper only reads what they hold
    from engine.mistakes.catalogue import Mistake
    from engine.mistakes.checked_numpy import ShapeMismatch

DEFAULT_TOLERANCE = 1e-7
_COST_INDEX = STEP_INDEX["cost"]
_LAST_INDEX = STEPS_PER_ITERATION - 1
_KERNELS = tuple(step.kernel for step in STEPS)
_NAMES = STEP_NAMES
_PARAMETER_CHECK_EVERY = 16
DEFAULT_WINDOW = 10


def _quiet_overflow(method):
    """A diverging run overflows on its way to Inf/NaN; the run detects that and says where,
    so numpy's own warnings would only repeat it, noisily."""

    @functools.wraps(method)
    def quietly(*args, **kwargs):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return method(*args, **kwargs)

    return quietly


@dataclass(frozen=True)
class Breakpoint:
    """Stop a run after step `step`, or after the first whole iteration where `condition` holds."""

    label: str
    step: str | None = None
    condition: Callable[[Stepper], bool] | None = None


@displays_as(render_run_result)
@dataclass(frozen=True)
class RunResult:
    """Why a run stopped: 'done', 'converged', 'breakpoint', 'non-finite', 'cancelled',
    'shape-error' (a mistaken step whose shapes do not line up), or 'failed' (a run in the
    app that raised or had to be ended: tui/session/child_run.py)."""

    reason: str
    iterations: int  # whole iterations completed by this run
    message: str
    breakpoint: Breakpoint | None = None


class Stepper:
    """Steps through gradient descent on data X (n_x, m), Y (1, m) from the given parameters.

    `mistake` is a mistake of engine.mistakes.catalogue that only changes where the run starts
    (zero-init), or None: those run on the engine's own steps.
    """

    has_fast_path = True  # run whole iterations with run_iteration, without events
    # why the next step cannot be computed, when it cannot: only a mistaken line's shapes can
    # fail to line up (see MistakenStepper); the course's always do
    failure: ShapeMismatch | None = None

    def __init__(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        params: Mapping[str, np.ndarray],
        *,
        activation: str = "tanh",
        learning_rate: float = 1.2,
        history_bytes: int = DEFAULT_HISTORY_BYTES,
        mistake: Mistake | None = None,
    ):
        X, Y, params = checked_data(X, Y, params)
        if mistake is not None and mistake.steps and self.has_fast_path:
            raise ValueError(
                f"the mistake {mistake.name} is in the steps: make the stepper with "
                "engine.make_stepper, which runs it on the plain numpy path"
            )
        self.mistake = mistake
        if mistake is not None:
            params = mistake.starting(params)
        self.activation: Activation = get_activation(activation)
        self.learning_rate = check_learning_rate(learning_rate)
        self.cursor = 0
        self._costs = np.full(1024, np.nan)
        self._edits: dict[int, list[Edit]] = {}  # iteration → what-if edits at its start
        self._set_up(X, Y, params, history_bytes)

    def _set_up(
        self, X: np.ndarray, Y: np.ndarray, params: dict[str, np.ndarray], history_bytes: int
    ) -> None:
        """The state the steps work on, its history, and the first checkpoint."""
        self.ws = Workspace(X, Y, params, self.activation, self.learning_rate)
        # a step's work: one multiply-add per example for every parameter, a few times over
        self.history = History(history_bytes, first_stride(X.shape[1] * self.ws.theta.size))
        self._codes = tuple(step.code_for(self.activation) for step in STEPS)
        dims = self.ws.dims()
        self._operands = tuple(
            tuple((name, concrete(name, dims)) for name in step.operands_for(self.activation))
            for step in STEPS
        )
        self.history.save(0, self.ws.theta)
        self._start_theta = self.ws.theta.copy()  # parameters when the latest iteration began

    # A pickled Workspace leaves its steps' scratch buffers behind (they are most of its size),
    # so on arrival the latest iteration's steps are computed into them again: from the
    # parameters that iteration began with, by the same kernels, hence bit for bit what they
    # were. Here rather than in the caller, so that no unpickled stepper is ever half there.
    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._recompute_latest_steps()

    @_quiet_overflow
    def _recompute_latest_steps(self) -> None:
        """Compute the steps done so far in the latest iteration (a cursor on a boundary has
        all fifteen of the previous one) into the workspace, from _start_theta."""
        if self.cursor == 0:
            return
        np.copyto(self.ws.theta, self._start_theta)
        for kernel in _KERNELS[: len(self.computed())]:
            kernel(self.ws)

    # ---- where we are

    @property
    def X(self) -> np.ndarray:
        return self.ws.X

    @property
    def Y(self) -> np.ndarray:
        return self.ws.Y

    @property
    def n_h(self) -> int:
        return self.ws.n_h

    @property
    def iteration(self) -> int:
        """The iteration the next step belongs to."""
        return self.cursor // STEPS_PER_ITERATION

    @property
    def next_index(self) -> int:
        """The index (0–14) of the next step in its iteration."""
        return self.cursor % STEPS_PER_ITERATION

    @property
    def costs(self) -> np.ndarray:
        """J at the start of each iteration whose cost step has run, oldest first (read-only)."""
        done = self.cursor // STEPS_PER_ITERATION
        if self.next_index > _COST_INDEX:
            done += 1
        view = self._costs[:done]
        view.flags.writeable = False
        return view

    def recorded_costs(self, n: int) -> np.ndarray:
        """J of iterations 0 … n − 1 as last computed on this branch, also those past the cursor
        (after going back): what scrubbing along a run shows (read-only)."""
        view = self._costs[: max(0, min(n, len(self._costs)))]
        view.flags.writeable = False
        return view

    @property
    def event(self) -> Event | None:
        """The latest event: the step just computed, or None before the first step."""
        if self.cursor == 0:
            return None
        return self._event(*divmod(self.cursor - 1, STEPS_PER_ITERATION))

    def parameters(self) -> dict[str, np.ndarray]:
        """W1, b1, W2, b2 as they are now (fresh arrays, one row per hidden unit)."""
        return self.ws.parameters()

    def iteration_start_parameters(self) -> dict[str, np.ndarray]:
        """W1, b1, W2, b2 as they were when the latest event's iteration began: the 'old'
        values beside an update step's new ones."""
        return self.ws.parameters_from(self._start_theta)

    def state(self) -> Mapping[str, np.ndarray | float]:
        """Every array that has a value now: X, Y, the parameters, and the steps of the latest
        iteration computed so far."""
        return StateView(self)

    def computed(self) -> tuple[str, ...]:
        """The step names whose values in the workspace belong to the latest iteration."""
        if self.cursor == 0:
            return ()
        return STEP_NAMES[: (self.cursor - 1) % STEPS_PER_ITERATION + 1]

    # ---- one event at a time

    def step(self) -> Event:
        """Compute the next step and return its event."""
        # the event path's hot loop: fifteen of these an iteration, so kept flat
        ws = self.ws
        iteration, index = divmod(self.cursor, STEPS_PER_ITERATION)
        if index == 0:
            self.history.save(iteration, ws.theta)
            np.copyto(self._start_theta, ws.theta)
        for function, args in plan_of(ws).in_order[index]:  # what _KERNELS[index](ws) runs
            function(*args)
        self.cursor += 1
        if index == _COST_INDEX:
            self._record_cost(iteration, ws.cost)
        elif index == _LAST_INDEX and self._edits:
            arrive(self, iteration + 1)
        return self._event(iteration, index)

    def __iter__(self) -> Iterator[Event]:
        """Events forever, lazily: for event in stepper: …"""
        while True:
            yield self.step()

    def back(self) -> Event | None:
        """Step back one event (recomputed exactly); None when already at the start."""
        if self.cursor > 0:
            self.goto(self.cursor - 1)
        return self.event

    def finish_iteration(self) -> Event:
        """Step to the end of the current iteration (its last update) and return that event."""
        event = self.step()
        while self.next_index != 0:
            event = self.step()
        return event

    def goto(self, cursor: int) -> None:
        """Jump to any position, earlier or later, with every value as it was computed there."""
        if cursor < 0:
            raise ValueError(f"cursor {cursor} is before the start")
        if cursor == 0:
            self._restore(0)
            self.cursor = 0
            self._start_iteration_here()
            return
        if self.cursor < cursor <= self.cursor + STEPS_PER_ITERATION:
            while self.cursor < cursor:
                self.step()
            return
        iteration, steps = divmod(cursor - 1, STEPS_PER_ITERATION)
        self._restore(iteration)
        self.cursor = iteration * STEPS_PER_ITERATION
        for _ in range(steps + 1):
            self.step()

    def _start_iteration_here(self) -> None:
        """Take the parameters now as those the latest iteration began with. Every step 0 does
        this; going back to the very start, where no step has run, must do it too."""
        np.copyto(self._start_theta, self.ws.theta)

    def goto_iteration(self, iteration: int) -> None:
        """Jump to the start of `iteration`: its parameters set, none of its steps done yet."""
        self.goto(iteration * STEPS_PER_ITERATION)

    # ---- many iterations at once

    @_quiet_overflow
    def run(
        self,
        iterations: int | None = None,
        *,
        until_converged: bool = False,
        tolerance: float = DEFAULT_TOLERANCE,
        window: int = DEFAULT_WINDOW,
        breakpoints: Sequence[Breakpoint] = (),
        cancel: Callable[[], bool] | None = None,
        on_progress: Callable[[Stepper], None] | None = None,
        progress_every: int = 100,
    ) -> RunResult:
        """Run whole iterations on the fast path until one of the stop rules fires.

        `iterations` caps how many (None: no cap, so give `until_converged` or a breakpoint).
        Converged means |ΔJ| < `tolerance` for `window` iterations in a row. A run that starts
        mid-iteration first finishes it. Breakpoints on a step stop right after that step;
        breakpoints on a condition are checked after every whole iteration. Without a fast
        path (a mistaken stepper), every iteration goes event by event.
        """
        at_steps = {bp.step: bp for bp in breakpoints if bp.step is not None}
        one_by_one = bool(at_steps) or not self.has_fast_path
        conditions = [bp for bp in breakpoints if bp.condition is not None]
        # the fast path's hot loop: fifty thousand of these a second on the flower, so what
        # it reads is held in locals and the iteration's calls run inline
        ws, history, start_theta, edits = self.ws, self.history, self._start_theta, self._edits
        calls = None if one_by_one else plan_of(ws).iteration
        done = 0
        calm = 0
        while iterations is None or done < iterations:
            if cancel is not None and cancel():
                return RunResult("cancelled", done, f"paused at iteration {self.iteration}")
            cursor = self.cursor
            iteration = cursor // STEPS_PER_ITERATION
            if calls is None or cursor % STEPS_PER_ITERATION:
                # one step at a time to the end of this iteration: a step breakpoint may be on
                # the way, and a run that starts mid-iteration finishes it first
                stop = self._steps_to_boundary(at_steps, done)
                if stop is not None:
                    return stop
            else:
                if iteration % history.stride == 0:
                    history.save(iteration, ws.theta)
                np.copyto(start_theta, ws.theta)
                for function, args in calls:  # run_iteration(ws), inline
                    function(*args)
                cost = ws.cost
                if iteration < len(self._costs):
                    self._costs[iteration] = cost
                else:
                    self._record_cost(iteration, cost)
                self.cursor = cursor + STEPS_PER_ITERATION
                if edits and iteration + 1 in edits:
                    arrive(self, iteration + 1)
                    calls = plan_of(ws).iteration  # an edit of α binds a new plan
                # a non-finite cost shows at once; a non-finite weight that tanh or σ flattens
                # may not reach the cost, so the parameters are checked every few iterations
                if not math.isfinite(cost) or (
                    (iteration % _PARAMETER_CHECK_EVERY == 0 or done + 1 == iterations)
                    and not np.isfinite(ws.theta).all()
                ):
                    return self._stop_at_non_finite(iteration, done)
            done += 1
            if until_converged and iteration > 0:
                costs = self._costs
                calm = calm + 1 if abs(costs[iteration] - costs[iteration - 1]) < tolerance else 0
                if calm >= window:
                    return RunResult(
                        "converged",
                        done,
                        f"converged at iteration {iteration}: |ΔJ| < {tolerance:g} "
                        f"for {window} iterations",
                    )
            for bp in conditions:
                if bp.condition(self):
                    return RunResult(
                        "breakpoint",
                        done,
                        f"breakpoint: {bp.label} (iteration {iteration})",
                        bp,
                    )
            if on_progress is not None and done % progress_every == 0:
                on_progress(self)
        return RunResult("done", done, f"ran {done} iterations")

    def run_back(
        self,
        breakpoints: Sequence[Breakpoint] = (),
        *,
        cancel: Callable[[], bool] | None = None,
    ) -> RunResult:
        """Go back to the latest earlier position where `run`, going forward from the start,
        would have stopped for `breakpoints`: right after a step with a breakpoint, or right
        after the latest earlier whole iteration after which a condition held. Reason
        'breakpoint'; 'start' (at cursor 0) when none held; 'cancelled' (back where it was)
        when `cancel` says so. See engine.reverse for how, and what it costs."""
        return run_back(self, breakpoints, cancel)

    # ---- what-if

    def edit(self, name: str, index: tuple[int, ...], value: float) -> Edit:
        """Set `name[index]` (W1, b1, W2, b2; or "alpha" with index ()) to `value` at the start
        of the current iteration and go on from there on a branch: earlier positions keep their
        values, later ones follow from the edit (see engine.edits)."""
        return make_edit(self, name, index, value)

    @property
    def edits(self) -> tuple[Edit, ...]:
        """The edits in effect on this branch, by iteration."""
        return tuple(edit for iteration in sorted(self._edits) for edit in self._edits[iteration])

    def _steps_to_boundary(self, at_steps: Mapping[str, Breakpoint], done: int) -> RunResult | None:
        """Step to the end of the current iteration; a RunResult if something stops the run."""
        while True:
            event = self.step()
            if not event.finite:
                return self._non_finite_result(event, done)
            if event.name in at_steps:
                bp = at_steps[event.name]
                finished = done + (1 if self.next_index == 0 else 0)
                message = f"breakpoint: {bp.label} (iteration {event.iteration})"
                return RunResult("breakpoint", finished, message, bp)
            if self.next_index == 0:
                return None

    def _stop_at_non_finite(self, iteration: int, done: int) -> RunResult:
        """Find the first step that went non-finite, at or up to 16 iterations before
        `iteration`, and stop right after it."""
        first = max(0, iteration - _PARAMETER_CHECK_EVERY)
        for suspect in range(first, iteration + 1):
            self._restore(suspect)
            self.cursor = suspect * STEPS_PER_ITERATION
            for _ in STEPS:
                event = self.step()
                if not event.finite:
                    # `done` counts the iterations before `iteration`; the stepper now stands
                    # inside `suspect`, so only the ones before that are whole
                    return self._non_finite_result(event, done - (iteration - suspect))
        return RunResult("non-finite", done, f"a value went non-finite by iteration {iteration}")

    def _non_finite_result(self, event: Event, done: int) -> RunResult:
        return RunResult(
            "non-finite",
            done,
            f"{event.name} became NaN or Inf at iteration {event.iteration} "
            f"(step {event.index + 1} of {STEPS_PER_ITERATION}, {event.formula}); "
            "try a smaller learning rate",
        )

    # ---- internals

    def _restore(self, iteration: int) -> None:
        """Set the parameters to those at the start of `iteration`, recomputing if needed."""
        start, theta = self.history.nearest(iteration)
        self.ws.theta[...] = theta
        if self._edits:
            set_alpha(self.ws, alpha_at(self, start))
        for earlier in range(start, iteration):
            self.history.save(earlier, self.ws.theta)
            run_iteration(self.ws)
            self._record_cost(earlier, self.ws.cost)
            if self._edits:
                arrive(self, earlier + 1)

    def _record_cost(self, iteration: int, cost: float) -> None:
        if iteration >= self._costs.shape[0]:
            grown = np.full(2 * len(self._costs), np.nan)
            grown[: len(self._costs)] = self._costs
            self._costs = grown
        self._costs[iteration] = cost

    def _event(self, iteration: int, index: int) -> Event:
        """The event for step `index` of `iteration`; the workspace must be just past it."""
        if index == _COST_INDEX:
            value: np.ndarray | float = self.ws.cost
        else:
            value = self.ws.full(_NAMES[index])
            value.flags.writeable = False
        return Event(
            iteration, index, STEPS[index], self._codes[index], self._operands[index], value
        )


def checked_data(
    X: np.ndarray, Y: np.ndarray, params: Mapping[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """X (n_x, m), Y (1, m) and float64 copies of W1, b1, W2, b2, checked against each other."""
    X = as_features(X)
    Y = as_labels(Y, m=X.shape[1])
    params = check_parameters(params, n_x=X.shape[0])
    check_hidden_units(params["W1"].shape[0], X.shape[1])
    return X, Y, params


class StateView(Mapping):
    """Read-only, lazily expanded values of a stepper's current state, by the slide's names."""

    def __init__(self, stepper: Stepper):
        self._stepper = stepper
        self._names = ("X", "Y", *PARAMETER_NAMES, *stepper.computed())
        self._cache: dict[str, np.ndarray | float] = {}

    def __getitem__(self, name: str) -> np.ndarray | float:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._cache:
            ws = self._stepper.ws
            if name == "cost":
                self._cache[name] = ws.cost
            elif name in ("X", "Y"):
                self._cache[name] = _read_only(getattr(ws, name))
            else:
                self._cache[name] = _read_only(ws.full(name))
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(self._names))

    def __len__(self) -> int:
        return len(dict.fromkeys(self._names))


def _read_only(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view
