"""`stepnet --student FILE`: the debugger with the learner's own functions run beside the engine.

At each iteration shown, the learner's forward_propagation, compute_cost, backward_propagation
and update_parameters run (in child processes: engine.reference.student) from the engine's
parameters of that iteration; the steps panel marks each step theirs agrees on, the status line
names the first divergence, and `r` stops at the first step where theirs differs, however far
ahead: it runs as usual (to convergence, a breakpoint, NaN/Inf or the iteration limit), then
compares theirs over every iteration it ran (engine/reference/divergence_search.py) and goes
back to the first place theirs differs; r again pauses either part. Marks are kept for one run
(its settings and what-if edits): a new run forgets them. The value and formula panels say what
theirs gave at the step on screen (panels/student_yours.py); `y` trains on theirs alone, and
until y again the screen shows the parameters theirs trained to, with their cost curve over the
engine's (panels/student_trained.py).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from textual import work
from textual.message import Message

from engine.edits import alpha_at
from engine.errors import StepnetError
from engine.functional import backward, cost, forward, update
from engine.reference.divergence_search import Search, search_divergence
from engine.reference.student import (
    STEPS_OF,
    Divergence,
    IterationMarks,
    StudentTrace,
    StudentTraining,
    trace_student,
    train_student,
)
from engine.stepper import Stepper
from engine.steps import STEP_INDEX, STEP_NAMES, STEPS_PER_ITERATION
from tui.app.app import WHILE_RUNNING, StepnetApp
from tui.app.panels.cost_panel import CostPanel
from tui.app.panels.formula_panel import FormulaPanel
from tui.app.panels.status_bar import StatusBar
from tui.app.panels.steps_panel import StepsPanel
from tui.app.panels.student_marks import student_status_content, student_steps_content
from tui.app.panels.student_trained import (
    TrainedOnYours,
    trained_details,
    trained_formula_line,
    trained_status_content,
    trained_steps_content,
)
from tui.app.panels.student_yours import yours_details, yours_formula_line
from tui.app.panels.value.value_panel import ValuePanel
from tui.session.session import Session
from tui.session.view import View, take_view

YOURS_ITERATIONS = 1000  # y trains this long on theirs (and on the engine's, to draw beside it)
# what keys do while y shows their training: y goes back; help, the log and quitting still work
WHILE_YOURS = (WHILE_RUNNING - {"run"}) | {"train_yours"}


class StudentTraced(Message):
    def __init__(self, run: tuple, first_iteration: int, trace: StudentTrace) -> None:
        super().__init__()
        self.run = run  # the run it was traced on: a trace that comes after a restart is dropped
        self.first_iteration = first_iteration
        self.trace = trace


class Comparing(Message):
    """How far r's comparison of theirs has got; a newer one or its end supersedes it."""

    def __init__(self, iteration: int, last: int) -> None:
        super().__init__()
        self.iteration = iteration
        self.last = last

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, Comparing | Compared)


class Compared(Message):
    def __init__(self, start: View, search: Search, said: str) -> None:
        super().__init__()
        self.start = start  # where r was pressed
        self.search = search
        self.said = said  # what the run that went first said (converged, the limit, …)


class StudentFailed(Message):
    """The learner's file could not be run at all (gone, or unparsable since it was read)."""

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem


class YoursTrained(Message):
    def __init__(
        self, run: tuple, training: StudentTraining, engines: np.ndarray, start: View
    ) -> None:
        super().__init__()
        self.run = run
        self.training = training
        self.engines = engines
        self.start = start  # where y was pressed: both trainings began from its parameters


class StudentApp(StepnetApp):
    trains_yours = True

    def __init__(self, session: Session, student: str | Path) -> None:
        super().__init__(session)
        self.student = Path(student)
        self.marks: dict[int, IterationMarks] = {}  # iteration → the learner's marks there
        self.divergence: Divergence | None = None  # the earliest found so far
        self._asked: set[int] = set()
        self._marks_of = self._run()  # the run the marks belong to
        # y: what training on theirs gave, shown in place of the engine's run until y again
        self.trained: TrainedOnYours | None = None
        self._training = False  # a y's training under way: another y waits for it
        self._comparing: str | None = None  # r's comparison under way: how far it got

    @property
    def curves(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(the engine's J per iteration, theirs) while y shows their training."""
        return None if self.trained is None else (self.trained.engines, self.trained.theirs)

    def _applies_now(self, action: str) -> bool | None:
        if self.trained is not None and action not in WHILE_YOURS:
            return None  # the screen is their training, not the run: y goes back to it
        return super()._applies_now(action)

    def _run(self) -> tuple:
        """What decides the engine's trajectory: the settings and the what-if edits. The
        stepper object itself is no key: a run in its child process hands back a new one."""
        return self.session.config, self.session.stepper.edits

    def _forget_an_earlier_run(self) -> None:
        if self._run() != self._marks_of:  # n_h, α, seed, init, data or an edit changed
            self.marks, self.divergence, self._asked = {}, None, set()
            self._marks_of = self._run()

    def show_view(self, view: View) -> None:
        self._forget_an_earlier_run()
        trained = self.trained
        if trained is not None and trained.view is not None:
            # their parameters, not the run's; the unit followed is the screen's
            view = replace(trained.view, message=view.message, unit=view.unit)
        marks = None if trained is not None else self.marks.get(view.iteration)
        for value in self.query(ValuePanel).results():
            # read when the panel draws its details, also when only its cursor moves
            value.extra_details = lambda shown: (
                yours_details(shown, self.marks.get(shown.iteration))
                if self.trained is None
                else trained_details(self.trained)
            )
        for panel in self.query(FormulaPanel).results():
            panel.extra_line = lambda shown: (
                yours_formula_line(shown, self.marks.get(shown.iteration))
                if self.trained is None
                else trained_formula_line(self.trained)
            )
        for panel in self.query(CostPanel).results():
            panel.curves = self.curves
            panel.border_title = "cost J · engine ▇ yours •" if self.curves else "cost J"
        super().show_view(view)
        for panel in self.query(StepsPanel).results():
            panel.show_content(
                student_steps_content(view, marks)
                if trained is None
                else trained_steps_content(trained)
            )
        for bar in self.query(StatusBar).results():
            bar.show_content(
                student_status_content(view, self.divergence, marks is not None, self._comparing)
                if trained is None
                else trained_status_content(trained, view)
            )
        if (
            trained is None
            and marks is None
            and not view.running
            and not self.running  # r's comparison will bring these marks
            and view.iteration not in self._asked
        ):
            self._asked.add(view.iteration)
            self._trace(view)

    def _learning_rate(self, iteration: int) -> float:
        return alpha_at(self.session.stepper, iteration)  # an α edit counts from its iteration

    @work(thread=True, group="student")
    def _trace(self, view: View) -> None:
        try:
            trace = trace_student(
                self.student,
                view.state["X"],
                view.state["Y"],
                view.start_parameters,
                learning_rate=self._learning_rate(view.iteration),
            )
        except StepnetError as error:  # the file went or broke since it was read
            self.post_message(StudentFailed(str(error)))
            return
        self.post_message(StudentTraced(self._run(), view.iteration, trace))

    def on_student_traced(self, message: StudentTraced) -> None:
        if message.run != self._run():
            return  # traced on a run since left: its marks are not this run's
        self._keep(message.first_iteration, message.trace.iterations)
        self.refresh_from_session()

    def _keep(self, first_iteration: int, iterations) -> None:
        """Keep marks of consecutive iterations; the earliest divergence among them."""
        for offset, marks in enumerate(iterations):
            iteration = first_iteration + offset
            self.marks[iteration] = marks
            found = _divergence_in(marks, iteration)
            if found is not None and (
                self.divergence is None or _place(found) < _place(self.divergence)
            ):
                self.divergence = found

    # ---- r: run, then go back to where theirs first differs

    def action_run(self) -> None:
        """r: the usual run, then back to the first step on the way where theirs differs; r
        during either pauses."""
        if self.running or self.view.running:
            super().action_run()  # sets the pause, which the comparison heeds too
            return
        self._pause.clear()
        self.running = True
        self._run_then_compare(self.view)

    @work(thread=True, exclusive=True, group="run")
    def _run_then_compare(self, start: View) -> None:
        self._run_showing_progress(self.session)
        stopped = self.session.view()
        last = stopped.iteration
        # to the end of the run: a step breakpoint stops mid-iteration, the rest after a whole one
        until = (last, STEPS_PER_ITERATION - 1 if stopped.index is None else stopped.index)
        try:
            search = self._search(start, until, last)
        except StepnetError as error:
            self.post_message(StudentFailed(str(error)))
            return
        self.post_message(Compared(start, search, stopped.message))

    def _search(self, start: View, until: tuple[int, int], last: int) -> Search:
        return search_divergence(
            self.student,
            start.state["X"],
            start.state["Y"],
            start.start_parameters,
            first_iteration=start.iteration,
            after=_place_of(start),
            until=until,
            learning_rate=self._learning_rate(start.iteration),
            cancel=self._pause.is_set,
            on_chunk=lambda iteration: self.post_message(Comparing(iteration, last)),
        )

    def on_student_failed(self, message: StudentFailed) -> None:
        self.running, self._training, self._comparing = False, False, None
        self._tell(f"yours could not be run: {message.problem}")

    def on_comparing(self, message: Comparing) -> None:
        if self.running:
            self._comparing = (
                f"yours: comparing with the engine, iteration {message.iteration} of "
                f"{message.last} … (r pauses)"
            )
            self.refresh_from_session()

    def on_compared(self, message: Compared) -> None:
        self.running, self._comparing = False, None
        search, start = message.search, message.start
        stepper = self.session.stepper
        if search.place is not None:
            iteration, index = search.place
            self._keep(min(search.marks), search.marks.values())
            stepper.goto(iteration * STEPS_PER_ITERATION + index + 1)
            found = _divergence_in(search.marks[iteration], iteration, index)
            said = f"stopped where yours differs: {STEP_NAMES[index]}, iteration {iteration}"
            if found is not None and found.diagnosis:
                said += f" — {found.diagnosis}"
        elif search.cancelled:
            # back to where the comparison got: every step before it agrees with the engine
            stepper.goto(max(start.cursor, search.compared * STEPS_PER_ITERATION))
            said = (
                f"paused: yours agrees with the engine up to iteration {search.compared - 1}; "
                "r compares on from here"
                if search.compared > start.iteration
                else "paused before any of yours was compared"
            )
        else:
            said = (
                f"yours agrees with the engine at every step from iteration {start.iteration} "
                f"to {search.compared - 1}; {message.said}"
            )
        self.session.message = said
        self.refresh_from_session()

    # ---- settings --student cannot compare

    def action_next_activation(self) -> None:
        self._tell("--student compares your functions with the course's tanh network")

    def action_pick_mistake(self) -> None:
        self._tell("--student compares your functions with the engine's own, without a mistake")

    def action_train_yours(self) -> None:
        """y: train on theirs from the iteration on screen, both curves drawn; y again: off."""
        if self._training:
            self._tell(f"still training on yours for {YOURS_ITERATIONS} iterations …")
            return
        if self.trained is not None:
            self.trained = None
            self._tell(f"back to the engine's run, at iteration {self.session.view().iteration}")
            return
        self._training = True
        self._tell(f"training on yours for {YOURS_ITERATIONS} iterations …")
        self._train_yours(self.view)

    @work(thread=True, exclusive=True, group="yours")
    def _train_yours(self, view: View) -> None:
        state, params = view.state, dict(view.start_parameters)
        rate = view.config.learning_rate
        try:
            training = train_student(
                self.student, state["X"], state["Y"], params,
                iterations=YOURS_ITERATIONS, learning_rate=rate,
            )  # fmt: skip
        except StepnetError as error:
            self.post_message(StudentFailed(str(error)))
            return
        engines = []
        for _ in range(YOURS_ITERATIONS):  # the engine's own, from the same parameters
            cache = forward(params, state["X"])
            engines.append(cost(cache["A2"], state["Y"]))
            params = update(params, backward(params, cache, state["X"], state["Y"]), rate)
        self.post_message(YoursTrained(self._run(), training, np.asarray(engines), view))

    def on_yours_trained(self, message: YoursTrained) -> None:
        self._training = False
        training = message.training
        if message.run != self._run():
            self._tell("the settings changed while yours trained: y trains again from here")
            return
        if not training.costs:
            self._tell(f"yours could not be trained: {training.error}")
            return
        self.trained = trained_on_yours(message.start, training, message.engines)
        said = f"trained on yours from iteration {message.start.iteration}"
        self._tell(said if training.error is None else f"{said}; {training.error}")


def trained_on_yours(start: View, training: StudentTraining, engines) -> TrainedOnYours:
    """What y shows: their last parameters drawn by the panels, the engine's forward pass of
    them computed to ŷ = A2 so the value panel has their predictions; or why the panels stay
    the engine's (their update returned no parameters, or parameters gone NaN/Inf)."""
    theirs = np.asarray(training.costs, dtype=np.float64)
    params = training.parameters
    if params is None:
        why = "your update_parameters does not return W1, b1, W2, b2 in their shapes"
    elif not all(np.isfinite(value).all() for value in params.values()):
        why = "your parameters are not finite after it"
    else:
        stepper = Stepper(start.state["X"], start.state["Y"], params)
        for _ in range(STEP_INDEX["A2"] + 1):
            stepper.step()
        # numbered as the iteration their parameters begin in their training
        after = start.iteration + training.updates
        shown = replace(
            take_view(stepper, start.config),
            costs=theirs,
            cursor=after * STEPS_PER_ITERATION + stepper.cursor,
        )
        return TrainedOnYours(start.iteration, training.updates, engines, theirs, shown)
    return TrainedOnYours(start.iteration, training.updates, engines, theirs, None, why)


def _place_of(view: View) -> tuple[int, int]:
    """(iteration, step index) of the step on screen; index -1 before the first."""
    return view.iteration, -1 if view.index is None else view.index


def _divergence_in(
    marks: IterationMarks, iteration: int, index: int | None = None
) -> Divergence | None:
    """Where theirs first differs in one iteration (at step `index` or later, if given)."""
    for found in marks.divergences:
        steps = STEPS_OF[found.function] if found.step == "" else (found.step,)
        if index is None or any(STEP_NAMES.index(step) >= index for step in steps):
            return replace(found, iteration=iteration)
    return None


def _place(found: Divergence) -> tuple[int, int]:
    """(iteration, step index) of a divergence; a function that raised, at its first step."""
    step = found.step or STEPS_OF[found.function][0]
    return found.iteration, STEP_NAMES.index(step)
