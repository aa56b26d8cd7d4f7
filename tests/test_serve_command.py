"""`stepnet serve`: its command line, the keys it keeps, and how it starts each student's app."""

from __future__ import annotations

import importlib.util
import os
import stat
import sys

import asyncssh
import pytest

from engine.errors import StepnetError
from tui.cli.main import build_parser, main
from tui.serve.child import CODE_ROOT, child_command, child_environment, clamp_size
from tui.serve.confinement import EngineCaps
from tui.serve.limits import describe_duration, parse_duration
from tui.serve.password_file import read_password
from tui.serve.ssh_keys import fingerprint, load_or_create_host_key, read_authorized_keys


def test_the_child_runs_this_stepnet_confined(tmp_path):
    caps = EngineCaps(max_hidden=8, max_examples=500, max_iterations=3000)
    command = child_command(tmp_path, caps)
    assert command[:5] == [sys.executable, "-P", "-m", "tui", "--served"]
    args = build_parser().parse_args(command[4:])
    assert (args.served, args.save_dir, args.command) == (True, str(tmp_path), None)
    assert (args.max_hidden, args.max_examples, args.max_iterations) == (8, 500, 3000)


def test_a_lesson_comes_after_the_served_options(tmp_path):
    # `stepnet lesson NAME` opens the app in a lesson; the served options belong to stepnet
    command = child_command(tmp_path, EngineCaps(), lesson="/class/backprop.toml")
    assert command[-2:] == ["lesson", "/class/backprop.toml"]
    args = build_parser().parse_args(command[4:])
    assert (args.served, args.command, args.name) == (True, "lesson", "/class/backprop.toml")


def test_the_child_gets_a_fresh_environment_not_the_servers(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "do-not-leak")
    client = {"COLORTERM": "truecolor", "NO_COLOR": "please", "LD_PRELOAD": "/tmp/evil.so"}
    environment = child_environment("xterm-256color", client, tmp_path)
    assert environment == {
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHONPATH": CODE_ROOT,
        "MALLOC_ARENA_MAX": "2",  # keeps threads' arenas within the child's memory limit
        "COLORTERM": "truecolor",
        "NO_COLOR": "1",
    }


@pytest.mark.parametrize(
    ("term", "client", "expected"),
    [
        ("tmux-256color", {}, "tmux-256color"),
        ("vt100", {}, "vt100"),
        ("xterm-256color\x1b]0;hi", {}, "xterm-256color"),
        (None, {}, "xterm-256color"),
    ],
)
def test_the_terminal_type_comes_from_a_short_list(term, client, expected, tmp_path):
    environment = child_environment(term, {"COLORTERM": "1; rm -rf /"}, tmp_path)
    assert environment["TERM"] == expected
    assert "COLORTERM" not in environment and "NO_COLOR" not in environment


@pytest.mark.parametrize(
    ("asked", "given"),
    [((120, 40), (120, 40)), ((5, 2), (20, 10)), ((10**6, 10**6), (300, 100)), ((0, 0), (80, 24))],
)
def test_absurd_terminal_sizes_are_clamped(asked, given):
    assert clamp_size(*asked) == given


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("90s", 90), ("15m", 900), ("2h", 7200)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "-5", "15 minutes", "1d"])
def test_bad_durations_say_how_to_write_one(text):
    with pytest.raises(StepnetError, match="90, 15m, 2h"):
        parse_duration(text)


def test_durations_read_back_for_students():
    assert [describe_duration(s) for s in (1, 2.5, 900, 3 * 3600)] == [
        "1 second",
        "2.5 seconds",
        "15 minutes",
        "3 hours",
    ]


def test_the_host_key_is_made_once_private_and_kept(tmp_path):
    path = tmp_path / "host_key"
    key, created = load_or_create_host_key(path)
    assert created
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, created = load_or_create_host_key(path)
    assert not created
    assert fingerprint(again) == fingerprint(key)
    assert fingerprint(key).startswith("SHA256:")


def test_a_host_key_others_can_read_is_refused(tmp_path):
    path = tmp_path / "host_key"
    load_or_create_host_key(path)
    os.chmod(path, 0o644)
    with pytest.raises(StepnetError, match=r"can be read by others.*chmod 600"):
        load_or_create_host_key(path)


def test_authorized_keys_and_password_files_are_checked(tmp_path):
    keys = tmp_path / "authorized_keys"
    keys.write_text("# the class\n")
    with pytest.raises(StepnetError, match="holds no keys"):
        read_authorized_keys(keys)
    keys.write_text("not a key at all\n")
    with pytest.raises(StepnetError, match="No valid entries"):
        read_authorized_keys(keys)
    student = asyncssh.generate_private_key("ssh-ed25519")
    keys.write_bytes(student.export_public_key())
    assert read_authorized_keys(keys) is not None
    with pytest.raises(StepnetError, match="cannot read authorized keys"):
        read_authorized_keys(tmp_path / "missing")

    password = tmp_path / "password"
    password.write_text("\n")
    with pytest.raises(StepnetError, match="empty"):
        read_password(password)
    password.write_text("  class of 2026  \nignored\n")
    assert read_password(password) == "class of 2026"


def one_line_error(argv, capsys) -> str:
    try:
        status = main(argv)
    except SystemExit as exit:  # argparse's own mistakes
        status = exit.code
    assert status == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1, error
    return error


def test_serve_without_asyncssh_names_the_fix(monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *rest: None if name in ("asyncssh", "textual_serve") else real(name, *rest),
    )
    error = one_line_error(["serve", "ssh", "--authorized-keys", "keys"], capsys)
    assert error == (
        "stepnet: error: stepnet serve ssh needs asyncssh: pip install 'stepnet[serve]'\n"
    )
    error = one_line_error(["serve", "web"], capsys)
    assert "pip install 'stepnet[serve]'" in error


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["serve", "ssh"], "give --authorized-keys FILE"),
        (["serve", "ssh", "--port", "70000"], "--port 70000"),
        (["serve", "web", "--max-sessions", "0"], "--max-sessions 0: give 1 or more"),
        (["serve", "ssh", "--idle-timeout", "soon"], "90, 15m, 2h"),
        (["serve"], "required: {ssh,web,bench}"),
        (
            ["serve", "ssh", "--save-to", "/no/such/folder"],
            "--save-to /no/such/folder: no such folder; make it first",
        ),
        (["serve", "web", "--lesson", "no-such-lesson"], "no lesson 'no-such-lesson'"),
        (
            ["serve", "web", "--lesson", "11", "--max-hidden", "16"],
            "lesson 11-hidden-layer-size.toml line 11: n_h = 20: served sessions allow up to 16",
        ),
        (
            ["serve", "web", "--lesson", "7", "--max-iterations", "5000"],
            "lesson 07-gradient-descent.toml line 36: a jump past iteration 9000: served "
            "sessions allow up to 5000",
        ),
    ],
)
def test_serve_mistakes_end_in_one_line(argv, complaint, capsys):
    assert complaint in one_line_error(argv, capsys)
