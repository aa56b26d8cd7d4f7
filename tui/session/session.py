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
from engine.conditions import at_step
from engine.config import RunConfig
from engine.errors import StepnetError
from engine.generalisation import Scores, scores
from engine.mistakes.catalogue import get_mistake
from engine.mistakes.checked_numpy import ShapeMismatch
from engine.stepper import Breakpoint, RunResult, Stepper
from engine.steps import STEP_INDEX, STEP_NAMES, STEPS_PER_ITERATION
from tui.session.derived_state import DerivedState
from tui.session.edit_text import parse_edit
from tui.session.gradient_report import GradientReport, check_gradients
from tui.session.run_verdict import run_message
from tui.session.session_file import (
    LessonPlace,
    SessionData,
    capture,
    load_session,
    save_session,
)
from tui.session.sweep_pictures import MAX_ITERATIONS as MAX_SWEEP_ITERATIONS
from tui.session.sweep_pictures import SweepPicture, parse_sweep, sweep_pictures
from tui.session.unit_maps import unit_message
from tui.session.view import View, WatchLine, take_view
from tui.session.watch import MAX_WATCHES, Watch
from tui.session.watch_conditions import read_breakpoint

COST_INDEX = STEP_INDEX["cost"]
FRAME_SECONDS = 0.2  # at most 5 screen updates a second while running: enough to watch the
# cost fall, and each one costs a served class's machine ~15 ms of CPU and its network a frame
MAX_HIDDEN_IN_APP = 64
# What ] and [ may make α: 2**-20 to 2**10 around the course's 1.2. Beyond, a run only
# overflows at once or stands still; pressed a thousand times, a key would reach inf or 0.0.
LEARNING_RATE_RANGE = (1e-6, 1000.0)


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

    def __init__(
        self,
        config: RunConfig,
        data: tuple[np.ndarray, np.ndarray] | None = None,
        *,
        stepper: Stepper | None = None,
        breakpoints: list[Breakpoint] | None = None,
        watches: list[Watch] | None = None,
        selection: tuple[int, int] | None = None,
        message: str = "",
        disabled: set[str] | None = None,
    ):
        """A session at iteration 0 of `config`, on `data` (default: the config's data set);
        or, given a `stepper` (resume passes one), at that stepper's position, on its data."""
        self.config = config.checked()
        if stepper is None:
            self.data = data if data is not None else self.config.load_data()
            stepper = self.config.stepper(self.data)
        else:
            self.data = (stepper.X, stepper.Y)
        self.stepper: Stepper = stepper
        self.test_data = self.config.load_test_data()  # held out with --test-split, or None
        # on steps and on conditions, in order added
        self.breakpoints: list[Breakpoint] = breakpoints if breakpoints is not None else []
        # labels of the breakpoints kept but switched off: a run and run_back pass them by
        self.disabled: set[str] = disabled if disabled is not None else set()
        self.watches: list[Watch] = watches if watches is not None else []
        self.selection = selection  # the value panel's cursor
        self.unit: int | None = None  # the hidden unit picked to follow across the panels
        self.message = message
        # how far this run has gone, for the cost curve to scrub along: on which stepper and
        # branch (a restart or an edit starts again), and the furthest cursor a View showed
        self._reach: tuple[Stepper, tuple, int] = (stepper, stepper.edits, stepper.cursor)

    @classmethod
    def resume(cls, path: str) -> Session:
        """The session saved in `path`, every value exactly as it was."""
        return cls.restored(load_session(path), f"resumed {path}")

    @classmethod
    def restored(cls, saved: SessionData, message: str) -> Session:
        """The session `saved` holds, every value exactly as it was."""
        session = cls(
            saved.config,
            stepper=saved.stepper(),
            breakpoints=saved.breakpoint_list(),
            watches=saved.watch_list(),
            selection=saved.selection,
            message=message,
            disabled=set(saved.disabled),
        )
        session.keep_unit(saved.unit)
        return session

    def captured(self, lesson: LessonPlace | None = None) -> SessionData:
        """What a session file keeps of this session; in a lesson, `lesson` says where."""
        return capture(
            self.stepper,
            self.config,
            breakpoints=self.breakpoints,
            watches=self.watches,
            selection=self.selection,
            disabled=self.disabled,
            lesson=lesson,
            unit=self.unit,
        )

    def save(self, path: str, lesson: LessonPlace | None = None) -> None:
        """Save to `path`; in a lesson, `lesson` says where, so a resume reopens it there."""
        written = save_session(path, self.captured(lesson))
        self.message = f"saved to {written}; reopen with stepnet --resume {written}"
        if lesson is not None:
            self.message += f", in this lesson at beat {lesson.beat + 1}"

    @property
    def active_breakpoints(self) -> list[Breakpoint]:
        """The breakpoints a run and run_back stop for: every one not switched off."""
        return [bp for bp in self.breakpoints if bp.label not in self.disabled]

    @property
    def step_breakpoints(self) -> frozenset[str]:
        """The steps the steps panel marks: those with a breakpoint that is on."""
        return frozenset(bp.step for bp in self.active_breakpoints if bp.step is not None)

    # ---- what the screen shows

    def view(self, *, running: bool = False) -> View:
        """What the screen shows now; `running` for the Views a run hands over as it goes (the
        app, which starts runs, knows whether one is going: a run in a child process leaves
        this session standing still)."""
        view = take_view(
            self.stepper,
            self.config,
            breakpoints=self.step_breakpoints,
            running=running,
            message=self.message,
            test_data=self.test_data,
            run_costs=self._run_costs(),
            unit=self.unit,
        )
        return view.with_watches(self._watch_lines(view))

    def _run_costs(self) -> np.ndarray | None:
        """J of the run as far as it has gone, when the cursor stands before that (else None)."""
        stepper = self.stepper
        known, edits, furthest = self._reach
        if known is not stepper or edits != stepper.edits:
            furthest = stepper.cursor
        furthest = max(furthest, stepper.cursor)
        self._reach = (stepper, stepper.edits, furthest)
        iterations, index = divmod(furthest, STEPS_PER_ITERATION)
        n = iterations + (1 if index > COST_INDEX else 0)  # whose cost step has run
        return stepper.recorded_costs(n) if n > len(stepper.costs) else None

    def _watch_lines(self, view: View) -> tuple[WatchLine, ...]:
        state = DerivedState(view, self.config.learning_rate, state=self.stepper.state())
        return tuple(
            WatchLine(
                watch.text, watch.evaluate(state, cursor=view.cursor).summarised(), watch.history
            )
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
        if remaining == 0:
            result = RunResult(
                "done", 0, f"already at the iteration limit {self.stepper.iteration}"
            )
        else:
            result = self.stepper.run(
                remaining,
                until_converged=True,
                breakpoints=self.active_breakpoints,
                cancel=cancel.is_set,
                on_progress=progress,
                progress_every=16,
            )
        self.message = run_message(
            result,
            np.asarray(self.stepper.costs),
            self.stepper.state(),
            self.config.learning_rate,
            self.config.iterations,
        )
        return result

    def run_back(self, cancel: Callable[[], bool] | None = None) -> RunResult:
        """Go back to the latest earlier position where a run would have stopped for the
        breakpoints (see Stepper.run_back); at the start when none held."""
        active = self.active_breakpoints
        result = self.stepper.run_back(active, cancel=cancel)
        if result.reason == "start" and not active:
            self.message = "no breakpoints to run back to: back at the start"
            if self.breakpoints:
                self.message += " (every breakpoint is off: K lists them)"
        else:
            self.message = result.message
        return result

    # ---- generalisation

    def scores(self) -> tuple[Scores | None, Scores | None]:
        """(training, test) scores of the parameters now; test is None without --test-split,
        either is None when the parameters are not finite."""
        params = self.stepper.parameters()
        activation = self.config.activation
        training = scores(params, *self.data, activation)
        test = None if self.test_data is None else scores(params, *self.test_data, activation)
        return training, test

    def check_gradients(self) -> GradientReport:
        """The numerical gradient check at the parameters the latest backward pass used (those
        its iteration began with), against this run's backward pass, mistaken or not."""
        params = self.stepper.iteration_start_parameters()
        report = check_gradients(params, *self.data, self.config.activation, self.config.mistake)
        self.message = report.summary()
        return report

    # ---- the hidden unit followed across the panels

    def next_unit(self) -> None:
        """Follow the next hidden unit; after the last, none (so the same key also clears)."""
        unit = self.unit
        self.pick_unit(0 if unit is None else unit + 1 if unit + 1 < self.config.hidden else None)

    def clear_unit(self) -> None:
        self.pick_unit(None)

    def pick_unit(self, unit: int | None) -> None:
        """Follow hidden unit `unit` (a numpy index below n_h), or none, and say so."""
        self.keep_unit(unit)
        self.message = unit_message(self.unit)

    def keep_unit(self, unit: int | None) -> None:
        """Follow `unit`, carried over from another session (a saved one, a lesson's replay),
        if this network has it; none otherwise."""
        self.unit = unit if unit is not None and 0 <= unit < self.config.hidden else None

    def sweep_pictures(
        self, text: str, size: tuple[int, int], cancel: Callable[[], bool] | None = None
    ) -> tuple[str, list[SweepPicture]]:
        """A sweep typed as 'n_h 1 2 3' (tui.session.sweep_pictures): a boundary per value,
        each a fresh run from these settings; StepnetError for a sweep that cannot be read."""
        setting, values = parse_sweep(text)
        iterations = min(self.config.iterations, MAX_SWEEP_ITERATIONS)
        pictures = sweep_pictures(self.config, self.data, setting, values, iterations, size, cancel)
        self.message = f"sweep of {setting}: {len(pictures)} runs of {iterations:,} iterations"
        return setting, pictures

    # ---- what-if

    def edit(self, text: str) -> None:
        """A what-if edit typed by the user (tui.session.edit_text), at the current iteration's
        start; the run goes on from there on a branch."""
        try:
            edit = self.stepper.edit(*parse_edit(text))
        except StepnetError as error:
            self.message = str(error)
            return
        self.message = str(edit)

    # ---- settings: each starts a fresh run

    def restart(self, **changes) -> None:
        """Start again from iteration 0 with some settings changed."""
        config = self.config.with_changes(**changes)
        same = (config.data, config.test_split) == (self.config.data, self.config.test_split)
        data = self.data if same else None
        stepper = config.stepper(data)
        self.config, self.stepper = config, stepper
        if self.unit is not None and self.unit >= config.hidden:
            self.unit = None  # fewer units now: the one followed is gone
        if data is None:
            self.data = (stepper.X, stepper.Y)
            self.test_data = config.load_test_data()

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
        low, high = LEARNING_RATE_RANGE
        rate = min(high, max(low, self.config.learning_rate * factor))
        if rate == self.config.learning_rate:
            self.message = f"α stays {rate:g} (keys go from {low:g} to {high:g})"
            return
        self.restart(learning_rate=rate)
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
        if any(bp.step == name for bp in self.breakpoints):
            self.breakpoints = [bp for bp in self.breakpoints if bp.step != name]
            self.disabled.discard(name)
            self.message = f"breakpoint on {name} removed"
        else:
            self.breakpoints.append(at_step(name))
            self.message = f"breakpoint on {name}: a run stops right after it"

    def add_breakpoint(self, text: str) -> None:
        """A breakpoint typed by the user: a step name, a condition such as 'cost rises', a
        watch expression that is True or False ('cost < 0.3'), or a watchpoint ('b2 changes
        by > 0.01', 'W2[0, 1] changes sign')."""
        try:
            breakpoint = read_breakpoint(text, self.stepper)
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
        self.disabled = set()
        self.message = "all breakpoints removed"

    def toggle_breakpoint_enabled(self, index: int) -> None:
        """Switch breakpoint `index` (in order added) off, or back on; it stays listed."""
        label = self.breakpoints[index].label
        if label in self.disabled:
            self.disabled.discard(label)
            self.message = f"breakpoint {label!r} is on: a run stops for it"
        else:
            self.disabled.add(label)
            self.message = f"breakpoint {label!r} is off: a run and run back pass it by"

    def remove_breakpoint(self, index: int) -> None:
        label = self.breakpoints.pop(index).label
        self.disabled.discard(label)
        self.message = f"breakpoint {label!r} removed"

    def replace_breakpoint(self, index: int, text: str) -> None:
        """Breakpoint `index` as `text` now, on or off as it was; a text that cannot be read
        (or one already set) leaves the old breakpoint, and the message says why."""
        old = self.breakpoints[index].label
        try:
            breakpoint = read_breakpoint(text, self.stepper)
        except StepnetError as error:
            self.message = f"breakpoint {old!r} kept: {error}"
            return
        if breakpoint.label != old and any(bp.label == breakpoint.label for bp in self.breakpoints):
            self.message = f"breakpoint {old!r} kept: {breakpoint.label!r} is already set"
            return
        self.breakpoints[index] = breakpoint
        if old in self.disabled:
            self.disabled.discard(old)
            self.disabled.add(breakpoint.label)
        self.message = f"breakpoint {old!r} is now {breakpoint.label!r}"

    def add_watch(self, text: str) -> None:
        if len(self.watches) >= MAX_WATCHES:
            self.message = f"{MAX_WATCHES} watches at most: remove some first (command palette)"
            return
        try:
            self.watches.append(Watch.parse(text))
        except StepnetError as error:
            self.message = str(error)
            return
        self.message = f"watching {text.strip()}"

    def remove_watches(self) -> None:
        self.watches = []
        self.message = "all watches removed"

    def remove_watch(self, index: int) -> None:
        self.message = f"watch {self.watches.pop(index).text} removed"

    def replace_watch(self, index: int, text: str) -> None:
        """Watch `index` as `text` now, its history begun afresh (the values before were of
        another expression); a text that cannot be read leaves the old watch, and says why."""
        old = self.watches[index].text
        try:
            self.watches[index] = Watch.parse(text)
        except StepnetError as error:
            self.message = f"watch {old} kept: {error}"
            return
        self.message = f"watch {old} is now {self.watches[index].text}"
