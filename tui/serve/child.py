"""How a server starts one student's app: its command line, environment and terminal size.

The child gets a fresh environment, never the server's: a terminal type from a short list, a
UTF-8 locale, a minimal PATH, its session folder as HOME, and the client's NO_COLOR and
COLORTERM only when they hold sensible values. The command runs the same stepnet code as the
server (PYTHONPATH), with `-P` so the session folder the child starts in is not on its import
path.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import tui
from tui.serve.child_limits import CHILD_MALLOC
from tui.serve.confinement import EngineCaps

TERMINALS = frozenset(
    {
        "xterm-256color",
        "xterm",
        "screen-256color",
        "screen",
        "tmux-256color",
        "tmux",
        "vt100",
        "vt220",
        "linux",
        "rxvt-unicode-256color",
        "alacritty",
        "xterm-kitty",
        "foot",
    }
)
DEFAULT_TERMINAL = "xterm-256color"
TRUE_COLOUR = frozenset({"truecolor", "24bit"})
COLUMNS = (20, 300)  # anything outside is a broken client, not a terminal
ROWS = (10, 100)
DEFAULT_SIZE = (80, 24)  # for a client that gives no size
CODE_ROOT = str(Path(tui.__file__).resolve().parent.parent)


def child_command(
    save_dir: Path, caps: EngineCaps, lesson: str | None = None, keeps_files: bool = False
) -> list[str]:
    """`python -m tui`, confined to `save_dir` and `caps`; in `lesson` if one is named;
    `keeps_files` when `save_dir` outlives the session (tui/serve/save_folder.py)."""
    command = [
        sys.executable,
        "-P",
        "-m",
        "tui",
        "--served",
        f"--save-dir={save_dir}",
        *(["--save-kept"] if keeps_files else []),
        *caps.as_options(),
    ]
    if lesson:
        command += ["lesson", lesson]
    return command


def child_environment(term: str | None, client_env: Mapping[str, str], home: Path) -> dict:
    """The whole environment of a child; `client_env` is what the client asked to set."""
    environment = {
        "TERM": term if term in TERMINALS else DEFAULT_TERMINAL,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "PYTHONPATH": CODE_ROOT,
        **CHILD_MALLOC,
    }
    if client_env.get("COLORTERM") in TRUE_COLOUR:
        environment["COLORTERM"] = client_env["COLORTERM"]
    if "NO_COLOR" in client_env:
        environment["NO_COLOR"] = "1"  # any value means no colour; don't pass the client's text
    return environment


def clamp_size(columns: int, rows: int) -> tuple[int, int]:
    """A terminal size the app can be given: unknown (0) becomes 80x24, absurd is clamped."""
    if columns <= 0 or rows <= 0:
        return DEFAULT_SIZE
    return (min(max(columns, COLUMNS[0]), COLUMNS[1]), min(max(rows, ROWS[0]), ROWS[1]))
