"""The buffers one network needs on one data set, allocated once and updated in place.

Every step kernel (in `engine.steps`) reads and writes these buffers, so the event path and the
fast path run the same arithmetic and agree to the last bit. The buffers hold one row per
*group* of identical hidden units (see `engine.units`); `full` expands a value back to one row
per unit for anyone outside the engine.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from engine.activations import Activation
from engine.loss import label_signs
from engine.shapes import PARAMETER_NAMES, hidden_axis
from engine.units import UnitGroups


class Workspace:
    """State of one iteration in progress: data, parameters, forward cache and gradients.

    Parameters live in one flat vector `theta` (W1, b1, W2, b2 are views into it) and the
    gradients in `grads` with the same layout, so a checkpoint is one copy and the fast path's
    update is one multiply and one subtract. X and Y are never written to.
    """

    def __init__(
        self,
        X: np.ndarray,
        Y: np.ndarray | None,
        params: Mapping[str, np.ndarray],
        activation: Activation,
        learning_rate: float,
        units: UnitGroups | None = None,
    ):
        W1, b1, W2 = (np.asarray(params[name], dtype=np.float64) for name in ("W1", "b1", "W2"))
        self.units = units if units is not None else UnitGroups.of_parameters(W1, b1, W2)
        self.activation = activation
        self.learning_rate = float(learning_rate)
        # X is stored once, inside [X; 1]; the engine's own copy, so that a caller changing
        # their array later cannot make Z1 and dW1 see different data
        self.X_ones = np.vstack([X, np.ones((1, X.shape[1]))])
        self.Y = None if Y is None else np.array(Y, dtype=np.float64)
        self.n_x, self.m = X.shape
        self.n_h = self.units.n_units
        self.inv_m = 1.0 / self.m
        # (1 − 2y)·z turns the two-branch cross-entropy into one softplus: see steps.cost
        self.label_sign = None if Y is None else label_signs(Y)

        groups = self.units.n_groups
        # Each layer's weights and bias sit side by side, [W | b], so that Z = [W | b]·[A; 1]
        # is one matrix product: the bias rides along as a weight on a row of ones.
        self.theta = np.zeros(groups * (self.n_x + 1) + groups + 1)
        self.grads = np.zeros_like(self.theta)
        self.scaled_grads = np.zeros_like(self.theta)
        self._allocate_scratch()
        self._make_views()
        self.set_parameters(params)
        self.cost = float("nan")
        # the steps' calls bound to these buffers, built on first use by engine.steps.plan_of;
        # a pickle leaves it behind, since it names buffers the copy does not share
        self.plan = None

    def _allocate_scratch(self) -> None:
        """The buffers the steps of one iteration write into, most of them one column per
        example: _SCRATCH, which a pickle leaves out."""
        groups, m = self.units.n_groups, self.m
        self.Z1 = np.empty((groups, m))
        self.A1_ones = np.ones((groups + 1, m))  # [A1; 1]; A1 is a view of its top rows
        self.slope = np.empty((groups, m))
        self.dZ1 = np.empty((groups, m))
        self.Z2 = np.empty((1, m))
        self.A2 = np.empty((1, m))
        self.dZ2 = np.empty((1, m))
        self.cost_terms = np.empty((2, m))  # (1 − 2y)·z and its softplus: engine.loss
        self.Wb2_weighted = np.empty((1, groups + 1))

    def _make_views(self) -> None:
        """X, the parameters, gradients and A1 as views into the buffers that hold them."""
        groups = self.units.n_groups
        self.X_ones.flags.writeable = False  # before X is taken from it, so X is read-only too
        self.X = self.X_ones[: self.n_x]
        self.Wb1, self.Wb2 = _layer_blocks(self.theta, groups, self.n_x)
        self.W1, self.b1, self.W2, self.b2 = _split(self.Wb1, self.Wb2, self.n_x, groups)
        # [dW1 | db1] and [dW2 | db2]: each layer's gradients come out of one product, the
        # bias's sum over examples as the weight on the row of ones (see engine.steps)
        self.dWb1, self.dWb2 = _layer_blocks(self.grads, groups, self.n_x)
        self.dW1, self.db1, self.dW2, self.db2 = _split(self.dWb1, self.dWb2, self.n_x, groups)
        scaled_blocks = _layer_blocks(self.scaled_grads, groups, self.n_x)
        self.scaled = dict(
            zip(PARAMETER_NAMES, _split(*scaled_blocks, self.n_x, groups), strict=True)
        )
        self.A1 = self.A1_ones[:groups]

    # Pickled by the buffers it owns, the views rebuilt on arrival: pickle would copy each view
    # as an array of its own, and the kernels would then write where nothing reads. The steps'
    # scratch buffers stay behind too: at m = 100,000 and n_h = 64 they are 200 MiB, nearly
    # all of a pickle that a run's child process hands back (tui/session/child_run.py). They arrive
    # allocated but unset; Stepper recomputes the latest iteration's steps into them.
    def __getstate__(self) -> dict:
        left_out = _VIEWS | _SCRATCH | {"plan"}
        return {name: value for name, value in self.__dict__.items() if name not in left_out}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._allocate_scratch()
        self._make_views()
        self.plan = None

    def set_parameters(self, params: Mapping[str, np.ndarray]) -> None:
        """Load full (one row per unit) parameters; units of a group must be identical."""
        for name in PARAMETER_NAMES:
            value = np.asarray(params[name], dtype=np.float64)
            axis = hidden_axis(name)
            reduced = value if axis is None else self.units.reduce(value, axis)
            getattr(self, name)[...] = reduced

    def full(self, name: str) -> np.ndarray:
        """A fresh array of `name` with one row (or column) per hidden unit."""
        return self._expanded(name, getattr(self, name))

    def parameters(self) -> dict[str, np.ndarray]:
        return {name: self.full(name) for name in PARAMETER_NAMES}

    def parameters_from(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """Full W1, b1, W2, b2 read from another flat vector laid out like `theta`."""
        groups = self.units.n_groups
        views = _split(*_layer_blocks(theta, groups, self.n_x), self.n_x, groups)
        return {
            name: self._expanded(name, value)
            for name, value in zip(PARAMETER_NAMES, views, strict=True)
        }

    def _expanded(self, name: str, value: np.ndarray) -> np.ndarray:
        if self.units.all_distinct:
            return value.copy()
        axis = hidden_axis(name)
        return value.copy() if axis is None else self.units.expand(value, axis)

    def dims(self) -> dict[str, int]:
        """The sizes behind the slide's symbols n[0], n[1], n[2] and m."""
        return {"n[0]": self.n_x, "n[1]": self.n_h, "n[2]": 1, "m": self.m, "1": 1}


_VIEWS = frozenset(
    ("X", "Wb1", "Wb2", "W1", "b1", "W2", "b2", "dWb1", "dWb2", "dW1", "db1", "dW2", "db2")
) | {"scaled", "A1"}


_SCRATCH = frozenset(
    ("Z1", "A1_ones", "slope", "dZ1", "Z2", "A2", "dZ2", "cost_terms", "Wb2_weighted")
)


def _layer_blocks(flat: np.ndarray, groups: int, n_x: int) -> tuple[np.ndarray, np.ndarray]:
    """[W1 | b1] (groups, n_x + 1) and [W2 | b2] (1, groups + 1) as views into `flat`.

    [W1 | b1] is stored column by column (Fortran order), so that W1 and b1 are each contiguous
    on their own: element-wise updates on them run at full speed, and np.dot can write dW1ᵀ
    straight into place.
    """
    split = groups * (n_x + 1)
    block1 = flat[:split].reshape((groups, n_x + 1), order="F")
    return block1, flat[split:].reshape(1, groups + 1)


def _split(block1: np.ndarray, block2: np.ndarray, n_x: int, groups: int) -> tuple:
    """W1, b1, W2, b2 as views into the two layer blocks."""
    return block1[:, :n_x], block1[:, n_x:], block2[:, :groups], block2[:, groups:]
