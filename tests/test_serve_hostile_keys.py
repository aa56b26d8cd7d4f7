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


# ---- what an action raises, in a served app


@pytest.fixture
def confined_app(tmp_path):
    from tui.serve.confined_app import ConfinedApp, ConfinedSession
    from tui.serve.confinement import Confinement, EngineCaps

    confinement = Confinement(tmp_path, EngineCaps())
    return ConfinedApp(ConfinedSession(RunConfig(), confinement=confinement))


@pytest.mark.parametrize(
    ("error", "told"),
    [
        (OSError(36, "File name too long", "/srv/stepnet/secret"), "that did not work (OSError)"),
        (MemoryError(), "not enough memory for that in a served session"),
    ],
)
async def test_an_action_that_raises_is_one_line_and_the_session_goes_on(
    confined_app, monkeypatch, error, told
):
    from app_helpers import WIDE, panel_text

    app = confined_app
    async with app.run_test(size=WIDE) as pilot:
        original = app.session.step
        monkeypatch.setattr(app.session, "step", lambda: (_ for _ in ()).throw(error))
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running
        status = panel_text(app, "#status")
        assert told in status
        assert "/srv" not in status and "Traceback" not in status
        monkeypatch.setattr(app.session, "step", original)
        await pilot.press("n")
        assert app.session.stepper.cursor == 1
    assert not app._exit_renderables  # it quit with q, as ever, and nothing to print


async def test_an_error_at_every_frame_ends_the_app_in_one_line_not_a_traceback(
    confined_app, monkeypatch, capfd
):
    from app_helpers import WIDE

    from tui.serve.confined_app import ENDED, MAX_ERRORS_TOLD

    app = confined_app
    async with app.run_test(size=WIDE) as pilot:
        monkeypatch.setattr(app.session, "step", lambda: 1 / 0)
        for _ in range(MAX_ERRORS_TOLD):
            await pilot.press("n")
        assert app.is_running
        # the next one ends the app: dispatched directly, as a press would wait for a screen
        await app._dispatch_action(app, "step", ())
    assert app.return_code == 1
    printed = capfd.readouterr().err
    assert printed.strip() == ENDED


# ---- a served child's own limits


def test_a_served_child_limits_its_memory_and_cpu_time_and_says_why(tmp_path):
    # a child that has limited itself fails a 2 GiB allocation with MemoryError (told in one
    # line by the app, above) and gets SIGXCPU past its CPU time
    import subprocess
    import sys

    from tui.serve.child import CODE_ROOT, child_environment

    script = (
        "import resource, signal, sys, time\n"
        "from tui.serve.confinement import Confinement, EngineCaps\n"
        "from tui.serve.child_limits import on_cpu_time_up, cpu_time_up_message\n"
        "Confinement(sys.argv[1], EngineCaps(max_memory_mib=512, max_cpu_seconds=1))"
        ".limit_this_process()\n"
        "print(resource.getrlimit(resource.RLIMIT_AS), resource.getrlimit(resource.RLIMIT_CPU))\n"
        "try:\n"
        "    bytearray(2 * 2**30)\n"
        "except MemoryError:\n"
        "    print('MemoryError')\n"
        "on_cpu_time_up(lambda: (print(cpu_time_up_message(1)), sys.exit(3)))\n"
        "while True: pass\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        env=child_environment(None, {}, tmp_path),
        cwd=CODE_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    lines = done.stdout.splitlines()
    assert lines[0] == f"({512 * 2**20}, {512 * 2**20}) (1, 11)"
    assert lines[1] == "MemoryError"
    assert lines[2].startswith("stepnet: this session used its 1 s of computing time")
    assert done.returncode == 3


def test_the_server_gives_each_child_its_limits_and_a_small_malloc(tmp_path):
    from tui.serve.child import child_command, child_environment
    from tui.serve.confinement import EngineCaps

    command = child_command(tmp_path, EngineCaps(max_memory_mib=800, max_cpu_seconds=900))
    assert "--max-memory=800" in command and "--max-cpu=900" in command
    assert child_environment(None, {}, tmp_path)["MALLOC_ARENA_MAX"] == "2"


def test_a_refused_served_setup_leaves_the_process_unlimited(tmp_path, capsys):
    # the limits come once the setup is checked: a refusal is a plain line, and the process
    # (here, the tests') keeps its own limits
    import resource

    from tui.cli.main import main

    before = resource.getrlimit(resource.RLIMIT_AS)
    assert main(["--served", f"--save-dir={tmp_path}", "--data", "mine.csv"]) == 2
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert "built-in datasets only" in capsys.readouterr().err


def test_a_served_child_that_fails_unexpectedly_says_one_line(tmp_path, capsys, monkeypatch):
    import tui.cli.debug as debug
    from tui.cli.main import main

    def broken(*args, **kwargs):
        raise RuntimeError("/srv/stepnet/secret.py line 3")

    monkeypatch.setattr(debug, "run_app", broken)
    assert main(["--served", f"--save-dir={tmp_path}"]) == 1
    error = capsys.readouterr().err
    assert error == "stepnet: this session could not go on; connect again to start anew\n"
