"""What-if edits: change one weight, bias or α where the run stands, and go on from there.

An edit belongs to a position on an iteration boundary: "the parameters iteration k starts
from" (an edit made mid-iteration goes to the start of that iteration, and the steps done since
are recomputed from the edited values). From position k·15 on, the run is a branch: every later
step is computed from the edited value. Everything before stays as it was computed: position
k·15 − 1 and earlier never see the edit, so stepping back across it shows the original values,
and stepping forward again across it re-applies it. Editing again at or before k drops the
edits made after it (the future they belonged to is gone).

The stepper applies an iteration's edits on arriving at its start, wherever that arrival comes
from: a step, the fast path, or a rebuild from a checkpoint. Checkpoints hold the parameters an
iteration actually started from, edits included, so a rebuild from one is exact; an edit drops
the checkpoints after it, which belonged to the future it replaced.

The engine computes identical hidden units once (engine.units), so a unit that shares its row
with others cannot be edited on its own without recomputing the past in another layout (and
differently rounded); such an edit is refused with what to do instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.errors import StepnetError
from engine.shapes import PARAMETER_NAMES
from engine.steps import STEPS_PER_ITERATION
from engine.validation import check_learning_rate

if TYPE_CHECKING:
    from engine.stepper import Stepper

ALPHA = "alpha"
EDITABLE = (*PARAMETER_NAMES, ALPHA)


@dataclass(frozen=True)
class Edit:
    """`name[index]` (or α, with index ()) set from `old` to `new` at the start of `iteration`."""

    iteration: int
    name: str
    index: tuple[int, ...]
    old: float
    new: float

    @property
    def target(self) -> str:
        """W1[2, 0], b2[0, 0] or α."""
        if self.name == ALPHA:
            return "α"
        return f"{self.name}[{', '.join(str(i) for i in self.index)}]"

    def __str__(self) -> str:
        change = f"{short(self.old)} → {short(self.new)}"
        return f"edited at iteration {self.iteration}: {self.target} {change}"


def short(value: float) -> str:
    """A number as people write it: 0.31, 0.0, 1.2, -0.0123, 1e-05."""
    text = f"{value:.4g}"
    if all(mark not in text for mark in ".en"):  # "0" → "0.0"; not for 1e-05, inf, nan
        text += ".0"
    return text


def make_edit(stepper: Stepper, name: str, index: tuple[int, ...], value: float) -> Edit:
    """Edit `name[index]` (or α) to `value` where the stepper stands, and stay there."""
    if not stepper.has_fast_path:
        raise StepnetError(
            "edits work on the course's steps: remove the mistake made on purpose first (m)"
        )
    if name not in EDITABLE:
        raise StepnetError(f"cannot edit {name!r}: edit one of {', '.join(EDITABLE)}")
    value = _number(value, name)
    origin = stepper.cursor
    iteration = origin // STEPS_PER_ITERATION
    stepper.goto(iteration * STEPS_PER_ITERATION)
    ws = stepper.ws
    if name == ALPHA:
        if index:
            raise StepnetError(f"α is one number: write alpha = {short(value)}, without [ ]")
        value = check_learning_rate(value)
        old = ws.learning_rate
    else:
        index = _checked_index(stepper, name, index)
        old = float(_cell(stepper, name, index))
    earlier = [
        e
        for e in stepper.edits
        if e.iteration < iteration
        or (e.iteration == iteration and (e.name, e.index) != (name, index))
    ]
    # an element edited again at the same iteration keeps its first original
    first = next(
        (e for e in stepper.edits if (e.iteration, e.name, e.index) == (iteration, name, index)),
        None,
    )
    edit = Edit(iteration, name, index, old if first is None else first.old, value)
    stepper._edits.clear()  # the same dict: a run holds it in a local
    for kept in [*earlier, edit]:
        stepper._edits.setdefault(kept.iteration, []).append(kept)
    apply(stepper, edit)
    stepper.history.forget_from(iteration)
    stepper.history.save(iteration, ws.theta)
    stepper.goto(origin)
    return edit


def arrive(stepper: Stepper, iteration: int) -> None:
    """Apply the edits made at the start of `iteration`, the stepper standing there."""
    for edit in stepper._edits.get(iteration, ()):
        apply(stepper, edit)


def apply(stepper: Stepper, edit: Edit) -> None:
    ws = stepper.ws
    if edit.name == ALPHA:
        set_alpha(ws, edit.new)
    else:
        _set_cell(stepper, edit.name, edit.index, edit.new)


def set_alpha(ws, alpha: float) -> None:
    """Make `alpha` the workspace's learning rate. The steps' calls are bound once per
    workspace with α inside them (engine.steps.Plan), so a new α needs a new plan."""
    if ws.learning_rate != alpha:
        ws.learning_rate = alpha
        ws.plan = None


def alpha_at(stepper: Stepper, iteration: int) -> float:
    """α in effect from the start of `iteration`: the latest α edit at or before it."""
    alpha = stepper.learning_rate
    for edit in stepper.edits:
        if edit.name == ALPHA and edit.iteration <= iteration:
            alpha = edit.new
    return alpha


def original_parameters(stepper: Stepper, theta) -> dict:
    """The full parameters of checkpoint 0 with the edits made at iteration 0 undone: where the
    run started before any edit."""
    params = stepper.ws.parameters_from(theta)
    for edit in reversed(stepper._edits.get(0, [])):
        if edit.name != ALPHA:
            params[edit.name][edit.index] = edit.old
    return params


# ---- the grouped workspace, one cell at a time


def _checked_index(stepper: Stepper, name: str, index: tuple[int, ...]) -> tuple[int, ...]:
    shape = stepper.parameters()[name].shape
    index = tuple(index)
    if len(index) != len(shape) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in index
    ):
        raise StepnetError(
            f"{name} is {shape[0]}×{shape[1]}: give a row and a column, e.g. {name}[0, 0]"
        )
    if not all(0 <= i < n for i, n in zip(index, shape, strict=True)):
        raise StepnetError(
            f"{name}[{', '.join(map(str, index))}] is outside {name} "
            f"({shape[0]}×{shape[1]}): rows 0–{shape[0] - 1}, columns 0–{shape[1] - 1}"
        )
    unit = _unit(name, index)
    if unit is not None:
        units = stepper.ws.units
        group = units.inverse[unit]
        if units.counts[0, group] > 1:
            others = [int(j) for j in range(units.n_units) if units.inverse[j] == group]
            raise StepnetError(
                f"hidden unit {unit} is identical to units {', '.join(map(str, others))} and "
                "the engine computes them as one, to keep them exactly identical: edit b2 or α, "
                "or restart with random weights (x)"
            )
    return index


def _unit(name: str, index: tuple[int, ...]) -> int | None:
    """The hidden unit a cell belongs to: a row of W1 and b1, a column of W2; None for b2."""
    if name in ("W1", "b1"):
        return index[0]
    if name == "W2":
        return index[1]
    return None


def _grouped(stepper: Stepper, name: str, index: tuple[int, ...]) -> tuple[int, ...]:
    unit = _unit(name, index)
    if unit is None:
        return index
    group = int(stepper.ws.units.inverse[unit])
    return (group, index[1]) if name in ("W1", "b1") else (0, group)


def _cell(stepper: Stepper, name: str, index: tuple[int, ...]) -> float:
    return getattr(stepper.ws, name)[_grouped(stepper, name, index)]


def _set_cell(stepper: Stepper, name: str, index: tuple[int, ...], value: float) -> None:
    getattr(stepper.ws, name)[_grouped(stepper, name, index)] = value


def _number(value: object, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise StepnetError(f"{name} takes a number, not {value!r}") from None
    if not math.isfinite(number):
        raise StepnetError(f"{name} must be a finite number, not {value!r}")
    return number
