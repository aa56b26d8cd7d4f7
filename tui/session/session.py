"""A debugging session: the settings, the stepper, breakpoints and watches, without any screen.

The app turns keys into calls on a Session and draws the Views it returns; tests drive a Session
directly. Changing a setting (activation, n_h, α, initialization, mistake) starts a fresh run from
iteration 0 with the new settings: every iteration then follows from the one before, so the
history stays exact.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable

import numpy as np

from engine.activations import ACTIVATIONS
from engine.conditions import at_step, parse_condition
from engine.config import RunConfig
from engine.errors import StepnetError
from engine.mistakes.catalogue import get_mistake
from engine.mistakes.checked_numpy import ShapeMismatch
from engine.stepper import Breakpoint, RunResult, Stepper
from engine.steps import STEP_NAMES, STEPS_PER_ITERATION
from tui.session.derived_state import DerivedState
from tui.session.run_verdict import run_message
from tui.session.session_file import SessionData, capture, load_session, save_session
from tui.session.view import View, WatchLine, take_view
from tui.session.watch import Watch

FRAME_SECONDS = 0.2  # at most 5 screen updates a second while running: enough to watch the
# cost fall, and each one costs a served class's machine ~15 ms of CPU and its network a frame
MAX_HIDDEN_IN_APP = 64


def _stopping_at_shape_errors(move):
    """A mistaken step whose shapes do not line up stops the move right before it: the session
    says why, and the stepper keeps the failure for the formula panel to show."""

    @functools.wraps(move)
    def guarded(self, *args):
        try:
            move(self, *args)
        except ShapeMismatch as failure:
            self.message = str(failure)

    return guarded


class Session:
    max_hidden = MAX_HIDDEN_IN_APP  # a served session lowers it (tui/serve/confined_app.py)

    def __init__(self, config: RunConfig, data: tuple[np.ndarray, np.ndarray] | None = None):
        self.config = config.checked()
        self.data = data if data is not None else self.config.load_data()
        self.stepper: Stepper = self.config.stepper(self.data)
        self.breakpoints: list[Breakpoint] = []  # on steps and on conditions, in order added
        self.watches: list[Watch] = []
        self.selection: tuple[int, int] | None = None  # the value panel's cursor
        self.message = ""
        self.running = False

    @classmethod
    def resume(cls, path: str) -> Session:
        """The session saved in `path`, every value exactly as it was."""
        saved: SessionData = load_session(path)
        session = cls.__new__(cls)
        session.config = saved.config
        session.stepper = saved.stepper()
        session.data = (session.stepper.X, session.stepper.Y)
        session.breakpoints = saved.breakpoint_list()
        session.watches = saved.watch_list()
        session.selection = saved.selection
        session.message = f"resumed {path}"
        session.running = False
        return session

    def save(self, path: str) -> None:
        data = capture(
            self.stepper,
            self.config,
            breakpoints=self.breakpoints,
            watches=self.watches,
            selection=self.selection,
        )
        written = save_session(path, data)
        self.message = f"saved to {written}; reopen with stepnet --resume {written}"

    @property
    def step_breakpoints(self) -> frozenset[str]:
        return frozenset(bp.step for bp in self.breakpoints if bp.step is not None)

    # ---- what the screen shows

    def view(self, *, running: bool | None = None) -> View:
        view = take_view(
            self.stepper,
            self.config,
            breakpoints=self.step_breakpoints,
            running=self.running if running is None else running,
            message=self.message,
        )
        return view.with_watches(self._watch_lines(view))

    def _watch_lines(self, view: View) -> tuple[WatchLine, ...]:
        state = DerivedState(view, self.config.learning_rate, state=self.stepper.state())
        return tuple(
            WatchLine(watch.text, watch.evaluate(state, cursor=view.cursor), watch.history)
            for watch in self.watches
        )

    # ---- stepping

    @_stopping_at_shape_errors
    def step(self) -> None:
        event = self.stepper.step()
        self.message = "" if event.finite else f"{event.name} is not finite: try a smaller α"

    def back(self) -> None:
        if self.stepper.cursor == 0:
            self.message = "already at the start"
            return
        self.stepper.back()
        self.message = ""

    @_stopping_at_shape_errors
    def finish_iteration(self) -> None:
        self.stepper.finish_iteration()
        self.message = f"finished iteration {self.stepper.iteration - 1}"

    @_stopping_at_shape_errors
    def run_to_step(self, name: str) -> None:
        """Step forward to the next `name` step (at most one iteration ahead)."""
        for _ in range(STEPS_PER_ITERATION):
            if self.stepper.step().name == name:
                break
        self.message = ""

    @_stopping_at_shape_errors
    def goto_iteration(self, iteration: int) -> None:
        """Jump to the start of `iteration` (its first step computed)."""
        self.stepper.goto(iteration * STEPS_PER_ITERATION + 1)
        self.message = f"at iteration {iteration}"

    # ---- running

    def run(
        self,
        cancel: threading.Event,
        on_view: Callable[[View], None],
        *,
        frame_seconds: float = FRAME_SECONDS,
    ) -> RunResult:
        """Run to convergence (or the iteration limit, a breakpoint, NaN/Inf, or `cancel`),
        handing a View to `on_view` at most once per `frame_seconds`."""
        last_frame = time.monotonic()

        def progress(stepper: Stepper) -> None:
            nonlocal last_frame
            now = time.monotonic()
            if now - last_frame >= frame_seconds:
                last_frame = now
                on_view(self.view(running=True))

        remaining = max(0, self.config.iterations - self.stepper.iteration)
        self.running = True
        try:
            if remaining == 0:
                result = RunResult(
                    "done", 0, f"already at the iteration limit {self.stepper.iteration}"
                )
            else:
                result = self.stepper.run(
                    remaining,
                    until_converged=True,
                    breakpoints=self.breakpoints,
                    cancel=cancel.is_set,
                    on_progress=progress,
                    progress_every=16,
                )
        finally:
            self.running = False
        self.message = run_message(
            result,
            np.asarray(self.stepper.costs),
            self.stepper.state(),
            self.config.learning_rate,
            self.config.iterations,
        )
        return result

    # ---- settings: each starts a fresh run

    def restart(self, **changes) -> None:
        """Start again from iteration 0 with some settings changed."""
        config = self.config.with_changes(**changes)
        data = self.data if config.data == self.config.data else None
        stepper = config.stepper(data)
        self.config, self.stepper = config, stepper
        if data is None:
            self.data = (stepper.X, stepper.Y)

    def zero_init(self) -> None:
        self.restart(init="zeros")
        self.message = "zero initialization: every hidden unit starts identical"

    def random_init(self) -> None:
        changes = {}
        mistake = self.config.mistake
        if mistake and get_mistake(mistake).starting_parameters is not None:
            # a mistake in the initialization (zero-init) would start the run where it did
            # and the settings line would claim random weights: asking for them drops it
            changes["mistake"] = None
        self.restart(init="random", seed=self.config.seed + 1, **changes)
        self.message = f"random initialization × {self.config.scale:g}, seed {self.config.seed}"
        if changes:
            self.message += f" (the mistake {mistake} is undone: it was the initialization)"

    def next_activation(self) -> None:
        names = list(ACTIVATIONS)
        following = names[(names.index(self.config.activation) + 1) % len(names)]
        self.restart(activation=following)
        self.message = f"activation g = {following}"

    def change_hidden(self, delta: int) -> None:
        hidden = min(self.max_hidden, max(1, self.config.hidden + delta))
        if hidden == self.config.hidden:
            self.message = f"n_h stays {hidden} (1 to {self.max_hidden} here)"
            return
        self.restart(hidden=hidden)
        self.message = f"n_h = {hidden}"

    def scale_learning_rate(self, factor: float) -> None:
        self.restart(learning_rate=self.config.learning_rate * factor)
        self.message = f"α = {self.config.learning_rate:g}"

    def set_mistake(self, name: str | None) -> None:
        """Restart with the mistake called `name` made on purpose, or with none."""
        self.restart(mistake=name)
        if name is None:
            self.message = "no mistake: the course's steps"
        else:
            self.message = f"mistake {name}: {get_mistake(name).description}"

    # ---- breakpoints and watches

    def toggle_step_breakpoint(self, name: str | None = None) -> None:
        """Toggle a breakpoint on `name` (default: the step on screen, or the next one)."""
        if name is None:
            event = self.stepper.event
            name = event.name if event is not None else STEP_NAMES[0]
        if name in self.step_breakpoints:
            self.breakpoints = [bp for bp in self.breakpoints if bp.step != name]
            self.message = f"breakpoint on {name} removed"
        else:
            self.breakpoints.append(at_step(name))
            self.message = f"breakpoint on {name}: a run stops right after it"

    def add_breakpoint(self, text: str) -> None:
        """A breakpoint typed by the user: a step name or a condition such as 'cost rises'."""
        try:
            breakpoint = parse_condition(text)
        except StepnetError as error:
            self.message = str(error)
            return
        if any(bp.label == breakpoint.label for bp in self.breakpoints):
            self.message = f"breakpoint {breakpoint.label!r} is already set"
            return
        self.breakpoints.append(breakpoint)
        self.message = f"breakpoint: {breakpoint.label}"

    def clear_breakpoints(self) -> None:
        self.breakpoints = []
        self.message = "all breakpoints removed"

    def add_watch(self, text: str) -> None:
        try:
            self.watches.append(Watch.parse(text))
        except StepnetError as error:
            self.message = str(error)
            return
        self.message = f"watching {text.strip()}"

    def remove_watches(self) -> None:
        self.watches = []
        self.message = "all watches removed"
