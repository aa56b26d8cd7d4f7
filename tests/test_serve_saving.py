"""Saving in a served session is offered only where the file outlives the session: over SSH
with a folder the teacher keeps (--save-to), or as a download in a browser; over SSH without
one, s says so and saves nothing. (The servers' own paths: test_serve_ssh.py, test_serve_web.py.)"""

from __future__ import annotations

import pytest
from app_helpers import WIDE, burst, panel_text, settle_keys

from engine.config import RunConfig
from engine.errors import StepnetError
from tui.app.screens.prompt_screen import PromptScreen
from tui.cli.main import build_parser
from tui.serve.confined_app import SAVE_OFF, ConfinedApp, ConfinedSession, download_name
from tui.serve.confinement import MAX_SAVED_FILES, Confinement, EngineCaps, confinement_from
from tui.serve.save_folder import checked_save_root, drop_if_empty, kept_folder
from tui.session.session_file import load_session


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "session"
    path.mkdir()
    return path


def app_in(folder, keeps_files: bool) -> ConfinedApp:
    confinement = Confinement(folder, EngineCaps(), keeps_files=keeps_files)
    return ConfinedApp(ConfinedSession(RunConfig(), confinement=confinement))


async def test_over_ssh_without_a_kept_folder_s_says_saving_is_off(folder):
    app = app_in(folder, keeps_files=False)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n", "s")
        await pilot.pause()
        assert not isinstance(app.screen, PromptScreen)  # no name asked for nothing
        assert app.session.message == SAVE_OFF
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "save (s)" not in titles and "step (n)" in titles
    assert list(folder.iterdir()) == []
    with pytest.raises(StepnetError, match="saving is off here"):
        app.session.save("mine.json")


async def test_with_a_kept_folder_s_saves_there_and_names_the_file(folder):
    app = app_in(folder, keeps_files=True)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n", "n", "s")
        await settle_keys(app, pilot)
        assert "save (s)" in [c.title for c in app.get_system_commands(app.screen)]
        await burst(pilot, "paste:mine.json", "enter")
        await settle_keys(app, pilot)
        assert app.session.message == (
            "saved as session/mine.json on the server; it stays there after this session: "
            "ask your teacher for it"
        )
        assert "saved as session/mine.json on the server" in panel_text(app, "#status")
    assert load_session(folder / "mine.json").cursor == 2


async def test_in_a_browser_s_delivers_the_session_file_as_a_download(folder, monkeypatch):
    delivered = []
    monkeypatch.setattr(ConfinedApp, "is_web", property(lambda app: True))
    monkeypatch.setattr(
        ConfinedApp,
        "deliver_text",
        lambda app, file, **options: delivered.append((file.read(), options)),
    )
    app = app_in(folder, keeps_files=False)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n", "n", "n", "s")
        await settle_keys(app, pilot)
        await burst(pilot, "paste:my run?.json", "enter")
        await settle_keys(app, pilot)
        assert app.session.message == (
            "my_run_.json is downloading in your browser: stepnet --resume my_run_.json reopens it"
        )
    [(text, options)] = delivered
    assert options == {"save_filename": "my_run_.json", "mime_type": "application/json"}
    downloaded = folder.parent / "downloaded.json"
    downloaded.write_text(text)
    assert load_session(downloaded).cursor == 3  # the file the browser gets resumes
    assert list(folder.iterdir()) == []  # nothing left on the server


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("mine.json", "mine.json"),
        ("../../etc/passwd", "passwd"),
        ('a"; filename=evil.sh', "a___filename_evil.sh"),
        ("C:\\Users\\me\\s.json", "s.json"),
        ("...", "stepnet-session.json"),
        ("x" * 300, "x" * 100),
    ],
)
def test_a_download_name_is_safe_in_an_http_header(typed, name):
    assert download_name(typed) == name


def test_a_session_saves_at_most_so_many_files_but_may_save_over_them(folder):
    session = ConfinedSession(
        RunConfig(), confinement=Confinement(folder, EngineCaps(), keeps_files=True)
    )
    for number in range(MAX_SAVED_FILES):
        session.save(f"s{number}.json")
    with pytest.raises(StepnetError, match=f"has saved {MAX_SAVED_FILES} files"):
        session.save("one-more.json")
    session.save("s0.json")  # over an old one: fine
    assert len(list(folder.iterdir())) == MAX_SAVED_FILES


def test_the_hidden_option_says_the_folder_is_kept(folder):
    args = build_parser().parse_args(["--served", f"--save-dir={folder}", "--save-kept"])
    assert confinement_from(args).keeps_files
    args = build_parser().parse_args(["--served", f"--save-dir={folder}"])
    assert not confinement_from(args).keeps_files


def test_kept_folders_are_one_per_session_and_an_empty_one_goes(tmp_path):
    root = checked_save_root(str(tmp_path))
    first, second = kept_folder(root), kept_folder(root)
    assert first != second and first.parent == second.parent == root
    assert first.stat().st_mode & 0o777 == 0o700
    (first / "mine.json").write_text("{}")
    drop_if_empty(first)
    drop_if_empty(second)
    assert [path.name for path in root.iterdir()] == [first.name]


def test_a_save_to_folder_that_is_not_there_is_one_line(tmp_path):
    with pytest.raises(StepnetError, match="no such folder; make it first"):
        checked_save_root(str(tmp_path / "missing"))
