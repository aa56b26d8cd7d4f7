"""What a crash leaves: the traceback in a log file, and one line for the person at the terminal.

A learner (or a class over SSH) must never see a traceback: the app writes it to a log file
instead of the screen, and the command ends non-zero with one line naming the file.
"""

from __future__ import annotations

import tempfile
import time
import traceback
from pathlib import Path

CRASH_STATUS = 1


def write_crash_log(error: BaseException, folder: Path | None = None) -> Path:
    """The traceback of `error` in a new file in `folder` (the system's temporary folder)."""
    folder = folder or Path(tempfile.gettempdir())
    stamp = time.strftime("%Y%m%d-%H%M%S")
    with tempfile.NamedTemporaryFile(
        "w", prefix=f"stepnet-crash-{stamp}-", suffix=".log", dir=folder, delete=False
    ) as log:
        log.write("".join(traceback.format_exception(error)))
    return Path(log.name)


def crash_line(error: BaseException, log: Path) -> str:
    """One line: what went wrong, and where the details are."""
    summary = str(error).splitlines()[0] if str(error) else ""
    what = f"{type(error).__name__}: {summary}" if summary else type(error).__name__
    return f"stepnet: internal error ({what}); the details are in {log}"
