"""The class password (or class code): the first line of a file the teacher names."""

from __future__ import annotations

from pathlib import Path

from engine.errors import StepnetError
from tui.session.small_file import NotSmallFile, read_small_file

MAX_PASSWORD_FILE_BYTES = 4096


def read_password(path: Path) -> str:
    """The class password: the first line of `path`."""
    try:
        lines = read_small_file(path, MAX_PASSWORD_FILE_BYTES, "a password file")
        lines = lines.decode("utf-8").splitlines()
    except NotSmallFile as problem:
        raise StepnetError(f"password file {path} {problem}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise StepnetError(f"cannot read password file {path}: {error}") from None
    if not lines or not lines[0].strip():
        raise StepnetError(f"password file {path} is empty: write the class password on line 1")
    return lines[0].strip()
