"""Saving inside a lesson keeps the lesson: `--resume` reopens it at the beat it was on, with
the learner's position, cell and watches as saved; a lesson file gone or changed resumes the
session without it, saying why in one line."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

from app_helpers import WIDE, burst, panel_text, settle, settle_keys

from engine.config import RunConfig
from tui.app.app import StepnetApp
from tui.lessons.lesson_file import find_lesson, load_lesson
from tui.lessons.player import LessonPlayer
from tui.lessons.resume import resume
from tui.session.session import Session
from tui.session.session_file import save_session


def app_in(path) -> StepnetApp:
    return StepnetApp(Session(RunConfig()), lesson=LessonPlayer(load_lesson(path)))


async def save_at_beat_3_two_steps_on(path, target) -> dict:
    """In the lesson at `path`: beats 1 to 3, two steps more, a watch, a cell; saved with s."""
    app = app_in(path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        for _ in range(2):
            await pilot.press("greater_than_sign")
            await settle(app, pilot)
        assert app.lesson.index == 2 and app.session.stepper.event.name == "A2"
        await pilot.press("n", "n")  # on from the beat: the cost, then dZ2
        app.session.add_watch("abs(dZ2).max()")
        app.session.selection = (0, 3)
        await pilot.press("s")
        await settle_keys(app, pilot)
        await burst(pilot, "paste:" + str(target), "enter")
        await settle_keys(app, pilot)
        assert "saved to" in panel_text(app, "#status")
        return {
            "cursor": app.session.stepper.cursor,
            "theta": app.session.stepper.ws.theta.copy(),
            "lesson": panel_text(app, "#lesson"),
        }


def lesson_copy(tmp_path):
    copy = tmp_path / "one-example.toml"
    shutil.copyfile(find_lesson("one-example-output"), copy)
    return copy


async def test_resume_reopens_the_lesson_at_its_beat_with_the_position_as_saved(tmp_path):
    lesson = lesson_copy(tmp_path)
    target = tmp_path / "mine.json"
    before = await save_at_beat_3_two_steps_on(lesson, target)
    place = json.loads(target.read_text())["lesson"]
    assert place["path"] == str(lesson.resolve()) and place["beat"] == 2

    session, player = resume(str(target))
    app = StepnetApp(session, lesson=player)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        assert app.lesson.index == 2
        assert panel_text(app, "#lesson") == before["lesson"]  # the beat's note and claims
        assert app.screen.query_one("#lesson").border_subtitle.startswith("beat 3/3")
        stepper = app.session.stepper
        assert stepper.cursor == before["cursor"] and stepper.event.name == "dZ2"
        assert (stepper.ws.theta == before["theta"]).all()
        assert [w.text for w in app.session.watches] == ["abs(dZ2).max()"]
        assert app.screen.query_one("#value-matrix").cursor == (0, 3)
        assert f"resumed {target} in lesson one-example, beat 3" in panel_text(app, "#status")

        await pilot.press("less_than_sign")  # the lesson goes on from there, replayed exactly
        await settle(app, pilot)
        assert app.lesson.index == 1 and app.session.stepper.event.name == "Z1"


async def test_a_lesson_changed_since_the_save_resumes_without_it_and_says_so(tmp_path):
    lesson = lesson_copy(tmp_path)
    target = tmp_path / "mine.json"
    before = await save_at_beat_3_two_steps_on(lesson, target)
    lesson.write_text(lesson.read_text().replace("Four lines of", "Four short lines of"))

    session, player = resume(str(target))
    assert player is None
    assert session.stepper.cursor == before["cursor"]  # the learner's work is all there
    assert session.message == (
        f"resumed {target} without its lesson: lesson file {lesson.resolve()} changed since "
        f"the session was saved; open it afresh with stepnet lesson {lesson.resolve()}"
    )
    app = StepnetApp(session, lesson=player)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert not app.query("#lesson")
        assert "without its lesson" in panel_text(app, "#status")


async def test_a_lesson_file_gone_resumes_without_it_and_says_so(tmp_path):
    lesson = lesson_copy(tmp_path)
    target = tmp_path / "mine.json"
    await save_at_beat_3_two_steps_on(lesson, target)
    lesson.unlink()
    session, player = resume(str(target))
    assert player is None
    assert session.message == (
        f"resumed {target} without its lesson: no lesson file {lesson.resolve()}: check the path"
    )


def test_a_session_saved_outside_a_lesson_resumes_plain(tmp_path):
    session = Session(RunConfig())
    session.step()
    session.save(str(tmp_path / "plain.json"))
    resumed, player = resume(str(tmp_path / "plain.json"))
    assert player is None and resumed.stepper.cursor == 1
    assert resumed.message == f"resumed {tmp_path / 'plain.json'}"


def test_a_shipped_lesson_saved_on_another_install_is_found_by_name_and_digest(tmp_path):
    shipped = load_lesson(find_lesson("one-example-output"))
    player = LessonPlayer(shipped)
    player.enter(1)
    elsewhere = replace(player.place(), path=f"/srv/class/venv/lessons/{shipped.path.name}")
    player.session.step()
    target = tmp_path / "downloaded.json"
    save_session(target, player.session.captured(elsewhere))

    session, reopened = resume(str(target))
    assert reopened is not None and reopened.lesson.path == shipped.path
    assert reopened.index == 1 and session.stepper.cursor == player.session.stepper.cursor

    wrong = replace(elsewhere, sha256="0" * 64)  # the same name, other bytes: not trusted
    save_session(target, player.session.captured(wrong))
    assert resume(str(target))[1] is None
