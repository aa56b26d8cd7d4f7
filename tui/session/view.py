"""A snapshot of everything the screen shows, taken from a stepper at one moment.

Widgets render from a View and never touch the stepper: a run to convergence moves the stepper
in a worker thread, and the screen only ever sees Views the worker handed over, so nothing is
read half-updated. Taking one costs a few copies of small arrays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from engine.config import RunConfig
from engine.diagnostics import Symmetry, symmetry
from engine.events import Event
from engine.generalisation import Scores, scores
from engine.mistakes.checked_numpy import ShapeMismatch
from engine.stepper import Stepper
from engine.steps import STEPS_PER_ITERATION
from tui.session.plotting import training_accuracy


@dataclass(frozen=True)
class WatchLine:
    """A watch expression with its value now and the values it showed before."""

    text: str
    value: object  # tui.session.watch.WatchValue
    history: tuple  # of tui.session.watch.Shown: (cursor, shown line, number), oldest first


@dataclass(frozen=True)
class View:
    config: RunConfig
    event: Event | None  # the step just computed; None before the first step
    cursor: int  # steps done since the start
    state: Mapping[str, np.ndarray | float]  # X, Y, parameters, this iteration's steps so far
    start_parameters: Mapping[str, np.ndarray]  # W1 … b2 when the event's iteration began
    costs: np.ndarray  # J per iteration, read-only
    symmetry: Symmetry
    accuracy: float | None  # share of training examples right now; None once NaN/Inf appear
    dims: Mapping[str, int]  # n[0], n[1], n[2], m
    breakpoints: frozenset[str] = frozenset()  # step names with a breakpoint
    running: bool = False  # taken while a run goes (the app, which starts runs, knows that)
    message: str = ""  # the latest thing worth telling the user, one line
    watches: tuple[WatchLine, ...] = ()
    failure: ShapeMismatch | None = None  # why the next (mistaken) step cannot be computed
    edits: tuple[str, ...] = ()  # what-if edits in effect here, oldest first (engine.edits)
    test: Scores | None = None  # on the examples held out with --test-split; None without
    # J of the whole run reached so far, when the cursor has gone back before its end: the cost
    # curve then shows the run and where in it the cursor stands; None otherwise
    run_costs: np.ndarray | None = None
    # the hidden unit picked to follow (u): its map and its row or column in every matrix with
    # one per unit are marked; a numpy index below n[1], None when none is picked
    unit: int | None = None

    def with_watches(self, watches: tuple[WatchLine, ...]) -> View:
        return replace(self, watches=watches)

    @property
    def iteration(self) -> int:
        """The iteration of the event on screen (0 before the first step)."""
        return 0 if self.cursor == 0 else (self.cursor - 1) // STEPS_PER_ITERATION

    @property
    def index(self) -> int | None:
        """Index 0–14 of the event on screen within its iteration, None before the first."""
        return None if self.event is None else self.event.index

    @property
    def cost(self) -> float | None:
        return float(self.costs[-1]) if len(self.costs) else None


_DRAWN_WHILE_RUNNING = ("X", "Y")


def take_view(
    stepper: Stepper,
    config: RunConfig,
    *,
    breakpoints: frozenset[str] = frozenset(),
    running: bool = False,
    message: str = "",
    test_data: tuple[np.ndarray, np.ndarray] | None = None,
    run_costs: np.ndarray | None = None,
    unit: int | None = None,
) -> View:
    state = stepper.state()
    params = stepper.parameters()
    # while a run goes, only the parameters and the data are drawn (the boundary): copying the
    # steps' arrays too would cost a large network most of its run
    names = (*_DRAWN_WHILE_RUNNING, *params) if running else state
    return View(
        config=config,
        event=stepper.event,
        cursor=stepper.cursor,
        state={name: state[name] for name in names},
        start_parameters=stepper.iteration_start_parameters(),
        costs=np.array(stepper.costs),
        symmetry=symmetry(params),
        accuracy=training_accuracy(state, config.activation),
        dims=stepper.ws.dims(),
        breakpoints=breakpoints,
        running=running,
        message=message,
        failure=stepper.failure,
        test=None if test_data is None else scores(params, *test_data, config.activation),
        run_costs=run_costs,
        unit=unit,
        edits=tuple(
            str(edit)
            for edit in stepper.edits
            if edit.iteration * STEPS_PER_ITERATION <= stepper.cursor
        ),
    )
