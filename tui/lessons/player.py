"""Playing a lesson: entering its beats one after another on a Session, and checking claims.

The app and `stepnet lesson NAME --check` both go through here, so a claim that holds in the
check holds on the screen. Going back to an earlier beat replays the lesson from its start:
every beat follows deterministically from the ones before, so the replay is exact.
"""

from __future__ import annotations

import ast
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.conditions import non_finite
from engine.diagnostics import accuracy
from engine.errors import StepnetError
from engine.generalisation import scores
from engine.mistakes.checked_numpy import ShapeMismatch
from engine.stepper import RunResult
from engine.steps import STEPS_PER_ITERATION
from tui.lessons.lesson_file import Beat, Lesson, Sweep, Target
from tui.session.derived_state import DerivedState
from tui.session.formatting import apart
from tui.session.session import Session
from tui.session.session_file import LessonPlace
from tui.session.watch import Watch, describe
from tui.session.watch_conditions import read_breakpoint

Runner = Callable[[Session], RunResult]


def run_headless(session: Session) -> RunResult:
    return session.run(threading.Event(), lambda view: None)


@dataclass(frozen=True)
class ClaimResult:
    text: str
    holds: bool
    shown: str  # the value it came to, or why there is none, and the names it read


@dataclass(frozen=True)
class SweepRow:
    value: object
    accuracy: float | None
    cost: float
    test_accuracy: float | None = None  # on the examples held out, with a test split


@dataclass(frozen=True)
class BeatOutcome:
    index: int
    claims: tuple[ClaimResult, ...]
    sweep: tuple[SweepRow, ...]
    highlight: str | None  # the highlighted value, one line
    problem: str | None  # a target that was not reached

    @property
    def holds(self) -> bool:
        return self.problem is None and all(claim.holds for claim in self.claims)


class LessonPlayer:
    """A lesson's position: which beat is entered, with what outcome, on which session.

    The player owns the session it replays: the app shows `player.session`, whichever session
    the latest replay left there.
    """

    def __init__(
        self,
        lesson: Lesson,
        new_session: Callable[..., Session] = Session,  # a served app's confines the session
    ):
        self.lesson = lesson
        self._new_session = new_session
        self.session = new_session(lesson.setup)
        self.index = 0  # the beat entered, or being entered
        self.outcome: BeatOutcome | None = None  # beat `index`'s; None until it is entered
        self._played = -1  # the latest beat played on the session; -1: none yet
        self._left_at: tuple | None = None  # where the latest beat left the session
        # How a beat's `step NAME` target computes each step on its way: the app asks a quiz
        # question first where the lesson quizzes the step (a quiz asks wherever its step is
        # reached, by a beat or a key); headless, it just steps. Replayed beats never ask.
        self.step_by_step: Callable[[Session], None] | None = None
        self._asking = False

    def place(self) -> LessonPlace:
        """Where the lesson is, for a session file: a resume comes back to this beat."""
        return LessonPlace(str(self.lesson.path.resolve()), self.index, self.lesson.sha256)

    def resume_at(self, index: int, session: Session) -> BeatOutcome:
        """Beat `index` entered (replayed headless, so its notes and claims are as they were),
        with `session` on screen: the learner's, saved there, perhaps moved on from the beat.
        The next beat goes on from there as after any step the learner took (see play)."""
        outcome = self.enter(index)
        self.session = session
        return outcome

    def enter(self, index: int, runner: Runner = run_headless) -> BeatOutcome:
        """Enter beat `index` (0-based), its runs made by `runner`."""
        self.begin(index)
        return self.play(runner)

    def begin(self, index: int) -> None:
        """Make beat `index` (0-based) the one being entered: its notes can be shown while
        `play` computes it, elsewhere."""
        self.index = max(0, min(index, len(self.lesson.beats) - 1))
        self.outcome = None

    def play(self, runner: Runner = run_headless) -> BeatOutcome:
        """Play up to the beat `begin` chose: on from the beat played last if the chosen one
        lies ahead and the session is where that beat left it; otherwise (going back, or after
        the user stepped, ran or changed a setting) the lesson is replayed from its start, so
        that every beat's claims hold on screen exactly as in `stepnet lesson --check`."""
        unit = self.session.unit  # followed across beats while the network has it
        replayed = self.index <= self._played or self._where() != self._left_at
        if replayed:
            self.session = self._fresh_session()
            self._played = -1
        outcome = None
        for following in range(self._played + 1, self.index + 1):
            self._asking = following == self.index  # the beats before it are replayed, not played
            try:
                outcome = self._play(following, runner)
            finally:
                self._asking = False
            self._played = following
        if replayed and self.session.unit is None:
            # the lesson's setup may have fewer units than the beat, which gives them back
            self.session.keep_unit(unit)
        self._left_at = self._where()
        self.outcome = outcome  # only the chosen beat's: the screen may read it meanwhile
        return outcome

    def _where(self) -> tuple:
        stepper = self.session.stepper
        return self.session.config, stepper.cursor, stepper.ws.theta.tobytes()

    def _fresh_session(self) -> Session:
        session = self._new_session(self.lesson.setup, data=self.session.data)
        session.watches = self.session.watches
        session.keep_unit(self.session.unit)
        return session

    def _play(self, index: int, runner: Runner) -> BeatOutcome:
        beat = self.lesson.beats[index]
        session = self.session
        problem, failure, sweep = None, None, ()
        try:
            if beat.setup:
                session.restart(**beat.setup)
            if beat.run_to is not None:
                problem = self._run_to(beat.run_to, runner)
            if beat.sweep is not None and problem is None:
                sweep, problem = self._sweep(beat.sweep)
        except ShapeMismatch as error:
            failure = str(error)
        except StepnetError as error:  # a setting this data cannot take, say n_h > m
            problem = str(error)
        claims = ()
        if beat.fails_with is not None:
            failed = failure is not None and beat.fails_with in failure
            claims = (ClaimResult(f"fails with {beat.fails_with!r}", failed, failure or "ran on"),)
        elif failure is not None:
            problem = failure
        session.message = f"beat {index + 1}/{len(self.lesson.beats)}"
        if problem:
            session.message += f": {problem}"
        highlight = None
        if problem is None:  # claims about a place the run never reached would mislead
            claims += self.check(beat, sweep)
            highlight, shown = self._highlight(beat)
            if shown is not None:  # a highlight that cannot be shown fails the check too
                claims += (shown,)
        return BeatOutcome(index, claims, sweep, highlight, problem)

    def _run_to(self, target: Target, runner: Runner) -> str | None:
        """Move the session to `target`; what went wrong, if it was not reached."""
        session, stepper = self.session, self.session.stepper
        if target.kind == "start":
            stepper.goto(0)
        elif target.kind == "step":
            if self._asking and self.step_by_step is not None:
                self._step_by_step_to(target.step)
            else:
                session.run_to_step(target.step)
            if stepper.failure is not None:  # the session noted it; the beat must see it
                raise stepper.failure
        elif target.kind == "iteration":
            limit = session.config.iterations  # a served session's may be lower than the file's
            if target.iteration >= limit:
                return f"iteration {target.iteration} is past this run's limit of {limit}"
            stepper.goto((target.iteration + 1) * STEPS_PER_ITERATION)
            if not np.isfinite(stepper.costs).all():
                return f"a value went NaN or Inf before iteration {target.iteration}"
        elif target.kind == "convergence":
            result = runner(session)
            if result.reason == "shape-error":
                raise session.stepper.failure  # the run's stepper: it came back from the run
            if result.reason not in ("converged", "done"):
                return f"the run stopped before converging: {result.message}"
        else:
            # the beat's condition alone, on even if the learner switched off one like it
            kept = list(session.breakpoints), session.disabled
            session.breakpoints, session.disabled = [], set()
            session.add_breakpoint(target.condition)
            try:
                result = runner(session)
            finally:
                session.breakpoints, session.disabled = kept
            if result.reason == "shape-error":
                raise session.stepper.failure
            # a run stops at NaN or Inf by itself, before any condition is asked
            hit = result.reason == "breakpoint" or (
                result.reason == "non-finite" and _non_finite(target)
            )
            if not hit:
                return f"breakpoint {target.condition!r} was never hit: {result.message}"
        return None

    def _step_by_step_to(self, name: str) -> None:
        """As Session.run_to_step, each step computed by step_by_step."""
        stepper = self.session.stepper
        for _ in range(STEPS_PER_ITERATION):
            cursor = stepper.cursor
            self.step_by_step(self.session)
            if stepper.cursor == cursor or stepper.event.name == name:
                break  # a step that could not be computed, or the target

    def _sweep(self, sweep: Sweep) -> tuple[tuple[SweepRow, ...], str | None]:
        """One run per value: the table's rows, and why a run failed, if one did."""
        rows = []
        for value in sweep.values:
            config = self.session.config.with_changes(
                **{sweep.setting: value}, iterations=sweep.iterations
            )
            stepper = config.stepper(self.session.data)
            result = stepper.run(sweep.iterations)
            if result.reason != "done":
                return tuple(
                    rows
                ), f"the run with {sweep.setting} = {value} failed: {result.message}"
            try:
                share = accuracy(stepper.parameters(), stepper.X, stepper.Y, config.activation)
            except StepnetError:
                share = None
            test_data = config.load_test_data()
            params = stepper.parameters()
            test = None if test_data is None else scores(params, *test_data, config.activation)
            test_share = None if test is None else test.accuracy
            rows.append(SweepRow(value, share, float(stepper.costs[-1]), test_share))
        return tuple(rows), None

    def check(self, beat: Beat, sweep: tuple[SweepRow, ...] = ()) -> tuple[ClaimResult, ...]:
        state = self.state(sweep)
        return tuple(_claim(text, state) for text in beat.claims)

    def state(self, sweep: tuple[SweepRow, ...] = ()) -> DerivedState:
        extra = {}
        if sweep:
            extra["sweep_accuracy"] = np.array(
                [np.nan if row.accuracy is None else row.accuracy for row in sweep]
            )
            extra["sweep_cost"] = np.array([row.cost for row in sweep])
            if any(row.test_accuracy is not None for row in sweep):
                extra["sweep_test_accuracy"] = np.array(
                    [np.nan if row.test_accuracy is None else row.test_accuracy for row in sweep]
                )
        session = self.session
        return DerivedState(session.view(), session.config.learning_rate, extra)

    def _highlight(self, beat: Beat) -> tuple[str | None, ClaimResult | None]:
        """The highlighted value as a line, and a failed claim if it cannot be shown."""
        if beat.highlight is None:
            return None, None
        expression = beat.highlight.expression
        value = Watch.parse(expression).evaluate(self.state())
        failed = None if value.ok else ClaimResult(f"highlight {expression}", False, value.error)
        return f"{expression} = {value.summary()}", failed


def _claim(text: str, state: DerivedState) -> ClaimResult:
    watch = Watch.parse(text)
    result = watch.evaluate(state)
    if not result.ok:
        return ClaimResult(text, False, result.error)
    value = result.value
    is_boolean = isinstance(value, bool | np.bool_) or (
        isinstance(value, np.ndarray) and value.dtype == np.bool_
    )
    if not is_boolean:
        return ClaimResult(
            text, False, f"gives {describe(value)}, not True or False: compare it with something"
        )
    holds = bool(np.all(value))
    read = _values_read(text, watch, state, compared=not holds)
    shown = describe(value) + (f" ({', '.join(read)})" if read else "")
    return ClaimResult(text, holds, shown)


def _values_read(text: str, watch: Watch, state: DerivedState, compared: bool) -> list[str]:
    """The single numbers a claim read, as `name = value` (`n_h = 4`); with `compared`, first
    each side of its comparisons (`costs[100] = +0.6104, costs[0] = +0.6932`), written with the
    digits that tell them apart. Only a failing claim shows its sides: a claim that holds often
    compares rounding noise (`max(abs(loop_dW2 - dW2)) < 1e-12`), which no screen may show."""
    tree = ast.parse(text.strip(), mode="eval")
    operands = []
    for node in ast.walk(tree) if compared else ():
        if isinstance(node, ast.Compare):
            operands += [node.left, *node.comparators]
    sources = [ast.get_source_segment(text.strip(), node) for node in operands]
    sources = [
        source
        for index, (source, node) in enumerate(zip(sources, operands, strict=True))
        if source is not None
        and not isinstance(node, ast.Constant)
        and source not in sources[:index]
    ]
    sources += [
        name
        for name in sorted(watch.names)
        if name not in sources and name in state and np.ndim(state[name]) == 0
    ]
    values = [Watch.parse(source).evaluate(state) for source in sources]
    numbers = [
        index
        for index, value in enumerate(values)
        if value.ok and isinstance(value.value, float | np.floating)
    ]
    written = dict(zip(numbers, apart([values[i].value for i in numbers]), strict=True))
    return [
        f"{source} = {written.get(index) or value.summary()}"
        for index, (source, value) in enumerate(zip(sources, values, strict=True))
    ]


def check_lesson(lesson: Lesson, report: Callable[[str], None]) -> BeatOutcome | None:
    """Play every beat and check every claim, reporting each; the first failing beat, or
    None when all hold."""
    player = LessonPlayer(lesson)
    for index, beat in enumerate(lesson.beats):
        outcome = player.enter(index)
        where = f"beat {index + 1}/{len(lesson.beats)} (line {beat.line})"
        if outcome.problem:
            report(f"{where}: ✗ {outcome.problem}")
            return outcome
        for claim in outcome.claims:
            mark = "✓" if claim.holds else "✗"
            report(f"{where}: {mark} {claim.text}  → {claim.shown}")
        if not outcome.holds:
            return outcome
    return None


def _non_finite(target: Target) -> bool:
    return read_breakpoint(target.condition).label == non_finite().label
