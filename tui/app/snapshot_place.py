"""Where `stepnet snapshot` stands: after some steps, at a step of an iteration, or at a
lesson's beat; with watches and the value panel's cursor where the picture needs them."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from engine.config import RunConfig
from engine.errors import StepnetError
from engine.steps import STEP_NAMES, STEPS_PER_ITERATION
from tui.session.session import Session
from tui.session.watch import MAX_WATCHES, Watch


@dataclass(frozen=True)
class Place:
    steps: int | None = None  # steps from the start
    iteration: int | None = None  # with `step`: that step of that iteration (its first if None)
    step: str | None = None
    lesson: str | None = None  # a lesson's name, number or file, at `beat` (1-based; 1 if None)
    beat: int | None = None
    watches: tuple[str, ...] = ()
    cursor: str | None = None  # "ROW,COL" in the value panel's matrix


def placed_app(config: RunConfig, place: Place):
    """The app standing where `place` says (a lesson's own setup replaces `config`), and the
    value panel's cursor to put on screen (None: where the app puts it)."""
    from tui.app.app import StepnetApp

    _check_one_place(place)
    watches = _watches(place.watches)
    if place.lesson is not None:
        if config != RunConfig().checked():
            raise StepnetError(
                f"--lesson {place.lesson} plays the lesson's own setup: leave out --data, "
                "--hidden and the other setup options"
            )
        beat = 1 if place.beat is None else place.beat  # 0 is a bad beat, not the first
        player = _lesson_at(place.lesson, beat, watches)
        session, app = player.session, StepnetApp(player.session, lesson=player)
    else:
        session = Session(config, watches=watches)
        _move(session, place)
        app = StepnetApp(session)
    cursor = _cursor(place.cursor, session) if place.cursor is not None else None
    session.selection = cursor
    return app, cursor


def _check_one_place(place: Place) -> None:
    given = [
        name
        for name, value in (
            ("--steps", place.steps),
            ("--iteration/--step", place.iteration if place.step is None else place.step),
            ("--lesson", place.lesson),
        )
        if value is not None
    ]
    if len(given) > 1:
        raise StepnetError(f"{' and '.join(given)} both place the screen: give one of them")
    if place.beat is not None and place.lesson is None:
        raise StepnetError(f"--beat {place.beat} needs --lesson NAME: which lesson's beat?")


def _watches(texts: tuple[str, ...]) -> list[Watch]:
    if len(texts) > MAX_WATCHES:
        raise StepnetError(f"--watch given {len(texts)} times: {MAX_WATCHES} watches at most")
    watches = []
    for text in texts:
        try:
            watches.append(Watch.parse(text))
        except StepnetError as error:
            raise StepnetError(f"--watch {text!r}: {error}") from None
    return watches


def _lesson_at(name: str, beat: int, watches: list[Watch]):
    from tui.lessons.lesson_file import find_lesson, load_lesson
    from tui.lessons.player import LessonPlayer

    lesson = load_lesson(find_lesson(name))
    beats = len(lesson.beats)
    if not 1 <= beat <= beats:
        raise StepnetError(f"--beat {beat}: {lesson.title!r} has {beats} beats: give 1–{beats}")
    player = LessonPlayer(lesson)
    player.session.watches = watches  # a replayed beat's session keeps them
    player.enter(beat - 1)  # headless, as `stepnet lesson --check` plays it: no quiz asks
    return player


def _move(session: Session, place: Place) -> None:
    iterations = session.config.iterations
    if place.steps is not None:
        limit = iterations * STEPS_PER_ITERATION
        if not 0 <= place.steps <= limit:
            raise StepnetError(
                f"--steps {place.steps}: give 0–{limit} (--iterations {iterations} × "
                f"{STEPS_PER_ITERATION} steps; raise --iterations to go further)"
            )
        for _ in range(place.steps):
            session.step()
        return
    if place.iteration is None and place.step is None:
        return
    iteration = place.iteration or 0
    last = max(0, iterations - 1)
    if not 0 <= iteration <= last:
        raise StepnetError(
            f"--iteration {iteration}: give 0–{last} (the run has --iterations {iterations}; "
            "raise it to go further)"
        )
    name = place.step or STEP_NAMES[0]
    if name not in STEP_NAMES:
        raise StepnetError(f"--step {name!r}: name one of {', '.join(STEP_NAMES)}")
    session.goto_iteration(iteration)  # its first step computed
    event = session.stepper.event
    if event is not None and event.name != name:
        session.run_to_step(name)


def _cursor(text: str, session: Session) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{1,9})\s*,\s*(\d{1,9})\s*", text)
    if not match:
        raise StepnetError(f"--cursor {text!r}: write ROW,COL (numpy indices), e.g. 2,5")
    row, col = int(match[1]), int(match[2])
    event = session.stepper.event
    if event is None or event.name == "cost":
        shown = "nothing yet" if event is None else "J, a number"
        raise StepnetError(f"--cursor {text}: the value panel shows {shown}, with no cursor")
    rows, cols = np.atleast_2d(event.value).shape
    if row >= rows or col >= cols:
        raise StepnetError(
            f"--cursor {text}: {event.name} is ({rows}, {cols}): give a row 0–{rows - 1} "
            f"and a column 0–{cols - 1}"
        )
    return row, col
