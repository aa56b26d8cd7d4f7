"""How long `stepnet check` takes on one correct assignment (target: under 2 s).

Timed two ways: the whole command in a fresh process, as a learner runs it (Python's start,
stepnet's imports, the engine's answers, the children running the learner's code), and
`check_file` inside one process, where a second file costs only the learner's code (the
engine's answers are kept: what a teacher checking a class pays per file).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from engine.errors import StepnetError
from engine.reference.check import check_file

TARGET_SECONDS = 2.0
DEFAULT_FILE = Path(__file__).resolve().parents[2] / "tests" / "learner_files" / "correct.py"


@dataclass(frozen=True)
class CheckTiming:
    file: Path
    command: list[float]  # seconds for `python -m tui check FILE`, each run
    first_in_process: float  # check_file the first time, the engine's answers computed too
    next_in_process: list[float]  # check_file again, the answers kept

    @property
    def command_median(self) -> float:
        return statistics.median(self.command)


def measure_check(file: Path | None = None, repeats: int = 3) -> CheckTiming:
    file = Path(file) if file is not None else DEFAULT_FILE
    if not file.is_file():
        raise StepnetError(f"{file}: no such assignment file; give a correct one to time")
    command = []
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "tui", "check", str(file)], capture_output=True, check=False
        )
        command.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise StepnetError(
                f"{file}: stepnet check says it is not all right; time a correct one"
            )
    start = time.perf_counter()
    check_file(file)
    first = time.perf_counter() - start
    again = []
    for _ in range(repeats):
        start = time.perf_counter()
        check_file(file)
        again.append(time.perf_counter() - start)
    return CheckTiming(file, command, first, again)
