"""`stepnet --student FILE`: the debugger with the learner's own functions run beside the engine.

At each iteration shown, the learner's forward_propagation, compute_cost, backward_propagation
and update_parameters run (in child processes: engine.reference.student) from the engine's
parameters of that iteration; the steps panel marks each step theirs agrees on, the status line
names the first divergence, and `r` stops at the first step where theirs differs (looking
LOOKAHEAD iterations ahead) before it runs on as usual.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.content import Content
from textual.message import Message

from engine.reference.student import (
    STEPS_OF,
    Divergence,
    IterationMarks,
    StudentTrace,
    trace_student,
)
from engine.steps import STEP_NAMES
from tui.app.app import StepnetApp
from tui.app.panels.formula_panel import FormulaPanel, formula_content
from tui.app.panels.status_bar import StatusBar
from tui.app.panels.steps_panel import StepsPanel
from tui.app.panels.student_marks import student_status_content, student_steps_content
from tui.app.panels.student_yours import yours_details, yours_formula_line
from tui.app.panels.value.value_panel import ValuePanel
from tui.session.session import Session
from tui.session.view import View

LOOKAHEAD = 50  # iterations of theirs compared when r looks for where theirs first differs


class StudentTraced(Message):
    def __init__(self, first_iteration: int, trace: StudentTrace, then_stop: bool) -> None:
        super().__init__()
        self.first_iteration = first_iteration
        self.trace = trace
        self.then_stop = then_stop


class StudentApp(StepnetApp):
    def __init__(self, session: Session, student: str | Path) -> None:
        super().__init__(session)
        self.student = Path(student)
        self.marks: dict[int, IterationMarks] = {}  # iteration → the learner's marks there
        self.divergence: Divergence | None = None  # the earliest found so far
        self._asked: set[int] = set()

    def show_view(self, view: View) -> None:
        marks = self.marks.get(view.iteration)
        for value in self.query(ValuePanel).results():
            # read when the panel draws its details, also when only its cursor moves
            value.extra_details = lambda shown: yours_details(
                shown, self.marks.get(shown.iteration)
            )
        super().show_view(view)
        line = yours_formula_line(view, marks)
        if line is not None:
            for panel in self.query(FormulaPanel).results():
                panel.show_content(_with_yours(formula_content(view), line))
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


def _with_yours(formula: Content, line: Content) -> Content:
    """The slide's formula and numpy line, then theirs: in a short panel that is what shows."""
    lines = formula.split("\n")
    return Content("\n").join([*lines[:3], line, *lines[3:]])


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
