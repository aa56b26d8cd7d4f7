"""`stepnet --student FILE`: the debugger with the learner's own functions run beside the engine.

At each iteration shown, the learner's forward_propagation, compute_cost, backward_propagation
and update_parameters run (in child processes: engine.reference.student) from the engine's
parameters of that iteration; the steps panel marks each step theirs agrees on, the status line
names the first divergence, and `r` stops at the first step where theirs differs (looking
LOOKAHEAD iterations ahead) before it runs on as usual. The value and formula panels say what
theirs gave at the step on screen (panels/student_yours.py); `y` trains on theirs alone and the
cost panel draws their curve over the engine's.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from textual import work
from textual.message import Message

from engine.functional import backward, cost, forward, update
from engine.reference.student import (
    STEPS_OF,
    Divergence,
    IterationMarks,
    StudentTrace,
    StudentTraining,
    trace_student,
    train_student,
)
from engine.steps import STEP_NAMES
from tui.app.app import StepnetApp
from tui.app.panels.cost_panel import CostPanel
from tui.app.panels.formula_panel import FormulaPanel
from tui.app.panels.status_bar import StatusBar
from tui.app.panels.steps_panel import StepsPanel
from tui.app.panels.student_marks import student_status_content, student_steps_content
from tui.app.panels.student_yours import yours_details, yours_formula_line
from tui.app.panels.value.value_panel import ValuePanel
from tui.session.session import Session
from tui.session.view import View

LOOKAHEAD = 50  # iterations of theirs compared when r looks for where theirs first differs
YOURS_ITERATIONS = 1000  # y trains this long on theirs (and on the engine's, to draw beside it)


class StudentTraced(Message):
    def __init__(self, first_iteration: int, trace: StudentTrace, then_stop: bool) -> None:
        super().__init__()
        self.first_iteration = first_iteration
        self.trace = trace
        self.then_stop = then_stop


class YoursTrained(Message):
    def __init__(self, training: StudentTraining, engines: np.ndarray, iteration: int) -> None:
        super().__init__()
        self.training = training
        self.engines = engines
        self.iteration = iteration


class StudentApp(StepnetApp):
    def __init__(self, session: Session, student: str | Path) -> None:
        super().__init__(session)
        self.student = Path(student)
        self.marks: dict[int, IterationMarks] = {}  # iteration → the learner's marks there
        self.divergence: Divergence | None = None  # the earliest found so far
        self._asked: set[int] = set()
        # y: J per iteration trained on theirs and on the engine's, from the same parameters
        self.curves: tuple[np.ndarray, np.ndarray] | None = None
        self._curves_of = None  # the stepper they were trained beside: a restart drops them
        self._training = False  # a y's training under way: another y waits for it

    def show_view(self, view: View) -> None:
        marks = self.marks.get(view.iteration)
        for value in self.query(ValuePanel).results():
            # read when the panel draws its details, also when only its cursor moves
            value.extra_details = lambda shown: yours_details(
                shown, self.marks.get(shown.iteration)
            )
        if self.curves is not None and self.session.stepper is not self._curves_of:
            self.curves = None  # another run (a setting changed): its curve is not theirs'
        for panel in self.query(FormulaPanel).results():
            panel.extra_line = lambda shown: yours_formula_line(
                shown, self.marks.get(shown.iteration)
            )
        for panel in self.query(CostPanel).results():
            panel.curves = self.curves
            panel.border_title = "cost J · engine ▇ yours •" if self.curves else "cost J"
        super().show_view(view)
        for panel in self.query(StepsPanel).results():
            panel.show_content(student_steps_content(view, marks))
        for bar in self.query(StatusBar).results():
            bar.show_content(student_status_content(view, self.divergence, marks is not None))
        if marks is None and not view.running and view.iteration not in self._asked:
            self._asked.add(view.iteration)
            self._trace(view, 1, then_stop=False)

    @work(thread=True, group="student")
    def _trace(self, view: View, iterations: int, then_stop: bool) -> None:
        state = view.state
        trace = trace_student(
            self.student,
            state["X"],
            state["Y"],
            view.start_parameters,
            iterations=iterations,
            learning_rate=view.config.learning_rate,
        )
        self.post_message(StudentTraced(view.iteration, trace, then_stop))

    def on_student_traced(self, message: StudentTraced) -> None:
        for offset, marks in enumerate(message.trace.iterations):
            self.marks[message.first_iteration + offset] = marks
        found = message.trace.divergence
        if found is not None:
            found = _shifted(found, message.first_iteration)
            if self.divergence is None or _place(found) < _place(self.divergence):
                self.divergence = found
        if message.then_stop:
            self._stop_at(_first_ahead(message.trace, message.first_iteration, self._here()))
        else:
            self.refresh_from_session()

    def _here(self) -> tuple[int, int]:
        return self.view.iteration, -1 if self.view.index is None else self.view.index

    def action_run(self) -> None:
        """r: first to where theirs differs, if that lies ahead; else the usual run."""
        if self.running or self.view.running:
            super().action_run()
            return
        self._tell(f"comparing yours over the next {LOOKAHEAD} iterations …")
        self._trace(self.view, LOOKAHEAD, then_stop=True)

    def action_train_yours(self) -> None:
        """y: train on theirs from the iteration on screen, both curves drawn; y again: off."""
        if self._training:
            self._tell(f"still training on yours for {YOURS_ITERATIONS} iterations …")
            return
        if self.curves is not None:
            self.curves = None
            self._tell("the engine's cost curve alone again (y trains on yours)")
            return
        self._training = True
        self._tell(f"training on yours for {YOURS_ITERATIONS} iterations …")
        self._train_yours(self.view)

    @work(thread=True, exclusive=True, group="yours")
    def _train_yours(self, view: View) -> None:
        state, params = view.state, dict(view.start_parameters)
        rate = view.config.learning_rate
        training = train_student(
            self.student, state["X"], state["Y"], params,
            iterations=YOURS_ITERATIONS, learning_rate=rate,
        )  # fmt: skip
        engines = []
        for _ in range(YOURS_ITERATIONS):  # the engine's own, from the same parameters
            cache = forward(params, state["X"])
            engines.append(cost(cache["A2"], state["Y"]))
            params = update(params, backward(params, cache, state["X"], state["Y"]), rate)
        self.post_message(YoursTrained(training, np.asarray(engines), view.iteration))

    def on_yours_trained(self, message: YoursTrained) -> None:
        self._training = False
        training, engines = message.training, message.engines
        theirs = np.asarray(training.costs, dtype=np.float64)
        if len(theirs) == 0:
            self._tell(f"yours could not be trained: {training.error}")
            return
        self.curves, self._curves_of = (engines, theirs), self.session.stepper
        said = (
            f"trained on yours from iteration {message.iteration}: J {theirs[-1]:.6g} after "
            f"{len(theirs)} iterations, the engine's {engines[len(theirs) - 1]:.6g}"
        )
        self._tell(said if training.error is None else f"{said}; {training.error}")

    def _stop_at(self, place: tuple[int, int] | None) -> None:
        if place is None:
            super().action_run()
            return
        iteration, index = place
        if iteration > self.view.iteration:
            self.session.goto_iteration(iteration)
        if index > 0:
            self.session.run_to_step(STEP_NAMES[index])
        self.session.message = f"stopped where yours differs: {STEP_NAMES[index]}"
        self.refresh_from_session()


def _shifted(found: Divergence, first_iteration: int) -> Divergence:
    return Divergence(
        found.function,
        found.step,
        found.iteration + first_iteration,
        found.diagnosis,
        found.message,
    )


def _first_ahead(
    trace: StudentTrace, first_iteration: int, here: tuple[int, int]
) -> tuple[int, int] | None:
    """(iteration, step index) of the first step after `here` where theirs differs or raised."""
    for offset, marks in enumerate(trace.iterations):
        iteration = first_iteration + offset
        for index, name in enumerate(STEP_NAMES):
            raised = any(name in STEPS_OF[function] for function in marks.errors)
            if (raised or marks.marks.get(name) == "✗") and (iteration, index) > here:
                return iteration, index
    return None


def _place(found: Divergence) -> tuple[int, int]:
    """(iteration, step index) of a divergence; a function that raised, at its first step."""
    step = found.step or STEPS_OF[found.function][0]
    return found.iteration, STEP_NAMES.index(step)
