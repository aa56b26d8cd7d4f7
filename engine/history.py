"""Checkpoints of the parameters at the start of iterations, within a memory budget.

Every earlier iteration can be rebuilt exactly: restore the nearest checkpoint at or before it
and recompute forward with the same kernels (deterministic, so bit-for-bit the same). Checkpoints
are kept every `stride` iterations; when they would outgrow the budget the stride doubles and
every other one is dropped, so memory stays under the budget however long the run, and rebuilding
any iteration costs at most `stride` − 1 recomputed iterations.

The checkpoints are rows of one block that grows by doubling, not one small array each: that
halves their memory, and a history pickles as a single buffer, which is how a run in a child
process hands it back (tui/session/child_run.py) without keeping a paused screen waiting.
"""

from __future__ import annotations

import numpy as np

DEFAULT_HISTORY_BYTES = 256 * 2**20
_FIRST_ROWS = 1024
# Rebuilding an iteration from the checkpoint before it costs little in a small network, so
# small networks start with a wider stride: as wide as keeps a rebuild within about this many
# multiply-adds (a millisecond or so). The flower's 10,000 iterations then keep 313 checkpoints,
# not 10,000, and a long run's history is quick to hand over.
REBUILD_WORK = 2**18


def first_stride(work_per_iteration: int) -> int:
    """The widest power-of-two stride whose rebuild stays within REBUILD_WORK."""
    stride = 1
    while 2 * stride * work_per_iteration <= REBUILD_WORK:
        stride *= 2
    return stride


class History:
    def __init__(self, budget_bytes: int = DEFAULT_HISTORY_BYTES, stride: int = 1):
        self.budget_bytes = budget_bytes
        self.stride = stride
        self._rows: dict[int, int] = {}  # iteration → its row in the block
        self._block: np.ndarray | None = None  # (rows, len(theta)), rows beyond the used unset

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def nbytes(self) -> int:
        """Bytes the checkpoints' block holds, spare rows included."""
        return 0 if self._block is None else self._block.nbytes

    def save(self, iteration: int, theta: np.ndarray) -> None:
        """Keep a copy of theta as the parameters at the start of `iteration`, if due."""
        if iteration % self.stride or iteration in self._rows:
            return
        most_rows = max(2, self.budget_bytes // theta.nbytes)
        if self._block is None:
            self._block = np.empty((min(_FIRST_ROWS, most_rows), theta.size), theta.dtype)
        while len(self._rows) == len(self._block):
            if len(self._block) < most_rows:
                grown = np.empty((min(2 * len(self._block), most_rows), theta.size), theta.dtype)
                grown[: len(self._block)] = self._block
                self._block = grown
            else:
                self.stride *= 2
                self._keep_multiples_of_stride()
                if iteration % self.stride:
                    return
        row = len(self._rows)
        self._block[row] = theta
        self._rows[iteration] = row

    def nearest(self, iteration: int) -> tuple[int, np.ndarray]:
        """The latest checkpoint at or before `iteration`: (its iteration, its theta)."""
        start = max(kept for kept in self._rows if kept <= iteration)
        return start, self._block[self._rows[start]]

    def iterations(self) -> list[int]:
        """The iterations that have a checkpoint, in order."""
        return sorted(self._rows)

    def forget_from(self, iteration: int) -> None:
        """Drop the checkpoints at and after `iteration`: a what-if edit there replaced the
        future they were taken in (engine.edits)."""
        kept = [k for k in self._rows if k < iteration]
        rows = [self._rows[k] for k in kept]
        if self._block is not None:
            self._block[: len(rows)] = self._block[rows]
        self._rows = {k: row for row, k in enumerate(kept)}

    def _keep_multiples_of_stride(self) -> None:
        kept = [k for k in self._rows if k % self.stride == 0]
        rows = [self._rows[k] for k in kept]
        self._block[: len(rows)] = self._block[rows]
        self._rows = {k: row for row, k in enumerate(kept)}

    def __getstate__(self) -> dict:
        used = len(self._rows)
        return {
            "budget_bytes": self.budget_bytes,
            "stride": self.stride,
            "rows": self._rows,
            "block": None if self._block is None else self._block[:used],
        }

    def __setstate__(self, state: dict) -> None:
        self.budget_bytes = state["budget_bytes"]
        self.stride = state["stride"]
        self._rows = state["rows"]
        self._block = state["block"]


class SnapshotHistory:
    """The same promise for checkpoints that are not one flat vector of fixed length: a run
    with a shape mistake (engine.mistakes.stepper) may change its parameters' shapes, so each
    checkpoint is kept whole, as an object with an `nbytes`."""

    def __init__(self, budget_bytes: int = DEFAULT_HISTORY_BYTES):
        self.budget_bytes = budget_bytes
        self.stride = 1
        self._checkpoints: dict[int, object] = {}
        self.nbytes = 0

    def __len__(self) -> int:
        return len(self._checkpoints)

    def save(self, iteration: int, snapshot) -> None:
        """Keep `snapshot` as the parameters at the start of `iteration`, if due."""
        if iteration % self.stride or iteration in self._checkpoints:
            return
        self._checkpoints[iteration] = snapshot
        self.nbytes += snapshot.nbytes
        while self.nbytes > self.budget_bytes and len(self._checkpoints) > 1:
            self.stride *= 2
            self._checkpoints = {
                kept: value for kept, value in self._checkpoints.items() if kept % self.stride == 0
            }
            self.nbytes = sum(value.nbytes for value in self._checkpoints.values())

    def iterations(self) -> list[int]:
        """The iterations that have a checkpoint, in order."""
        return sorted(self._checkpoints)

    def forget_from(self, iteration: int) -> None:
        """Drop the checkpoints at and after `iteration` (see History.forget_from)."""
        self._checkpoints = {k: v for k, v in self._checkpoints.items() if k < iteration}
        self.nbytes = sum(value.nbytes for value in self._checkpoints.values())

    def nearest(self, iteration: int) -> tuple[int, object]:
        """The latest checkpoint at or before `iteration`: (its iteration, the snapshot)."""
        start = max(kept for kept in self._checkpoints if kept <= iteration)
        return start, self._checkpoints[start]
