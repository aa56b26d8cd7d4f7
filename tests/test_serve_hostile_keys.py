"""What a student's keys can do to a served session (issue 12): pressed a thousand times, or
given absurd answers, they end in one line on the status bar and the session goes on."""

from __future__ import annotations

import pytest

from engine.config import RunConfig
from engine.errors import StepnetError
from tui.session.session import LEARNING_RATE_RANGE, Session


def test_doubling_the_learning_rate_a_thousand_times_stops_at_the_top_and_says_so():
    # ] pressed 1024 times reached inf, whose StepnetError escaped the action
    session = Session(RunConfig())
    for _ in range(1024):
        session.scale_learning_rate(2.0)
    assert session.config.learning_rate == LEARNING_RATE_RANGE[1] == 1000.0
    assert session.message == "α stays 1000 (keys go from 1e-06 to 1000)"
    session.step()
    assert session.stepper.cursor == 1


def test_halving_it_a_thousand_times_stops_at_the_bottom_not_at_zero():
    session = Session(RunConfig())
    for _ in range(1077):
        session.scale_learning_rate(0.5)
    assert session.config.learning_rate == LEARNING_RATE_RANGE[0] == 1e-6
    assert session.message == "α stays 1e-06 (keys go from 1e-06 to 1000)"


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("s" * 256 + ".json", "a name of 261 bytes is too long; file names hold 255 at most"),
        ("é" * 130, "a name of 260 bytes is too long"),
        ("ses\0sion.json", "a file name cannot hold a NUL character"),
    ],
)
def test_a_save_name_no_file_system_takes_is_one_line(tmp_path, name, says):
    # over 255 characters was OSError Errno 36, and a NUL a ValueError, each with a traceback
    session = Session(RunConfig())
    with pytest.raises(StepnetError) as raised:
        session.save(str(tmp_path / name))
    message = str(raised.value)
    assert says in message
    assert "\n" not in message and len(message) < 200
    assert list(tmp_path.iterdir()) == []
