"""--test-split: a seeded hold-out kept apart from training, scored beside it with a confusion
matrix, for train, trace, the session (and so the app) and session files; a split that leaves a
side without both classes is one line and exit 2."""

from __future__ import annotations

import numpy as np
import pytest
from engine_fixtures import flower

from engine.config import RunConfig
from engine.data.split import split_examples
from engine.diagnostics import accuracy
from engine.errors import StepnetError
from engine.functional import cost, forward
from engine.generalisation import scores
from engine.parameters import initialize
from tui.cli.main import main
from tui.session.session import Session


def test_the_split_is_seeded_disjoint_complete_and_independent_of_the_weight_seed():
    X, Y = flower()
    (X_train, Y_train), (X_test, Y_test) = split_examples(X, Y, 0.2)
    assert X_train.shape == (2, 320) and X_test.shape == (2, 80)
    assert Y_train.shape == (1, 320) and set(Y_test[0]) == {0, 1}
    seen = {tuple(column) for column in np.hstack([X_train, X_test]).T}
    assert seen == {tuple(column) for column in X.T}  # every example, once
    again = split_examples(X, Y, 0.2)
    np.testing.assert_array_equal(again[1][0], X_test)
    for seed in (3, 4):  # a new random initialization keeps the same test set
        config = RunConfig(test_split=0.2, seed=seed)
        np.testing.assert_array_equal(config.load_test_data()[0], X_test)
        np.testing.assert_array_equal(config.stepper().X, X_train)


def test_scores_agree_with_the_course_functions():
    X, Y = flower()
    params = initialize("random", 2, 4, scale=1.0, seed=2)
    s = scores(params, X, Y, "tanh")
    cache = forward(params, X, "tanh")
    assert s.cost == cost(cache["A2"], Y, Z2=cache["Z2"])
    assert s.accuracy == accuracy(params, X, Y, "tanh")
    predicted = cache["A2"][0] > 0.5
    ones = Y[0] == 1
    assert s.confusion == (
        (int(np.sum(~ones & ~predicted)), int(np.sum(~ones & predicted))),
        (int(np.sum(ones & ~predicted)), int(np.sum(ones & predicted))),
    )
    assert s.m == 400
    nan = dict(params, W2=np.full((1, 4), np.nan))
    assert scores(nan, X, Y, "tanh") is None


def write_csv(path, rows) -> str:
    path.write_text("x1,x2,y\n" + "".join(f"{a},{b},{y}\n" for a, b, y in rows))
    return str(path)


def test_a_split_leaving_a_side_with_one_class_is_refused(tmp_path):
    rows = [(i, -i, int(i == 0)) for i in range(10)]  # one example of class 1
    data = write_csv(tmp_path / "few.csv", rows)
    with pytest.raises(StepnetError, match="with only class 0: use a"):
        RunConfig(data=data, test_split=0.5).load_data()


@pytest.mark.parametrize("share", ["0.9999", "1", "-0.1", "nan"])
def test_train_with_a_bad_share_is_one_line_and_exit_2(share, capsys):
    assert main(["train", "--test-split", share, "--iterations", "5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("stepnet: error: --test-split") and err.count("\n") == 1


def test_train_one_class_side_is_one_line_and_exit_2(tmp_path, capsys):
    data = write_csv(tmp_path / "few.csv", [(i, -i, int(i == 0)) for i in range(10)])
    assert main(["train", "--data", data, "--hidden", "2", "--test-split", "0.5"]) == 2
    err = capsys.readouterr().err
    assert "only class 0" in err and err.count("\n") == 1


def test_train_prints_the_test_accuracy_and_both_confusion_matrices(capsys):
    assert main(["train", "--test-split", "0.2", "--iterations", "1500"]) == 0
    out = capsys.readouterr().out
    config = RunConfig(test_split=0.2, iterations=1500)
    stepper = config.stepper()
    stepper.run(1500)
    test = scores(stepper.parameters(), *config.load_test_data(), "tanh")
    assert f"test accuracy: {100 * test.accuracy:.2f}% (80 examples held out)" in out
    assert "training (320 examples)" in out and "test (80 examples)" in out
    assert f"{test.cost:.6f}" in out


def test_trace_prints_the_scores_after_its_steps(capsys):
    assert main(["trace", "--test-split", "0.25", "--iterations", "2"]) == 0
    out = capsys.readouterr().out
    assert "test (100 examples)" in out and "y=1, predicted 1" in out


def test_the_session_scores_the_held_out_examples_and_keeps_them_on_restart(tmp_path):
    session = Session(RunConfig(test_split=0.2))
    session.stepper.run(300)
    view = session.view()
    expected = scores(session.stepper.parameters(), *session.config.load_test_data(), "tanh")
    assert view.test == expected and view.test.m == 80
    session.random_init()
    np.testing.assert_array_equal(
        session.test_data[0], RunConfig(test_split=0.2).load_test_data()[0]
    )
    assert Session(RunConfig()).view().test is None
    session.save(str(tmp_path / "s.json"))
    resumed = Session.resume(str(tmp_path / "s.json"))
    assert resumed.config.test_split == 0.2 and resumed.view().test == session.view().test


def test_session_scores_are_the_training_and_test_scores_now():
    session = Session(RunConfig(test_split=0.2))
    session.stepper.run(200)
    params = session.stepper.parameters()
    training, test = session.scores()
    assert test == scores(params, *session.config.load_test_data(), "tanh")
    assert training == scores(params, session.stepper.X, session.stepper.Y, "tanh")
    assert training.m == 320 and test.m == 80
    assert Session(RunConfig()).scores()[1] is None


async def test_the_status_line_shows_test_scores_and_c_the_confusion_matrices():
    from app_helpers import WIDE, new_app, panel_text

    from tui.app.screens.table_screen import TableScreen

    app = new_app(test_split=0.2)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        status = panel_text(app, "#status")
        assert f"test J {app.view.test.cost:.4f} · {100 * app.view.test.accuracy:.1f}%" in status
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, TableScreen)
        table = app.screen.query_one("#table").content
        assert [column.header for column in table.columns][1:] == [
            "training (320 examples)",
            "test (80 examples)",
        ]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TableScreen)


def test_watches_read_the_test_scores_and_wait_for_them_without_a_split():
    session = Session(RunConfig(test_split=0.2))
    session.stepper.run(100)
    session.add_watch("accuracy - test_accuracy")
    session.add_watch("test_cost > cost")
    view = session.view()
    gap, worse = (line.value for line in view.watches)
    assert gap.value == view.accuracy - view.test.accuracy
    assert worse.value is bool(view.test.cost > view.cost)
    plain = Session(RunConfig())
    plain.add_watch("test_cost")
    error = plain.view().watches[0].value.error
    assert error == "test_cost needs a test set: start with --test-split 0.2"
