"""A served student's app: files only in the session's folder, the engine within the caps."""

from __future__ import annotations

from dataclasses import replace

import pytest
from app_helpers import WIDE

from engine.config import RunConfig
from engine.errors import StepnetError
from tui.cli.main import build_parser, main
from tui.serve.confined_app import ConfinedApp, ConfinedSession
from tui.serve.confinement import Confinement, EngineCaps, confinement_from


@pytest.fixture
def confinement(tmp_path) -> Confinement:
    folder = tmp_path / "session"
    folder.mkdir()
    return Confinement(folder, EngineCaps(max_hidden=6, max_examples=1000, max_iterations=50))


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"data": "/etc/passwd.csv"}, "built-in datasets only"),
        ({"init": "/home/teacher/answers.npz"}, "reads no files"),
        ({"hidden": 7}, "up to 6"),
    ],
)
def test_a_served_setup_may_not_read_files_or_pass_the_caps(confinement, changes, complaint):
    with pytest.raises(StepnetError, match=complaint):
        confinement.caps.confine(RunConfig(**changes))


def test_iterations_are_capped_and_too_many_examples_refused(confinement, tmp_path):
    assert confinement.caps.confine(RunConfig(iterations=10_000)).iterations == 50
    small = Confinement(tmp_path, EngineCaps(max_examples=100))
    with pytest.raises(StepnetError, match="400 examples: served sessions allow up to 100"):
        ConfinedSession(RunConfig(), confinement=small)


@pytest.mark.parametrize("typed", ["mine.json", "../../etc/mine.json", "/tmp/mine.json"])
def test_saving_goes_into_the_session_folder_whatever_the_name(confinement, typed):
    kept = replace(confinement, keeps_files=True)  # a folder the teacher keeps (--save-to)
    session = ConfinedSession(RunConfig(), confinement=kept)
    session.step()
    session.save(typed)
    assert [path.name for path in confinement.save_dir.iterdir()] == ["mine.json"]
    assert session.message.startswith("saved as session/mine.json on the server; it stays")


@pytest.mark.parametrize("typed", ["", "  ", "..", "a/.."])
def test_a_name_that_names_no_file_is_refused(confinement, typed):
    with pytest.raises(StepnetError, match="give a file name"):
        confinement.save_path(typed)


def test_hidden_units_and_jumps_stay_within_the_caps(confinement):
    session = ConfinedSession(RunConfig(hidden=5), confinement=confinement)
    session.change_hidden(+1)
    session.change_hidden(+1)
    assert session.config.hidden == 6
    assert session.message == "n_h stays 6 (1 to 6 here)"
    session.goto_iteration(51)
    assert session.stepper.iteration == 0
    assert session.message == "iteration 51: a served session goes up to 50"
    session.goto_iteration(50)
    assert session.stepper.iteration == 50


async def test_screenshots_are_off_in_the_palette_and_as_an_action(
    confinement, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))  # where Textual would save a screenshot
    app = ConfinedApp(ConfinedSession(RunConfig(), confinement=confinement))
    async with app.run_test(size=WIDE) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Theme" in titles
        assert "Screenshot" not in titles
        await app.run_action("screenshot")
        await pilot.pause()
        assert app.session.message == "screenshots are off in a served session"
    assert not list(tmp_path.rglob("*.svg"))


def test_the_hidden_options_turn_served_mode_on(tmp_path):
    args = build_parser().parse_args(["--served", f"--save-dir={tmp_path}", "--max-hidden=3"])
    confinement = confinement_from(args)
    assert confinement.save_dir == tmp_path.resolve()
    assert confinement.caps.max_hidden == 3
    assert confinement_from(build_parser().parse_args([])) is None
    assert "--served" not in build_parser().format_help()


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["--served"], "--served needs --save-dir"),
        (["--served", "--save-dir={dir}", "--data", "mine.csv"], "built-in datasets only"),
        (["--served", "--save-dir={dir}", "--resume", "old.json"], "cannot resume"),
        (["--served", "--save-dir={dir}", "--max-iterations=0"], "1 or more"),
    ],
)
def test_a_served_app_refuses_files_in_one_line(argv, complaint, tmp_path, capsys):
    argv = [part.format(dir=tmp_path) for part in argv]
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert complaint in error
    assert error.count("\n") == 1
