"""How long Stepper.run_back takes, and how much memory it adds, at 10⁵ iterations on the flower.

    python -m tui.benchmarks.run_back_speed [iterations]

Three searches back from the end of a run: one for a condition that never holds (the worst
case: every iteration back to the start is recomputed), one that held half-way, one that held
ten iterations back. Times are the best of three; memory is traced in a separate pass, since
tracing slows the search.
"""

from __future__ import annotations

import sys
import time
import tracemalloc

from engine.conditions import at_iteration, gradient_norm_below
from engine.config import RunConfig
from engine.steps import STEPS_PER_ITERATION


def measure(iterations: int = 100_000) -> list[str]:
    stepper = RunConfig(iterations=iterations).stepper()
    start = time.perf_counter()
    stepper.run(iterations)
    lines = [
        f"forward run of {iterations:,} iterations: {time.perf_counter() - start:.2f} s; "
        f"history {len(stepper.history):,} checkpoints, {stepper.history.nbytes / 1024:.0f} KiB, "
        f"stride {stepper.history.stride}"
    ]
    end = iterations * STEPS_PER_ITERATION
    searches = (
        ("never holds (grad norm < 1e-300)", gradient_norm_below(1e-300)),
        (f"held half-way (iteration {iterations // 2})", at_iteration(iterations // 2)),
        (f"held 10 back (iteration {iterations - 10})", at_iteration(iterations - 10)),
    )
    for label, breakpoint in searches:
        best = float("inf")
        for _ in range(3):
            stepper.goto(end)
            start = time.perf_counter()
            result = stepper.run_back([breakpoint])
            best = min(best, time.perf_counter() - start)
        stepper.goto(end)
        tracemalloc.start()
        stepper.run_back([breakpoint])
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        lines.append(
            f"run_back, {label}: {best:.3f} s, {peak / 1024:.0f} KiB at most beside the "
            f"stepper -> {result.message}"
        )
    return lines


if __name__ == "__main__":
    for line in measure(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000):
        print(line)
