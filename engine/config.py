"""One run's settings, as the command line and the app take them, checked in one place."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np

from engine.activations import get_activation
from engine.data import load_dataset
from engine.data.split import check_test_split, split_examples
from engine.history import DEFAULT_HISTORY_BYTES
from engine.mistakes.catalogue import get_mistake
from engine.mistakes.factory import make_stepper
from engine.parameters import initialize, parse_init
from engine.stepper import Stepper
from engine.validation import (
    check_hidden_units,
    check_iterations,
    check_learning_rate,
    check_scale,
    check_seed,
)


@dataclass(frozen=True)
class RunConfig:
    """Data, network and training settings; the defaults are the course's."""

    data: str = "flower"
    hidden: int = 4
    activation: str = "tanh"
    init: str = "random"
    scale: float = 0.01
    seed: int = 3
    learning_rate: float = 1.2
    iterations: int = 10_000
    mistake: str | None = None  # one of engine.mistakes.catalogue.MISTAKE_NAMES, made on purpose
    test_split: float = 0.0  # share of the examples held out as a test set (engine.data.split)

    def checked(self) -> RunConfig:
        """The same settings, validated (StepnetError on the first bad one)."""
        get_activation(self.activation)
        parse_init(self.init)
        check_learning_rate(self.learning_rate)
        check_iterations(self.iterations)
        check_scale(self.scale)
        check_seed(self.seed)
        if self.mistake is not None:
            get_mistake(self.mistake)
        check_test_split(self.test_split)
        if self.hidden < 1:
            check_hidden_units(self.hidden, 1)
        return self

    def with_changes(self, **changes) -> RunConfig:
        return replace(self, **changes).checked()

    def to_dict(self) -> dict:
        return asdict(self)

    def load_data(self) -> tuple[np.ndarray, np.ndarray]:
        """X, Y to train on: the data set, less the test examples when some are held out."""
        X, Y = load_dataset(self.data)
        if not self.test_split:
            return X, Y
        return split_examples(X, Y, self.test_split)[0]

    def load_test_data(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The held-out X, Y, or None without a test split."""
        if not self.test_split:
            return None
        return split_examples(*load_dataset(self.data), self.test_split)[1]

    def stepper(
        self,
        data: tuple[np.ndarray, np.ndarray] | None = None,
        history_bytes: int = DEFAULT_HISTORY_BYTES,
    ) -> Stepper:
        """A fresh stepper at iteration 0; pass `data` to reuse arrays already loaded."""
        self.checked()
        X, Y = data if data is not None else self.load_data()
        check_hidden_units(self.hidden, X.shape[1])
        params = initialize(self.init, X.shape[0], self.hidden, scale=self.scale, seed=self.seed)
        return make_stepper(
            X,
            Y,
            params,
            activation=self.activation,
            learning_rate=self.learning_rate,
            history_bytes=history_bytes,
            mistake=self.mistake,
        )
