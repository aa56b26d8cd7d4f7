"""What a finished run means, in words: a 'converged' that is really stuck, a run that diverged.

The stepper says why it stopped (engine.stepper.RunResult); a learner also needs to know when
that reason misleads. Zero initialization "converges" at once at 50%: every gradient is
exactly 0, so the updates change nothing. A learning rate far too large ends the run with J
far above where it started, which no stopping reason mentions.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from engine.stepper import RunResult

GRADIENTS = ("dW1", "db1", "dW2", "db2")


def run_message(
    result: RunResult,
    costs: np.ndarray,
    state: Mapping[str, object],
    learning_rate: float,
    iteration_limit: int,
) -> str:
    """The status line's words for `result`, with the stepper's costs and state after it."""
    if result.reason == "converged" and _all_gradients_zero(state):
        return _stuck(state)
    if result.reason in ("done", "converged") and _diverged(costs):
        return (
            f"diverged: J rose from {costs[0]:.6g} to {costs[-1]:.6g}; α = {learning_rate:g} "
            "overshoots the minimum each update: press [ to halve it"
        )
    if result.reason == "done":
        return f"stopped at the iteration limit ({iteration_limit})"
    return result.message


def _all_gradients_zero(state: Mapping[str, object]) -> bool:
    gradients = [state.get(name) for name in GRADIENTS]
    return all(g is not None and not np.any(np.asarray(g)) for g in gradients)


def _stuck(state: Mapping[str, object]) -> str:
    why = "so no update changes anything"
    W1, W2 = state.get("W1"), state.get("W2")
    if W1 is not None and W2 is not None and not np.any(W1) and not np.any(W2):
        why = (
            "so no update changes anything: with every weight 0, A[1] is 0, making dW[2] 0, "
            "and W[2] is 0, making dZ[1] and dW[1] 0 (break the symmetry: x for random init)"
        )
    return f"stuck, not converged: every gradient is exactly 0, {why}"


def _diverged(costs: np.ndarray) -> bool:
    # rising overall, not a wobble on the way down
    return len(costs) > 1 and bool(np.isfinite(costs[-1])) and costs[-1] > costs[0]
