"""Checkpoints of the parameters at the start of iterations, within a memory budget.

Every earlier iteration can be rebuilt exactly: restore the nearest checkpoint at or before it
and recompute forward with the same kernels (deterministic, so bit-for-bit the same). Checkpoints
are kept every `stride` iterations; when they would outgrow the budget the stride doubles and
every other one is dropped, so memory stays under the budget however long the run, and rebuilding
any iteration costs at most `stride` − 1 recomputed iterations.
"""

from __future__ import annotations

import numpy as np

DEFAULT_HISTORY_BYTES = 256 * 2**20


class History:
    def __init__(self, budget_bytes: int = DEFAULT_HISTORY_BYTES):
        self.budget_bytes = budget_bytes
        self.stride = 1
        self._checkpoints: dict[int, np.ndarray] = {}
        self.nbytes = 0

    def __len__(self) -> int:
        return len(self._checkpoints)

    def save(self, iteration: int, theta: np.ndarray) -> None:
        """Keep a copy of theta as the parameters at the start of `iteration`, if due."""
        if iteration % self.stride or iteration in self._checkpoints:
            return
        self._checkpoints[iteration] = theta.copy()
        self.nbytes += theta.nbytes
        while self.nbytes > self.budget_bytes and len(self._checkpoints) > 1:
            self.stride *= 2
            self._keep(lambda kept: kept % self.stride == 0)

    def nearest(self, iteration: int) -> tuple[int, np.ndarray]:
        """The latest checkpoint at or before `iteration`: (its iteration, its theta)."""
        start = max(kept for kept in self._checkpoints if kept <= iteration)
        return start, self._checkpoints[start]

    def _keep(self, wanted) -> None:
        self._checkpoints = {k: v for k, v in self._checkpoints.items() if wanted(k)}
        self.nbytes = sum(theta.nbytes for theta in self._checkpoints.values())
