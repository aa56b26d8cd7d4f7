"""The step-through debugger: panels beside each other, keys from one table, a run worker.

The app is thin: keys become calls on a Session (tui/session/session.py), and every panel
redraws from the View the session returns. A run to convergence goes in a child process
(tui/session/child_run.py), watched by a thread worker that hands over a View at most 5 times
a second; the run message replaces any stale one still queued.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.compose import compose
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static, TabbedContent, TabPane

from engine.conditions import ACCEPTED_FORMS
from engine.errors import StepnetError
from engine.stepper import RunResult
from engine.steps import STEP_NAMES
from tui.app.commands import COMMANDS, bindings
from tui.app.crash import write_crash_log
from tui.app.keys_in_order import KeysInOrder
from tui.app.panels.boundary_panel import BoundaryPanel
from tui.app.panels.cost_panel import CostPanel
from tui.app.panels.formula_panel import FormulaPanel
from tui.app.panels.lesson_panel import LessonPanel, LessonView
from tui.app.panels.network_panel import NetworkPanel
from tui.app.panels.status_bar import StatusBar
from tui.app.panels.steps_panel import StepsPanel
from tui.app.panels.value.value_panel import ValuePanel
from tui.app.panels.watch_panel import WatchPanel
from tui.app.screens.help_screen import HelpScreen
from tui.app.screens.mistake_screen import NO_MISTAKE, MistakeScreen
from tui.app.screens.palette import Palette
from tui.app.screens.prompt_screen import PromptScreen
from tui.lessons.player import BeatOutcome, LessonPlayer
from tui.lessons.quiz import Question, Score, mark, question_for
from tui.session.child_run import new_cancel_event, run_in_child
from tui.session.session import Session
from tui.session.view import View

MIN_SIZE = (60, 20)
DEFAULT_SESSION_FILE = "stepnet-session.json"
WIDE_SIZE = (110, 32)
LAYOUT_SETTLE = 0.1  # seconds a new terminal size holds before the layout follows it
PANELS = (
    "NetworkPanel, FormulaPanel, StepsPanel, StatusBar, ValuePanel, BoundaryPanel, CostPanel, "
    "WatchPanel"
)
# While a run goes, the step on screen is always an iteration's last update; these panels show
# what moves (the cost, the boundary, the numbers) and the others catch up when it stops.
RUNNING_PANELS = "StatusBar, BoundaryPanel, CostPanel, WatchPanel"
# what may still be done while a run is under way
WHILE_RUNNING = {"run", "help", "quit", "command_palette"}
LESSON_ACTIONS = {"next_beat", "previous_beat"}
COMMAND_ACTIONS = {command.action.partition("(")[0] for command in COMMANDS}


class RunProgress(Message):
    """A View from the run; a newer one, or the run's end, supersedes it if it is still queued."""

    def __init__(self, view: View) -> None:
        super().__init__()
        self.view = view

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RunProgress | RunFinished)


class RunFinished(Message):
    def __init__(self, result: RunResult) -> None:
        super().__init__()
        self.result = result


class BeatEntered(Message):
    def __init__(self, outcome: BeatOutcome) -> None:
        super().__init__()
        self.outcome = outcome


def layout_for(width: int, height: int) -> str:
    if width < MIN_SIZE[0] or height < MIN_SIZE[1]:
        return "tiny"
    if width < WIDE_SIZE[0] or height < WIDE_SIZE[1]:
        return "compact"
    return "wide"


class StepnetApp(KeysInOrder, App):
    CSS_PATH = "stepnet.tcss"
    TITLE = "stepnet"
    BINDINGS = bindings()
    layout_mode: reactive[str] = reactive("wide")  # rebuilt by _settle_layout
    # check_action turns most keys off while a run goes; the footer is not redrawn to grey them
    # out, because that redraw alone costs a short run a tenth of its speed
    running: reactive[bool] = reactive(False)

    def __init__(self, session: Session, lesson: LessonPlayer | None = None) -> None:
        super().__init__()
        self.session = session if lesson is None else lesson.session
        self.view: View = self.session.view()
        self._pause = new_cancel_event()
        self.lesson = lesson
        self._layout_timer: Timer | None = None
        self.crash: Exception | None = None  # what ended the app, if anything did
        self.crash_log: Path | None = None
        self.beat_index = 0  # the beat entered, or being entered
        self.beat_outcome: BeatOutcome | None = None
        self.entering_beat = False
        self._quizzed: set[int] = set()  # cursors whose step was asked about already
        self.quiz_score = Score() if lesson is not None and lesson.lesson.quiz else None
        self._beat_feedback: list[str] = []  # quiz feedback from the beat being entered
        if lesson is not None:
            lesson.runner = self._run_showing_progress
            if self.quiz_score is not None:
                lesson.step_by_step = self._beat_step

    # ---- layout

    @property
    def main_screen(self) -> Screen:
        """The screen the panels live on: the bottom of the stack, under any dialog."""
        return self.screen_stack[0]

    async def recompose(self) -> None:
        # Textual's recompose rebuilds the screen on top: with a dialog open across a resize
        # that put the panels inside the dialog and left the main screen as it was
        if self._exit or not self.screen_stack:
            return
        screen = self.main_screen
        async with screen.batch():
            await screen.query("*").exclude(".-textual-system").remove()
            await screen.mount_all(compose(self))

    def compose(self) -> ComposeResult:
        mode = layout_for(*self.size) if self.size.width else "wide"
        self.set_reactive(StepnetApp.layout_mode, mode)
        self.main_screen.set_class(mode == "compact", "-compact")
        if mode == "tiny":
            yield Static(self._too_small_text(), id="too-small")
            return
        if mode == "wide":
            if self.lesson is not None:
                yield LessonPanel(id="lesson")
            with Horizontal(id="main"):
                with Vertical(id="left"):
                    yield NetworkPanel(id="network")
                    yield StepsPanel(id="steps")
                with Vertical(id="center"):
                    yield FormulaPanel(id="formula")
                    yield ValuePanel(id="value")
                with Vertical(id="right"):
                    yield BoundaryPanel(id="boundary")
                    yield CostPanel(id="cost")
                    yield WatchPanel(id="watches")
        else:
            yield FormulaPanel(id="formula")
            first = "tab-lesson" if self.lesson is not None else "tab-value"
            with TabbedContent(id="tabs", initial=first):
                if self.lesson is not None:
                    with TabPane("lesson", id="tab-lesson"):
                        yield LessonPanel(id="lesson")
                with TabPane("value", id="tab-value"):
                    yield ValuePanel(id="value")
                with TabPane("steps", id="tab-steps"):
                    yield StepsPanel(id="steps")
                with TabPane("network", id="tab-network"):
                    yield NetworkPanel(id="network")
                with TabPane("boundary", id="tab-boundary"):
                    yield BoundaryPanel(id="boundary")
                with TabPane("cost", id="tab-cost"):
                    yield CostPanel(id="cost")
                with TabPane("watches", id="tab-watches"):
                    yield WatchPanel(id="watches")
        yield StatusBar(id="status")
        yield Footer()

    def _too_small_text(self, size=None) -> str:
        width, height = size or self.size
        return (
            f"stepnet needs a terminal of at least {MIN_SIZE[0]}×{MIN_SIZE[1]}; "
            f"this one is {width}×{height}. Enlarge it, or press q to quit."
        )

    def on_resize(self, event: events.Resize) -> None:
        # The layout is rebuilt once the size has held still for LAYOUT_SETTLE: a dragged
        # window or a burst of resizes over SSH then rebuilds once, and never while the old
        # widgets still have the previous resize queued (Textual's tabs crash when their
        # underline is removed under a pending resize: NoMatches 'Underline', 'No Tab with id').
        if self._layout_timer is not None:
            self._layout_timer.stop()
        self._layout_timer = self.set_timer(LAYOUT_SETTLE, lambda: self._settle_layout(event.size))

    async def _settle_layout(self, size) -> None:
        self._layout_timer = None
        mode = layout_for(*size)  # the event's size: self.size may not have caught up yet
        if mode != self.layout_mode:
            self.layout_mode = mode
            await self.recompose()
            self._after_recompose()
        elif mode == "tiny":
            self.main_screen.query_one("#too-small", Static).update(self._too_small_text(size))

    def _after_recompose(self) -> None:
        self.show_view(self.view)
        self.show_lesson()
        self._focus_matrix()
        self.refresh_bindings()  # a footer composed anew learns the keys from this signal

    def _focus_matrix(self) -> None:
        """Arrow keys move the value panel's cursor, not the tabs."""
        for panel in self.main_screen.query(ValuePanel).results():
            if self.session.selection is not None:
                panel.cursor = self.session.selection
        if self.lesson is not None and self.layout_mode == "compact":
            return  # focus would open the value tab over the lesson's notes
        for matrix in self.main_screen.query("#value-matrix").results():
            matrix.focus()

    def on_mount(self) -> None:
        self.show_view(self.view)
        self._focus_matrix()
        if self.lesson is not None:
            self._enter_beat(0)

    def _handle_exception(self, error: Exception) -> None:
        # Textual would print a traceback as the app exits; the crash goes to a log file
        # instead, and the command that ran the app prints one line naming it
        self.crash = error
        try:
            self.crash_log = write_crash_log(error)
        except OSError:
            self.crash_log = None
        super()._handle_exception(error)
        if self.crash_log is not None:
            self._exit_renderables.clear()

    def on_unmount(self) -> None:
        self._pause.set()  # quitting mid-run: the run's process stops too

    # ---- drawing

    def show_view(self, view: View) -> None:
        self.view = view
        with self.batch_update():  # one repaint for all the panels
            # App.query searches the main screen, also while help or a prompt is on top
            for panel in self.query(RUNNING_PANELS if view.running else PANELS).results():
                panel.show(view)

    def refresh_from_session(self) -> None:
        self.show_view(self.session.view())

    def show_lesson(self) -> None:
        if self.lesson is None:
            return
        view = LessonView(self.lesson.lesson, self.beat_index, self.beat_outcome, self.quiz_score)
        for panel in self.query(LessonPanel).results():
            panel.show_lesson(view)

    # ---- which actions apply now

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.dialog_on_top() and action in COMMAND_ACTIONS:
            return False  # keys typed into a dialog are the dialog's (the bindings are priority)
        return self._applies_now(action)

    def _applies_now(self, action: str) -> bool | None:
        if action in LESSON_ACTIONS and self.lesson is None:
            return False  # not in a lesson: hidden
        if self.running and action not in WHILE_RUNNING:
            return None  # refused: stepping would race the run's worker
        if self.entering_beat and action == "run":
            return None  # a beat's run is part of the beat: its claims need it whole
        return True

    # ---- actions (one per command in tui/app/commands.py)

    def action_step(self) -> None:
        question = self._quiz_question(self.session)
        if question is None:
            self.session.step()
            self.refresh_from_session()
            return

        def answered(text: str | None) -> None:
            self._step_answering(self.session, question, text)
            self.refresh_from_session()
            self.show_lesson()

        self.push_screen(PromptScreen(question.prompt, question.placeholder), answered)

    def _step_answering(self, session: Session, question: Question, text: str | None) -> None:
        """Compute the quizzed step and mark `text`, the answer given before it (None: none)."""
        cursor = session.stepper.cursor
        self._quizzed.add(cursor)
        session.step()  # a mistake's shape error becomes the session's message
        event = session.stepper.event
        if session.stepper.cursor == cursor:
            pass  # the step could not be computed: nothing to mark
        elif text:
            right, feedback = mark(question, text, event)
            self.quiz_score = self.quiz_score.add(right)
            session.message = f"quiz: {feedback}"
        else:
            session.message = f"quiz skipped: {event.name} is shown"

    def _beat_step(self, session: Session) -> None:
        """A beat's step on its way to a `step NAME` target, in the beat's worker thread: a
        quizzed step is asked about first, in a prompt on screen, as a key's step would be."""
        question = self._quiz_question(session)
        if question is None:
            session.step()
            return
        answers: list[str | None] = []
        given = threading.Event()

        def answered(text: str | None) -> None:
            answers.append(text)
            given.set()

        self.call_from_thread(
            self.push_screen, PromptScreen(question.prompt, question.placeholder), answered
        )
        while not given.wait(0.1):
            if self._pause.is_set():  # quitting: the beat stops where it is
                return
        self._step_answering(session, question, answers[0])
        # the feedback is the session's message, which the beat's own message replaces
        self._beat_feedback.append(session.message)

    def _quiz_question(self, session: Session) -> Question | None:
        """The question to ask before the next step, if the lesson quizzes it and it was not
        asked before at this point (stepping back and forth does not ask twice)."""
        stepper = session.stepper
        if self.quiz_score is None or stepper.failure is not None:
            return None
        if stepper.cursor in self._quizzed:
            return None
        return question_for(self.lesson.lesson.quiz, STEP_NAMES[stepper.next_index])

    def action_back(self) -> None:
        self.session.back()
        self.refresh_from_session()

    def action_finish_iteration(self) -> None:
        self.session.finish_iteration()
        self.refresh_from_session()

    def action_run(self) -> None:
        if self.running:
            self._pause.set()
            return
        self._pause.clear()
        self.running = True
        self._run_in_worker()

    @work(thread=True, exclusive=True, group="run")
    def _run_in_worker(self) -> None:
        self.post_message(RunFinished(self._run_showing_progress(self.session)))

    def on_run_progress(self, message: RunProgress) -> None:
        if self.running:
            self.show_view(message.view)

    def on_run_finished(self, message: RunFinished) -> None:
        self.running = False
        self.refresh_from_session()

    # ---- lessons

    def action_next_beat(self) -> None:
        if self.beat_index + 1 >= len(self.lesson.lesson.beats):
            self._tell("this is the lesson's last beat: < goes back, q quits")
            return
        self._enter_beat(self.beat_index + 1)

    def action_previous_beat(self) -> None:
        if self.beat_index == 0:
            self._tell("this is the lesson's first beat")
            return
        self._enter_beat(self.beat_index - 1)

    def _enter_beat(self, index: int) -> None:
        self.beat_index = index
        self.beat_outcome = None
        self._quizzed.clear()  # a beat starts its positions afresh
        self.show_lesson()
        self._pause.clear()
        self.running = self.entering_beat = True
        self._enter_beat_in_worker(index)

    @work(thread=True, exclusive=True, group="run")
    def _enter_beat_in_worker(self, index: int) -> None:
        self.post_message(BeatEntered(self.lesson.enter(index)))

    def _run_showing_progress(self, session: Session) -> RunResult:
        """A run in its child process, its Views shown as they come; r pauses it."""
        return run_in_child(session, self._pause, lambda view: self.post_message(RunProgress(view)))

    def on_beat_entered(self, message: BeatEntered) -> None:
        self.session = self.lesson.session
        if self._beat_feedback:  # the last answer's feedback, beside the beat's own message
            self.session.message += f" · {self._beat_feedback[-1]}"
            self._beat_feedback.clear()
        self.beat_outcome = message.outcome
        self.running = self.entering_beat = False
        self.refresh_from_session()
        self.show_lesson()
        highlight = self.lesson.lesson.beats[self.beat_index].highlight
        event = self.session.stepper.event
        if highlight is not None and event is not None and event.name == highlight.name:
            for panel in self.query(ValuePanel).results():
                panel.cursor = (highlight.row or 0, highlight.column or 0)

    def action_goto(self) -> None:
        def answer(text: str | None) -> None:
            if not text:
                return
            try:
                iteration = int(text)
                if iteration < 0:
                    raise ValueError
            except ValueError:
                self._tell(f"{text!r} is not an iteration: give a whole number ≥ 0")
                return
            self.session.goto_iteration(iteration)
            self.refresh_from_session()

        self.push_screen(
            PromptScreen("Go to iteration:", f"0 … any (now {self.view.iteration})"), answer
        )

    def action_zero_init(self) -> None:
        self.session.zero_init()
        self.refresh_from_session()

    def action_random_init(self) -> None:
        self.session.random_init()
        self.refresh_from_session()

    def action_next_activation(self) -> None:
        self.session.next_activation()
        self.refresh_from_session()

    def action_hidden(self, delta: int) -> None:
        self.session.change_hidden(delta)
        self.refresh_from_session()

    def action_learning_rate(self, factor: float) -> None:
        self.session.scale_learning_rate(factor)
        self.refresh_from_session()

    def action_pick_mistake(self) -> None:
        def picked(name: str | None) -> None:
            if name is not None:
                self.session.set_mistake(None if name == NO_MISTAKE else name)
                self.refresh_from_session()

        self.push_screen(MistakeScreen(self.session.config.mistake), picked)

    def action_toggle_breakpoint(self) -> None:
        self.session.toggle_step_breakpoint()
        self.refresh_from_session()

    def action_add_watch(self) -> None:
        self._ask(
            "Watch expression:", "abs(dW1).max() · W2 @ A1 · A1[:, 0]", self.session.add_watch
        )

    def action_add_breakpoint(self) -> None:
        self._ask(f"Break when ({ACCEPTED_FORMS}):", "cost rises", self.session.add_breakpoint)

    def action_clear_breakpoints(self) -> None:
        self.session.clear_breakpoints()
        self.refresh_from_session()

    def action_remove_watches(self) -> None:
        self.session.remove_watches()
        self.refresh_from_session()

    def action_save(self) -> None:
        def save(path: str) -> None:
            try:
                self.session.save(path)
            except StepnetError as error:
                self.session.message = str(error)

        self._ask("Save the session to:", "", save, value=DEFAULT_SESSION_FILE)

    def _ask(self, question: str, placeholder: str, then, value: str = "") -> None:
        """Ask in a prompt; hand a non-empty answer to `then`, then redraw."""

        def answered(text: str | None) -> None:
            if text:
                then(text)
                self.refresh_from_session()

        self.push_screen(PromptScreen(question, placeholder, value), answered)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_command_palette(self) -> None:
        if self.use_command_palette and not Palette.is_open(self):
            self.push_screen(Palette(id="--command-palette"))

    def on_value_panel_cursor_moved(self, message: ValuePanel.CursorMoved) -> None:
        self.session.selection = (message.row, message.col)

    def on_steps_panel_picked(self, message: StepsPanel.Picked) -> None:
        if self.running:
            return
        self.session.run_to_step(message.name)
        self.refresh_from_session()

    def _tell(self, text: str) -> None:
        self.session.message = text
        self.refresh_from_session()

    # ---- command palette: the same table as the keys

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in COMMANDS:
            action = command.action.partition("(")[0]
            if self._applies_now(action) is not True:
                continue
            keys = command.key_display or command.keys.split(",")[0]
            yield SystemCommand(
                f"{command.label} ({keys})",
                command.help,
                lambda action=command.action: self.run_action(action),
            )
        if not self.running:
            yield SystemCommand(
                "add breakpoint condition…",
                "Stop a run when: cost rises, non-finite, grad norm < 1e-4, dead unit, "
                "saturated, symmetry kept/broken, iteration N, or a step name.",
                self.action_add_breakpoint,
            )
            yield SystemCommand(
                "remove all breakpoints", "Clear every breakpoint.", self.action_clear_breakpoints
            )
            yield SystemCommand(
                "remove all watches", "Clear every watch expression.", self.action_remove_watches
            )
        yield from super().get_system_commands(screen)
