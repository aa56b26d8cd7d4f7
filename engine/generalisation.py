"""How well parameters do on a set of examples: cost, accuracy and the confusion matrix.

For the examples held out with --test-split (engine.data.split) beside the training ones, so a
learner sees a network that fits its training set ever better while its test cost rises again:
overfitting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from engine.display import displays_as, render_scores
from engine.errors import StepnetError
from engine.functional import cost, forward


@displays_as(render_scores)
@dataclass(frozen=True)
class Scores:
    """Cost J, accuracy and confusion matrix of some parameters on m examples.

    `confusion[actual][predicted]`: [[true 0s, 0s called 1], [1s called 0, true 1s]].
    """

    cost: float
    accuracy: float
    confusion: tuple[tuple[int, int], tuple[int, int]]

    @property
    def m(self) -> int:
        return sum(sum(row) for row in self.confusion)


def scores(
    params: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray, activation: str
) -> Scores | None:
    """The Scores of `params` on X (n_x, m), Y (1, m); None when a value is NaN or Inf (no
    prediction to count)."""
    with np.errstate(all="ignore"):
        try:
            cache = forward(params, X, activation)
        except StepnetError:  # parameters that went NaN or Inf
            return None
        A2, Z2 = cache["A2"], cache["Z2"]
        if not np.isfinite(Z2).all():
            return None
        J = cost(A2, Y, Z2=Z2)
    predicted = (A2 > 0.5).astype(np.int64)[0]
    actual = np.asarray(Y, dtype=np.int64)[0]
    counts = np.bincount(2 * actual + predicted, minlength=4)
    confusion = ((int(counts[0]), int(counts[1])), (int(counts[2]), int(counts[3])))
    return Scores(float(J), float(np.mean(predicted == actual)), confusion)
