"""Lessons: every shipped lesson's claims hold, bad lesson files name their line and field,
going back replays exactly, and the quiz marks answers against the real values."""

from __future__ import annotations

import re
import textwrap

import numpy as np
import pytest

from engine.config import RunConfig
from tui.cli.main import main
from tui.lessons.lesson_file import LessonError, Quiz, find_lesson, lesson_paths, load_lesson
from tui.lessons.player import LessonPlayer, check_lesson
from tui.lessons.quiz import mark, question_for

SHIPPED = lesson_paths()


def test_a_lesson_per_slide_group_and_one_for_the_mistakes():
    assert len(SHIPPED) == 12
    titles = [load_lesson(path).title for path in SHIPPED]
    assert len(set(titles)) == len(titles)


@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_every_shipped_lesson_passes_its_check(path, capsys):
    assert main(["lesson", str(path), "--check"]) == 0
    out = capsys.readouterr().out
    assert "✗" not in out
    assert "claims in" in out and "hold" in out


def write(tmp_path, text: str, name: str = "lesson.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


GOOD = """
    title = "A test"
    slide = "Gradient descent"

    [setup]
    hidden = 3

    [[beats]]
    note = "first"
    run_to = "step A1"
    claims = ["n_h == 3"]

    [[beats]]
    note = "second"
    run_to = "after iteration 20"
    highlight = "W1 row 1"
    claims = ["iteration == 20", "costs[20] < costs[0]"]
"""


def test_a_good_lesson_reads_into_beats(tmp_path):
    lesson = load_lesson(write(tmp_path, GOOD))
    assert lesson.setup == RunConfig(hidden=3)
    assert [beat.line for beat in lesson.beats] == [7, 12]
    assert lesson.beats[1].run_to.iteration == 20
    assert lesson.beats[1].highlight.expression == "W1[1, :]"
    assert not lesson.quiz


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('run_to = "step A1"', 'run_to = "step A7"', "line 9: beats[0].run_to: 'A7' is not a step"),
        (
            'run_to = "after iteration 20"',
            'run_to = "until iteration 20"',
            "line 14: beats[1].run_to: cannot read 'until iteration 20'",
        ),
        ('highlight = "W1 row 1"', 'highlight = "W1 diagonal"', "line 15: beats[1].highlight"),
        ('highlight = "W1 row 1"', 'highlight = "cost"', "'cost' is not a matrix"),
        ('claims = ["n_h == 3"]', 'claims = ["n_h == "]', "line 10: beats[0].claims: cannot read"),
        ('claims = ["n_h == 3"]', 'claims = ["open(1)"]', "line 10: beats[0].claims: calling"),
        ('claims = ["n_h == 3"]', "claims = [3]", "beats[0].claims: must be a list of expressions"),
        ("hidden = 3", 'hidden = "three"', "line 5: setup.hidden: must be int, not 'three'"),
        ("hidden = 3", "hidden = 0", "line 5: setup.hidden"),
        ("hidden = 3", "colour = 3", "line 5: setup.colour: unknown field"),
        ('note = "first"', 'nose = "first"', "line 8: beats[0].nose: unknown field"),
        ('title = "A test"', "", "title: missing or empty"),
        ('run_to = "step A1"', 'run_to = "breakpoint cost falls"', "beats[0].run_to: cannot read"),
        (
            'note = "first"',
            'note = "first"\nsweep = { hidden = [1, "x"] }',
            "beats[0].sweep.hidden",
        ),
        ('note = "first"', 'note = "first"\nsweep = { hidden = [1], seed = [2] }', "exactly one"),
        ("hidden = 3", 'hidden = 3\n[quiz]\nshape = ["Z9"]', "quiz.shape: 'Z9' is not a step"),
        ('slide = "Gradient descent"', 'slide = "Gradient descent', "not valid TOML"),
        ('"after iteration 20"', '"after iteration ²"', "line 14: beats[1].run_to: '²' is not an"),
        ('"after iteration 20"', '"after iteration 10000"', "past the run's limit of 10000"),
        ('run_to = "step A1"', "run_to = 3", "line 9: beats[0].run_to: must be text"),
        ("hidden = 3", 'hidden = 3\n[quiz]\nshape = "every"', "quiz.shape: must be a list"),
        ('note = "first"', 'note = "first"\nsetup = 3', "line 9: beats[0].setup: must be a table"),
        ('note = "first"', 'note = "first"\nsweep = { hidden = [] }', "sweep.hidden: must be a"),
        ('note = "first"', 'note = "first"\nsweep = { activation = ["x"] }', "sweep.activation:"),
        # dotted, quoted and mixed-quote keys still name their own line
        ('run_to = "step A1"', '"run_to" = "step A7"', "line 9: beats[0].run_to"),
        (
            'note = "first"\n    run_to = "step A1"',
            'note = """it\'s \'\'\' here\nsecond line"""\n    run_to = "step A7"',
            "line 10: beats[0].run_to",
        ),
        ("[setup]\n    hidden = 3", "setup.hidden = 0", "line 4: setup.hidden"),
    ],
)
def test_a_malformed_lesson_names_its_line_and_field(tmp_path, old, new, expected):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(LessonError) as raised:
        load_lesson(path)
    message = str(raised.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message


def test_a_byte_order_mark_is_fine_and_a_folder_is_named(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + textwrap.dedent(GOOD).lstrip().encode())
    assert load_lesson(path).title == "A test"
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    with pytest.raises(LessonError, match="is a folder"):
        load_lesson(folder)


def test_a_lesson_without_beats_says_so(tmp_path):
    path = write(tmp_path, 'title = "t"\nslide = "s"\n')
    with pytest.raises(LessonError, match="at least one"):
        load_lesson(path)


def test_the_cli_gives_one_line_and_exit_2_for_a_bad_lesson(tmp_path, capsys):
    assert main(["lesson", "no-such-lesson", "--check"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no lesson 'no-such-lesson'" in err
    path = write(tmp_path, GOOD.replace("hidden = 3", "hidden = -1"))
    assert main(["lesson", str(path), "--check"]) == 2
    assert "line 5: setup.hidden" in capsys.readouterr().err


def test_a_failing_claim_exits_1_naming_the_claim(tmp_path, capsys):
    path = write(tmp_path, GOOD.replace('"costs[20] < costs[0]"', '"costs[20] > costs[0]"'))
    assert main(["lesson", str(path), "--check"]) == 1
    captured = capsys.readouterr()
    assert "✗ costs[20] > costs[0]" in captured.out
    assert "line 12: beat 2 fails: costs[20] > costs[0]" in captured.err


def test_a_failing_claim_shows_the_values_it_compared(tmp_path):
    path = write(tmp_path, GOOD.replace('"costs[20] < costs[0]"', '"costs[20] > costs[0]"'))
    failed = check_lesson(load_lesson(path), lambda line: None)
    claim = next(claim for claim in failed.claims if not claim.holds)
    player = LessonPlayer(load_lesson(path))
    player.enter(1)
    costs = player.session.stepper.costs
    first, twentieth = float(costs[0]), float(costs[20])
    assert twentieth < first  # the claim is false, and both numbers say why
    assert claim.shown == (f"False (costs[20] = {twentieth:+.4f}, costs[0] = {first:+.4f})")


def test_numbers_compared_get_the_digits_that_tell_them_apart(tmp_path):
    # two costs 6e-5 apart: four decimals would write them alike, six tell them apart
    path = write(tmp_path, GOOD.replace('"costs[20] < costs[0]"', '"costs[7] > costs[6]"'))
    player = LessonPlayer(load_lesson(path))
    player.enter(1)
    costs = player.session.stepper.costs
    gap = float(costs[6] - costs[7])
    assert 1e-5 < gap < 1e-4 and f"{costs[6]:.4f}" == f"{costs[7]:.4f}"
    claim = player.outcome.claims[-1]
    assert not claim.holds
    assert claim.shown == f"False (costs[7] = {costs[7]:+.6f}, costs[6] = {costs[6]:+.6f})"


def test_a_lesson_without_a_slide_reads_and_lists(tmp_path):
    lesson = load_lesson(write(tmp_path, GOOD.replace('slide = "Gradient descent"\n', "")))
    assert lesson.slide is None and lesson.title == "A test"
    with pytest.raises(LessonError, match="slide: missing or empty"):
        load_lesson(write(tmp_path, GOOD.replace('"Gradient descent"', '""')))


@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_after_1000_iterations_means_1000_iterations_done(path):
    # "after iteration N" leaves N + 1 iterations done (costs[0] … costs[N]): a note that says
    # "after 1000 iterations" must run to iteration 999
    lesson = load_lesson(path)
    for beat in lesson.beats:
        said = {int(n.replace(",", "")) for n in _iterations_said(beat.note)}
        target = beat.run_to
        if said and target is not None and target.kind == "iteration":
            assert target.iteration + 1 in said or target.iteration not in said, beat.note


def _iterations_said(note: str) -> list[str]:
    return re.findall(r"(?:after|After) (?:the same )?([0-9][0-9,]*) iterations", note)


def test_a_claim_that_is_not_true_or_false_fails(tmp_path):
    path = write(tmp_path, GOOD.replace('"n_h == 3"', '"n_h + 1"'))
    failed = check_lesson(load_lesson(path), lambda line: None)
    assert failed.index == 0
    assert "not True or False" in failed.claims[0].shown


def test_a_breakpoint_that_never_fires_fails_the_beat(tmp_path):
    path = write(
        tmp_path,
        GOOD.replace('run_to = "step A1"', 'run_to = "breakpoint iteration 50"').replace(
            "hidden = 3", "hidden = 3\niterations = 30"
        ),
    )
    failed = check_lesson(load_lesson(path), lambda line: None)
    assert failed.index == 0 and "never hit" in failed.problem


def test_lessons_are_found_by_name_number_or_path():
    path = find_lesson("9")
    assert path == find_lesson("zero-initialization") == find_lesson(path.stem)
    assert find_lesson(str(path)) == path


def test_going_back_replays_the_lesson_exactly():
    player = LessonPlayer(load_lesson(find_lesson("gradient-descent")))
    player.enter(2)
    theta = player.session.stepper.ws.theta.copy()
    cursor = player.session.stepper.cursor
    player.enter(0)
    assert player.session.stepper.cursor < cursor
    player.enter(2)
    assert player.session.stepper.cursor == cursor
    np.testing.assert_array_equal(player.session.stepper.ws.theta, theta)


def test_the_sweep_reproduces_the_published_hidden_size_table():
    outcome = LessonPlayer(load_lesson(find_lesson("hidden-layer-size"))).enter(0)
    table = {row.value: row.accuracy for row in outcome.sweep}
    # the course notebook's figures for n_h = 1 and 2 after 5000 iterations
    assert table[1] == 0.675
    assert table[2] == 0.6725
    assert all(table[n_h] >= 0.9 for n_h in (3, 4, 5, 20, 50))


def test_the_quiz_marks_shapes_signs_and_values_against_the_real_step():
    stepper = RunConfig().stepper()
    quiz = Quiz(shape=frozenset({"dW1"}), sign=frozenset({"dZ2"}), value=frozenset({"cost"}))
    events = {}
    for _ in range(15):
        event = stepper.step()
        events[event.name] = event
    x_shape = stepper.X.shape
    shape_q = question_for(quiz, "dW1", x_shape)
    assert shape_q.placeholder == "e.g. (2, 400), as X is"
    assert mark(shape_q, "(4, 2)", events["dW1"])[0]
    right, feedback = mark(shape_q, "2x4", events["dW1"])
    assert not right and "dW1 is (4, 2)" in feedback and "shape of W[1]" in feedback
    sign_q = question_for(quiz, "dZ2", x_shape)
    first = float(events["dZ2"].value[0, 0])
    assert mark(sign_q, "+" if first > 0 else "−", events["dZ2"])[0]
    assert not mark(sign_q, "-" if first > 0 else "+", events["dZ2"])[0]
    value_q = question_for(quiz, "cost", x_shape)
    assert mark(value_q, "0.7", events["cost"])[0]  # 0.6932: within 10%
    assert not mark(value_q, "0.5", events["cost"])[0]
    assert not mark(value_q, "half", events["cost"])[0]
    assert question_for(quiz, "Z1", x_shape) is None


def test_the_shape_hint_is_in_the_lessons_own_m():
    quiz = Quiz(shape=frozenset({"Z1"}))
    X, _ = RunConfig(data="blobs").load_data()
    assert X.shape[1] != 400
    hint = question_for(quiz, "Z1", X.shape).placeholder
    assert hint == f"e.g. ({X.shape[0]}, {X.shape[1]}), as X is"


MISTAKEN = """
    title = "A mistake"
    slide = "Formulas for computing derivatives"

    [setup]
    mistake = "W2-not-transposed"

    [[beats]]
    note = "dZ1 cannot be computed"
    run_to = "step dZ1"
    fails_with = "inner sizes 4 and 1"
"""


def test_a_beat_expects_a_mistakes_shape_error_and_checks_its_words(tmp_path):
    lesson = load_lesson(write(tmp_path, MISTAKEN))
    assert check_lesson(lesson, lambda line: None) is None
    wrong = load_lesson(write(tmp_path, MISTAKEN.replace("4 and 1", "1 and 4"), "wrong.toml"))
    failed = check_lesson(wrong, lambda line: None)
    assert not failed.claims[0].holds
    assert "W[2] (1, 4) · dZ[2] (1, 400)" in failed.claims[0].shown


def test_an_unexpected_shape_error_fails_the_beat_with_its_message(tmp_path):
    text = MISTAKEN.replace('fails_with = "inner sizes 4 and 1"', 'claims = ["n_h == 4"]')
    failed = check_lesson(load_lesson(write(tmp_path, text)), lambda line: None)
    assert "inner sizes 4 and 1 do not line up" in failed.problem
    assert failed.claims == ()


def test_a_beat_the_data_cannot_take_fails_with_one_line(tmp_path, capsys):
    path = write(
        tmp_path, GOOD.replace('note = "second"', 'note = "second"\nsetup = { hidden = 5000 }')
    )
    assert main(["lesson", str(path), "--check"]) == 1
    captured = capsys.readouterr()
    assert "line 12: beat 2 fails: hidden units n_h=5000" in captured.err


def test_a_highlight_that_cannot_be_shown_fails_the_check(tmp_path):
    path = write(tmp_path, GOOD.replace('"W1 row 1"', '"W1 entry 99,0"'))
    failed = check_lesson(load_lesson(path), lambda line: None)
    assert failed.index == 1
    assert failed.claims[-1].text == "highlight W1[99, 0]" and not failed.claims[-1].holds


def test_a_sweep_run_that_fails_fails_the_beat(tmp_path):
    text = MISTAKEN.replace(
        'run_to = "step dZ1"\n    fails_with = "inner sizes 4 and 1"',
        "sweep = { hidden = [1, 2], iterations = 5 }",
    )
    failed = check_lesson(load_lesson(write(tmp_path, text)), lambda line: None)
    assert "the run with hidden = 2 failed" in failed.problem


def test_after_the_user_moves_the_next_beat_replays_from_the_start():
    player = LessonPlayer(load_lesson(find_lesson("zero-initialization")))
    expected = player.enter(1)
    player.enter(0)
    player.session.random_init()  # the learner breaks the symmetry, then goes on
    player.session.stepper.run(30)
    assert player.enter(1) == expected
