"""The step-through debugger: panels beside each other, keys from one table, a run worker.

The app is thin: keys become calls on a Session (tui/session/session.py), and every panel
redraws from the View the session returns. A run to convergence goes in a child process
(tui/session/child_run.py), watched by a thread worker that hands over a View at most 5 times
a second; the run message replaces any stale one still queued.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.compose import compose
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static, TabbedContent, TabPane, Tabs

from engine.conditions import ACCEPTED_FORMS
from engine.errors import StepnetError
from engine.stepper import RunResult
from engine.steps import STEP_NAMES
from tui.app import colour_depth
from tui.app.commands import COMMANDS, bindings
from tui.app.crash import write_crash_log
from tui.app.keys_in_order import KeysInOrder
from tui.app.main_screen import MainScreen
from tui.app.panels.cost_panel import CostPanel
from tui.app.panels.lesson_panel import LessonPanel, LessonView
from tui.app.panels.placement import (
    COLUMNS,
    PANEL_TYPES,
    above_tabs,
    in_column,
    in_tabs,
    selector,
)
from tui.app.panels.status_bar import StatusBar
from tui.app.panels.steps_panel import StepsPanel
from tui.app.panels.unit_maps_panel import UnitMapsPanel
from tui.app.panels.value.value_panel import ValuePanel
from tui.app.picture.png_picture import app_png
from tui.app.ranked_footer import RankedFooter
from tui.app.screens.distributions_screen import DistributionsScreen
from tui.app.screens.help_screen import HelpScreen
from tui.app.screens.manage_screen import ManageScreen
from tui.app.screens.message_log_screen import MessageLogScreen
from tui.app.screens.mistake_screen import NO_MISTAKE, MistakeScreen
from tui.app.screens.palette import Palette
from tui.app.screens.prompt_screen import PromptScreen
from tui.app.screens.sweep_screen import SweepScreen
from tui.app.screens.table_screen import TableScreen
from tui.lessons.player import LessonPlayer
from tui.lessons.quiz import Question, Score, mark, question_for
from tui.session.child_run import new_cancel_event, run_in_child
from tui.session.distributions import distributions
from tui.session.edit_text import EXAMPLES as EDIT_EXAMPLES
from tui.session.gradient_report import gradient_table
from tui.session.message_log import MessageLog
from tui.session.scores_table import scores_table
from tui.session.session import Session
from tui.session.session_file import LessonPlace
from tui.session.sweep_pictures import EXAMPLE as SWEEP_EXAMPLE
from tui.session.view import View
from tui.session.watch_conditions import WATCH_FORMS

MIN_SIZE = (60, 20)
SWEEP_PICTURE_SIZE = (16, 8)  # cells across and down for each boundary of a sweep
DISTRIBUTION_COLUMNS, DISTRIBUTION_BINS = 80, 7  # iterations across, bins of values down
DEFAULT_SESSION_FILE = "stepnet-session.json"
WIDE_SIZE = (110, 32)
LAYOUT_SETTLE = 0.1  # seconds a new terminal size holds before the layout follows it
PANELS = selector(PANEL_TYPES)
RUNNING_PANELS = selector(tuple(panel for panel in PANEL_TYPES if panel.redraws_while_running))
# what may still be done while a run is under way
WHILE_RUNNING = {
    *("run", "help", "message_log", "next_tab", "previous_tab", "picture", "quit"),
    *("command_palette", "next_unit", "clear_unit"),  # the unit followed is the screen's alone
}
LESSON_ACTIONS = {"next_beat", "previous_beat"}
# where a command of a lesson's or of stepnet --student's works: its key says so elsewhere,
# rather than doing nothing (the footer and the palette leave it out there)
# (short: after the settings, the status line has about 58 cells left at 120 columns)
ELSEWHERE = {
    "next_beat": "not in a lesson: stepnet lesson NAME opens one",
    "previous_beat": "not in a lesson: stepnet lesson NAME opens one",
    "train_yours": "y trains yours: start stepnet --student FILE.py",
}
COMMAND_ACTIONS = {command.action.partition("(")[0] for command in COMMANDS}


class RunProgress(Message):
    """A View from the run; a newer one, or the run's end, supersedes it if it is still queued."""

    def __init__(self, view: View) -> None:
        super().__init__()
        self.view = view

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RunProgress | RunFinished)


class SweepDrawn(Message):
    def __init__(self, setting: str, pictures: list) -> None:
        super().__init__()
        self.setting = setting
        self.pictures = pictures


class RunFinished(Message):
    def __init__(self, result: RunResult) -> None:
        super().__init__()
        self.result = result


class BeatEntered(Message):
    """The beat being entered is in place; its outcome is the lesson player's."""


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
    # whether a worker has the session (a run, or a beat being entered): kept here alone, since
    # a run in its child process leaves the app's session standing still. check_action turns
    # most keys off meanwhile; the footer is not redrawn to grey them out, because that redraw
    # alone costs a short run a tenth of its speed
    running: reactive[bool] = reactive(False)
    trains_yours = False  # y trains the learner's functions in stepnet --student's app alone

    def __init__(self, session: Session, lesson: LessonPlayer | None = None) -> None:
        super().__init__()
        # on 16 or 256 colours the panels take palette colours for the theme's blends
        if (depth := colour_depth.depth_class(self.console.color_system)) is not None:
            self.add_class(depth)
        self.lesson = lesson  # in a lesson, its player owns the session
        self._session = session
        self.messages = MessageLog()  # every status-line message, whole (l shows them)
        self.view: View = self.session.view()
        self._standing: View = self.view  # what the panels still during a run last drew
        self._pause = new_cancel_event()
        self._layout_timer: Timer | None = None
        self.crash: Exception | None = None  # what ended the app, if anything did
        self.crash_log: Path | None = None
        # in a lesson, a beat is being entered from the start: on_mount enters the first, and a
        # key that arrives before then (r in the same read) must not start a run beside it;
        # a lesson resumed from a session file comes with its beat entered already
        self.entering_beat = lesson is not None and lesson.outcome is None
        self._quizzed: set[int] = set()  # cursors whose step was asked about already
        self.quiz_score = Score() if lesson is not None and lesson.lesson.quiz else None
        self._beat_feedback: list[str] = []  # quiz feedback from the beat being entered
        if lesson is not None and self.quiz_score is not None:
            lesson.step_by_step = self._beat_step

    @property
    def session(self) -> Session:
        """The session on screen: in a lesson, the one its latest beat left."""
        return self._session if self.lesson is None else self.lesson.session

    # ---- layout

    def get_default_screen(self) -> Screen:
        return MainScreen(id="_default")  # Textual's default screen's id

    @property
    def main_screen(self) -> Screen:
        """The screen the panels live on: the bottom of the stack, under any dialog."""
        return self.screen_stack[0]

    async def recompose(self) -> None:
        # Textual's recompose rebuilds the screen on top: with a dialog open across a resize
        # that put the panels inside the dialog and left the main screen as it was. And it
        # removes every descendant at once, so a widget still handling a queued event could
        # find its children gone (Tabs._on_resize: NoMatches 'Underline'); removing the
        # screen's children takes each subtree down from its top, after its queued events.
        if self._exit or not self.screen_stack:
            return
        screen = self.main_screen
        async with screen.batch():
            await screen.query_children("*").exclude(".-textual-system").remove()
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
                for column in COLUMNS:
                    with Vertical(id=column):
                        for place in in_column(column):
                            yield place.panel(id=place.id)
        else:
            for place in above_tabs():
                yield place.panel(id=place.id)
            tabs = in_tabs()
            first = "lesson" if self.lesson is not None else tabs[0].id
            with TabbedContent(id="tabs", initial=f"tab-{first}"):
                if self.lesson is not None:
                    with TabPane("lesson", id="tab-lesson"):
                        yield LessonPanel(id="lesson")
                for place in tabs:
                    with TabPane(place.id, id=f"tab-{place.id}"):
                        yield place.panel(id=place.id)
        yield StatusBar(id="status")
        yield RankedFooter()

    def _too_small_text(self, size=None) -> str:
        width, height = size or self.size
        return (
            f"stepnet needs a terminal of at least {MIN_SIZE[0]}×{MIN_SIZE[1]}; "
            f"this one is {width}×{height}. Enlarge it, or press q to quit."
        )

    def on_resize(self, event: events.Resize) -> None:
        # The layout is rebuilt once the size has held still for LAYOUT_SETTLE: a dragged
        # window or a burst of resizes over SSH then rebuilds once.
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
            # focus on the matrix would open the value tab over the lesson's notes; on the
            # notes, the arrow and page keys scroll them
            for notes in self.main_screen.query(LessonPanel).results():
                notes.focus()
            return
        self._focus_value_matrix()

    def _focus_value_matrix(self) -> None:
        for matrix in self.main_screen.query("#value-matrix").results():
            matrix.focus()

    def on_mount(self) -> None:
        self.show_view(self.view)
        self._focus_matrix()
        if self.entering_beat:
            self._enter_beat(0)
        elif self.lesson is not None:  # entered before: stepnet snapshot --beat, or --resume
            self.on_beat_entered(BeatEntered())
            self._focus_matrix()  # the cell a resumed learner had selected wins over the highlight

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
        if not view.running:
            self._standing = view
        told = str(view.failure) if view.failure is not None else view.message
        self.messages.seen(view.iteration, view.event and view.event.name, told)
        with self.batch_update():  # one repaint for all the panels
            # App.query searches the main screen, also while help or a prompt is on top
            for panel in self.query(RUNNING_PANELS if view.running else PANELS).results():
                panel.show(view)

    def refresh_from_session(self) -> None:
        self.show_view(self.session.view())

    def show_lesson(self) -> None:
        if self.lesson is None:
            return
        lesson = self.lesson
        view = LessonView(lesson.lesson, lesson.index, lesson.outcome, self.quiz_score)
        for panel in self.query(LessonPanel).results():
            panel.show_lesson(view)

    # ---- which actions apply now

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.dialog_on_top() and action in COMMAND_ACTIONS:
            return False  # keys typed into a dialog are the dialog's (the bindings are priority)
        if self._elsewhere(action):
            return True  # its key says where it works (RankedFooter leaves it out)
        return self._applies_now(action)

    def _elsewhere(self, action: str) -> bool:
        """Whether `action` belongs to a lesson or to stepnet --student, and this is neither."""
        if action in LESSON_ACTIONS:
            return self.lesson is None
        return action == "train_yours" and not self.trains_yours

    def footer_offers(self, action: str) -> bool:
        """Whether the footer shows `action`'s key: not where it only says where it works."""
        return not self._elsewhere(action)

    def _applies_now(self, action: str) -> bool | None:
        if self._elsewhere(action):
            return False  # not offered here: out of the palette
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
        step = STEP_NAMES[stepper.next_index]
        return question_for(self.lesson.lesson.quiz, step, stepper.X.shape)

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

    def action_run_back(self) -> None:
        self._pause.clear()
        self.running = True
        self._run_back_in_worker()

    @work(thread=True, exclusive=True, group="run")
    def _run_back_in_worker(self) -> None:
        # a search back over 10⁵ iterations takes seconds: r pauses it, as it pauses a run
        self.post_message(RunFinished(self.session.run_back(cancel=self._pause.is_set)))

    def on_run_progress(self, message: RunProgress) -> None:
        if self.running:
            # the run's child took the session as it was: a unit followed since is this one's
            session = self.session
            self.show_view(replace(message.view, unit=session.unit, message=session.message))

    def on_run_finished(self, message: RunFinished) -> None:
        self.running = False
        self.refresh_from_session()

    def action_train_yours(self) -> None:
        self._tell(ELSEWHERE["train_yours"])  # stepnet --student's app trains them

    # ---- lessons

    def action_next_beat(self) -> None:
        if self.lesson is None:
            self._tell(ELSEWHERE["next_beat"])
            return
        if self.lesson.index + 1 >= len(self.lesson.lesson.beats):
            self._tell("this is the lesson's last beat: < goes back, q quits")
            return
        self._enter_beat(self.lesson.index + 1)

    def action_previous_beat(self) -> None:
        if self.lesson is None:
            self._tell(ELSEWHERE["previous_beat"])
            return
        if self.lesson.index == 0:
            self._tell("this is the lesson's first beat")
            return
        self._enter_beat(self.lesson.index - 1)

    def _enter_beat(self, index: int) -> None:
        self.lesson.begin(index)
        self._quizzed.clear()  # a beat starts its positions afresh
        self.show_lesson()
        self._pause.clear()
        self.running = self.entering_beat = True
        self._enter_beat_in_worker()

    @work(thread=True, exclusive=True, group="run")
    def _enter_beat_in_worker(self) -> None:
        self.lesson.play(self._run_showing_progress)
        self.post_message(BeatEntered())

    def _run_showing_progress(self, session: Session) -> RunResult:
        """A run in its child process, its Views shown as they come; r pauses it."""
        return run_in_child(session, self._pause, lambda view: self.post_message(RunProgress(view)))

    def on_beat_entered(self, message: BeatEntered) -> None:
        if self._beat_feedback:  # the last answer's feedback, beside the beat's own message
            self.session.message += f" · {self._beat_feedback[-1]}"
            self._beat_feedback.clear()
        self.running = self.entering_beat = False
        self.refresh_from_session()
        self.show_lesson()
        highlight = self.lesson.lesson.beats[self.lesson.index].highlight
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

    def action_manage(self) -> None:
        self.push_screen(ManageScreen(self.session, self.refresh_from_session))

    def action_add_watch(self) -> None:
        self._ask(
            "Watch expression:", "abs(dW1).max() · W2 @ A1 · A1[:, 0]", self.session.add_watch
        )

    def action_show_scores(self) -> None:
        training, test = self.session.scores()
        table = scores_table(training, test)
        if test is None:
            table.caption = "no test set: start with --test-split 0.2 to hold out a fifth"
        self.push_screen(TableScreen(table, "c"))

    def action_next_unit(self) -> None:
        self.session.next_unit()
        self._show_unit()

    def action_clear_unit(self) -> None:
        self.session.clear_unit()
        self._show_unit()

    def on_unit_maps_panel_picked(self, message: UnitMapsPanel.Picked) -> None:
        self.session.pick_unit(message.unit)
        self._show_unit()

    def _show_unit(self) -> None:
        """Mark the unit now followed at once, also while a run goes: its Views then come
        from the child, and the session here stands still, so the panels redraw from the
        Views they show, the unit changed (on_run_progress marks it in the later ones)."""
        if not self.running:
            self.refresh_from_session()
            return
        session = self.session
        if self.view.running:
            self._standing = replace(self._standing, unit=session.unit)
            with self.batch_update():
                for panel in self.query(PANELS).results():
                    if not panel.redraws_while_running:
                        panel.show(self._standing)
        self.show_view(replace(self.view, unit=session.unit, message=session.message))

    def action_sweep(self) -> None:
        def answered(text: str) -> None:
            self._pause.clear()
            self.running = True
            self._sweep_in_worker(text)

        self._ask(f"Sweep ({SWEEP_EXAMPLE}):", "n_h 1 2 3 4 5 20 50", answered)

    @work(thread=True, exclusive=True, group="run")
    def _sweep_in_worker(self, text: str) -> None:
        # a run per value, seconds in all: off the screen's thread, and r stops it
        try:
            setting, pictures = self.session.sweep_pictures(
                text, SWEEP_PICTURE_SIZE, cancel=self._pause.is_set
            )
        except StepnetError as error:
            self.session.message = str(error)
            setting, pictures = "", []
        self.post_message(SweepDrawn(setting, pictures))

    def on_sweep_drawn(self, message: SweepDrawn) -> None:
        self.running = False
        self.refresh_from_session()
        if message.pictures:
            per_row = max(1, (self.size.width - 8) // (SWEEP_PICTURE_SIZE[0] + 2))
            self.push_screen(SweepScreen(message.setting, message.pictures, per_row))

    def action_distributions(self) -> None:
        columns = max(10, min(DISTRIBUTION_COLUMNS, self.size.width - 16))
        found = distributions(self.session.stepper, columns, DISTRIBUTION_BINS)
        if found is None:
            self._tell("no distributions yet: finish an iteration first (i)")
            return
        self.refresh_from_session()
        self.push_screen(DistributionsScreen(found))

    def action_check_gradients(self) -> None:
        report = self.session.check_gradients()
        self.refresh_from_session()
        self.push_screen(TableScreen(gradient_table(report), "v"))

    def action_edit(self) -> None:
        self._ask("What if (at this iteration's start):", EDIT_EXAMPLES, self.session.edit)

    def action_add_breakpoint(self) -> None:
        self._ask(
            f"Break when ({ACCEPTED_FORMS}; or {WATCH_FORMS}):",
            "cost rises",
            self.session.add_breakpoint,
        )

    def action_clear_breakpoints(self) -> None:
        self.session.clear_breakpoints()
        self.refresh_from_session()

    def action_remove_watches(self) -> None:
        self.session.remove_watches()
        self.refresh_from_session()

    def action_save(self) -> None:
        self._ask("Save the session to:", "", self.save_session_as, value=DEFAULT_SESSION_FILE)

    def save_session_as(self, path: str) -> None:
        """Save to the file the user named; in a lesson, with where in it."""
        try:
            self.session.save(path, self.lesson_place())
        except StepnetError as error:
            self.session.message = str(error)

    def lesson_place(self) -> LessonPlace | None:
        return None if self.lesson is None else self.lesson.place()

    def _ask(self, question: str, placeholder: str, then, value: str = "") -> None:
        """Ask in a prompt; hand a non-empty answer to `then`, then redraw."""

        def answered(text: str | None) -> None:
            if text:
                then(text)
                self.refresh_from_session()

        self.push_screen(PromptScreen(question, placeholder, value), answered)

    def action_next_tab(self) -> None:
        self._move_tab(1)

    def action_previous_tab(self) -> None:
        self._move_tab(-1)

    def _move_tab(self, step: int) -> None:
        """Show the tab `step` along, round from the last to the first and back."""
        tabs = next(self.main_screen.query(TabbedContent).results(), None)
        if tabs is None:
            self._tell("every panel is in sight side by side: tabs come below 110×32")
            return
        panes = [pane.id for pane in tabs.query(TabPane).results() if pane.id]
        tabs.active = panes[(panes.index(tabs.active) + step) % len(panes)]
        # focus left in the pane now hidden would bring that pane back (a TabPane's focus
        # activates it): the value tab's arrow keys move its cursor (in a lesson too), the
        # lesson tab's scroll its notes, elsewhere they go to the tabs
        if tabs.active == "tab-value":
            self._focus_value_matrix()
        elif tabs.active == "tab-lesson":
            tabs.query_one(LessonPanel).focus()
        else:
            tabs.query_one(Tabs).focus()

    def action_message_log(self) -> None:
        self.push_screen(MessageLogScreen(self.messages.entries))

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_command_palette(self) -> None:
        if self.use_command_palette and not Palette.is_open(self):
            self.push_screen(Palette(id="--command-palette"))

    def on_value_panel_cursor_moved(self, message: ValuePanel.CursorMoved) -> None:
        self.session.selection = (message.row, message.col)

    def on_cost_panel_scrubbed(self, message: CostPanel.Scrubbed) -> None:
        if self.running:
            return
        self.session.goto_iteration(message.iteration)
        self.refresh_from_session()

    def action_scrub(self, step: int) -> None:
        panels = self.query(CostPanel)
        target = panels.first().scrub(self.view.iteration, step) if panels else None
        if target is None:
            self._tell("no cost curve to move along yet: step past the cost (J) first")
            return
        self.session.goto_iteration(target)
        self.refresh_from_session()

    def on_steps_panel_picked(self, message: StepsPanel.Picked) -> None:
        if self.running:
            return
        self.session.run_to_step(message.name)
        self.refresh_from_session()

    def _tell(self, text: str) -> None:
        self.session.message = text
        self.refresh_from_session()

    def action_picture(self) -> None:
        stamp = datetime.now().strftime("%Y-%m-%d %H_%M_%S")
        self.deliver_screenshot(f"stepnet {stamp}.png")

    def deliver_screenshot(self, filename=None, path=None, time_format=None) -> str | None:
        # Textual saves into ~/Downloads, and fails with no word of where when that folder does
        # not exist (a server, a fresh account): save where the user started stepnet, and say so.
        # A name ending in .png (the picture key) gets a PNG, any other Textual's SVG.
        name = (
            filename or f"stepnet {datetime.now().strftime(time_format or '%Y-%m-%d %H_%M_%S')}.svg"
        )
        png = name.lower().endswith(".png")
        if self.is_web:
            if not png:
                return super().deliver_screenshot(filename, path, time_format)
            picture = io.BytesIO(app_png(self))
            return self.deliver_binary(picture, save_filename=name, mime_type="image/png")
        target = Path(path or Path.cwd()) / name
        kind = "picture" if png else "screenshot"  # as o and the palette's Screenshot call them
        try:
            if png:
                target.write_bytes(app_png(self))
            else:
                target.write_text(self.export_screenshot(), encoding="utf-8")
        except OSError as error:
            self._tell(f"could not save the {kind} as {target}: {error.strerror}")
            return None
        self._tell(f"{kind} saved as {target.resolve()}")
        return None

    # ---- command palette: the same table as the keys

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in COMMANDS:
            action = command.action.partition("(")[0]
            if self._applies_now(action) is not True:
                continue
            keys = command.key_display or command.keys.split(",")[0]
            yield SystemCommand(
                f"{command.label} ({keys})" if keys else command.label,
                command.help,
                lambda action=command.action: self.run_action(action),
            )
        yield from super().get_system_commands(screen)
