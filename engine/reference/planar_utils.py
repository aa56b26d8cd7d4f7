"""The stand-in for the course's helper module `planar_utils`, with what graded code uses from it.

A learner's `from planar_utils import sigmoid, load_planar_dataset` gets these; the plotting
helpers are absent (their import is skipped like any import that fails, not an error).
"""

from __future__ import annotations

import types

import numpy as np

from engine.activations import sigmoid as _engine_sigmoid
from engine.data.builtin import BUILTIN_DATASETS

MODULE_NAME = "planar_utils"


def sigmoid(x):
    """σ(x) = 1 / (1 + e^−x), element-wise, as the course's helper computes it."""
    return _engine_sigmoid(np.asarray(x, dtype=np.float64))


def load_planar_dataset():
    """The flower, X (2, 400) float64 and Y (1, 400) uint8, as the course's helper returns it."""
    X, Y = BUILTIN_DATASETS["flower"].generate(1)
    return X, Y.astype(np.uint8)


def stand_in() -> types.ModuleType:
    """A fresh module object, for a child process's sys.modules."""
    module = types.ModuleType(MODULE_NAME, "stepnet's stand-in for the course's planar_utils")
    module.sigmoid = sigmoid
    module.load_planar_dataset = load_planar_dataset
    return module
