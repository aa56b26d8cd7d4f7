"""`stepnet check FILE...`: a learner's graded functions against the engine, file by file.

Exit status: 0 when every graded function of every file is right; 1 when any is wrong, raised,
timed out or is missing; 2 when a file cannot be read or parsed (one line naming the file, the
line and the problem) or the options are wrong.
"""

from __future__ import annotations

import argparse
import json
import sys

from engine.errors import StepnetError
from engine.reference.check import check_file
from engine.reference.graded import GRADED
from engine.reference.report import FileReport
from engine.reference.sandbox import DEFAULT_MEMORY, DEFAULT_TIMEOUT
from engine.reference.source import ReadError

ALL_RIGHT, NOT_ALL_RIGHT, UNREADABLE = 0, 1, 2
MAX_TIMEOUT = 600.0


def add_parser(commands, parser_class) -> None:
    check = commands.add_parser(
        "check", help="check your assignment's functions (.py or .ipynb) against the engine"
    )
    check.add_argument("files", nargs="+", metavar="FILE", help="a .py file or a notebook")
    check.add_argument(
        "--format", choices=("text", "json"), default="text", help="json: one object per file"
    )
    check.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"time limit per function (default {DEFAULT_TIMEOUT:g})",
    )
    check.add_argument(
        "--memory",
        type=int,
        default=DEFAULT_MEMORY // 2**20,
        metavar="MiB",
        help=f"memory the learner's code may use (default {DEFAULT_MEMORY // 2**20})",
    )
    check.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    if getattr(args, "served", False):
        raise StepnetError("a served session runs no one's code: check is not available here")
    if not 0 < args.timeout <= MAX_TIMEOUT:
        raise StepnetError(f"--timeout {args.timeout:g}: give seconds above 0, at most 600")
    if not 64 <= args.memory <= 64 * 2**10:
        raise StepnetError(f"--memory {args.memory}: give MiB from 64 to 65536")
    return run_check(
        args.files, output_format=args.format, timeout=args.timeout, memory=args.memory * 2**20
    )


def run_check(
    files: list[str],
    *,
    output_format: str = "text",
    timeout: float = DEFAULT_TIMEOUT,
    memory: int = DEFAULT_MEMORY,
) -> int:
    status = ALL_RIGHT
    reports: list[FileReport | str] = []
    for path in files:
        try:
            report = check_file(path, timeout=timeout, memory=memory)
        except ReadError as error:
            status = UNREADABLE
            reports.append(str(error))
            _emit_unreadable(path, str(error), output_format)
            continue
        if not report.ok and status == ALL_RIGHT:
            status = NOT_ALL_RIGHT
        reports.append(report)
        _emit(report, output_format, several=len(files) > 1)
    if output_format == "text" and len(files) > 1:
        print(summary_table(files, reports))
    return status


def _emit(report: FileReport, output_format: str, several: bool) -> None:
    if output_format == "json":
        print(json.dumps(report.as_json()), flush=True)
        return
    print(report)
    if report.skipped and not several:
        print("  skipped: " + "; ".join(report.skipped[:4]))
    print(flush=True)


def _emit_unreadable(path: str, error: str, output_format: str) -> None:
    if output_format == "json":
        print(json.dumps(FileReport.unreadable(path, error, GRADED).as_json()), flush=True)
    print(f"stepnet: error: {error}", file=sys.stderr, flush=True)


def summary_table(files: list[str], reports: list[FileReport | str]) -> str:
    """One row per file: how many functions are right, wrong, failing, missing."""
    width = max(len("file"), *(len(path) for path in files))
    head = f"{'file':<{width}}  right  wrong  error  timeout  missing"
    lines = [head, "-" * len(head)]
    for path, report in zip(files, reports, strict=True):
        if isinstance(report, str):
            lines.append(f"{path:<{width}}  unreadable")
            continue
        counts = [
            sum(function.status == status for function in report.functions)
            for status in ("correct", "wrong", "error", "timeout", "missing")
        ]
        lines.append(
            f"{path:<{width}}  {counts[0]:>5}  {counts[1]:>5}  {counts[2]:>5}  "
            f"{counts[3]:>7}  {counts[4]:>7}"
        )
    return "\n".join(lines)
