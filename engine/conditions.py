"""Breakpoint conditions: questions asked of a stepper after every whole iteration of a run.

Each factory returns an `engine.stepper.Breakpoint` whose label is the text `parse_condition`
reads back ("cost rises", "grad norm < 0.0001", "iteration 37", "dW1"), so a breakpoint can be
typed at the app's prompt, shown in a message and saved in a session file as the same words.

A fast run does some 30,000 iterations a second on the flower, so a condition must cost a few
microseconds: they read the workspace's small buffers in place (one row per group of identical
units, see engine.units) instead of asking for fresh full-size copies, and allocate next to
nothing. Each one is checked against its slow, obvious counterpart in engine.diagnostics by the
tests.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from engine.diagnostics import dead_units
from engine.errors import StepnetError
from engine.stepper import Breakpoint
from engine.steps import STEP_INDEX, STEP_NAMES, STEPS_PER_ITERATION

if TYPE_CHECKING:
    from engine.stepper import Stepper

DEFAULT_SATURATED_SHARE = 0.9
# Activations whose units die when Z1 < 0 on every example (leaky ReLU's only crawl, at 0.01).
RECTIFIERS = ("relu", "leaky_relu")

ACCEPTED_FORMS = (
    "cost rises, non-finite, grad norm < 1e-4, dead unit, saturated, saturated > 0.8, "
    "symmetry kept, symmetry broken, iteration 500, or a step name (" + ", ".join(STEP_NAMES) + ")"
)


# ---- what the conditions measure, usable on their own


def _has(stepper: Stepper, name: str) -> bool:
    """True when step `name` has run in the latest iteration, so the workspace holds its value
    for that iteration (before it, the buffer may hold another iteration's, or nothing)."""
    cursor = stepper.cursor
    return cursor > 0 and (cursor - 1) % STEPS_PER_ITERATION >= STEP_INDEX[name]


def gradient_norm(stepper: Stepper) -> float | None:
    """‖(dW1, db1, dW2, db2)‖ of the latest iteration, over every hidden unit; None before the
    gradients are computed.

    The workspace holds one row per group of identical units, so each group's squares count
    once per unit it stands for.
    """
    if not _has(stepper, "db1"):
        return None
    ws = stepper.ws
    if ws.units.all_distinct:
        return math.sqrt(float(np.dot(ws.grads, ws.grads)))
    counts = ws.units.counts.ravel()
    per_group = (ws.dW1 * ws.dW1).sum(axis=1) + (ws.db1 * ws.db1).ravel() + (ws.dW2 * ws.dW2)[0]
    return math.sqrt(float(np.dot(counts, per_group)) + float(ws.db2[0, 0]) ** 2)


def units_identical(stepper: Stepper) -> bool:
    """True when every hidden unit has exactly the same row of W1 and b1 and column of W2.

    Measured on the values, as engine.diagnostics.symmetry does, not on the engine's grouping:
    every unit's values are its group's row, so all units are identical exactly when all the
    stored rows equal the first.
    """
    ws = stepper.ws
    weights1, biases1, weights2 = ws.W1, ws.b1, ws.W2
    if weights1.shape[0] == 1:
        return True
    # == rather than bytes: 0.0 == -0.0, as diagnostics.symmetry counts them the same
    return bool(
        (weights2 == weights2[0, 0]).all()
        and (biases1 == biases1[0, 0]).all()
        and (weights1 == weights1[0]).all()
    )


def parameters_finite(stepper: Stepper) -> bool:
    return bool(np.isfinite(stepper.ws.theta).all())


# ---- the factories


def cost_rises() -> Breakpoint:
    """Stop when J of the latest iteration is above the previous iteration's."""

    def condition(stepper: Stepper) -> bool:
        costs = stepper.costs
        return len(costs) > 1 and costs[-1] > costs[-2]

    return Breakpoint("cost rises", condition=condition)


def non_finite() -> Breakpoint:
    """Stop when the latest cost or any parameter is NaN or ±Inf.

    The run stops on a non-finite cost by itself; a parameter that tanh or σ flattens may not
    reach the cost, and the run checks those only every few iterations: this checks every one.
    """

    def condition(stepper: Stepper) -> bool:
        costs = stepper.costs
        if len(costs) and not math.isfinite(costs[-1]):
            return True
        return not parameters_finite(stepper)

    return Breakpoint("non-finite", condition=condition)


def gradient_norm_below(threshold: float) -> Breakpoint:
    """Stop when ‖(dW1, db1, dW2, db2)‖ of the latest iteration is below `threshold`."""
    threshold = _positive(threshold, "the gradient-norm threshold", "grad norm < 1e-4")

    def condition(stepper: Stepper) -> bool:
        norm = gradient_norm(stepper)
        return norm is not None and norm < threshold

    return Breakpoint(f"grad norm < {_number(threshold)}", condition=condition)


def unit_dead() -> Breakpoint:
    """Stop when some hidden unit's Z1 is negative on every example (ReLU and leaky ReLU only:
    such a unit passes no gradient, or a hundredth of one, and stops learning)."""

    def condition(stepper: Stepper) -> bool:
        if stepper.activation.name not in RECTIFIERS or not _has(stepper, "Z1"):
            return False
        return bool(dead_units(stepper.ws.Z1))

    return Breakpoint("dead unit", condition=condition)


def unit_saturated(share: float = DEFAULT_SATURATED_SHARE) -> Breakpoint:
    """Stop when some hidden unit has more than `share` of its Z1 entries in g's flat region
    (|z| > the activation's flat_threshold); never for activations that never flatten."""
    share = _share(share)

    def condition(stepper: Stepper) -> bool:
        threshold = stepper.activation.flat_threshold
        if threshold is None or not _has(stepper, "Z1"):
            return False
        z1 = stepper.ws.Z1  # (groups, m)
        flat = (np.abs(z1) > threshold).sum(axis=1)  # faster than count_nonzero with an axis
        return bool(flat.max() > share * z1.shape[1])

    return Breakpoint(f"saturated > {_number(share)}", condition=condition)


def symmetry_kept() -> Breakpoint:
    """Stop when every hidden unit is exactly identical (W1 rows, b1, W2 columns)."""
    return Breakpoint("symmetry kept", condition=units_identical)


def symmetry_broken() -> Breakpoint:
    """Stop when the hidden units are not all exactly identical."""

    def condition(stepper: Stepper) -> bool:
        return not units_identical(stepper)

    return Breakpoint("symmetry broken", condition=condition)


def at_iteration(n: int) -> Breakpoint:
    """Stop when the run has just completed iteration `n` (0-based, as the app numbers them)."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise StepnetError(f"iteration {n!r} must be a whole number ≥ 0, e.g. iteration 500")
    target = (int(n) + 1) * STEPS_PER_ITERATION

    def condition(stepper: Stepper) -> bool:
        return stepper.cursor == target

    return Breakpoint(f"iteration {int(n)}", condition=condition)


def at_step(name: str) -> Breakpoint:
    """Stop right after the step that computes `name` (one of engine.steps.STEP_NAMES)."""
    if name not in STEP_INDEX:
        raise StepnetError(f"unknown step {name!r}: use one of {', '.join(STEP_NAMES)}")
    return Breakpoint(name, step=name)


# ---- the prompt's little language


# Each digit can belong to one part only (whole digits, then an optional fraction after the
# point), so a long run of digits that fails to match is given up in linear time: the older
# `\d+\.?\d*` could split the run between its two parts in every way, quadratic in its length.
_NUMBER = r"([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)"
# The longest form ("saturated > 0.8", "grad norm < 1e-4") is a few dozen characters, and a
# condition on a watch (a 200-character expression at most) needs room for its comparison; a
# longer text is refused before any pattern sees it, whatever a session file or lesson holds.
MAX_CONDITION_LENGTH = 256
_STEPS_BY_LOWER = {name.lower(): name for name in STEP_NAMES}


def _fixed(factory: Callable[[], Breakpoint]) -> Callable[[re.Match], Breakpoint]:
    return lambda match: factory()


# (pattern, builder) over the text lower-cased, trimmed, with runs of spaces made one
_FORMS: tuple[tuple[re.Pattern, Callable[[re.Match], Breakpoint]], ...] = tuple(
    (re.compile(pattern), build)
    for pattern, build in (
        (r"cost (?:rises|increases|goes up)", _fixed(cost_rises)),
        (r"non-?finite|non finite|nan|inf|nan or inf", _fixed(non_finite)),
        (
            rf"(?:grad|gradient)s? norm ?(?:<|below) ?{_NUMBER}",
            lambda match: gradient_norm_below(float(match[1])),
        ),
        (r"dead(?: units?)?", _fixed(unit_dead)),
        (r"(?:saturated|saturation)", _fixed(unit_saturated)),
        (
            rf"(?:saturated|saturation) ?(?:>|above) ?{_NUMBER}",
            lambda match: unit_saturated(float(match[1])),
        ),
        (r"symmetry kept|symmetric", _fixed(symmetry_kept)),
        (r"symmetry broken|asymmetric", _fixed(symmetry_broken)),
        (r"(?:at )?(?:iteration|iter) ?(\d+)", lambda match: at_iteration(int(match[1]))),
    )
)
_STEP_FORM = re.compile(r"(?:after |step |at )?(\w+)")


def parse_condition(text: str) -> Breakpoint:
    """The breakpoint a user typed: one of the ACCEPTED_FORMS, in any case and spacing.

    parse_condition(bp.label) gives back an equivalent breakpoint for every factory here.
    """
    if not isinstance(text, str):
        raise StepnetError(f"a breakpoint is text, not {type(text).__name__}: {ACCEPTED_FORMS}")
    if len(text) > MAX_CONDITION_LENGTH:
        raise StepnetError(
            f"breakpoint of {len(text):,d} characters: keep it under {MAX_CONDITION_LENGTH} "
            f"and use {ACCEPTED_FORMS}"
        )
    normal = " ".join(text.strip().lower().replace("_", " ").split())
    step = _STEP_FORM.fullmatch(normal)
    if step is not None and step[1] in _STEPS_BY_LOWER:  # before the rest: "cost" is a step
        return at_step(_STEPS_BY_LOWER[step[1]])
    for pattern, build in _FORMS:
        match = pattern.fullmatch(normal)
        if match is not None:
            return build(match)
    raise _unreadable(text)


def _unreadable(text: str) -> StepnetError:
    shown = text if len(text) <= 40 else text[:39] + "…"
    shown = shown.replace("\n", " ")
    return StepnetError(f"cannot read breakpoint {shown!r}: use {ACCEPTED_FORMS}")


# ---- checks and formatting


def _positive(value: float, what: str, example: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise StepnetError(f"{what} {value!r} is not a number, e.g. {example}") from None
    if not math.isfinite(number) or number <= 0:
        raise StepnetError(f"{what} {value!r} must be a finite number above 0, e.g. {example}")
    return number


def _share(value: float) -> float:
    try:
        share = float(value)
    except (TypeError, ValueError):
        raise StepnetError(f"saturated share {value!r} is not a number, e.g. 0.9") from None
    if not 0.0 <= share < 1.0:
        raise StepnetError(
            f"saturated share {value!r} must be from 0 up to (not including) 1, e.g. 0.9"
        )
    return share


def _number(value: float) -> str:
    """The shortest text that reads back as exactly this float: 0.0001, 1e-07, 0.9."""
    return repr(float(value))
