"""`stepnet snapshot`: PNG or SVG, at an iteration's step or a lesson's beat, with watches and
the value panel's cursor; every bad value one line and exit status 2."""

from __future__ import annotations

import html
import io
import re

import pytest
from PIL import Image

from engine.config import RunConfig
from engine.steps import STEP_INDEX, STEPS_PER_ITERATION
from tui.app.picture.typeface import system_typeface
from tui.app.snapshot_place import Place, placed_app
from tui.cli.main import main
from tui.session.session import Session
from tui.session.watch import MAX_WATCHES


def svg_text(path) -> str:
    """The SVG's text elements, joined: what the screen said."""
    texts = re.findall(r"<text[^>]*>(.*?)</text>", path.read_text(encoding="utf-8"))
    return html.unescape("".join(texts)).replace("\xa0", " ")


def test_a_png_is_the_screen_grid_times_the_cell(tmp_path, capsys):
    out = tmp_path / "dz1.png"
    assert (
        main(["snapshot", "--iteration", "2", "--step", "dZ1", "--size", "80x24", "-o", str(out)])
        == 0
    )
    assert capsys.readouterr().out == f"wrote {out}\n"
    image = Image.open(io.BytesIO(out.read_bytes()))
    typeface = system_typeface()
    assert image.format == "PNG"
    assert image.size == (80 * typeface.cell_width, 24 * typeface.cell_height)
    again = tmp_path / "again.png"
    assert (
        main(["snapshot", "--iteration", "2", "--step", "dZ1", "--size", "80x24", "-o", str(again)])
        == 0
    )
    assert again.read_bytes() == out.read_bytes()


def test_the_format_comes_from_the_extension_or_from_format(tmp_path):
    svg = tmp_path / "start.svg"
    assert main(["snapshot", "-o", str(svg)]) == 0
    assert svg.read_text(encoding="utf-8").startswith("<svg")
    named = tmp_path / "START.PNG"
    assert main(["snapshot", "--format", "png", "-o", str(named)]) == 0
    assert named.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


async def test_iteration_and_step_put_the_cursor_on_that_step():
    app, _ = placed_app(RunConfig(), Place(iteration=3, step="dW1"))
    assert app.session.stepper.cursor == 3 * STEPS_PER_ITERATION + STEP_INDEX["dW1"] + 1
    assert app.session.stepper.event.name == "dW1"
    app, _ = placed_app(RunConfig(), Place(iteration=4))  # its first step
    assert app.session.stepper.cursor == 4 * STEPS_PER_ITERATION + 1
    app, _ = placed_app(RunConfig(), Place(step="cost"))  # of iteration 0
    assert app.session.stepper.cursor == STEP_INDEX["cost"] + 1


def test_watches_and_the_cursor_are_on_the_picture(tmp_path):
    out = tmp_path / "watched.svg"
    args = ["snapshot", "--iteration", "5", "--step", "dZ1", "--cursor", "2,5"]
    args += ["--watch", "abs(dZ1).max()", "--watch", "W2[0, 1]", "-o", str(out)]
    assert main(args) == 0
    shown = svg_text(out)
    # the cursor's cell: row 2 is hidden unit a3, column 5 the sixth example
    assert "dZ[1][2, 5] = " in shown and "unit a3 · example i = 6" in shown
    # the watches' values as a session standing there computes them
    session = Session(RunConfig())
    session.goto_iteration(5)
    session.run_to_step("dZ1")
    session.add_watch("abs(dZ1).max()")
    session.add_watch("W2[0, 1]")
    for line in session.view().watches:
        assert f"{line.text} = {line.value}" in shown


def test_a_lesson_beat_is_drawn_as_the_app_shows_it_there(tmp_path):
    out = tmp_path / "beat.svg"
    assert main(["snapshot", "--lesson", "zero-initialization", "--beat", "2", "-o", str(out)]) == 0
    shown = svg_text(out)
    assert "lesson: Zero initialization" in shown and "beat 2/4" in shown
    assert "✓ max(abs(dW1)) == 0" in shown
    assert "init zeros" in shown  # the lesson's own setup


async def test_a_lesson_beat_entered_before_the_app_starts_is_not_entered_again():
    app, _ = placed_app(RunConfig(), Place(lesson="9", beat=3))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.lesson.index == 2 and app.lesson.outcome.holds
        assert not app.running and not app.entering_beat


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--beat", "2"], "--beat 2 needs --lesson NAME"),
        (["--lesson", "9", "--beat", "7"], "--beat 7: 'Zero initialization' has 4 beats: give 1–4"),
        (["--lesson", "9", "--beat", "0"], "--beat 0: 'Zero initialization' has 4 beats: give 1–4"),
        (["--lesson", "no-such-lesson"], "no-such-lesson"),
        (["--iteration", "-1"], "--iteration -1: give 0–9999"),
        (["--iterations", "50", "--iteration", "50"], "--iteration 50: give 0–49"),
        (["--step", "dW3"], "--step 'dW3': name one of Z1, A1,"),
        (["--steps", "10", "--iteration", "2"], "--steps and --iteration/--step both place"),
        (["--steps", "-1"], "--steps -1: give 0–150000"),
        (["--lesson", "9", "--steps", "3"], "--steps and --lesson both place"),
        (["--lesson", "9", "--hidden", "3"], "--lesson 9 plays the lesson's own setup"),
        (["--watch", "W1 +"], "--watch 'W1 +':"),
        (["--watch", "cost"] * (MAX_WATCHES + 1), f"{MAX_WATCHES} watches at most"),
        (["--cursor", "2;5"], "--cursor '2;5': write ROW,COL"),
        (["--step", "dZ1", "--cursor", "4,0"], "--cursor 4,0: dZ1 is (4, 400): give a row 0–3"),
        (["--step", "cost", "--cursor", "0,0"], "the value panel shows J, a number"),
        (["--cursor", "0,0"], "the value panel shows nothing yet"),
        (["--format", "png"], "name the file *.png"),
        (["--size", "10x10"], "size 10x10: give 60–250 columns"),
    ],
)
def test_a_bad_value_is_one_line_and_exit_status_2(tmp_path, capsys, args, said):
    out = tmp_path / "out.svg"
    assert main(["snapshot", *args, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1 and err.startswith("stepnet: error: ")
    assert not out.exists()


def test_an_unknown_extension_or_format_is_refused_in_one_line(tmp_path, capsys):
    assert main(["snapshot", "-o", str(tmp_path / "screen.jpg")]) == 2
    err = capsys.readouterr().err
    assert "name the file *.png or *.svg, or give --format png|svg" in err
    assert err.count("\n") == 1
    with pytest.raises(SystemExit) as exit_:
        main(["snapshot", "--format", "jpg", "-o", str(tmp_path / "x.jpg")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'jpg'" in err and err.count("\n") == 1
