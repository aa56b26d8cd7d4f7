"""The app in a lesson: notes and claims on screen, > and < between beats, quiz questions."""

from __future__ import annotations

import pytest
from app_helpers import SMALL, WIDE, lesson_app, panel_text, settle
from textual import events

from tui.app.screens.prompt_screen import PromptScreen


async def test_a_lesson_opens_at_its_first_beat_with_the_claims_checked():
    app = lesson_app("zero-initialization")
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        text = panel_text(app, "#lesson")
        assert "every hidden unit computes the same function" in text
        assert "✓ identical_units == n_h" in text
        assert app.session.stepper.event.name == "A1"
        assert "all 4 hidden units identical" in panel_text(app, "#status")


async def test_greater_and_less_than_move_between_beats_and_replay_exactly():
    app = lesson_app("zero-initialization")
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("greater_than_sign")
        await settle(app, pilot)
        await pilot.press("greater_than_sign")
        await settle(app, pilot)
        assert app.lesson.index == 2
        assert app.session.config.init == "constant:0.5"
        assert app.session.stepper.iteration == 1000  # after iteration 999: 1000 done
        assert "✗" not in panel_text(app, "#lesson")
        theta = app.session.stepper.ws.theta.copy()
        await pilot.press("less_than_sign")
        await settle(app, pilot)
        assert app.lesson.index == 1 and app.session.config.init == "zeros"
        await pilot.press("greater_than_sign")
        await settle(app, pilot)
        assert (app.session.stepper.ws.theta == theta).all()


async def test_outside_a_lesson_the_beat_keys_say_where_they_work_and_change_nothing():
    from app_helpers import new_app

    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("greater_than_sign", "less_than_sign")
        await pilot.pause()
        assert app.session.stepper.cursor == 0
        assert not app.query("#lesson")
        assert app.messages.entries[-1].text == "not in a lesson: stepnet lesson NAME opens one"
        assert (
            "stepnet lesson NAME opens one" in app.screen.query_one("#status").render_line(1).text
        )
        footer = {key.action for key in app.screen.query("FooterKey").results()}
        assert "next_beat" not in footer and "step" in footer  # offered in a lesson alone


async def test_a_quiz_step_asks_first_then_reveals_and_scores():
    app = lesson_app("gradient-descent")  # quizzes the backward shapes and the cost's value
    async with app.run_test(size=SMALL) as pilot:
        for _ in range(7):  # beat 1 runs to db1: the cost and six gradients are asked on the way
            await wait_for_prompt(app, pilot)
            await pilot.press("escape")
        await settle(app, pilot)
        assert app.session.stepper.event.name == "db1"
        assert "quiz: 0/0 right" in panel_text(app, "#lesson")  # skipped ones are not marked
        await pilot.press("greater_than_sign")  # after iteration 0: next is iteration 1's Z1
        await settle(app, pilot)
        await pilot.press("n", "n", "n", "n")  # Z1 … A2 are not quizzed
        assert app.session.stepper.event.name == "A2"
        await pilot.press("n")  # the cost: a value question comes first
        assert app.session.stepper.event.name == "A2"  # not revealed yet
        await pilot.press(*"0.69", "enter")
        assert app.session.stepper.event.name == "cost"
        await pilot.press("n")  # dZ2: its shape
        await pilot.press(*"400, 1", "enter")
        assert app.session.stepper.event.name == "dZ2"
        assert "✗ you said (400, 1); dZ2 is (1, 400)" in panel_text(app, "#status")
        assert "quiz: 1/2 right" in panel_text(app, "#lesson")


QUIZ_ON_A_MISTAKE = """
title = "Quiz on a mistake"
slide = "Formulas for computing derivatives"

[setup]
mistake = "W2-not-transposed"

[quiz]
shape = ["dZ1"]

[[beats]]
note = "dZ1 next"
run_to = "step db2"
"""


async def test_a_quiz_on_a_step_that_cannot_be_computed_says_why_instead_of_crashing(tmp_path):
    from tui.app.app import StepnetApp
    from tui.lessons.lesson_file import load_lesson
    from tui.lessons.player import LessonPlayer
    from tui.session.session import Session

    path = tmp_path / "quiz.toml"
    path.write_text(QUIZ_ON_A_MISTAKE, encoding="utf-8")
    player = LessonPlayer(load_lesson(path))
    app = StepnetApp(Session(player.lesson.setup), lesson=player)
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        await pilot.press("n", *"4,1", "enter")
        assert app.is_running
        assert app.session.stepper.event.name == "db2"
        assert "inner sizes 4 and 1 do not line up" in panel_text(app, "#status")
        await pilot.press("n")  # the step still fails: no question this time, the same message
        assert not isinstance(app.screen, PromptScreen)
        assert "inner sizes 4 and 1" in panel_text(app, "#status")


async def test_r_does_not_pause_a_beats_own_run():
    app = lesson_app("activation-functions")  # the first beat trains to convergence
    async with app.run_test(size=WIDE) as pilot:
        app.post_message(events.Key("r", "r"))
        await settle(app, pilot)
        assert app.lesson.outcome.holds
        assert "paused" not in panel_text(app, "#lesson")


async def test_a_question_is_asked_once_per_position():
    app = lesson_app("gradient-descent")
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(7):  # the first beat's questions, on its way to db1: skipped
            await wait_for_prompt(app, pilot)
            await pilot.press("escape")
        await settle(app, pilot)
        assert app.session.stepper.event.name == "db1"
        await pilot.press("n", "n", "n", "n", "n", "n", "n", "n")  # W1 … b2, then Z1 … A2
        await pilot.press("n", *"0.7", "enter")  # the cost: asked
        await pilot.press("p", "n")  # back and forth: not asked again
        assert app.session.stepper.event.name == "cost"
        assert "quiz: 1/1 right" in panel_text(app, "#lesson")


async def wait_for_prompt(app, pilot) -> None:
    for _ in range(200):
        if isinstance(app.screen, PromptScreen):
            return
        await pilot.pause(0.02)
    raise AssertionError("no quiz question came")


@pytest.mark.parametrize("size", [WIDE, SMALL])
async def test_a_beat_that_runs_to_a_quizzed_step_asks_before_it_reveals_it(size):
    app = lesson_app("vectorizing")  # beat 1 runs to Z1, and the quiz asks Z1's shape
    async with app.run_test(size=size) as pilot:
        await wait_for_prompt(app, pilot)
        assert "what shape will Z1 have" in app.screen.question
        assert app.session.stepper.cursor == 0  # not revealed yet
        await pilot.press(*"4, 400", "enter")
        await settle(app, pilot)
        assert app.session.stepper.event.name == "Z1"
        assert "quiz: 1/1 right" in panel_text(app, "#lesson")
        assert "✓ Z1 is (4, 400)" in panel_text(app, "#status")
        assert all(claim.holds for claim in app.lesson.outcome.claims)


async def test_going_back_to_a_quizzed_beat_replays_without_asking_twice_for_earlier_ones():
    app = lesson_app("vectorizing")
    async with app.run_test(size=WIDE) as pilot:
        await wait_for_prompt(app, pilot)
        await pilot.press("escape")  # skipped: Z1 is shown all the same
        await settle(app, pilot)
        assert app.session.stepper.event.name == "Z1"
        assert "quiz skipped" in panel_text(app, "#status")
        await pilot.press("greater_than_sign")  # beat 2 has no target
        await settle(app, pilot)
        await pilot.press("greater_than_sign")  # beat 3 runs to A1: asked
        await wait_for_prompt(app, pilot)
        assert "A1" in app.screen.question
        await pilot.press(*"4, 400", "enter")
        await settle(app, pilot)
        assert "quiz: 1/1 right" in panel_text(app, "#lesson")


async def test_r_in_the_first_read_waits_for_the_first_beat_instead_of_racing_it():
    # r queued before the app has even mounted: refused while the first beat is entered, so
    # no run goes beside the beat's (which exclusive workers would cancel mid-way)
    app = lesson_app("activation-functions")
    app.post_message(events.Key("r", "r"))
    async with app.run_test(size=WIDE) as pilot:
        await settle(app, pilot)
        assert app.lesson.outcome.holds
        assert not any(worker.is_cancelled for worker in app.workers)


def _screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_at_80x24_the_notes_scroll_to_the_end_of_a_sweep_table_with_page_keys():
    # the lesson tab holds 9 lines: lesson 11's table of 7 sizes showed its n_h = 1 row only
    app = lesson_app("hidden-layer-size")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        notes = app.screen.query_one("#lesson")
        assert notes.has_focus and notes.max_scroll_y > 0
        last_row = "        50    90.25%   +0.1762"
        assert last_row in panel_text(app, "#lesson")
        assert not any(last_row in line for line in _screen_lines(app))
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        lines = _screen_lines(app)
        assert any(last_row in line for line in lines)
        assert any("beat 1/3 · > next · < back" in line for line in lines)  # the border stays
        await pilot.press("greater_than_sign")  # a new beat is read from its start
        await settle(app, pilot)
        assert notes.scroll_y == 0
        assert any("Larger models fit the training set" in line for line in _screen_lines(app))


async def test_in_a_lessons_tabs_the_arrow_keys_work_in_the_tab_shown():
    # the value tab's arrows moved nothing in a lesson: the matrix was never given the focus
    app = lesson_app("zero-initialization")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("t", "down", "right")
        await pilot.pause()
        assert app.screen.query_one("#tabs").active == "tab-value"
        assert app.screen.query_one("#value").cursor == (1, 1)
        await pilot.press("T")
        await pilot.pause()
        assert app.screen.query_one("#tabs").active == "tab-lesson"
        assert app.screen.query_one("#lesson").has_focus
