"""The text report of a check: one line per function, and for a wrong one what, where and why.

Plain text (no Rich), so the engine's report prints anywhere; `stepnet check` prints it as is.
"""

from __future__ import annotations

import numpy as np

from engine.reference.report import MARKS, FileReport, FunctionReport

SIDE_ROWS = 4  # the side-by-side shows at most this many rows and columns around the worst entry
SIDE_COLUMNS = 4


def report_text(report: FileReport) -> str:
    lines = [report.file]
    width = max(len(function.name) for function in report.functions)
    for function in report.functions:
        lines.append(
            f"  {MARKS[function.status]:<7} {function.name:<{width}}  {_headline(function)}"
        )
        lines += [f"            {line}" for line in _details(function)]
    verdict = (
        "all graded functions are right" if report.ok else "not all graded functions are right"
    )
    lines.append(f"  {verdict}")
    return "\n".join(lines)


def _headline(function: FunctionReport) -> str:
    if function.status == "correct":
        return ""
    if function.headline:
        return function.headline
    if function.status == "wrong" and function.first_wrong:
        return f"{function.first_wrong} is wrong ({function.case})"
    return function.message


def _details(function: FunctionReport) -> list[str]:
    lines = []
    if function.status == "wrong":
        if function.first_wrong is None:
            pass  # the headline is the message
        elif function.detail:
            lines.append(function.detail)
        if function.formula:
            lines.append(f"formula   {function.formula}")
        if function.expected_shape is not None or function.got_shape is not None:
            lines.append(
                f"shape     expected {_shape(function.expected_shape)}, "
                f"yours {_shape(function.got_shape)}"
            )
        if function.max_abs_diff is not None and function.max_abs_diff > 0:
            where = f" at {list(function.at)}" if function.at else ""
            lines.append(f"largest difference {function.max_abs_diff:.6g}{where}")
        if function.diagnosis:
            lines.append(f"diagnosis {function.diagnosis}: {function.diagnosis_words}")
        lines += side_by_side(function.got, function.expected, function.at)
    elif function.status == "error":
        lines += [f"| {line}" for line in function.traceback]
        if function.diagnosis:
            lines.append(f"diagnosis {function.diagnosis}: {function.diagnosis_words}")
    if function.printed:
        printed = " ".join(function.printed.split())
        lines.append(f"it printed: {printed[:120]}{'…' if len(printed) > 120 else ''}")
    return lines


def _shape(shape) -> str:
    if shape is None:
        return "none"
    return str(tuple(int(size) for size in shape))


def side_by_side(got, expected, at) -> list[str]:
    """Theirs beside the reference's, a few rows and columns around the largest difference,
    each differing entry marked with *."""
    if got is None or expected is None:
        return []
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape or got.ndim == 0 or got.size == 0:  # a number: said above
        return []
    got2, expected2 = np.atleast_2d(got), np.atleast_2d(expected)
    if got2.ndim > 2:
        return []
    if got.ndim == 2 and at:
        row, column = at
    else:  # a number or a row: one row shown
        row, column = 0, at[0] if got.ndim == 1 and at else 0
    rows = _window(row, got2.shape[0], SIDE_ROWS)
    columns = _window(column, got2.shape[1], SIDE_COLUMNS)
    differs = ~np.isclose(got2, expected2, rtol=1e-5, atol=1e-8)
    left = [_row(got2, differs, r, columns) for r in rows]
    right = [_row(expected2, differs, r, columns) for r in rows]
    width = max(len("yours"), *(len(text) for text in left))
    lines = [f"{'yours':<{width}}   reference   (rows {rows.start}–{rows.stop - 1}, "
             f"columns {columns.start}–{columns.stop - 1}; * differs)"]  # fmt: skip
    lines += [f"{a:<{width}}   {b}" for a, b in zip(left, right, strict=True)]
    return lines


def _window(centre: int, size: int, count: int) -> range:
    start = max(0, min(centre - count // 2, size - count))
    return range(start, min(size, start + count))


def _row(values: np.ndarray, differs: np.ndarray, row: int, columns: range) -> str:
    return " ".join(f"{values[row, c]:>11.6g}{'*' if differs[row, c] else ' '}" for c in columns)
