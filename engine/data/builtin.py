"""The built-in datasets, each generated from a seed: the same name and seed give the same arrays.

`flower` is the course's planar dataset (load_planar_dataset in planar_utils.py) reproduced draw
for draw, so the notebook's published numbers come out again; the others re-implement the recipes
of the course's "extra datasets" in numpy, plus an XOR set and a 3-feature set matching the
slides' W[1] of shape (4, 3). A new built-in is one function and one row of _BUILTINS.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np


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
