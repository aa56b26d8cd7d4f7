"""Where a served session saves: its temporary folder (gone when the session ends), or, when
the teacher gives `--save-to DIR`, a folder of its own inside DIR that stays.

Each session gets a new folder there, named by the minute it started and four random hex
digits (`20261201-1240-3fa9`: short enough for the status line to show it whole), so two
students saving `mine.json` never overwrite each other, and the name the app tells the student
finds the file. A session that saved nothing leaves
no folder behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import time
from pathlib import Path

from engine.errors import StepnetError

log = logging.getLogger("stepnet.serve")


def checked_save_root(text: str) -> Path:
    """The teacher's --save-to folder, resolved; StepnetError unless it is a folder this
    server can write in."""
    root = Path(text).expanduser().resolve()
    if not root.is_dir():
        raise StepnetError(f"--save-to {text}: no such folder; make it first (mkdir -p {text})")
    if not os.access(root, os.W_OK | os.X_OK):
        raise StepnetError(f"--save-to {text}: this server cannot write there; choose another")
    return root


def kept_folder(root: Path) -> Path:
    """A new folder for one session's files inside `root`, only the server's to read."""
    for _ in range(5):
        folder = root / f"{time.strftime('%Y%m%d-%H%M')}-{secrets.token_hex(2)}"
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
        return folder
    raise StepnetError(f"cannot make a session folder in {root}")


def save_dir_for(root: Path | None, home: Path) -> tuple[Path, bool]:
    """Where one session saves, and whether that folder stays after it: a kept folder in
    `root` when the teacher gave one, else the session's temporary `home`. A kept folder that
    cannot be made (the disk full, say) leaves the session saving nothing, and the log says."""
    if root is None:
        return home, False
    try:
        return kept_folder(root), True
    except (StepnetError, OSError) as error:
        log.error("no kept folder for a session in %s (%s): its s saves nothing", root, error)
        return home, False


def drop_if_empty(folder: Path) -> None:
    """Remove a kept folder the session saved nothing in."""
    with contextlib.suppress(OSError):  # not empty, or gone: either way, nothing to do
        folder.rmdir()
