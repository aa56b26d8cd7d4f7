"""Holding out a share of the examples as a test set, the same share the same way every time.

The split is a seeded shuffle of the example indices, independent of the weights' seed (so a new
random initialization, x in the app, keeps the same test set), and each side keeps the examples'
original order. A side without both classes could not say anything about generalisation (its
accuracy would be one class's share, its confusion matrix half empty), so such a split is refused
with what to do instead.
"""

from __future__ import annotations

import math

import numpy as np

from engine.errors import StepnetError

SPLIT_SEED = 0


def check_test_split(share: float) -> float:
    """A share in [0, 1): 0 holds nothing out."""
    if isinstance(share, bool):
        raise StepnetError(f"--test-split {share!r}: give a share such as 0.2")
    try:
        value = float(share)
    except (TypeError, ValueError):
        raise StepnetError(
            f"--test-split {share!r} is not a number: give a share such as 0.2"
        ) from None
    if not math.isfinite(value) or not 0.0 <= value < 1.0:
        raise StepnetError(
            f"--test-split {share!r} must be from 0 up to (not including) 1, e.g. 0.2"
        )
    return value


def split_examples(
    X: np.ndarray, Y: np.ndarray, share: float, seed: int = SPLIT_SEED
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """((X_train, Y_train), (X_test, Y_test)): round(share·m) examples held out at random.

    X (n_x, m), Y (1, m); StepnetError when either side would lack an example or a class.
    """
    share = check_test_split(share)
    m = X.shape[1]
    held_out = round(share * m)
    if held_out == 0 or held_out == m:
        side = "test" if held_out == 0 else "training"
        raise StepnetError(
            f"--test-split {share:g} of {m} examples leaves the {side} set empty: "
            f"give a share between {1 / m:.3g} and {1 - 1 / m:.3g}"
        )
    order = np.random.default_rng(seed).permutation(m)
    test = np.sort(order[:held_out])
    train = np.sort(order[held_out:])
    for side, indices in (("training", train), ("test", test)):
        classes = np.unique(Y[0, indices])
        if len(classes) < 2:
            raise StepnetError(
                f"--test-split {share:g} leaves the {side} set ({len(indices)} examples) with "
                f"only class {int(classes[0])}: use a {'smaller' if side == 'test' else 'larger'} "
                "share or more examples"
            )
    return (X[:, train], Y[:, train]), (X[:, test], Y[:, test])
