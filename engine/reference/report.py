"""The report of one check: per graded function its status, the first wrong quantity and why.

`FileReport.as_json()` is the schema `stepnet check --format json` writes, one object per file;
`str()` is the text report; in Jupyter (`_repr_html_`) and in a Rich console (`__rich__`) the
report shows itself as one table, engine.display.render_file_report's.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np

from engine.display import render_file_report, to_html

STATUSES = ("correct", "wrong", "error", "timeout", "missing")
MARKS = {"correct": "✓", "wrong": "✗", "error": "✗", "timeout": "✗", "missing": "missing"}


@dataclass
class FunctionReport:
    name: str
    status: str  # one of STATUSES
    message: str = ""  # one line for a person
    first_wrong: str | None = None
    expected_shape: tuple[int, ...] | None = None
    got_shape: tuple[int, ...] | None = None
    max_abs_diff: float | None = None
    diagnosis: str | None = None  # a mistake's name
    # for the text report only
    case: str | None = None  # which inputs showed it
    detail: str | None = None  # what the numbers alone do not say: a wrong shape, a wrong type
    headline: str | None = None  # the text report's line, when "X is wrong" would mislead
    formula: str | None = None
    at: tuple[int, ...] | None = None
    diagnosis_words: str | None = None
    expected: np.ndarray | None = None
    got: np.ndarray | None = None
    printed: str = ""
    traceback: list[str] = field(default_factory=list)

    @property
    def mark(self) -> str:
        return MARKS[self.status]

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "status": self.status,
            "first_wrong": self.first_wrong,
            "expected_shape": None if self.expected_shape is None else list(self.expected_shape),
            "got_shape": None if self.got_shape is None else list(self.got_shape),
            "max_abs_diff": _finite(self.max_abs_diff),
            "diagnosis": self.diagnosis,
            "message": self.message,
        }


@dataclass
class FileReport:
    file: str
    functions: list[FunctionReport]
    skipped: list[str] = field(default_factory=list)  # imports and definitions that failed
    error: str | None = None  # why the file could not be read: then every function is an error

    @classmethod
    def unreadable(cls, file: str, error: str, names: tuple[str, ...]) -> FileReport:
        """A file that cannot be read or parsed still lists every graded function (as an
        error, with the reason), so a class's JSON lines all have the same rows."""
        return cls(
            file, [FunctionReport(name, "error", message=error) for name in names], error=error
        )

    @property
    def ok(self) -> bool:
        return all(function.status == "correct" for function in self.functions)

    def function(self, name: str) -> FunctionReport:
        return next(function for function in self.functions if function.name == name)

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "ok": self.ok,
            "error": self.error,
            "functions": [function.as_json() for function in self.functions],
        }

    def __str__(self) -> str:
        from engine.reference.text import report_text

        return report_text(self)

    def __rich__(self):
        return render_file_report(self)

    def _repr_html_(self) -> str:
        """The table as Rich draws it, with the text report's details folded under it."""
        return (
            to_html(render_file_report(self))
            + f"<details><summary>details</summary><pre>{html.escape(str(self))}</pre></details>"
        )


def _finite(value: float | None):
    if value is None:
        return None
    return value if np.isfinite(value) else None  # JSON has no Infinity: the message says it
