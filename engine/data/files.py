"""The user's own datasets: CSV and NPZ files, read and checked before anything runs.

Every mistake in a user's file raises StepnetError with a one-line message naming the file, the
place (line and column, or array index) and what would fix it.
"""

from __future__ import annotations

import csv
import math
import stat
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from engine.data.npy_header import ArrayTooLarge, array_bytes
from engine.errors import StepnetError

MAX_FILE_BYTES = 512 * 1024 * 1024
SUPPORTED_EXTENSIONS = (".csv", ".npz")
LABEL_COLUMN_NAMES = ("y", "label")


_HOW_TO_WRITE = {
    ".csv": "write a header line naming the columns, then one example per line",
    ".npz": "save the arrays with np.savez(path, X=X, Y=Y)",
}
_TRUE_WORDS = ("true",)
_FALSE_WORDS = ("false",)
_SHOWN_CHARS = 60

# What reading a damaged archive or one of its members can raise, besides OSError.
_NPZ_READ_ERRORS = (
    ValueError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
)


def read_dataset_file(path: Path, kind: str, max_bytes: int) -> tuple[np.ndarray, np.ndarray]:
    """X (n_x, m) and Y (1, m) from the regular file at `path`, a `kind` ('.csv' or '.npz')
    file of at most `max_bytes`, or a StepnetError naming the file, the place and the fix."""
    shown = quoted_path(path)
    size = _regular_file_size(path, shown)
    _check_size(size, max_bytes, shown)
    if size == 0:
        raise StepnetError(f"{shown} is empty: {_HOW_TO_WRITE[kind]}")
    if kind == ".csv":
        X, Y = _read_csv(path, shown)
    else:
        X, Y = _read_npz(path, shown, max_bytes)
    _check_both_classes(Y, shown)
    return X, Y


def quoted(value: object) -> str:
    """A value quoted for a one-line message: control characters escaped, long text cut short."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > _SHOWN_CHARS:
        return repr(text[:_SHOWN_CHARS]) + "…"
    return repr(text)


def quoted_path(path: Path) -> str:
    # Quoted whole, never cut: the user needs the file name, which is at the end.
    return repr(str(path))


def _regular_file_size(path: Path, shown: str) -> int:
    """The size in bytes of the regular file at `path`, or a StepnetError saying why not."""
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise StepnetError(
            f"no such file: {shown}; check the path and the current directory"
        ) from None
    except OSError as error:
        raise _unreadable(shown, error) from None
    except ValueError:  # e.g. an embedded NUL character
        raise StepnetError(f"{shown} is not a valid path: check how it was typed") from None
    if stat.S_ISDIR(info.st_mode):
        raise StepnetError(
            f"{shown} is a directory, not a file: give the path of a .csv or .npz file"
        )
    if not stat.S_ISREG(info.st_mode):
        raise StepnetError(f"{shown} is not a regular file: give the path of a .csv or .npz file")
    return info.st_size


def _check_size(size: int, max_bytes: int, shown: str) -> None:
    if size > max_bytes:
        raise StepnetError(
            f"{shown} is {_format_bytes(size)}, over the {_format_bytes(max_bytes)} limit for "
            "datasets: use a smaller file, e.g. a sample of its examples"
        )


def _format_bytes(n: int) -> str:
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"


def _unreadable(shown: str, error: OSError) -> StepnetError:
    reason = (error.strerror or type(error).__name__).lower()
    if isinstance(error, PermissionError):
        fix = "check the file's permissions"
    elif isinstance(error, IsADirectoryError):
        fix = "give the path of a .csv or .npz file"
    else:
        fix = "check the file"
    return StepnetError(f"cannot read {shown} ({reason}): {fix}")


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CsvColumns:
    names: list[str]
    label: int  # index of the label column

    def shown(self, k: int) -> str:
        return quoted(self.names[k]) if self.names[k] else f"{k + 1} (unnamed)"


def _read_csv(path: Path, shown: str) -> tuple[np.ndarray, np.ndarray]:
    """X (n_features, m) and Y (1, m) from a CSV file with a header line."""
    try:
        # utf-8-sig: spreadsheet programs often start their CSV exports with a byte-order mark.
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            try:
                return _parse_csv(reader, shown)
            except csv.Error as error:
                reason = str(error).splitlines()[0] if str(error) else "malformed CSV"
                raise StepnetError(
                    f"{shown} line {reader.line_num} is not valid CSV ({reason}): "
                    "save it as a plain comma-separated text file"
                ) from None
    except UnicodeDecodeError:
        raise StepnetError(f"{shown} is not UTF-8 text: save it as a UTF-8 CSV file") from None
    except OSError as error:
        raise _unreadable(shown, error) from None


class _BadCell(Exception):
    """Why one CSV cell is unusable; the caller adds the file, line and column."""


def _parse_csv(reader: Iterator[list[str]], shown: str) -> tuple[np.ndarray, np.ndarray]:
    columns = _read_header(reader, shown)
    n_columns = len(columns.names)
    # One flat array of doubles per column, 8 bytes a cell however many rows the file has:
    # the file is read a line at a time, and never held whole, as text or as Python floats.
    cells = [array("d") for _ in range(n_columns)]
    m = 0
    for row in reader:
        if _is_blank(row):
            continue
        m += 1
        if len(row) != n_columns:
            raise StepnetError(
                f"{shown} line {reader.line_num} (example {m}) has {len(row)} cells but the "
                f"header has {n_columns} columns: give every line one value per column"
            )
        for k, cell in enumerate(row):
            try:
                cells[k].append(_label_value(cell) if k == columns.label else _feature_value(cell))
            except _BadCell as bad:
                where = f"{shown} line {reader.line_num} (example {m})"
                raise StepnetError(f"{where}, column {columns.shown(k)}: {bad}") from None
    if m == 0:
        raise StepnetError(f"{shown} has a header but no data rows: add one example per line")
    Y = np.frombuffer(cells[columns.label], dtype=np.float64).copy().reshape(1, m)
    features = [k for k in range(n_columns) if k != columns.label]
    X = np.empty((len(features), m))
    for row, k in enumerate(features):
        X[row] = np.frombuffer(cells[k], dtype=np.float64)
        cells[k] = array("d")  # let each column go once copied: at most 1 column over X
    return X, Y


def _is_blank(row: list[str]) -> bool:
    return not row or (len(row) == 1 and not row[0].strip())


def _read_header(reader: Iterator[list[str]], shown: str) -> _CsvColumns:
    header = next((row for row in reader if not _is_blank(row)), None)
    if header is None:
        raise StepnetError(f"{shown} is empty: {_HOW_TO_WRITE['.csv']}")
    names = [name.strip() for name in header]
    if len(names) < 2:
        raise StepnetError(
            f"{shown} has only 1 column ({quoted(names[0])}): it needs feature columns and a label "
            "column, separated by commas"
        )
    if all(_is_number(name) for name in names):
        raise StepnetError(
            f"{shown} line 1 looks like data, not a header: add a first line naming the columns, "
            f"e.g. {','.join([*(f'x{k + 1}' for k in range(len(names) - 1)), 'y'])}"
        )
    return _CsvColumns(names, _label_column(names, shown))


def _label_column(names: list[str], shown: str) -> int:
    named = [k for k, name in enumerate(names) if name.lower() in LABEL_COLUMN_NAMES]
    if len(named) > 1:
        listed = ", ".join(quoted(names[k]) for k in named)
        raise StepnetError(
            f"{shown} has {len(named)} label columns ({listed}): keep exactly one column named "
            "y or label"
        )
    return named[0] if named else len(names) - 1


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _feature_value(cell: str) -> float:
    if not cell.strip():
        raise _BadCell("empty cell; fill in a number or delete the line")
    try:
        value = float(cell)
    except ValueError:
        raise _BadCell(f"{quoted(cell)} is not a number; make it a number") from None
    if not math.isfinite(value):
        raise _BadCell(
            f"{quoted(cell.strip())} is not finite; use a finite number or delete the line"
        )
    return value


def _label_value(cell: str) -> float:
    word = cell.strip().lower()
    if word in _TRUE_WORDS:
        return 1.0
    if word in _FALSE_WORDS:
        return 0.0
    if not word:
        raise _BadCell("empty label; every label must be 0 or 1")
    try:
        value = float(word)
    except ValueError:
        value = math.nan
    if value not in (0.0, 1.0):
        raise _BadCell(
            f"label {quoted(cell.strip())} is not 0 or 1; make every label 0 or 1 "
            "(true/false also work)"
        )
    return 1.0 if value == 1.0 else 0.0  # also turns -0.0 into 0.0


# ---------------------------------------------------------------------------------------------
# NPZ
# ---------------------------------------------------------------------------------------------


def _read_npz(path: Path, shown: str, max_bytes: int) -> tuple[np.ndarray, np.ndarray]:
    """X (n_x, m) and Y (1, m) from the arrays `X` and `Y` of an np.savez archive."""
    try:
        with open(path, "rb") as handle:
            archive = _open_archive(handle, shown)
            with archive:
                _check_keys(archive, shown)
                _check_expanded_size(archive, shown, max_bytes)
                X = _member(archive, "X", shown, max_bytes)
                Y = _member(archive, "Y", shown, max_bytes)
    except OSError as error:
        raise _unreadable(shown, error) from None
    X = _checked_X(X, shown)
    Y = _checked_Y(Y, X.shape, shown)
    return X, Y


def _open_archive(handle: BinaryIO, shown: str) -> np.lib.npyio.NpzFile:
    corrupt = f"{shown} is not a valid .npz archive"
    fix = "save it with np.savez(path, X=X, Y=Y)"
    try:
        loaded = np.load(handle, allow_pickle=False)
    except _NPZ_READ_ERRORS:
        raise StepnetError(f"{corrupt} (not a zip file, or damaged): {fix}") from None
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise StepnetError(f"{corrupt} (it holds a single .npy array): {fix}")
    return loaded


def _check_keys(archive: np.lib.npyio.NpzFile, shown: str) -> None:
    missing = [key for key in ("X", "Y") if key not in archive.files]
    if missing:
        found = ", ".join(quoted(key) for key in archive.files) or "none"
        raise StepnetError(
            f"{shown} has no array {' or '.join(missing)} (arrays found: {found}): "
            "save it with np.savez(path, X=X, Y=Y)"
        )


def _check_expanded_size(archive: np.lib.npyio.NpzFile, shown: str, max_bytes: int) -> None:
    # A compressed archive can be small on disk and huge in memory; the zip directory tells how
    # big each member expands without reading it.
    wanted = {"X", "X.npy", "Y", "Y.npy"}
    expanded = sum(info.file_size for info in archive.zip.infolist() if info.filename in wanted)
    if expanded > max_bytes:
        raise StepnetError(
            f"{shown} arrays X and Y expand to {_format_bytes(expanded)}, over the "
            f"{_format_bytes(max_bytes)} limit for datasets: use fewer examples"
        )


def _member(archive: np.lib.npyio.NpzFile, key: str, shown: str, max_bytes: int) -> np.ndarray:
    member = key if key in archive.zip.namelist() else f"{key}.npy"
    try:
        array_bytes(archive.zip, member, max_bytes)  # before numpy allocates what it declares
    except ArrayTooLarge as problem:
        raise StepnetError(
            f"{shown} array {key} {problem}: save the archive again, with fewer examples"
        ) from None
    try:
        return archive[key]
    except ValueError as error:
        if "allow_pickle" in str(error):
            raise StepnetError(
                f"{shown} array {key} holds Python objects: save a numeric array instead"
            ) from None
        raise StepnetError(f"{shown} array {key} is damaged: save the archive again") from None
    except _NPZ_READ_ERRORS:
        raise StepnetError(f"{shown} array {key} is damaged: save the archive again") from None


def _checked_numbers(array_: np.ndarray, key: str, shown: str) -> np.ndarray:
    if array_.dtype.kind not in "biuf":
        raise StepnetError(
            f"{shown} array {key} has dtype {array_.dtype}: save real numbers (float, int or bool)"
        )
    values = np.asarray(array_, dtype=np.float64)
    bad = np.argwhere(~np.isfinite(values))
    if bad.size:
        index = tuple(int(i) for i in bad[0])
        raise StepnetError(
            f"{shown} {key}[{', '.join(map(str, index))}] is {values[index]} "
            f"({len(bad)} non-finite value{'s' if len(bad) > 1 else ''} in {key}): "
            "replace them with finite numbers or drop those examples"
        )
    return values


def _checked_X(X: np.ndarray, shown: str) -> np.ndarray:
    if X.ndim != 2:
        raise StepnetError(
            f"{shown} array X has shape {X.shape}: X must be 2-D, (n_x, m) with one example per "
            "column"
        )
    if X.shape[0] == 0:
        raise StepnetError(
            f"{shown} array X has shape {X.shape}: it needs at least one feature row"
        )
    if X.shape[1] == 0:
        raise StepnetError(f"{shown} array X has shape {X.shape}: it holds no examples (m = 0)")
    return _checked_numbers(X, "X", shown)


def _checked_Y(Y: np.ndarray, x_shape: tuple[int, ...], shown: str) -> np.ndarray:
    if Y.ndim == 1:
        Y = Y.reshape(1, -1)
    elif Y.ndim != 2 or Y.shape[0] != 1:
        raise StepnetError(
            f"{shown} array Y has shape {Y.shape}: Y must be (1, m) or (m,); save Y.reshape(1, -1)"
        )
    m = Y.shape[1]
    if x_shape[1] != m:
        transposed = " (X looks transposed: save X.T)" if x_shape[0] == m else ""
        raise StepnetError(
            f"{shown} arrays disagree on m: X {x_shape} vs Y {Y.shape}; X must be (n_x, m) "
            f"and Y (1, m) with the same m{transposed}"
        )
    Y = _checked_numbers(Y, "Y", shown)
    bad = np.flatnonzero((Y != 0.0) & (Y != 1.0))
    if bad.size:
        first = int(bad[0])
        raise StepnetError(
            f"{shown} Y[0, {first}] is {Y[0, first]:g} ({bad.size} label"
            f"{'s' if bad.size > 1 else ''} not 0 or 1): labels must be 0 or 1"
        )
    return (Y == 1.0).astype(np.float64)  # also turns -0.0 into 0.0


# ---------------------------------------------------------------------------------------------
# Checks common to both formats
# ---------------------------------------------------------------------------------------------


def _check_both_classes(Y: np.ndarray, shown: str) -> None:
    m = Y.shape[1]
    ones = int(np.count_nonzero(Y))
    if ones in (0, m):
        only = 1 if ones else 0
        raise StepnetError(
            f"{shown} has only class {only} (all {m} labels are {only}): a classifier needs "
            "examples of both classes, 0 and 1"
        )
