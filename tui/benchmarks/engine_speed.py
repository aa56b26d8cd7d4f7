"""How fast the engine is, against the tightest plain numpy loop we could write.

Four ways to run the same gradient descent, timed in one process and interleaved (so that a
noisy, shared machine slows them alike), reported as ratios to the tight loop:

  tight   one function, locals, np.dot, the cost every iteration: the fastest plain numpy loop
          we found for the same maths (see tight_loop)
  dict    the course's structure: forward_propagation, compute_cost, backward_propagation and
          update_parameters as functions passing dicts, fresh arrays for every result
  fast    Stepper.run: the catalogue's calls on preallocated buffers, no events
  events  Stepper.step 15 times an iteration, every event's value copied out, read-only
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.data import load_dataset
from engine.parameters import initialize
from engine.stepper import Stepper
from engine.steps import STEPS

LEARNING_RATE = 1.2
AGREEMENT_ITERATIONS = 100


@dataclass(frozen=True)
class Scenario:
    name: str
    n_h: int
    iterations: int
    data: Callable[[], tuple[np.ndarray, np.ndarray]]


def _flower() -> tuple[np.ndarray, np.ndarray]:
    return load_dataset("flower")


def _large(m: int = 100_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two noisy interleaved rings, m examples: big enough that memory traffic dominates."""
    rng = np.random.default_rng(seed)
    radius = rng.uniform(0.5, 2.0, m)
    angle = rng.uniform(0.0, 2 * np.pi, m)
    X = np.vstack([radius * np.cos(angle), radius * np.sin(angle)]) + rng.normal(0, 0.1, (2, m))
    Y = (np.sin(4 * angle) * (radius - 1.25) > 0).astype(np.float64)[np.newaxis, :]
    return X, Y


SCENARIOS = {
    "flower": Scenario("flower (m=400, n_h=4, 10,000 iterations)", 4, 10_000, _flower),
    "scale": Scenario("scale (m=100,000, n_h=256, 20 iterations)", 256, 20, _large),
}


# ---- the tightest plain loop


def tight_loop(X, Y, parameters, iterations: int) -> dict[str, np.ndarray]:
    """Gradient descent as one function on locals, the strongest plain numpy loop we found.

    The same maths as the engine: tanh, σ = 1 / (1 + e^−z), the cross-entropy cost every
    iteration, dW and db with 1/m, db as keepdims sums, θ := θ − α·dθ. Written as a user who
    cares about speed would write it, without the engine's tricks (no buffers kept across
    iterations, no stacked [W | b], no shared exp): `np.dot` (faster than `@` on these small
    arrays), the loop invariants 1/m, Y[0] and 1 − Y[0] hoisted, each result made once and then
    changed in place (`+=`, `*=`, `-=`, `out=` into itself) instead of through temporaries, the
    cost as two dot products of 1-D rows (faster than np.sum of a product), the sums over
    examples by the array's own `.sum` (faster than np.sum, which wraps it). Each of these
    choices was timed against its plainer alternative on the flower and kept only if faster.
    """
    W1, b1, W2, b2 = (parameters[k].copy() for k in ("W1", "b1", "W2", "b2"))
    inv_m = 1 / X.shape[1]
    y = Y[0]
    not_y = 1 - y
    for _ in range(iterations):
        Z1 = np.dot(W1, X)
        Z1 += b1
        A1 = np.tanh(Z1, out=Z1)
        Z2 = np.dot(W2, A1)
        Z2 += b2
        A2 = np.exp(-Z2)
        A2 += 1
        A2 = np.divide(1, A2, out=A2)
        a = A2[0]
        cost = -(np.dot(y, np.log(a)) + np.dot(not_y, np.log(1 - a))) * inv_m  # noqa: F841
        dZ2 = A2 - Y
        dW2 = np.dot(dZ2, A1.T)
        dW2 *= inv_m
        db2 = dZ2.sum(axis=1, keepdims=True)
        db2 *= inv_m
        dZ1 = np.dot(W2.T, dZ2)
        dZ1 *= 1 - A1 * A1
        dW1 = np.dot(dZ1, X.T)
        dW1 *= inv_m
        db1 = dZ1.sum(axis=1, keepdims=True)
        db1 *= inv_m
        W1 -= LEARNING_RATE * dW1
        b1 -= LEARNING_RATE * db1
        W2 -= LEARNING_RATE * dW2
        b2 -= LEARNING_RATE * db2
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


# ---- the plain loop, as the assignment structures it


def _forward_propagation(X, parameters):
    W1, b1, W2, b2 = (parameters[k] for k in ("W1", "b1", "W2", "b2"))
    Z1 = np.dot(W1, X) + b1
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = 1 / (1 + np.exp(-Z2))
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def _compute_cost(A2, Y):
    m = Y.shape[1]
    logprobs = np.multiply(np.log(A2), Y) + np.multiply(np.log(1 - A2), 1 - Y)
    return float(np.squeeze(-np.sum(logprobs) / m))


def _backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = (1 / m) * np.dot(dZ1, X.T)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def _update_parameters(parameters, grads, learning_rate):
    return {k: parameters[k] - learning_rate * grads["d" + k] for k in ("W1", "b1", "W2", "b2")}


def dict_loop(X, Y, parameters, iterations: int) -> dict[str, np.ndarray]:
    costs = []
    for _ in range(iterations):
        A2, cache = _forward_propagation(X, parameters)
        costs.append(_compute_cost(A2, Y))
        grads = _backward_propagation(parameters, cache, X, Y)
        parameters = _update_parameters(parameters, grads, LEARNING_RATE)
    return parameters


def fast_path(X, Y, parameters, iterations: int) -> dict[str, np.ndarray]:
    stepper = Stepper(X, Y, parameters, learning_rate=LEARNING_RATE)
    stepper.run(iterations)
    return stepper.parameters()


def event_path(X, Y, parameters, iterations: int) -> dict[str, np.ndarray]:
    stepper = Stepper(X, Y, parameters, learning_rate=LEARNING_RATE)
    for _ in range(iterations * len(STEPS)):
        stepper.step()
    return stepper.parameters()


RUNNERS = {"tight": tight_loop, "dict": dict_loop, "fast": fast_path, "events": event_path}
BASELINE = "tight"


@dataclass(frozen=True)
class Timing:
    scenario: str
    seconds: dict[str, float]  # median per runner
    max_difference: float  # fast path against the tight loop, parameters after a short run

    def ratio(self, runner: str, baseline: str = BASELINE) -> float:
        return self.seconds[runner] / self.seconds[baseline]


def measure(scenario: Scenario, repeats: int = 3) -> Timing:
    """Median seconds of each runner over `repeats` rounds, the runners interleaved per round."""
    X, Y = scenario.data()
    parameters = initialize("random", X.shape[0], scenario.n_h, seed=3)
    samples: dict[str, list[float]] = {name: [] for name in RUNNERS}
    for _ in range(repeats):
        for name, runner in RUNNERS.items():
            start = time.perf_counter()
            runner(X, Y, parameters, scenario.iterations)
            samples[name].append(time.perf_counter() - start)
    # Over thousands of iterations the dynamics amplify rounding, so agreement is checked on a
    # short run, where any real difference in the arithmetic would still show.
    short = min(scenario.iterations, AGREEMENT_ITERATIONS)
    fast = fast_path(X, Y, parameters, short)
    tight = tight_loop(X, Y, parameters, short)
    difference = max(float(np.max(np.abs(fast[k] - tight[k]))) for k in parameters)
    return Timing(
        scenario.name, {name: statistics.median(s) for name, s in samples.items()}, difference
    )
