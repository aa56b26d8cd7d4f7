"""Watch expressions as breakpoint conditions, and watchpoints on a watch's changes.

Beside engine.conditions' fixed forms, a run can stop on any watch expression (tui.session.watch,
never eval) that comes out True, or on how a watch's value moves from one iteration to the next:

    cost < 0.3                       stop after the first iteration where it is True (every
    abs(dW1).max() < 1e-3            element True, for a comparison of arrays, as lesson claims)
    b2 changes by > 0.01             |value − value one iteration before| > 0.01 (largest element)
    W2[0, 1] changes sign            it went from > 0 to < 0 or back between two iterations

Each is a Breakpoint asked after every whole iteration, like every condition, so `run` and
`run_back` treat them alike and a session file keeps them as the same words. A watchpoint
compares with the value after the previous iteration: kept from the check before when the run
came straight from there, otherwise recomputed by going back one iteration and forth again, so
the answer depends only on the position (which is what makes `run_back` exact for it).

An expression is evaluated by the watch's small interpreter, tens of microseconds an iteration:
a run with one goes at about half the fast path's speed.
"""

from __future__ import annotations

import ast
import re
import weakref
from functools import cached_property

import numpy as np

from engine.conditions import MAX_CONDITION_LENGTH, parse_condition
from engine.diagnostics import symmetry
from engine.errors import StepnetError
from engine.stepper import Breakpoint, Stepper
from engine.steps import STEPS_PER_ITERATION
from tui.session.derived_state import DerivedState
from tui.session.plotting import training_accuracy
from tui.session.watch import Watch, WatchError, describe

WATCH_FORMS = "a watch that is True (cost < 0.3), EXPR changes by > 0.01, EXPR changes sign"
_CHANGES_BY = re.compile(
    r"(?P<expression>.+?)\s+changes\s+by\s*(?:>|more than)\s*(?P<amount>\S+)", re.IGNORECASE
)
_CHANGES_SIGN = re.compile(r"(?P<expression>.+?)\s+changes\s+sign", re.IGNORECASE)


def read_breakpoint(text: str, stepper: Stepper | None = None) -> Breakpoint:
    """A breakpoint typed by a user or read from a session file: one of engine.conditions'
    forms, a watchpoint (`EXPR changes by > D`, `EXPR changes sign`), or a watch expression
    that is True or False. Given a stepper, an expression that gives neither on its state now
    is refused at once rather than never stopping."""
    try:
        return parse_condition(text)
    except StepnetError as not_a_form:
        # past the length bound, parse_condition's refusal stands: nothing longer is read
        if (
            not isinstance(text, str)
            or len(text) > MAX_CONDITION_LENGTH
            or not _reads_as_expression(text)
        ):
            raise not_a_form from None
    stripped = " ".join(text.split())
    match = _CHANGES_BY.fullmatch(stripped)
    if match is not None:
        return changes_by(match["expression"], _amount(match["amount"]))
    match = _CHANGES_SIGN.fullmatch(stripped)
    if match is not None:
        return changes_sign(match["expression"])
    breakpoint, watch = _holds(stripped)
    if stepper is not None:
        value = watch.evaluate(moment_state(stepper))
        if value.ok and not _is_boolean(value.value):
            raise WatchError(
                f"{watch.text} gives {describe(value.value)}, not True or False: compare it, "
                f"e.g. {watch.text} < 0.3, or stop on its changes: {watch.text} changes by > 0.01"
            )
    return breakpoint


def breakpoint_kind(breakpoint: Breakpoint) -> str:
    """What a breakpoint is, in the words a list of them shows: 'step', 'watchpoint' (on a
    watch's changes) or 'condition' (a fixed form, or a watch that is True)."""
    if breakpoint.step is not None:
        return "step"
    if any(form.fullmatch(breakpoint.label) for form in (_CHANGES_BY, _CHANGES_SIGN)):
        return "watchpoint"
    return "condition"


def _reads_as_expression(text: str) -> bool:
    """Whether `text` looks meant as a watch (Python syntax, or a watchpoint on one), so that
    the error shown is the watch's rather than the fixed forms' list."""
    stripped = " ".join(text.split())
    for form in (_CHANGES_BY, _CHANGES_SIGN):
        match = form.fullmatch(stripped)
        if match is not None:
            stripped = match["expression"]
    try:
        ast.parse(stripped, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _holds(text: str) -> tuple[Breakpoint, Watch]:
    watch = Watch.parse(text)

    def condition(stepper: Stepper) -> bool:
        value = watch.evaluate(moment_state(stepper))
        return value.ok and _is_boolean(value.value) and bool(np.all(value.value))

    return Breakpoint(watch.text, condition=condition), watch


def changes_by(text: str, amount: float) -> Breakpoint:
    """Stop when the watch's value moved by more than `amount` (its largest element, for an
    array) over the latest iteration."""
    watch = Watch.parse(text)

    def moved(before: np.ndarray, now: np.ndarray) -> bool:
        return before.shape != now.shape or bool(np.max(np.abs(now - before)) > amount)

    return _watchpoint(f"{watch.text} changes by > {amount!r}", watch, moved)


def changes_sign(text: str) -> Breakpoint:
    """Stop when the watch's value (any element) went from positive to negative, or back, over
    the latest iteration."""
    watch = Watch.parse(text)

    def flipped(before: np.ndarray, now: np.ndarray) -> bool:
        return before.shape == now.shape and bool((np.sign(before) * np.sign(now) < 0).any())

    return _watchpoint(f"{watch.text} changes sign", watch, flipped)


def _watchpoint(label: str, watch: Watch, differs) -> Breakpoint:
    # the value after the latest iteration checked, and on which stepper: a fresh stepper (a
    # restart) never compares with another run's value
    memo: dict[str, object] = {"stepper": None, "cursor": -1, "value": None}

    def value_now(stepper: Stepper) -> np.ndarray | None:
        value = watch.evaluate(moment_state(stepper))
        if not value.ok or value.value is None or isinstance(value.value, tuple):
            return None
        array = np.asarray(value.value, dtype=np.float64)
        return array if np.isfinite(array).all() else None

    def condition(stepper: Stepper) -> bool:
        cursor = stepper.cursor
        if cursor < STEPS_PER_ITERATION or cursor % STEPS_PER_ITERATION:
            return False
        known = memo["stepper"] is not None and memo["stepper"]() is stepper
        if known and memo["cursor"] == cursor - STEPS_PER_ITERATION:
            before = memo["value"]
        else:  # came from elsewhere: the value one iteration back, recomputed exactly
            stepper.goto(cursor - STEPS_PER_ITERATION)
            before = value_now(stepper)
            stepper.goto(cursor)
        now = value_now(stepper)
        memo.update(stepper=weakref.ref(stepper), cursor=cursor, value=now)
        return before is not None and now is not None and differs(before, now)

    return Breakpoint(label, condition=condition)


def _amount(text: str) -> float:
    try:
        amount = float(text)
    except ValueError:
        raise WatchError(f"change {text!r} is not a number, e.g. b2 changes by > 0.01") from None
    if not np.isfinite(amount) or amount < 0:
        raise WatchError(f"change {text!r} must be a finite number ≥ 0, e.g. 0.01")
    return amount


def _is_boolean(value: object) -> bool:
    return isinstance(value, bool | np.bool_) or (
        isinstance(value, np.ndarray) and value.dtype == np.bool_
    )


# ---- the state an expression reads, straight from a stepper


class _Moment:
    """What DerivedState reads from a View, computed from the stepper only when asked: taking
    a whole View every iteration would copy every array."""

    def __init__(self, stepper: Stepper):
        self._stepper = stepper
        self.state = stepper.state()
        self.config = self  # DerivedState reads view.config.activation
        self.activation = stepper.activation.name
        self.test = None  # a stepper holds no test set: test_cost and test_accuracy wait

    @property
    def iteration(self) -> int:
        cursor = self._stepper.cursor
        return 0 if cursor == 0 else (cursor - 1) // STEPS_PER_ITERATION

    @property
    def costs(self) -> np.ndarray:
        return self._stepper.costs

    @cached_property
    def accuracy(self) -> float | None:
        return training_accuracy(self.state, self.activation)

    @cached_property
    def symmetry(self):
        return symmetry(self._stepper.parameters())

    @cached_property
    def start_parameters(self):
        return self._stepper.iteration_start_parameters()


def moment_state(stepper: Stepper) -> DerivedState:
    """The names a watch reads (tui.session.watch.NAMES), on the stepper as it stands."""
    return DerivedState(_Moment(stepper), stepper.learning_rate, state=stepper.state())
