"""Where a dataset comes from: a built-in's name or a path to the user's file.

Whatever the source, `load_dataset` returns the course's layout, one example per column:

    X  (n_x, m)  float64, C-contiguous: the features
    Y  (1, m)    float64, every value exactly 0.0 or 1.0: the labels
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import numpy as np

from engine.data.builtin import BUILTIN_DATASETS
from engine.data.files import (
    MAX_FILE_BYTES,
    SUPPORTED_EXTENSIONS,
    quoted,
    quoted_path,
    read_dataset_file,
)
from engine.errors import StepnetError
from engine.validation import MAX_SEED  # np.random.RandomState's range, which flower needs


def describe_sources() -> str:
    """One line naming every accepted source, for help texts and error messages."""
    return f"a built-in dataset ({', '.join(BUILTIN_DATASETS)}) or a path to a .csv or .npz file"


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
    return _in_standard_layout(*read_dataset_file(path, kind, max_bytes))


def _in_standard_layout(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.array(X, dtype=np.float64, order="C", copy=True),
        np.array(Y, dtype=np.float64, order="C", copy=True),
    )


def _checked_seed(seed: object) -> int:
    # bool is an int subclass, but `seed=True` is surely a slip.
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise StepnetError(
            f"seed {quoted(seed)} is not a whole number: use an integer 0 to {MAX_SEED}"
        )
    if not 0 <= seed <= MAX_SEED:
        raise StepnetError(f"seed {seed} is out of range: use an integer 0 to {MAX_SEED}")
    return int(seed)


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
            f"unsupported file type {quoted(extension)} for {quoted_path(path)}: "
            "datasets are read from .csv or .npz files"
        )
    raise StepnetError(
        f"{quoted_path(path)} has no .csv or .npz extension: give a file ending in .csv or .npz, "
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
        f"unknown dataset {quoted(text)}: {hint}use one of {', '.join(BUILTIN_DATASETS)}, "
        "or a path to a .csv or .npz file"
    )
