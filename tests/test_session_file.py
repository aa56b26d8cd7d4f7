"""Session files: a saved session resumes bit for bit, and every broken, foreign, newer or
unreachable file ends in one StepnetError line naming the file, with nothing lost."""

from __future__ import annotations

import errno
import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
from engine_fixtures import flower, random_params
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tui.session.session_file as session_module
from engine import StepnetError, save_parameters
from engine.conditions import at_step, cost_rises
from engine.config import RunConfig
from engine.shapes import PARAMETER_NAMES
from engine.steps import STEPS_PER_ITERATION
from tui.session.session_file import (
    LessonPlace,
    SessionData,
    capture,
    load_session,
    save_session,
)
from tui.session.watch import Watch

ITERATION = STEPS_PER_ITERATION


def assert_same_position(resumed, original) -> None:
    """Everything a screen shows is identical: position, parameters, event, state, costs."""
    assert resumed.cursor == original.cursor
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(resumed.parameters()[name], original.parameters()[name])
        np.testing.assert_array_equal(
            resumed.iteration_start_parameters()[name], original.iteration_start_parameters()[name]
        )
    if original.event is None:
        assert resumed.event is None
    else:
        assert (resumed.event.iteration, resumed.event.index) == (
            original.event.iteration,
            original.event.index,
        )
        np.testing.assert_array_equal(resumed.event.value, original.event.value)
    assert list(resumed.state()) == list(original.state())
    for name in original.state():
        np.testing.assert_array_equal(resumed.state()[name], original.state()[name])
    np.testing.assert_array_equal(resumed.costs, original.costs)


def session_at(cursor: int, config: RunConfig | None = None, **extras):
    config = config or RunConfig()
    stepper = config.stepper(flower())
    stepper.goto(cursor)
    return stepper, capture(stepper, config, **extras)


def saved(tmp_path: Path, cursor: int = 40 * ITERATION + 9) -> Path:
    _, session = session_at(cursor, breakpoints=[cost_rises()], watches=["W2 @ A1"])
    return save_session(tmp_path / "session.json", session)


def assert_one_line_naming(error: pytest.ExceptionInfo, path: Path, *fragments: str) -> None:
    message = str(error.value)
    assert "\n" not in message
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, message


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".partial"))


# ---- round trip and exact resume


def test_save_and_load_round_trip_every_field(tmp_path):
    stepper, session = session_at(
        123 * ITERATION + 7,
        breakpoints=[cost_rises(), at_step("dW1"), "grad norm < 1e-4", "saturated > 0.8"],
        watches=[Watch.parse("abs(dW1).max()"), "W2 @ A1"],
        selection=(2, 3),
    )
    path = save_session(tmp_path / "debug.json", session)
    loaded = load_session(path)

    assert loaded == session
    assert loaded.cursor == stepper.cursor
    assert loaded.breakpoints == ("cost rises", "dW1", "grad norm < 0.0001", "saturated > 0.8")
    assert loaded.watches == ("abs(dW1).max()", "W2 @ A1")
    assert loaded.selection == (2, 3)
    assert loaded.initial_parameters is None
    assert [bp.label for bp in loaded.breakpoint_list()] == list(loaded.breakpoints)
    assert [w.text for w in loaded.watch_list()] == list(loaded.watches)


@pytest.mark.parametrize(
    "cursor",
    [0, 1, 4, 5, ITERATION - 1, ITERATION, 7 * ITERATION + 11, 2500 * ITERATION + 3],
)
def test_resume_reproduces_every_value_exactly(tmp_path, cursor):
    original, session = session_at(cursor)
    path = save_session(tmp_path / "s.json", session)
    resumed = load_session(path).stepper(flower())
    assert_same_position(resumed, original)


@pytest.mark.parametrize("init", ["zeros", "constant:0.5"])
def test_resume_is_exact_for_symmetric_starts_too(tmp_path, init):
    config = RunConfig(init=init, hidden=6, activation="sigmoid")
    original, session = session_at(300 * ITERATION + 13, config)
    resumed = load_session(save_session(tmp_path / "s.json", session)).stepper(flower())
    assert_same_position(resumed, original)


def test_resume_after_a_run_that_went_on_and_came_back(tmp_path):
    config = RunConfig(learning_rate=0.7, hidden=5, seed=11)
    original = config.stepper(flower())
    original.run(800)
    original.goto(333 * ITERATION + 2)  # jumped back: values recomputed from a checkpoint
    path = save_session(tmp_path / "s.json", capture(original, config))
    assert_same_position(load_session(path).stepper(flower()), original)


def test_a_session_from_an_npz_init_embeds_the_parameters_and_needs_no_file(tmp_path):
    start = random_params(4, scale=0.7, seed=3)
    npz = save_parameters(tmp_path / "start.npz", start)
    config = RunConfig(init=str(npz), learning_rate=0.9)
    original = config.stepper(flower())
    original.run(50)
    original.goto(original.cursor + 6)
    path = save_session(tmp_path / "s.json", capture(original, config))

    npz.unlink()  # the session does not need it any more
    loaded = load_session(path)
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(loaded.initial_parameters[name], start[name])
    assert_same_position(loaded.stepper(flower()), original)


@pytest.mark.parametrize("mistake", ["sum-wrong-axis", "no-keepdims", "zero-init"])
def test_a_session_with_a_mistake_resumes_exactly(tmp_path, mistake):
    config = RunConfig(mistake=mistake)
    original = config.stepper(flower())
    original.run(30)  # no-keepdims stops at iteration 1, where its Z1 cannot be computed
    original.goto(max(ITERATION, original.cursor - 4))
    path = save_session(tmp_path / "s.json", capture(original, config))
    loaded = load_session(path)
    assert loaded.config.mistake == mistake
    assert json.loads(path.read_text())["config"]["mistake"] == mistake
    assert_same_position(loaded.stepper(flower()), original)


def test_a_mistake_with_an_npz_init_resumes_exactly(tmp_path):
    npz = save_parameters(tmp_path / "start.npz", random_params(4, scale=0.7, seed=3))
    config = RunConfig(init=str(npz), mistake="no-1-over-m")
    original = config.stepper(flower())
    original.goto(7 * ITERATION + 3)
    path = save_session(tmp_path / "s.json", capture(original, config))
    npz.unlink()
    assert_same_position(load_session(path).stepper(flower()), original)


def test_a_version_1_file_loads_as_a_run_without_a_mistake(tmp_path):
    path = saved(tmp_path)
    expected = load_session(path)

    def as_version_1(document):
        document["version"] = 1
        del document["config"]["mistake"]
        del document["config"]["test_split"]  # version 3's, as is "edits"
        del document["edits"], document["disabled_breakpoints"], document["lesson"]
        del document["unit"]

    old = load_session(edited(path, as_version_1))
    assert old.config.mistake is None
    assert old == expected
    with pytest.raises(StepnetError) as error:  # version 1 never had a mistake
        load_session(edited(path, setter("config", "mistake", "no-keepdims")))
    assert_one_line_naming(error, path, "unknown settings mistake")


def test_the_embedded_parameters_are_the_start_not_the_file_as_it_is_now(tmp_path):
    start = random_params(4, seed=5)
    npz = save_parameters(tmp_path / "start.npz", start)
    config = RunConfig(init=str(npz))
    original = config.stepper(flower())
    original.run(20)
    save_parameters(npz, random_params(4, seed=6))  # the file changed after the run began
    session = capture(original, config)
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(session.initial_parameters[name], start[name])


def test_the_file_is_json_with_the_marker_and_full_precision_arrays(tmp_path):
    start = random_params(3, seed=2)
    start["W1"][0, 0] = 0.1 + 0.2  # 0.30000000000000004: needs all 17 digits
    npz = save_parameters(tmp_path / "p.npz", start)
    config = RunConfig(init=str(npz), hidden=3)
    _, session = session_at(0, config)
    path = save_session(tmp_path / "s.json", session)

    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "stepnet-session"
    assert document["version"] == 5
    assert document["config"] == config.to_dict()
    for name in PARAMETER_NAMES:
        assert document["initial_parameters"][name] == start[name].tolist()
    assert document["initial_parameters"]["W1"][0][0] == 0.30000000000000004


def test_a_version_2_file_loads_as_a_run_without_edits_or_test_split(tmp_path):
    path = saved(tmp_path)
    expected = load_session(path)

    def as_version_2(document):
        document["version"] = 2
        del document["config"]["test_split"]
        del document["edits"], document["disabled_breakpoints"], document["lesson"]
        del document["unit"]

    assert load_session(edited(path, as_version_2)) == expected
    with pytest.raises(StepnetError) as error:
        load_session(edited(path, setter("config", "test_split", 0.2)))
    assert_one_line_naming(error, path, "unknown settings test_split")


def test_disabled_breakpoints_and_the_lesson_place_round_trip(tmp_path):
    place = LessonPlace("/lessons/07-gradient-descent.toml", 2, "ab" * 32)
    _, session = session_at(
        5 * ITERATION,
        breakpoints=[cost_rises(), at_step("dW1"), "iteration 30"],
        disabled={"dW1", "iteration 30", "not a breakpoint here"},
        lesson=place,
    )
    assert session.disabled == ("dW1", "iteration 30")  # in the breakpoints' order, no stray
    loaded = load_session(save_session(tmp_path / "s.json", session))
    assert loaded.disabled == ("dW1", "iteration 30")
    assert loaded.lesson == place


def test_a_version_3_file_loads_with_every_breakpoint_on_and_no_lesson(tmp_path):
    _, session = session_at(
        4 * ITERATION, breakpoints=[cost_rises()], disabled={"cost rises"}, lesson=None
    )
    path = save_session(tmp_path / "s.json", session)

    def as_version_3(document):
        document["version"] = 3
        del document["disabled_breakpoints"], document["lesson"], document["unit"]

    old = load_session(edited(path, as_version_3))
    assert old.breakpoints == ("cost rises",)
    assert old.disabled == ()
    assert old.lesson is None


def test_the_unit_followed_round_trips(tmp_path):
    _, session = session_at(3 * ITERATION, RunConfig(hidden=5), unit=4)
    path = save_session(tmp_path / "s.json", session)
    assert json.loads(path.read_text(encoding="utf-8"))["unit"] == 4
    assert load_session(path).unit == 4


def test_a_version_4_file_loads_following_no_unit(tmp_path):
    _, session = session_at(2 * ITERATION, unit=1)
    path = save_session(tmp_path / "s.json", session)

    def as_version_4(document):
        document["version"] = 4
        del document["unit"]

    old = load_session(edited(path, as_version_4))
    assert old.unit is None
    assert old == SessionData(session.config, cursor=session.cursor)


@pytest.mark.parametrize(
    ("unit", "fragment"),
    [
        (4, "unit should be null or a hidden unit's index from 0 to 3, not 4"),
        (-1, "unit should be null or a hidden unit's index from 0 to 3, not -1"),
        (True, "not True"),
        (1.0, "not 1.0"),
        ("a2", "not 'a2'"),
    ],
)
def test_a_unit_the_network_does_not_have_is_damage(tmp_path, unit, fragment):
    path = edited(saved(tmp_path), setter("unit", unit))
    with pytest.raises(StepnetError) as error:
        load_session(path)
    assert_one_line_naming(error, path, "is damaged", fragment)


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (lambda d: d.update(disabled_breakpoints=["dW2"]), "a disabled breakpoint should be one"),
        (lambda d: d.update(lesson={"path": "x.toml", "beat": 1}), "lesson should be null or"),
        (
            lambda d: d.update(lesson={"path": "x.toml", "beat": -1, "sha256": "0" * 64}),
            "lesson beat should be",
        ),
        (
            lambda d: d.update(lesson={"path": "x.toml", "beat": 0, "sha256": "xyz"}),
            "lesson sha256 should be 64 hexadecimal digits",
        ),
        (lambda d: d.pop("lesson"), "it has no 'lesson'"),
        (lambda d: d.pop("unit"), "it has no 'unit'"),
    ],
)
def test_a_damaged_disabled_list_or_lesson_place_is_one_line(tmp_path, edit, fragment):
    path = edited(saved(tmp_path), edit)
    with pytest.raises(StepnetError) as error:
        load_session(path)
    assert_one_line_naming(error, path, "is damaged", fragment)


def test_loading_and_saving_again_gives_the_same_bytes(tmp_path):
    path = saved(tmp_path)
    again = save_session(tmp_path / "again.json", load_session(path))
    assert again.read_bytes() == path.read_bytes()


def test_numpy_numbers_in_the_session_are_written_as_plain_numbers(tmp_path):
    config = RunConfig(seed=np.int64(4), learning_rate=np.float64(0.5), hidden=np.int64(3))
    session = SessionData(config, cursor=np.int64(45), selection=(np.int64(1), np.int64(0)))
    loaded = load_session(save_session(tmp_path / "s.json", session))
    assert (loaded.cursor, loaded.selection, loaded.config.seed) == (45, (1, 0), 4)


# ---- atomic writes: a failed save leaves the old file as it was


def test_a_failed_rename_leaves_the_old_file_and_no_partial_file(tmp_path, monkeypatch):
    path = saved(tmp_path)
    before = path.read_bytes()

    def full_disk(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(session_module.os, "replace", full_disk)
    with pytest.raises(StepnetError) as error:
        save_session(path, session_at(5)[1])
    assert_one_line_naming(error, path, "cannot save session", "No space left on device")
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_a_failed_write_leaves_the_old_file_and_no_partial_file(tmp_path, monkeypatch):
    path = saved(tmp_path)
    before = path.read_bytes()

    def failing_sync(descriptor):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(session_module.os, "fsync", failing_sync)
    with pytest.raises(StepnetError) as error:
        save_session(path, session_at(5)[1])
    assert_one_line_naming(error, path, "Input/output error")
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_an_interrupted_write_leaves_no_partial_file(tmp_path, monkeypatch):
    path = saved(tmp_path)
    before = path.read_bytes()

    def interrupted(descriptor):
        raise KeyboardInterrupt

    monkeypatch.setattr(session_module.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_session(path, session_at(5)[1])
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"cursor": -1}, "cursor should be a whole number"),
        ({"cursor": 1.5}, "cursor should be a whole number"),
        ({"breakpoints": ("cost falls",)}, "cannot read breakpoint 'cost falls'"),
        ({"watches": ("__import__('os')",)}, "calling __import__ not allowed"),
        ({"selection": (-1, 0)}, "selection should be"),
        ({"config": RunConfig(activation="swish")}, "unknown activation 'swish'"),
    ],
)
def test_an_invalid_session_is_refused_before_the_old_file_is_touched(tmp_path, changes, says):
    path = saved(tmp_path)
    before = path.read_bytes()
    good = load_session(path)
    bad = SessionData(**{**good.__dict__, **changes})
    with pytest.raises(StepnetError) as error:
        save_session(path, bad)
    assert_one_line_naming(error, path, "cannot save session", says)
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_non_finite_embedded_parameters_are_refused_on_save(tmp_path):
    npz = save_parameters(tmp_path / "p.npz", random_params(4))
    params = random_params(4)
    params["W2"][0, 1] = np.nan
    session = SessionData(RunConfig(init=str(npz)), initial_parameters=params)
    with pytest.raises(StepnetError) as error:
        save_session(tmp_path / "s.json", session)
    assert_one_line_naming(error, tmp_path / "s.json", "finite")
    assert not (tmp_path / "s.json").exists()


def test_saving_into_a_folder_path_is_refused(tmp_path):
    with pytest.raises(StepnetError) as error:
        save_session(tmp_path, session_at(0)[1])
    assert_one_line_naming(error, tmp_path, "it is a folder")


def test_saving_into_a_missing_folder_is_refused(tmp_path):
    path = tmp_path / "no" / "such" / "folder" / "s.json"
    with pytest.raises(StepnetError) as error:
        save_session(path, session_at(0)[1])
    assert_one_line_naming(error, path, "does not exist")


def test_saving_below_a_regular_file_is_refused(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    path = blocker / "s.json"
    with pytest.raises(StepnetError) as error:
        save_session(path, session_at(0)[1])
    assert_one_line_naming(error, path, "is not a folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_saving_into_a_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StepnetError) as error:
            save_session(folder / "s.json", session_at(0)[1])
        assert_one_line_naming(error, folder / "s.json", "permission denied")
    finally:
        folder.chmod(0o700)


def test_saving_where_the_system_refuses_permission(tmp_path, monkeypatch):
    # the same path as a read-only folder, for test runs as root
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(session_module.tempfile, "mkstemp", denied)
    with pytest.raises(StepnetError) as error:
        save_session(tmp_path / "s.json", session_at(0)[1])
    assert_one_line_naming(error, tmp_path / "s.json", "permission denied")


def test_a_new_file_is_readable_by_others_and_an_old_files_mode_is_kept(tmp_path):
    path = saved(tmp_path)
    assert path.stat().st_mode & 0o777 == 0o644
    path.chmod(0o600)
    save_session(path, session_at(3)[1])
    assert path.stat().st_mode & 0o777 == 0o600


# ---- loading what is not a good session


def test_a_missing_file(tmp_path):
    path = tmp_path / "nothing.json"
    with pytest.raises(StepnetError) as error:
        load_session(path)
    assert_one_line_naming(error, path, "does not exist")


def test_a_folder(tmp_path):
    with pytest.raises(StepnetError) as error:
        load_session(tmp_path)
    assert_one_line_naming(error, tmp_path, "is a folder")


def test_an_empty_file(tmp_path):
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    with pytest.raises(StepnetError) as error:
        load_session(path)
    assert_one_line_naming(error, path, "is empty")


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, -2])
def test_a_truncated_file_is_damaged(tmp_path, keep):
    path = saved(tmp_path)
    text = path.read_bytes()
    path.write_bytes(text[:keep] if keep < 0 else text[: int(len(text) * keep)])
    with pytest.raises(StepnetError) as error:
        load_session(path)
    assert_one_line_naming(error, path, "is damaged (invalid JSON at line")


@pytest.mark.parametrize(
    "content",
    [
        b'{"hello": "world"}',
        b"[1, 2, 3]",
        b'"stepnet"',
        b"42",
        b'{"format": "something-else", "version": 1}',
        b"just some text",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe",
        bytes(range(256)),
    ],
)
def test_a_foreign_file_is_not_a_session(tmp_path, content):
    path = tmp_path / "foreign.json"
    path.write_bytes(content)
    with pytest.raises(StepnetError) as error:
        load_session(path)
    assert_one_line_naming(error, path, "is not a stepnet session")


def test_a_file_from_a_newer_stepnet(tmp_path):
    path = saved(tmp_path)
    document = json.loads(path.read_text())
    document["version"] = 6
    document["something_new"] = {"only": "version 6 knows"}
    path.write_text(json.dumps(document))
    with pytest.raises(StepnetError) as error:
        load_session(path)
    assert_one_line_naming(error, path, "newer stepnet", "version 6", "upgrade stepnet")


def edited(path: Path, edit) -> Path:
    document = json.loads(path.read_text())
    edit(document)
    path.write_text(json.dumps(document))
    return path


def setter(*keys_and_value):
    *keys, value = keys_and_value

    def edit(document):
        target = document
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return edit


def deleter(*keys):
    def edit(document):
        target = document
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]

    return edit


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (setter("version", "1"), "version should be a whole number"),
        (setter("version", 0), "version should be a whole number"),
        (setter("version", True), "version should be a whole number"),
        (setter("cursor", "12"), "cursor should be a whole number"),
        (setter("cursor", -3), "cursor should be a whole number"),
        (setter("cursor", 12.0), "cursor should be a whole number"),
        (setter("cursor", 10**30), "is past iteration 1,000,000, the last a session resumes at"),
        (setter("cursor", 15_000_000_000), "cursor 15,000,000,000 is past iteration 1,000,000"),
        (setter("config", [1, 2]), "config should be an object"),
        (setter("config", "hidden", "4"), "config hidden should be a number"),
        (setter("config", "hidden", True), "config hidden should be a number"),
        (setter("config", "data", 7), "config data should be text"),
        (setter("config", "learning_rate", -1.0), "bad setting: learning rate -1.0"),
        (setter("config", "activation", "swish"), "unknown activation 'swish'"),
        (setter("config", "colour", "blue"), "unknown settings colour"),
        (deleter("config", "seed"), "config lacks seed"),
        (deleter("config", "mistake"), "config lacks mistake"),
        (setter("config", "mistake", 3), "config mistake should be null or text"),
        (setter("config", "mistake", "typo"), "bad setting: unknown mistake 'typo'"),
        (deleter("cursor"), "it has no 'cursor'"),
        (setter("breakpoints", "cost rises"), "breakpoints should be a list of texts"),
        (setter("breakpoints", [1]), "breakpoints should be a list of texts"),
        (setter("breakpoints", ["cost falls"]), "cannot read breakpoint 'cost falls'"),
        (setter("watches", ["X.__class__"]), "attribute '__class__' not allowed"),
        (setter("watches", None), "watches should be a list of texts"),
        (setter("watches", ["W1"] * 13), "it has 13 watches; a session keeps 12 at most"),
        (setter("breakpoints", ["grad norm < " + "1" * 20_000]), "keep it under 256"),
        (setter("selection", [1]), "selection should be null or [row, col]"),
        (setter("selection", [1, -2]), "selection should be null or [row, col]"),
        (setter("selection", [1, 2.0]), "selection should be null or [row, col]"),
        (setter("initial_parameters", {"W1": [[1.0, 2.0]]}), "it embeds initial parameters"),
    ],
)
def test_a_damaged_field_is_named(tmp_path, edit, says):
    path = edited(saved(tmp_path), edit)
    with pytest.raises(StepnetError) as error:
        load_session(path)
    assert_one_line_naming(error, path, says)
    message = str(error.value)
    assert ("is damaged" in message) or ("bad setting" in message)


def npz_session(tmp_path: Path) -> Path:
    npz = save_parameters(tmp_path / "p.npz", random_params(4))
    _, session = session_at(20, RunConfig(init=str(npz)))
    return save_session(tmp_path / "s.json", session)


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (setter("initial_parameters", None), "needs the initial parameters, but none are embedded"),
        (setter("initial_parameters", [1.0]), "initial_parameters should be an object"),
        (deleter("initial_parameters", "b2"), "initial_parameters b2 should be a nested list"),
        (setter("initial_parameters", "W1", [[1.0, 2.0], [3.0]]), "W1 is not an array of numbers"),
        (setter("initial_parameters", "W1", [[1.0, "2"]] * 4), "W1 should be a nested list"),
        (setter("initial_parameters", "W1", [[1.0, True]] * 4), "W1 should be a nested list"),
        (setter("initial_parameters", "W1", [[1.0, 2.0]] * 3), "W1 has shape (3, 2)"),
        (setter("initial_parameters", "b1", [[0.0]] * 3), "b1 has shape (3, 1)"),
        (setter("initial_parameters", "W2", [[1e400] * 4]), "Infinity"),
    ],
)
def test_damaged_embedded_parameters_are_named(tmp_path, edit, says):
    path = edited(npz_session(tmp_path), edit)
    with pytest.raises(StepnetError) as error:
        load_session(path)
    assert_one_line_naming(error, path, "is damaged", says)


def test_an_overflowing_number_written_by_another_program_is_damage(tmp_path):
    path = npz_session(tmp_path)
    document = json.loads(path.read_text())
    document["initial_parameters"]["W1"][0] = [1e400, 1.0]  # json writes it as Infinity
    path.write_text(json.dumps(document).replace("Infinity", "1e400"))  # which reads as inf
    with pytest.raises(StepnetError) as error:
        load_session(path)
    assert_one_line_naming(error, path, "is damaged", "W1 should be a nested list of finite")


def test_embedded_parameters_for_other_data_fail_when_resumed(tmp_path):
    path = edited(npz_session(tmp_path), setter("initial_parameters", "W1", [[1.0] * 3] * 4))
    session = load_session(path)  # consistent in itself: n_x = 3 from W1
    with pytest.raises(StepnetError, match=r"W1 has shape \(4, 3\) but a network with n_x=2"):
        session.stepper(flower())


def test_nan_written_by_another_program_is_damage(tmp_path):
    path = npz_session(tmp_path)
    path.write_text(path.read_text().replace("[\n", "[NaN,\n", 1))
    with pytest.raises(StepnetError) as error:
        load_session(path)
    assert_one_line_naming(error, path, "is damaged")


def test_deeply_nested_json_is_refused_not_a_crash(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"format": "stepnet-session", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(StepnetError) as error:
        load_session(path)
    assert_one_line_naming(error, path, "is damaged")


def test_a_file_too_large_to_be_a_session(tmp_path, monkeypatch):
    monkeypatch.setattr(session_module, "MAX_FILE_BYTES", 100)
    path = saved(tmp_path)
    with pytest.raises(StepnetError) as error:
        load_session(path)
    assert_one_line_naming(error, path, "more than a session can be")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_random_bytes_only_ever_raise_stepnet_error(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("fuzz") / "s.json"
    path.write_bytes(content)
    with pytest.raises(StepnetError):
        load_session(path)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = (
    *("version", "config", "cursor", "breakpoints", "watches", "selection", "edits"),
    *("disabled_breakpoints", "lesson", "unit"),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIELDS), JSON)
def test_any_json_in_any_field_loads_or_raises_stepnet_error(tmp_path_factory, key, value):
    folder = tmp_path_factory.mktemp("fields")
    path = edited(saved(folder, cursor=3), setter(key, value))
    try:
        session = load_session(path)
    except StepnetError as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(session, SessionData)


# ---- files that are not sessions at all (issue 12): bounded in time and memory


def refused_quickly(path) -> str:
    started = time.perf_counter()
    with pytest.raises(StepnetError) as error:
        load_session(path)
    assert time.perf_counter() - started < 1.0
    message = str(error.value)
    assert "\n" not in message and str(path) in message
    return message


def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path):
    # open() on a FIFO waits for a writer: --resume hung
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    assert "is not a regular file (a pipe or a device?)" in refused_quickly(path)


def test_a_link_to_dev_zero_is_refused_not_read_forever(tmp_path):
    path = tmp_path / "zero.json"
    path.symlink_to("/dev/zero")
    assert "is not a regular file" in refused_quickly(path)


def test_a_large_file_is_refused_from_its_size_before_any_read(tmp_path):
    # a 198 MB session file took 5 GB and 23 s before its one-line error; sparse here
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(198 * 2**20)
    message = refused_quickly(path)
    assert "is 198 MiB or more, more than a session can be (16 MiB)" in message


def test_a_path_with_nul_is_one_line(tmp_path):
    message = refused_quickly(str(tmp_path / "a\0b.json"))
    assert "is not a valid path" in message
