"""`--resume FILE` for a session saved inside a lesson: the lesson reopened at the beat it was
on, with the learner's session (cursor, breakpoints, watches, cell) exactly as saved.

The session file names the lesson file and its SHA-256 (tui/session/session_file.py). A
shipped lesson saved on another install (a served class's session, downloaded) is found here
by its name and the same digest. A lesson file that is gone, unreadable or changed since cannot
be trusted to put the beat back (its beats may have moved): the session then resumes without
the lesson, and its first message says why and how to open the lesson afresh. The learner's
work is never refused for it.
"""

from __future__ import annotations

from pathlib import Path

from engine.errors import StepnetError
from tui.lessons.lesson_file import Lesson, lesson_paths, load_lesson
from tui.lessons.player import LessonPlayer
from tui.session.session import Session
from tui.session.session_file import LessonPlace, load_session


def resume(path: str) -> tuple[Session, LessonPlayer | None]:
    """The session saved in `path`, and the lesson player it was saved in (None when it was
    not saved in a lesson, or the lesson cannot be reopened: the message then says why)."""
    saved = load_session(path)
    if saved.lesson is None:
        return Session.restored(saved, f"resumed {path}"), None
    player, problem = _reopened(saved.lesson)
    if player is None:
        message = f"resumed {path} without its lesson: {problem}"
        return Session.restored(saved, message), None
    beat = saved.lesson.beat
    session = Session.restored(
        saved, f"resumed {path} in lesson {player.lesson.name}, beat {beat + 1}"
    )
    player.resume_at(beat, session)
    return session, player


def _reopened(place: LessonPlace) -> tuple[LessonPlayer | None, str]:
    """A player on the lesson at `place`, or None and why it cannot be trusted."""
    afresh = f"open it afresh with stepnet lesson {place.path}"
    try:
        lesson = load_lesson(place.path)
    except StepnetError as error:
        lesson = _shipped_alike(place)
        if lesson is None:
            return None, str(error)
    if lesson.sha256 != place.sha256:
        return None, f"lesson file {place.path} changed since the session was saved; {afresh}"
    if place.beat >= len(lesson.beats):  # the same bytes have as many beats: a damaged file
        return None, f"lesson {place.path} has no beat {place.beat + 1}; {afresh}"
    return LessonPlayer(lesson), ""


def _shipped_alike(place: LessonPlace) -> Lesson | None:
    """The shipped lesson of the same name and the very same bytes, when the file at `place`
    is not there: a session saved on another install (a served class's, downloaded) names
    that install's copy of a shipped lesson."""
    for path in lesson_paths():
        if path.name == Path(place.path).name:
            lesson = load_lesson(path)
            return lesson if lesson.sha256 == place.sha256 else None
    return None
