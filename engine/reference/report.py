"""The report of one check: per graded function its status, the first wrong quantity and why.

`FileReport.as_json()` is the schema `stepnet check --format json` writes, one object per file;
`str()` is the text report; in Jupyter the report shows itself as a table (`_repr_html_`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np

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

    @property
    def ok(self) -> bool:
        return all(function.status == "correct" for function in self.functions)

    def function(self, name: str) -> FunctionReport:
        return next(function for function in self.functions if function.name == name)

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "ok": self.ok,
            "error": None,
            "functions": [function.as_json() for function in self.functions],
        }

    def __str__(self) -> str:
        from engine.reference.text import report_text

        return report_text(self)

    def _repr_html_(self) -> str:
        rows = "".join(
            "<tr>"
            f"<td>{html.escape(MARKS[f.status])}</td><td><code>{html.escape(f.name)}</code></td>"
            f"<td>{html.escape(f.status)}</td><td>{html.escape(f.first_wrong or '')}</td>"
            f"<td>{html.escape(f.diagnosis or '')}</td><td>{html.escape(f.message)}</td>"
            "</tr>"
            for f in self.functions
        )
        head = "".join(
            f"<th>{name}</th>"
            for name in ("", "function", "status", "first wrong", "diagnosis", "message")
        )
        verdict = "every graded function is right" if self.ok else "some functions need work"
        return (
            f"<div><b>stepnet check</b>: {html.escape(self.file)}: {verdict}"
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
            f"<details><summary>details</summary><pre>{html.escape(str(self))}</pre>"
            "</details></div>"
        )


def _finite(value: float | None):
    if value is None:
        return None
    return value if np.isfinite(value) else None  # JSON has no Infinity: the message says it
