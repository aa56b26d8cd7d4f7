"""Lesson files a teacher (or anyone who can write one) might hand stepnet by mistake
(issue 12): each ends in one line and exit status 2, quickly, whatever its size or shape."""

from __future__ import annotations

import time

import pytest

from tui.cli.main import main
from tui.lessons.lesson_file import LessonError, load_lesson


def refused(path) -> str:
    started = time.perf_counter()
    with pytest.raises(LessonError) as error:
        load_lesson(path)
    assert time.perf_counter() - started < 2.0
    message = str(error.value)
    assert "\n" not in message and len(message) < 400
    return message


def test_a_10_gb_lesson_is_refused_from_its_size(tmp_path):
    # sparse: MemoryError and a traceback before
    path = tmp_path / "huge.toml"
    with open(path, "wb") as handle:
        handle.truncate(10 * 2**30)
    assert "is 10,240 MiB or more, more than a lesson can be (1 MiB)" in refused(path)


def test_toml_nested_100k_deep_is_one_line(tmp_path):
    # a RecursionError with a 3,002-line traceback before
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert "nested too deeply" in refused(path)


def test_a_5000_digit_integer_is_one_line(tmp_path):
    path = tmp_path / "digits.toml"
    path.write_text('title = "t"\nslide = "s"\n[setup]\nhidden = ' + "9" * 5000 + "\n")
    assert "not valid TOML: Exceeds the limit (4300 digits)" in refused(path)


def test_a_fifo_is_refused_at_once(tmp_path):
    import os

    path = tmp_path / "pipe.toml"
    os.mkfifo(path)
    assert "is not a regular file" in refused(path)


def test_a_long_line_costs_the_line_finder_little(tmp_path):
    path = tmp_path / "long.toml"
    path.write_text("a" * 900_000 + "\n")
    assert "not valid TOML" in refused(path)


@pytest.mark.parametrize("how", ["lesson", "serve"])
def test_the_command_line_says_it_in_one_line_with_exit_status_2(tmp_path, capsys, how):
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    argv = (
        ["lesson", str(path), "--check"]
        if how == "lesson"
        else ["serve", "web", "--port", "0", "--lesson", str(path)]
    )
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "nested too deeply" in error
