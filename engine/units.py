"""Groups of identical hidden units, so that identical units stay bit-for-bit identical.

The slides' lesson on zero initialization is that units which start equal compute the same
function and receive the same gradient, so they stay equal forever. In floating point a matrix
product may round different rows differently (BLAS kernels treat edge rows differently when n_h
is not a multiple of their block size), and the symmetric state is unstable, so a naive
`np.dot` lets the units drift apart and the lesson would lie. The engine therefore computes each
distinct unit once and copies its row to every unit of its group: exact, because each unit's
arithmetic does not depend on the others, and cheaper, too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class UnitGroups:
    """Which hidden units are identical.

    `representatives[g]` is the first unit of group g, `inverse[j]` the group of unit j and
    `counts[g]` the size of group g. Groups are numbered by their first unit, so with no
    identical units `representatives` and `inverse` are both `arange(n_h)`.
    """

    representatives: np.ndarray  # (n_groups,) int
    inverse: np.ndarray  # (n_h,) int
    counts: np.ndarray  # (1, n_groups) float, the multiplicity of each group as a row
    n_units: int = field(init=False)
    n_groups: int = field(init=False)
    all_distinct: bool = field(init=False)  # read by the kernels on every step: kept as a field

    def __post_init__(self):
        object.__setattr__(self, "n_units", len(self.inverse))
        object.__setattr__(self, "n_groups", len(self.representatives))
        object.__setattr__(self, "all_distinct", self.n_groups == self.n_units)

    @classmethod
    def distinct(cls, n_units: int) -> UnitGroups:
        every = np.arange(n_units)
        return cls(every, every.copy(), np.ones((1, n_units)))

    @classmethod
    def of_rows(cls, rows: np.ndarray) -> UnitGroups:
        """Group the rows of `rows` (n_h, k): unit j is described by row j."""
        n_units = rows.shape[0]
        _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
        if len(first) == n_units:
            return cls.distinct(n_units)
        # np.unique numbers groups in sorted order; renumber them by their first unit
        order = np.argsort(first)
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        inverse = rank[np.ravel(inverse)]
        counts = np.bincount(inverse).astype(np.float64)[np.newaxis, :]
        return cls(first[order], inverse, counts)

    @classmethod
    def of_parameters(cls, W1: np.ndarray, b1: np.ndarray, W2: np.ndarray) -> UnitGroups:
        """Units are identical when their rows of W1 and b1 and their column of W2 are."""
        return cls.of_rows(np.hstack([W1, b1, W2.T]))

    def reduce(self, array: np.ndarray, axis: int) -> np.ndarray:
        """One row (or column) per group: the first unit's, as a new C-contiguous array."""
        return np.ascontiguousarray(np.take(array, self.representatives, axis=axis))

    def expand(self, array: np.ndarray, axis: int) -> np.ndarray:
        """Back to one row (or column) per unit: every unit gets its group's values."""
        if self.all_distinct:
            return array.copy()
        return np.take(array, self.inverse, axis=axis)
