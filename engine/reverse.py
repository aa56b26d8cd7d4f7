"""Reverse-continue: run backward to the latest earlier position where a breakpoint held.

`run` going forward stops right after a step that has a breakpoint, and right after the first
whole iteration after which a condition holds; `run_back` finds the latest such position before
the cursor, as if a forward run from the start had stopped there (and been continued, again and
again, up to the cursor).

Step breakpoints need no search: every iteration has every step, so the latest position after
step s is arithmetic. Conditions are asked of the real state, so the iterations before the cursor
are recomputed, newest segment first: a segment runs from one checkpoint of engine.history to
the next (`stride` iterations), restored and replayed with the same kernels as `run`, hence the
same state, bit for bit, that `run` asked the condition about. The latest iteration in the
newest segment where a condition held is the answer; if none held, the segment before is tried.

Memory: nothing per iteration, only the stepper's own workspace and the list of checkpointed
iterations (26 KiB at 10⁵ iterations on the flower). Time: at most one recomputation of each
iteration between the answer and the cursor, plus less than one segment; when nothing held, as
long as a forward run from the start asking the same question (tui/benchmarks/run_back_speed.py
measures both).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from engine.edits import arrive
from engine.steps import STEP_INDEX, STEPS_PER_ITERATION, plan_of

if TYPE_CHECKING:
    from engine.stepper import Breakpoint, RunResult, Stepper

# how often (in iterations recomputed) a long search asks `cancel`
_CANCEL_EVERY = 256


def latest_step_position(name: str, before: int) -> int | None:
    """The latest cursor < `before` that stands right after step `name`, or None."""
    offset = STEP_INDEX[name] + 1  # the cursor just after the step, in iteration 0
    if before <= offset:
        return None
    iteration = (before - 1 - offset) // STEPS_PER_ITERATION
    return iteration * STEPS_PER_ITERATION + offset


def run_back(
    stepper: Stepper,
    breakpoints: Sequence[Breakpoint],
    cancel: Callable[[], bool] | None = None,
) -> RunResult:
    """Go to the latest position before the cursor where one of `breakpoints` would have
    stopped a forward run; at the start (reason 'start') when none would have."""
    from engine.stepper import RunResult  # engine.stepper imports this module's caller

    origin = stepper.cursor
    if origin == 0:
        return RunResult("start", 0, "already at the start")
    found: tuple[int, Breakpoint] | None = None
    for bp in breakpoints:
        if bp.step is not None:
            position = latest_step_position(bp.step, origin)
            if position is not None and (found is None or position > found[0]):
                found = (position, bp)
    conditions = [bp for bp in breakpoints if bp.condition is not None]
    if conditions:
        # only the iterations whose end lies after the best step position can do better
        floor = 0 if found is None else found[0]
        try:
            held = _latest_condition(stepper, conditions, origin, floor, cancel)
        except _Cancelled:
            stepper.goto(origin)
            return RunResult(
                "cancelled", 0, f"search paused; back at iteration {stepper.iteration}"
            )
        # a step breakpoint on the last step sits on the same boundary: it wins, as in run
        if held is not None and (found is None or held[0] > found[0]):
            found = held
    if found is None:
        stepper.goto(0)
        moved = (origin - 1) // STEPS_PER_ITERATION
        return RunResult(
            "start",
            moved,
            f"no breakpoint held before iteration {moved}: back at the start",
        )
    position, bp = found
    stepper.goto(position)
    iteration = (position - 1) // STEPS_PER_ITERATION
    moved = (origin - 1) // STEPS_PER_ITERATION - iteration
    return RunResult("breakpoint", moved, f"breakpoint: {bp.label} (iteration {iteration})", bp)


class _Cancelled(Exception):
    pass


def _latest_condition(
    stepper: Stepper,
    conditions: Sequence[Breakpoint],
    origin: int,
    floor: int,
    cancel: Callable[[], bool] | None,
) -> tuple[int, Breakpoint] | None:
    """(position, breakpoint) of the latest iteration end in (floor, origin) after which a
    condition held, searching newest segment first; None if none did."""
    # iteration k ends at cursor (k + 1)·15; candidates are the k with floor < (k + 1)·15 < origin
    end = (origin - 1) // STEPS_PER_ITERATION  # one past the last candidate iteration
    lowest = floor // STEPS_PER_ITERATION  # the first candidate iteration
    recomputed = 0
    # the segments' starts, taken once: History.nearest looks through every checkpoint, and a
    # search of 10⁵ iterations crosses thousands of segments
    starts = stepper.history.iterations()
    while end > lowest:
        start = starts[bisect.bisect_right(starts, end - 1) - 1]  # checkpoint 0 always stays
        start = max(start, lowest)
        latest = None
        for _ in _replay(stepper, start, end):
            for bp in conditions:
                if bp.condition(stepper):
                    latest = (stepper.cursor, bp)
                    break
            recomputed += 1
            if cancel is not None and recomputed % _CANCEL_EVERY == 0 and cancel():
                raise _Cancelled
        if latest is not None:
            return latest
        end = start
    return None


def _replay(stepper: Stepper, start: int, end: int):
    """Put the stepper at the start of iteration `start`, then complete iterations start …
    end − 1 one by one, yielding after each with the stepper just past it: the state `run`
    asks its conditions about."""
    if start == 0:
        stepper.goto(0)
    else:
        stepper._restore(start)
        stepper.cursor = start * STEPS_PER_ITERATION
    if not stepper.has_fast_path:
        # a mistaken stepper's only path is its steps; _restore left it at the start already
        for iteration in range(start, end):
            for _ in range(STEPS_PER_ITERATION):
                stepper.step()
            yield iteration
        return
    ws, history, start_theta = stepper.ws, stepper.history, stepper._start_theta
    calls = plan_of(ws).iteration  # run_iteration's calls, inline as Stepper.run has them
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for iteration in range(start, end):
            # the fast path of Stepper.run, step for step, so the state is the one it sees
            if iteration % history.stride == 0:
                history.save(iteration, ws.theta)
            np.copyto(start_theta, ws.theta)
            for function, args in calls:
                function(*args)
            stepper._record_cost(iteration, ws.cost)
            stepper.cursor += STEPS_PER_ITERATION
            if stepper._edits:
                arrive(stepper, iteration + 1)
                calls = plan_of(ws).iteration  # an edit of α binds a new plan
            yield iteration
