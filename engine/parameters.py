"""Creating, checking, loading and saving the parameters W1 (n_h, n_x), b1 (n_h, 1),
W2 (1, n_h) and b2 (1, 1).

Initializations, as on the random-initialization slide:
  random      W1 = np.random.randn(n_h, n_x) * scale, b1 = 0, W2 = np.random.randn(1, n_h) * scale,
              b2 = 0, from the legacy seeded generator the course uses (np.random.seed)
  zeros       every parameter 0: the symmetric start the slide warns against
  constant:C  every weight C, biases 0: symmetric too
  PATH.npz    W1, b1, W2, b2 from a file, shapes checked against the data and n_h
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from engine.data.npy_header import ArrayTooLarge, array_bytes
from engine.errors import StepnetError
from engine.shapes import PARAMETER_NAMES
from engine.validation import check_hidden_units

# W1 of 64 hidden units by 100,000 features is 51 MiB: anything larger is no one's network
MAX_PARAMETER_BYTES = 64 * 2**20
INIT_CHOICES = "random, zeros, constant:C (for example constant:0.5) or a path to a .npz file"


def parse_init(spec: str) -> str | float | Path:
    """'random' or 'zeros', a float for 'constant:C', or a Path for a parameters file."""
    if spec in ("random", "zeros"):
        return spec
    if spec.startswith("constant:"):
        text = spec.removeprefix("constant:")
        try:
            value = float(text)
        except ValueError:
            raise StepnetError(
                f"init {spec!r}: {text!r} is not a number; write constant:C, e.g. constant:0.5"
            ) from None
        if not np.isfinite(value):
            raise StepnetError(f"init {spec!r}: the constant must be finite, e.g. constant:0.5")
        return value
    if spec.endswith(".npz"):
        return Path(spec)
    raise StepnetError(f"unknown init {spec!r}: use {INIT_CHOICES}")


def initialize(
    spec: str, n_x: int, n_h: int, *, scale: float = 0.01, seed: int = 3
) -> dict[str, np.ndarray]:
    """Fresh parameters for a network with n_x inputs and n_h hidden units."""
    check_hidden_units(n_h, 1)  # before allocating: n_h = 0 or 10**9 must fail with a message
    choice = parse_init(spec)
    if choice == "random":
        rng = np.random.RandomState(seed)
        return {
            "W1": rng.randn(n_h, n_x) * scale,
            "b1": np.zeros((n_h, 1)),
            "W2": rng.randn(1, n_h) * scale,
            "b2": np.zeros((1, 1)),
        }
    if choice == "zeros":
        return constant_parameters(0.0, n_x, n_h)
    if isinstance(choice, float):
        return constant_parameters(choice, n_x, n_h)
    return load_parameters(choice, n_x=n_x, n_h=n_h)


def constant_parameters(value: float, n_x: int, n_h: int) -> dict[str, np.ndarray]:
    return {
        "W1": np.full((n_h, n_x), value),
        "b1": np.zeros((n_h, 1)),
        "W2": np.full((1, n_h), value),
        "b2": np.zeros((1, 1)),
    }


def expected_shapes(n_x: int, n_h: int) -> dict[str, tuple[int, int]]:
    return {"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (1, n_h), "b2": (1, 1)}


def check_parameters(
    params: Mapping[str, np.ndarray], *, n_x: int, n_h: int | None = None, source: str = "params"
) -> dict[str, np.ndarray]:
    """float64 copies of W1, b1, W2, b2, after checking keys, shapes and finiteness.

    n_h is taken from W1 when not given. `source` names where they came from, for messages.
    """
    missing = [name for name in PARAMETER_NAMES if name not in params]
    if missing:
        found = ", ".join(sorted(params)) or "nothing"
        raise StepnetError(
            f"{source} lacks {', '.join(missing)} (found {found}): it needs W1, b1, W2 and b2"
        )
    arrays = {}
    for name in PARAMETER_NAMES:
        try:
            arrays[name] = np.array(params[name], dtype=np.float64)
        except (TypeError, ValueError):
            raise StepnetError(f"{source}: {name} is not an array of numbers") from None
    if n_h is None:
        n_h = arrays["W1"].shape[0] if arrays["W1"].ndim == 2 else 0
    for name, shape in expected_shapes(n_x, n_h).items():
        if arrays[name].shape != shape:
            raise StepnetError(
                f"{source}: {name} has shape {arrays[name].shape} but a network with n_x={n_x} "
                f"inputs and n_h={n_h} hidden units needs {shape}"
            )
        if not np.isfinite(arrays[name]).all():
            raise StepnetError(f"{source}: {name} holds NaN or Inf; every parameter must be finite")
    return arrays


def load_parameters(path: str | os.PathLike, *, n_x: int, n_h: int) -> dict[str, np.ndarray]:
    """W1, b1, W2, b2 from an .npz file, checked against n_x and n_h."""
    path = Path(path)
    if not path.is_file():
        what = "is a directory" if path.is_dir() else "does not exist"
        raise StepnetError(f"parameters file {path} {what}: give an .npz file with W1, b1, W2, b2")
    try:
        with np.load(path, allow_pickle=False) as archive:
            # only the four parameters are read, each after its header is checked: an extra
            # member of 4 GB, or a header declaring 149 GiB, costs nothing
            params = {
                name: _parameter(archive, name, path)
                for name in PARAMETER_NAMES
                if name in archive.files
            }
    except StepnetError:
        raise  # a member refused by its header: said already
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise StepnetError(
            f"parameters file {path} is not a readable .npz archive ({error}); "
            "write one with numpy.savez(path, W1=…, b1=…, W2=…, b2=…)"
        ) from None
    return check_parameters(params, n_x=n_x, n_h=n_h, source=f"parameters file {path}")


def _parameter(archive: np.lib.npyio.NpzFile, name: str, path: Path) -> np.ndarray:
    member = name if name in archive.zip.namelist() else f"{name}.npy"
    try:
        array_bytes(archive.zip, member, MAX_PARAMETER_BYTES)
    except ArrayTooLarge as problem:
        raise StepnetError(
            f"parameters file {path}: {name} {problem}; save W1, b1, W2, b2 for the network "
            "you mean"
        ) from None
    return archive[name]


def save_parameters(path: str | os.PathLike, params: Mapping[str, np.ndarray]) -> Path:
    """Write W1, b1, W2, b2 to an .npz file atomically (a crash never leaves half a file)."""
    path = Path(path)
    if path.suffix != ".npz":
        raise StepnetError(f"cannot save parameters to {path}: the file name must end in .npz")
    temporary = path.with_name(f".{path.name}.partial")
    try:
        with open(temporary, "wb") as handle:
            np.savez(handle, **{name: np.asarray(params[name]) for name in PARAMETER_NAMES})
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StepnetError(f"cannot write parameters to {path}: {error.strerror}") from None
    return path
