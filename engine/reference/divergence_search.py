"""Where the learner's functions first differ from the engine, however many iterations ahead.

`stepnet --student`'s `r`: a bug may show only after many iterations (a cost that overflows once
A2 nears 0 or 1, a step that is right only while the weights are small), or never. The search
traces theirs beside the engine's own trajectory in chunks of CHUNK iterations, one child process
each (engine.reference.student.trace_student), so its cost is bounded by the iterations asked
for, about 5 ms each on the flower, and a cancel is honoured between two chunks, within about
half a second.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.reference.student import STEPS_OF, IterationMarks, StudentTrace, trace_student
from engine.steps import STEP_NAMES

CHUNK = 100  # iterations per child process: ~0.5 s of the learner's code on the flower

Place = tuple[int, int]  # (iteration, step index 0–14)


@dataclass
class Search:
    """What a search found: the first place theirs differs (or raised), or how far it got."""

    place: Place | None
    # the marks of the chunk the place is in, by iteration; empty when nothing was found
    marks: dict[int, IterationMarks] = field(default_factory=dict)
    compared: int = 0  # the first iteration not compared (all before it agree, past `after`)
    cancelled: bool = False


def search_divergence(
    path: str | Path,
    X: np.ndarray,
    Y: np.ndarray,
    params: Mapping[str, np.ndarray],
    *,
    first_iteration: int,
    after: Place,
    until: Place,
    learning_rate: float,
    cancel: Callable[[], bool] = lambda: False,
    on_chunk: Callable[[int], None] | None = None,
    chunk: int = CHUNK,
) -> Search:
    """The first step after `after` and at or before `until` where theirs differs from the
    engine, starting from `params`, the engine's at the start of `first_iteration`.

    `on_chunk(iteration)` is told after each chunk how far the comparison got; `cancel` is asked
    before each chunk."""
    iteration = first_iteration
    while iteration <= until[0]:
        if cancel():
            return Search(None, compared=iteration, cancelled=True)
        count = min(chunk, until[0] + 1 - iteration)
        trace = trace_student(path, X, Y, params, iterations=count, learning_rate=learning_rate)
        place = first_after(trace, iteration, after)
        if place is not None and place <= until:
            marks = {iteration + offset: marks for offset, marks in enumerate(trace.iterations)}
            return Search(place, marks, compared=place[0])
        iteration += count
        params = trace.end_parameters
        if on_chunk is not None:
            on_chunk(iteration)
    return Search(None, compared=iteration)


def first_after(trace: StudentTrace, first_iteration: int, after: Place) -> Place | None:
    """The first (iteration, step index) after `after` where theirs differs or raised, in a
    trace that began at `first_iteration`."""
    for offset, marks in enumerate(trace.iterations):
        iteration = first_iteration + offset
        for index, name in enumerate(STEP_NAMES):
            raised = any(name in STEPS_OF[function] for function in marks.errors)
            if (raised or marks.marks.get(name) == "✗") and (iteration, index) > after:
                return iteration, index
    return None
