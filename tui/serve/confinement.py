"""What a served session may do: where it saves, and how much it may ask of the engine.

A server starts each student's app as `python -m tui --served --save-dir DIR --max-hidden N
--max-examples M --max-iterations K` (options hidden from --help: only a server passes them),
with `--save-kept` when DIR outlives the session (the teacher's `--save-to`): without it, DIR is
deleted when the session ends, so `s` saves nothing there and says so.
The server builds that command line, so a student cannot change it; what a student can still do
is press keys, and the confined session and app (confined_app.py) keep those keys inside the
limits and away from the server's files.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from engine.config import RunConfig
from engine.data import BUILTIN_DATASETS
from engine.errors import StepnetError
from engine.parameters import parse_init
from tui.serve.child_limits import DEFAULT_CPU_SECONDS, DEFAULT_MEMORY_MIB, limit_this_process

MIN_MEMORY_MIB = 256  # the app's own address space, with numpy and Textual loaded
# files one session may save, each a few kilobytes: a student saving under new names in a loop
# fills no disk
MAX_SAVED_FILES = 20


@dataclass(frozen=True)
class EngineCaps:
    """The most a served session may ask of the engine."""

    max_hidden: int = 64  # n_h: as the app allows anyway; every shipped lesson fits
    max_examples: int = 1000  # m: every built-in dataset has 400 or fewer
    max_iterations: int = 20_000  # a run, or a jump with g; twice the course's 10,000
    max_memory_mib: int = DEFAULT_MEMORY_MIB  # the child's address space (child_limits.py)
    max_cpu_seconds: int = DEFAULT_CPU_SECONDS  # the child's CPU time, a run's included

    def confine(self, config: RunConfig) -> RunConfig:
        """`config` if a served session may run it, with iterations capped; else StepnetError."""
        if config.data not in BUILTIN_DATASETS:
            raise StepnetError(
                f"data {config.data!r}: a served session uses the built-in datasets only "
                f"({', '.join(BUILTIN_DATASETS)})"
            )
        if isinstance(parse_init(config.init), Path):
            raise StepnetError(
                f"init {config.init!r}: a served session reads no files; "
                "use random, zeros or constant:C"
            )
        if config.hidden > self.max_hidden:
            raise StepnetError(
                f"n_h = {config.hidden}: served sessions allow up to {self.max_hidden}"
            )
        return config.with_changes(iterations=min(config.iterations, self.max_iterations))

    def check_examples(self, m: int) -> None:
        if m > self.max_examples:
            raise StepnetError(
                f"the data has {m} examples: served sessions allow up to {self.max_examples}"
            )

    def as_options(self) -> list[str]:
        return [
            f"--max-hidden={self.max_hidden}",
            f"--max-examples={self.max_examples}",
            f"--max-iterations={self.max_iterations}",
            f"--max-memory={self.max_memory_mib}",
            f"--max-cpu={self.max_cpu_seconds}",
        ]


@dataclass(frozen=True)
class Confinement:
    """A served session: files only in `save_dir`, the engine within `caps`."""

    save_dir: Path
    caps: EngineCaps
    keeps_files: bool = False  # save_dir outlives the session: what is saved there stays

    def save_path(self, typed: str) -> Path:
        """Where a session the student names `typed` is saved: only its last part counts, and
        it goes into the session's own folder."""
        name = Path(typed.strip()).name
        if name in ("", ".", ".."):
            raise StepnetError(f"cannot save as {typed!r}: give a file name such as session.json")
        target = self.save_dir / name
        saved = sum(1 for _ in self.save_dir.iterdir())
        if not target.exists() and saved >= MAX_SAVED_FILES:
            raise StepnetError(
                f"this session has saved {MAX_SAVED_FILES} files, the most it may: "
                "save over one of them"
            )
        return target

    def limit_this_process(self) -> None:
        """The served child's own memory and CPU limits (tui/serve/child_limits.py)."""
        limit_this_process(self.caps.max_memory_mib, self.caps.max_cpu_seconds)


def add_confinement_options(parser: argparse.ArgumentParser) -> None:
    """The hidden options a server gives each student's app."""
    defaults = EngineCaps()
    hidden = argparse.SUPPRESS
    parser.add_argument("--served", action="store_true", help=hidden)
    parser.add_argument("--save-dir", metavar="DIR", help=hidden)
    parser.add_argument("--save-kept", action="store_true", help=hidden)
    parser.add_argument("--max-hidden", type=int, default=defaults.max_hidden, help=hidden)
    parser.add_argument("--max-examples", type=int, default=defaults.max_examples, help=hidden)
    parser.add_argument("--max-iterations", type=int, default=defaults.max_iterations, help=hidden)
    parser.add_argument("--max-memory", type=int, default=defaults.max_memory_mib, help=hidden)
    parser.add_argument("--max-cpu", type=int, default=defaults.max_cpu_seconds, help=hidden)


def confinement_from(args: argparse.Namespace) -> Confinement | None:
    """The confinement the hidden options ask for, or None when the app is not served."""
    if not args.served:
        return None
    if not args.save_dir or not Path(args.save_dir).is_dir():
        raise StepnetError("--served needs --save-dir: an existing folder for this session")
    caps = EngineCaps(
        args.max_hidden, args.max_examples, args.max_iterations, args.max_memory, args.max_cpu
    )
    if min(caps.max_hidden, caps.max_examples, caps.max_iterations, caps.max_cpu_seconds) < 1:
        raise StepnetError(f"served caps must be 1 or more, not {caps}")
    if caps.max_memory_mib < MIN_MEMORY_MIB:
        raise StepnetError(
            f"--max-memory {caps.max_memory_mib}: a session needs {MIN_MEMORY_MIB} MiB or more"
        )
    return Confinement(Path(args.save_dir).resolve(), caps, keeps_files=args.save_kept)
