"""Datasets for the network to learn: the course's built-ins and the user's own CSV or NPZ files.

Whatever the source, `load_dataset` returns the course's layout, one example per column:

    X  (n_x, m)  float64, C-contiguous: the features
    Y  (1, m)    float64, every value exactly 0.0 or 1.0: the labels

Built-ins are generated from a seed, so the same name and seed give the same arrays on every call.
`flower` is the course's planar dataset (load_planar_dataset in planar_utils.py) reproduced draw
for draw, so the notebook's published numbers come out again; the others re-implement the recipes
of the course's "extra datasets" in numpy, plus an XOR set and a 3-feature set matching the
slides' W[1] of shape (4, 3).

Every mistake in a user's file raises StepnetError with a one-line message naming the file, the
place (line and column, or array index) and what would fix it.
"""

from __future__ import annotations

import csv
import difflib
import math
import os
import stat
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import BinaryIO

import numpy as np

from engine.errors import StepnetError
from engine.validation import MAX_SEED  # np.random.RandomState's range, which flower needs

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


# ---------------------------------------------------------------------------------------------
# Built-in datasets
# ---------------------------------------------------------------------------------------------


def _flower(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The course's planar flower: X (2, 400), Y (1, 400), classes 0 and 1 with 200 each.

    Same generator, same draws in the same order (theta noise, then radius noise; class 0, then
    class 1) and the same per-class array shapes as load_planar_dataset, so the floats match the
    notebook's bit for bit when seed = 1.
    """
    rng = np.random.RandomState(seed)
    m = 400
    n_per_class = m // 2
    ray = 4  # maximum ray of the flower
    X = np.zeros((2, m))
    Y = np.zeros((1, m))
    for j in range(2):
        rows = slice(n_per_class * j, n_per_class * (j + 1))
        theta = np.linspace(j * 3.12, (j + 1) * 3.12, n_per_class) + rng.randn(n_per_class) * 0.2
        radius = ray * np.sin(4 * theta) + rng.randn(n_per_class) * 0.2
        X[0, rows] = radius * np.sin(theta)
        X[1, rows] = radius * np.cos(theta)
        Y[0, rows] = j
    return X, Y


def _shuffled(
    X: np.ndarray, Y: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    # The recipes build the data class by class; shuffling keeps the data table from showing a
    # run of 0s followed by a run of 1s, as sklearn's shuffle=True does for the course.
    order = rng.permutation(X.shape[1])
    return X[:, order], Y[:, order]


def _circles(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two noisy concentric circles, like make_circles(200, factor=.5, noise=.3): X (2, 200).

    Class 0 is the outer circle (radius 1), class 1 the inner one (radius 0.5).
    """
    rng = np.random.default_rng(seed)
    m, factor, noise = 200, 0.5, 0.3
    n_outer = m // 2
    n_inner = m - n_outer
    outer = np.linspace(0, 2 * np.pi, n_outer, endpoint=False)
    inner = np.linspace(0, 2 * np.pi, n_inner, endpoint=False)
    X = np.hstack(
        [
            np.vstack([np.cos(outer), np.sin(outer)]),
            factor * np.vstack([np.cos(inner), np.sin(inner)]),
        ]
    )
    Y = np.hstack([np.zeros(n_outer), np.ones(n_inner)]).reshape(1, m)
    X += rng.normal(scale=noise, size=X.shape)
    return _shuffled(X, Y, rng)


def _moons(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half-moons, like make_moons(200, noise=.2): X (2, 200).

    Class 0 is the upper moon, class 1 the lower one shifted right by 1 and down by 0.5.
    """
    rng = np.random.default_rng(seed)
    m, noise = 200, 0.2
    n_outer = m // 2
    n_inner = m - n_outer
    outer = np.linspace(0, np.pi, n_outer)
    inner = np.linspace(0, np.pi, n_inner)
    X = np.hstack(
        [
            np.vstack([np.cos(outer), np.sin(outer)]),
            np.vstack([1 - np.cos(inner), 1 - np.sin(inner) - 0.5]),
        ]
    )
    Y = np.hstack([np.zeros(n_outer), np.ones(n_inner)]).reshape(1, m)
    X += rng.normal(scale=noise, size=X.shape)
    return _shuffled(X, Y, rng)


def _blobs(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Six Gaussian blobs, like make_blobs(200, centers=6) with labels mod 2: X (2, 200).

    Centres are uniform in the box [-10, 10]², each blob has standard deviation 1; blobs 0, 2, 4
    are class 0 and blobs 1, 3, 5 class 1, as the course's `Y % 2` made them.
    """
    rng = np.random.default_rng(seed)
    m, n_centres = 200, 6
    centres = rng.uniform(-10.0, 10.0, size=(2, n_centres))
    sizes = [m // n_centres + (k < m % n_centres) for k in range(n_centres)]
    blob_of_example = np.repeat(np.arange(n_centres), sizes)
    X = centres[:, blob_of_example] + rng.normal(scale=1.0, size=(2, m))
    Y = (blob_of_example % 2).astype(np.float64).reshape(1, m)
    return _shuffled(X, Y, rng)


def _gaussian_quantiles(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One Gaussian cloud split at its median radius, like make_gaussian_quantiles: X (2, 200).

    Points come from N(0, 0.5·I); the 100 nearest the centre are class 0, the rest class 1.
    """
    rng = np.random.default_rng(seed)
    m, cov = 200, 0.5
    X = rng.normal(scale=math.sqrt(cov), size=(2, m))
    by_distance = np.argsort(np.sum(X * X, axis=0), kind="stable")
    Y = np.zeros((1, m))
    Y[0, by_distance[m // 2 :]] = 1.0
    return X, Y  # already in random order: no shuffle needed


def _xor(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Four quadrants, label = (x1 > 0) xor (x2 > 0): X (2, 200), 50 points per quadrant.

    Labels come from the clean points; the noise added afterwards pushes a few across the axes,
    so the set is not perfectly separable.
    """
    rng = np.random.default_rng(seed)
    m, noise = 200, 0.1
    per_quadrant = m // 4
    signs = np.repeat(np.array([[1, -1, -1, 1], [1, 1, -1, -1]]), per_quadrant, axis=1)
    clean = signs * rng.uniform(0.0, 1.0, size=(2, m))
    Y = ((clean[0] > 0) ^ (clean[1] > 0)).astype(np.float64).reshape(1, m)
    X = clean + rng.normal(scale=noise, size=(2, m))
    return _shuffled(X, Y, rng)


# A tilted ellipsoid (positive definite, eigenvalues about 0.34, 0.78, 1.98).
_ELLIPSOID = np.array(
    [
        [1.0, 0.6, 0.0],
        [0.6, 1.5, -0.4],
        [0.0, -0.4, 0.6],
    ]
)


def _slides_3d(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Inside vs outside a tilted ellipsoid in 3-D: X (3, 200), so W[1] is (4, 3) as on the slides.

    Class 1 is where the quadratic form xᵀAx exceeds its median, so the classes are 100 and 100;
    a little noise added after labelling blurs the boundary.
    """
    rng = np.random.default_rng(seed)
    m, noise = 200, 0.1
    clean = rng.normal(size=(3, m))
    quadratic_form = np.einsum("im,ij,jm->m", clean, _ELLIPSOID, clean)
    outside = quadratic_form > np.median(quadratic_form)
    Y = outside.astype(np.float64).reshape(1, m)
    X = clean + rng.normal(scale=noise, size=(3, m))
    return X, Y


@dataclass(frozen=True)
class BuiltinDataset:
    """A dataset generated from a seed: `generate(seed)` returns fresh X (n_x, m), Y (1, m)."""

    name: str
    description: str  # one line, for `stepnet --help` and listings
    default_seed: int
    generate: Callable[[int], tuple[np.ndarray, np.ndarray]]


_BUILTINS = (
    BuiltinDataset(
        name="flower",
        description="the course's planar flower (load_planar_dataset): 2 features, 400 examples",
        default_seed=1,
        generate=_flower,
    ),
    BuiltinDataset(
        name="circles",
        description="two noisy concentric circles: 2 features, 200 examples",
        default_seed=1,
        generate=_circles,
    ),
    BuiltinDataset(
        name="moons",
        description="two interleaving half-moons: 2 features, 200 examples",
        default_seed=1,
        generate=_moons,
    ),
    BuiltinDataset(
        name="blobs",
        description="six Gaussian blobs, alternating classes: 2 features, 200 examples",
        default_seed=1,
        generate=_blobs,
    ),
    BuiltinDataset(
        name="gaussian-quantiles",
        description="a Gaussian cloud, inner half vs outer half: 2 features, 200 examples",
        default_seed=1,
        generate=_gaussian_quantiles,
    ),
    BuiltinDataset(
        name="xor",
        description="four quadrants labelled x1 > 0 xor x2 > 0: 2 features, 200 examples",
        default_seed=1,
        generate=_xor,
    ),
    BuiltinDataset(
        name="slides-3d",
        description="inside vs outside a tilted ellipsoid: 3 features (W[1] is 4x3), 200 examples",
        default_seed=1,
        generate=_slides_3d,
    ),
)

# Read-only, so no caller can swap a recipe for everyone else.
BUILTIN_DATASETS: Mapping[str, BuiltinDataset] = MappingProxyType({d.name: d for d in _BUILTINS})


def describe_sources() -> str:
    """One line naming every accepted source, for help texts and error messages."""
    return f"a built-in dataset ({', '.join(BUILTIN_DATASETS)}) or a path to a .csv or .npz file"


# ---------------------------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------------------------


def load_dataset(
    source: str | os.PathLike,
    *,
    seed: int | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> tuple[np.ndarray, np.ndarray]:
    """Load X (n_x, m) and Y (1, m), both float64 and freshly allocated, from `source`.

    `source` is a built-in name (a key of BUILTIN_DATASETS; only a str can be one) or a path, str
    or os.PathLike, to a .csv or .npz file (the extension is matched case-insensitively).

    `seed` picks the built-in's random draws; None means the dataset's own default seed. Files
    are read as they are, so `seed` does not change them (it is still checked).

    `max_bytes` caps the size of a file, checked before reading it, and of the arrays an NPZ
    archive would expand to.

    CSV: a header line naming the columns, then one example per line, comma-separated. The label
    column is the one named `y` or `label` (case-insensitive) if there is one, else the last
    column; every other column is a feature, in file order. Labels are 0/1 (1.0, 0.0 and
    true/false also work). Blank lines are skipped.

    NPZ: arrays `X` of shape (n_x, m) and `Y` of shape (1, m) or (m,), as written by
    np.savez(path, X=X, Y=Y). Y may be boolean, integer or float, with values 0 and 1.
    """
    if seed is not None:
        seed = _checked_seed(seed)
    if isinstance(source, str) and source in BUILTIN_DATASETS:
        dataset = BUILTIN_DATASETS[source]
        X, Y = dataset.generate(dataset.default_seed if seed is None else seed)
        return _in_standard_layout(X, Y)
    path, kind = _dataset_path(source)
    shown = _show_path(path)
    size = _regular_file_size(path, shown)
    _check_size(size, max_bytes, shown)
    if size == 0:
        raise StepnetError(f"{shown} is empty: {_HOW_TO_WRITE[kind]}")
    if kind == ".csv":
        X, Y = _read_csv(path, shown)
    else:
        X, Y = _read_npz(path, shown, max_bytes)
    _check_both_classes(Y, shown)
    return _in_standard_layout(X, Y)


def _in_standard_layout(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.array(X, dtype=np.float64, order="C", copy=True),
        np.array(Y, dtype=np.float64, order="C", copy=True),
    )


def _checked_seed(seed: object) -> int:
    # bool is an int subclass, but `seed=True` is surely a slip.
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise StepnetError(
            f"seed {_show(seed)} is not a whole number: use an integer 0 to {MAX_SEED}"
        )
    if not 0 <= seed <= MAX_SEED:
        raise StepnetError(f"seed {seed} is out of range: use an integer 0 to {MAX_SEED}")
    return int(seed)


def _show(value: object) -> str:
    """A value quoted for a one-line message: control characters escaped, long text cut short."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > _SHOWN_CHARS:
        return repr(text[:_SHOWN_CHARS]) + "…"
    return repr(text)


def _show_path(path: Path) -> str:
    # Quoted whole, never cut: the user needs the file name, which is at the end.
    return repr(str(path))


# ---------------------------------------------------------------------------------------------
# Finding and sizing the file
# ---------------------------------------------------------------------------------------------


def _dataset_path(source: str | os.PathLike) -> tuple[Path, str]:
    """The path `source` names and its extension (.csv or .npz), or why it names neither."""
    text = os.fsdecode(os.fspath(source))
    path = Path(text)
    extension = path.suffix.lower()
    if extension in SUPPORTED_EXTENSIONS:
        return path, extension
    if isinstance(source, str) and _looks_like_a_dataset_name(text, path):
        raise StepnetError(_unknown_name_message(text))
    if extension:
        raise StepnetError(
            f"unsupported file type {_show(extension)} for {_show_path(path)}: "
            "datasets are read from .csv or .npz files"
        )
    raise StepnetError(
        f"{_show_path(path)} has no .csv or .npz extension: give a file ending in .csv or .npz, "
        f"or a built-in dataset ({', '.join(BUILTIN_DATASETS)})"
    )


def _looks_like_a_dataset_name(text: str, path: Path) -> bool:
    # A bare word that is not on disk was most likely meant as a built-in name (maybe mistyped,
    # maybe with a dot, as in "gaussian.quantiles").
    if not text.strip():
        return True
    # os.path.exists, unlike Path.exists, answers False instead of raising for odd paths.
    if os.sep in text or (os.altsep and os.altsep in text) or os.path.exists(text):
        return False
    return not path.suffix or bool(_close_names(text))


def _close_names(text: str) -> list[str]:
    return difflib.get_close_matches(text.lower(), list(BUILTIN_DATASETS), n=1, cutoff=0.6)


def _unknown_name_message(text: str) -> str:
    close = _close_names(text)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return (
        f"unknown dataset {_show(text)}: {hint}use one of {', '.join(BUILTIN_DATASETS)}, "
        "or a path to a .csv or .npz file"
    )


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
        return _show(self.names[k]) if self.names[k] else f"{k + 1} (unnamed)"


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
    # A flat array of doubles: 8 bytes per cell however many rows the file has.
    cells = array("d")
    m = 0
    for row in reader:
        if _is_blank(row):
            continue
        m += 1
        where = f"{shown} line {reader.line_num} (example {m})"
        if len(row) != n_columns:
            raise StepnetError(
                f"{where} has {len(row)} cells but the header has {n_columns} columns: "
                "give every line one value per column"
            )
        for k, cell in enumerate(row):
            try:
                cells.append(_label_value(cell) if k == columns.label else _feature_value(cell))
            except _BadCell as bad:
                raise StepnetError(f"{where}, column {columns.shown(k)}: {bad}") from None
    if m == 0:
        raise StepnetError(f"{shown} has a header but no data rows: add one example per line")
    table = np.frombuffer(cells, dtype=np.float64).reshape(m, n_columns)
    features = [k for k in range(n_columns) if k != columns.label]
    X = table[:, features].T
    Y = table[:, columns.label].reshape(1, m)
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
            f"{shown} has only 1 column ({_show(names[0])}): it needs feature columns and a label "
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
        listed = ", ".join(_show(names[k]) for k in named)
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
        raise _BadCell(f"{_show(cell)} is not a number; make it a number") from None
    if not math.isfinite(value):
        raise _BadCell(
            f"{_show(cell.strip())} is not finite; use a finite number or delete the line"
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
            f"label {_show(cell.strip())} is not 0 or 1; make every label 0 or 1 "
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
                X = _member(archive, "X", shown)
                Y = _member(archive, "Y", shown)
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
        found = ", ".join(_show(key) for key in archive.files) or "none"
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


def _member(archive: np.lib.npyio.NpzFile, key: str, shown: str) -> np.ndarray:
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
