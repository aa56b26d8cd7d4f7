"""The state a watch or a lesson claim reads: the step's arrays, plus what follows from them.

Beside X, Y, the parameters and this iteration's steps, a claim may ask for the iteration, the
costs so far, accuracy, how many hidden units are identical, saturation, the linear collapse
W' = W[2]W[1], b' = W[2]b[1] + b[2], and the slides' one-example loops (the last two from the
parameters this iteration started with, like the steps on screen). Each is computed only when an
expression reads it, and once.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Iterator, Mapping

import numpy as np

from engine.diagnostics import collapsed_parameters, dead_units, saturation
from engine.one_example import LOOP_NAMES, loop_over_examples
from engine.shapes import PARAMETER_NAMES
from tui.session.view import View


class DerivedState(Mapping):
    """A View's state with the derived names of tui.session.watch.DERIVED_NAMES added, computed
    lazily."""

    def __init__(
        self,
        view: View,
        learning_rate: float,
        extra: Mapping[str, object] | None = None,
        state: Mapping[str, object] | None = None,
    ):
        self._view = view
        # `extra`: what a lesson's sweep adds (sweep_accuracy, sweep_cost); `state`: the arrays,
        # if not the view's (a running View carries only what is drawn; the stepper's own lazy
        # state copies just the arrays an expression reads)
        known = {"learning_rate": learning_rate, **(extra or {})}
        self._base = ChainMap(known, view.state if state is None else state)
        # the parameters this iteration's steps were computed from (W1 … in the state may be
        # updated already): the collapse and the loops must match Z1, A2 and dW1 on screen
        self._used = view.start_parameters
        self._made: dict[str, object] = {}
        self._makers: dict[str, Callable[[], object]] = {
            "iteration": lambda: view.iteration,
            "costs": lambda: np.asarray(view.costs),
            "accuracy": lambda: view.accuracy,
            "test_cost": lambda: None if view.test is None else view.test.cost,
            "test_accuracy": lambda: None if view.test is None else view.test.accuracy,
            "identical_units": lambda: view.symmetry.identical_units,
            "unit_difference": lambda: view.symmetry.max_difference,
            "saturation": self._saturation,
            "dead_units": lambda: len(dead_units(self._base["Z1"])) if "Z1" in self else None,
            "W_prime": lambda: collapsed_parameters(self._used)[0],
            "b_prime": lambda: collapsed_parameters(self._used)[1],
            **{f"loop_{name}": self._loop(name) for name in LOOP_NAMES},
        }

    def _saturation(self) -> float | None:
        if "Z1" not in self._base:
            return None
        return saturation(self._base["Z1"], self._view.config.activation)

    def _loop(self, name: str) -> Callable[[], np.ndarray]:
        def made() -> np.ndarray:
            if "loops" not in self._made:
                params = {p: self._used[p] for p in PARAMETER_NAMES}
                activation = self._view.config.activation
                X, Y = self._base["X"], self._base["Y"]
                self._made["loops"] = loop_over_examples(params, X, Y, activation)
            return self._made["loops"][name]

        return made

    def __getitem__(self, name: str) -> object:
        if name in self._base:
            return self._base[name]
        if name not in self._makers:
            raise KeyError(name)
        if name not in self._made:
            self._made[name] = self._makers[name]()
        value = self._made[name]
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name: object) -> bool:
        try:
            self[name]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        return iter([*self._base, *self._makers])

    def __len__(self) -> int:
        return len(self._base) + len(self._makers)
