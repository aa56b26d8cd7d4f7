"""The learner's functions beside the engine, iteration by iteration: where theirs first differs.

What `stepnet --student` needs from the engine's side, headless: at each iteration, from the
engine's own parameters, the learner's forward_propagation, compute_cost, backward_propagation
(on the engine's cache) and update_parameters (on the engine's gradients) are run in the
sandbox, so each is judged on its own, and every step they expose gets a mark: ✓ theirs
agrees, ✗ it differs or raised. dZ2 and dZ1 stay unmarked: the course's functions do not
return them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from engine.errors import StepnetError
from engine.functional import backward, cost, forward, update
from engine.parameters import check_parameters
from engine.reference import sandbox
from engine.reference.cases import Case
from engine.reference.compare import Difference, compare_quantity, quantities
from engine.reference.diagnoses import diagnose, diagnose_error
from engine.reference.graded import QUANTITIES
from engine.reference.source import read_learner_file
from engine.steps import STEP_NAMES
from engine.validation import as_features, as_labels, check_iterations

# the graded functions an iteration is made of, and the steps each one exposes
ITERATION_FUNCTIONS = (
    "forward_propagation",
    "compute_cost",
    "backward_propagation",
    "update_parameters",
)
STEPS_OF = {function: QUANTITIES[function] for function in ITERATION_FUNCTIONS}
MAX_ITERATIONS = 1000  # the learner's code runs once per iteration and function, in a child


@dataclass(frozen=True)
class Divergence:
    """The first step where the learner's value is not the engine's."""

    function: str
    step: str
    iteration: int
    diagnosis: str | None
    message: str

    def status_line(self) -> str:
        """`yours: backward_propagation differs first at dW2, iteration 0 — no-1-over-m`"""
        verb = f"failed ({self.message})" if self.step == "" else f"differs first at {self.step}"
        line = f"yours: {self.function} {verb}, iteration {self.iteration}"
        return f"{line} — {self.diagnosis}" if self.diagnosis else line


@dataclass
class IterationMarks:
    iteration: int
    marks: dict[str, str] = field(default_factory=dict)  # step name → "✓" or "✗"
    errors: dict[str, str] = field(default_factory=dict)  # function → its error, one line
    # step → how theirs differs there (theirs and the engine's values, where, by how much)
    differences: dict[str, Difference] = field(default_factory=dict)
    # step → the known mistake theirs agrees with there: (its name, the words)
    diagnoses: dict[str, tuple[str, str]] = field(default_factory=dict)
    # each function's first difference (or its error) here, in step order; `iteration` counts
    # from the trace's first
    divergences: list[Divergence] = field(default_factory=list)


@dataclass
class StudentTrace:
    iterations: list[IterationMarks]
    divergence: Divergence | None
    missing: list[str]  # iteration functions the file does not define
    # W1 … b2 after the last iteration traced, the engine's: where a next trace goes on from
    end_parameters: dict[str, np.ndarray] = field(default_factory=dict)


def trace_student(
    path: str | Path,
    X: np.ndarray,
    Y: np.ndarray,
    params: Mapping[str, np.ndarray],
    *,
    iterations: int = 1,
    learning_rate: float = 1.2,
    timeout: float = sandbox.DEFAULT_TIMEOUT,
) -> StudentTrace:
    """The learner's file beside the engine for `iterations` iterations from `params`."""
    iterations = check_iterations(iterations)
    if not 1 <= iterations <= MAX_ITERATIONS:
        raise StepnetError(
            f"{iterations} iterations: the learner's functions are compared for 1 to "
            f"{MAX_ITERATIONS} iterations"
        )
    source = read_learner_file(path)
    cases, end = _cases(as_features(X), Y, params, iterations, learning_rate)
    loaded = sandbox.run_functions(
        lambda: sandbox.load_source(source),
        cases,
        is_learner_file=lambda filename: filename == source.filename,
        where=source.where,
        timeout=timeout,
    )
    marks = [IterationMarks(i) for i in range(iterations)]
    first: Divergence | None = None
    for function in ITERATION_FUNCTIONS:
        outcome = loaded.outcomes.get(function)
        if outcome is None:
            continue
        for i, case in enumerate(cases[function]):
            found = _judge(function, case, outcome, i, marks[i])
            if found is not None:
                marks[i].divergences.append(found)
            if found is not None and (first is None or _order(found) < _order(first)):
                first = found
    missing = [name for name in ITERATION_FUNCTIONS if name not in loaded.found]
    return StudentTrace(marks, first, missing, end)


def _order(divergence: Divergence) -> tuple[int, int]:
    step = divergence.step or STEPS_OF[divergence.function][0]
    return divergence.iteration, STEP_NAMES.index(step)


def _cases(X, Y, params, iterations: int, learning_rate: float):
    """The engine's own trajectory, each iteration's inputs and answers as cases; and the
    parameters after the last."""
    Y = as_labels(Y, m=X.shape[1])
    params = check_parameters(params, n_x=X.shape[0])
    cases: dict[str, list[Case]] = {function: [] for function in ITERATION_FUNCTIONS}
    for i in range(iterations):
        cache = forward(params, X)
        grads = backward(params, cache, X, Y)
        new = update(params, grads, learning_rate)
        label = f"iteration {i}"
        cases["forward_propagation"].append(
            Case("forward_propagation", label, (X, params), partial(dict, cache))
        )
        cases["compute_cost"].append(
            Case("compute_cost", label, (cache["A2"], Y), partial(_cost, cache, Y))
        )
        cases["backward_propagation"].append(
            Case("backward_propagation", label, (params, cache, X, Y), partial(dict, grads))
        )
        cases["update_parameters"].append(
            Case("update_parameters", label, (params, grads, learning_rate), partial(dict, new))
        )
        params = new
    return {function: tuple(found) for function, found in cases.items()}, dict(params)


def _cost(cache, Y) -> dict[str, float]:
    return {"cost": cost(cache["A2"], Y)}


def _judge(function: str, case: Case, outcome, i: int, marks: IterationMarks):
    """Mark `function`'s steps at iteration `i`; its first difference there, if any."""
    if outcome.timed_out or outcome.crashed or i >= len(outcome.cases):
        text = outcome.crashed or "it did not finish in time"
        marks.errors[function] = text
        return Divergence(function, "", i, None, text)
    result = outcome.cases[i]
    if "error" in result:
        error = result["error"]
        text = f"{error['type']}: {error['message']}"
        marks.errors[function] = text + (f" ({error['where']})" if error["where"] else "")
        found = diagnose_error(error["message"])
        return Divergence(function, "", i, None if found is None else found[0], text)
    got, _ = quantities(function, result["value"])
    first = None
    for step in STEPS_OF[function]:
        difference = compare_quantity(function, step, got, case.expected[step])
        marks.marks[step] = "✓" if difference is None else "✗"
        if difference is None:
            continue
        marks.differences[step] = difference
        named = diagnose(function, case, got, step)
        if named is not None:
            marks.diagnoses[step] = named
        if first is None:
            first = Divergence(
                function,
                step,
                i,
                None if named is None else named[0],
                difference.problem or f"{step} differs by up to {difference.max_abs_diff:.3g}",
            )
    return first


# ---- training on theirs

TRAIN = "stepnet_train_on_yours"  # the loop's name in the child's namespace: no course name


@dataclass(frozen=True)
class StudentTraining:
    """J per iteration from training on the learner's four functions, each feeding the next."""

    costs: list[float]  # NaN where their cost is not one number
    error: str | None  # why it stopped early, for a person; None if it ran every iteration
    # W1 … b2 their update_parameters returned last, after `updates` updates; None when those
    # are not the course's parameters (a missing key, another shape, not numbers)
    parameters: dict[str, np.ndarray] | None = None
    updates: int = 0  # one fewer than len(costs) when a cost not finite stopped it


def train_student(
    path: str | Path,
    X: np.ndarray,
    Y: np.ndarray,
    params: Mapping[str, np.ndarray],
    *,
    iterations: int,
    learning_rate: float = 1.2,
    timeout: float = sandbox.DEFAULT_TIMEOUT,
) -> StudentTraining:
    """Train from `params` on theirs alone, as the course's nn_model does: their forward pass,
    cost, backward pass and update, in a child (the sandbox), for `iterations` iterations."""
    iterations = check_iterations(iterations)
    source = read_learner_file(path)
    X = as_features(X)
    Y = as_labels(Y, m=X.shape[1])
    params = dict(check_parameters(params, n_x=X.shape[0]))

    def load():
        namespace, skipped = sandbox.load_source(source)
        if all(callable(namespace.get(name)) for name in ITERATION_FUNCTIONS):
            namespace[TRAIN] = partial(_train_loop, *(namespace[n] for n in ITERATION_FUNCTIONS))
        return namespace, skipped

    case = Case(TRAIN, "training on yours", (params, X, Y, iterations, learning_rate), dict)
    loaded = sandbox.run_functions(
        load,
        {TRAIN: (case,)},
        is_learner_file=lambda filename: filename == source.filename,
        where=source.where,
        timeout=timeout,
    )
    if loaded.load_failure and TRAIN not in loaded.outcomes:
        return StudentTraining([], loaded.load_failure)
    outcome = loaded.outcomes.get(TRAIN)
    if outcome is None:
        missing = [name for name in ITERATION_FUNCTIONS if name not in loaded.found]
        return StudentTraining([], f"your file does not define {', '.join(missing)}")
    if outcome.timed_out or outcome.crashed or not outcome.cases:
        return StudentTraining([], outcome.crashed or f"it did not finish within {timeout:g} s")
    result = outcome.cases[0]
    if "error" in result:
        error = result["error"]
        where = f" ({error['where']})" if error["where"] else ""
        return StudentTraining([], f"{error['type']}: {error['message']}{where}")
    sent = result["value"]
    costs = [float(c) for c in np.asarray(_plain(sent["costs"]), dtype=np.float64)]
    trained = _parameters(sent["parameters"], params)
    if len(costs) < iterations:  # the loop stops at the first cost that is not finite
        error = f"your cost is not finite at iteration {len(costs) - 1}"
        return StudentTraining(costs, error, trained, len(costs) - 1)
    return StudentTraining(costs, None, trained, len(costs))


def _plain(sent):
    return getattr(sent, "value", sent)  # an array the wire sent with its type


def _parameters(sent, like: Mapping[str, np.ndarray]) -> dict[str, np.ndarray] | None:
    """Their last parameters, if they are the course's four arrays in `like`'s shapes."""
    sent = _plain(sent)
    if not isinstance(sent, Mapping):
        return None
    found = {}
    for name, start in like.items():
        value = _plain(sent.get(name))
        if not isinstance(value, np.ndarray) or value.shape != start.shape:
            return None
        found[name] = np.asarray(value, dtype=np.float64)
    return found


def _train_loop(forward_propagation, compute_cost, backward_propagation, update_parameters,
                params, X, Y, iterations, learning_rate) -> np.ndarray:  # fmt: skip
    """Runs in the child: theirs, each function fed what their previous one returned; J per
    iteration, up to the first that is not finite, and the parameters they ended with."""
    costs: list[float] = []
    for _ in range(iterations):
        A2, cache = forward_propagation(X, params)
        J = np.asarray(compute_cost(A2, Y), dtype=np.float64)
        costs.append(float(J.reshape(())) if J.size == 1 else float("nan"))
        if J.size == 1 and not np.isfinite(costs[-1]):
            break
        grads = backward_propagation(params, cache, X, Y)
        params = update_parameters(params, grads, learning_rate)
    return {"costs": np.asarray(costs), "parameters": params}
