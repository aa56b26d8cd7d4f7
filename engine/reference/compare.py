"""Comparing what a learner's function returned with the engine's answer, quantity by quantity.

The course's tolerance: np.allclose with rtol 1e-5 and atol 1e-8, and shapes exactly equal. The
first quantity that differs, in the slide's order (engine.reference.graded.QUANTITIES), is the
one a report names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from engine.reference.graded import QUANTITIES
from engine.reference.wire import Other, Typed

RTOL = 1e-5
ATOL = 1e-8


@dataclass(frozen=True)
class Difference:
    """The first quantity where the learner's value is not the reference's."""

    quantity: str
    expected_shape: tuple[int, ...] | None
    got_shape: tuple[int, ...] | None
    max_abs_diff: float | None = None
    at: tuple[int, ...] | None = None  # where the largest difference is
    expected: np.ndarray | None = None
    got: np.ndarray | None = None
    problem: str = ""  # for a person, when it is not simply other numbers


def close(got, expected) -> bool:
    """The course's test: same shape, allclose(rtol 1e-5, atol 1e-8), no NaN."""
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    return got.shape == expected.shape and bool(
        np.allclose(got, expected, rtol=RTOL, atol=ATOL, equal_nan=False)
    )


def quantities(function: str, value) -> tuple[dict[str, object], str]:
    """The named quantities in what `function` returned, and a problem with its form ('' if
    none): a dict lacking W1, a list where the course returns a tuple …"""
    if function == "layer_sizes":
        if not isinstance(value, tuple | list) or len(value) != 3:
            return {}, f"layer_sizes returned {_what(value)}; it returns (n_x, n_h, n_y)"
        problem = "" if isinstance(value, tuple) else "it returned a list: return a tuple"
        return dict(zip(QUANTITIES[function], value, strict=True)), problem
    if function == "forward_propagation":
        if not isinstance(value, tuple | list) or len(value) != 2:
            return {}, f"forward_propagation returned {_what(value)}; it returns A2, cache"
        A2, cache = value
        if not isinstance(cache, dict):
            return {}, f"the cache is {_what(cache)}; it is a dict with Z1, A1, Z2, A2"
        found = {name: cache[name] for name in QUANTITIES[function] if name in cache}
        found["A2 returned"] = A2
        return found, ""
    if function in ("compute_cost", "predict"):
        return {QUANTITIES[function][0]: value}, ""
    if not isinstance(value, dict):
        keys = ", ".join(QUANTITIES[function])
        return {}, f"{function} returned {_what(value)}; it returns a dict with {keys}"
    return {name: value[name] for name in QUANTITIES[function] if name in value}, ""


def first_difference(
    function: str, got: Mapping[str, object], expected: Mapping[str, object]
) -> Difference | None:
    """The first quantity of `expected` (in order) that `got` lacks or gets wrong; None if
    every one is right."""
    order = QUANTITIES[function]
    for quantity in sorted(expected, key=lambda name: order.index(name) if name in order else 99):
        reference = expected[quantity]
        for name in (quantity, "A2 returned") if quantity == "A2" else (quantity,):
            if name == "A2 returned" and name not in got:
                continue
            difference = _compare(function, name, got.get(name, _MISSING), reference)
            if difference is not None:
                return difference
    return None


_MISSING = object()


def compare_quantity(function: str, quantity: str, got: Mapping[str, object], reference):
    """How `got[quantity]` differs from `reference`, or None if it agrees."""
    return _compare(function, quantity, got.get(quantity, _MISSING), reference)


def _compare(function: str, quantity: str, got, reference) -> Difference | None:
    expected = np.asarray(reference, dtype=np.float64)
    shown = "A2" if quantity == "A2 returned" else quantity
    if got is _MISSING:
        where = "the cache" if function == "forward_propagation" else "what it returned"
        return Difference(shown, expected.shape, None, problem=f"{where} has no {shown}")
    number = got.value if isinstance(got, Typed) else got
    if isinstance(number, Other | dict | list | tuple):
        return Difference(
            shown, expected.shape, None, problem=f"{shown} is {_what(got)}, not numbers"
        )
    values = np.asarray(number, dtype=np.float64)
    if values.shape != expected.shape:
        return Difference(
            shown, expected.shape, values.shape, got=values, expected=expected,
            problem=f"{shown} has shape {values.shape} where the reference has {expected.shape}",
        )  # fmt: skip
    if not close(values, expected):
        return _numbers_differ(shown, values, expected)
    if quantity == "cost" and (not isinstance(got, Typed) or got.type_name != "float"):
        kind = got.type_name if isinstance(got, Typed) else f"a {type(got).__name__}"
        return Difference(
            shown, (), values.shape, 0.0, expected=expected, got=values,
            problem=f"the cost is right but is {kind}: the course wants a Python float, "
            "return float(cost)",
        )  # fmt: skip
    return None


def _numbers_differ(quantity: str, values: np.ndarray, expected: np.ndarray) -> Difference:
    with np.errstate(invalid="ignore", over="ignore"):
        gap = np.abs(values - expected)
    gap = np.where(np.isnan(gap), np.inf, gap)  # a NaN is the largest difference there is
    at = np.unravel_index(int(np.argmax(gap)), gap.shape) if gap.ndim else ()
    return Difference(
        quantity,
        expected.shape,
        values.shape,
        float(gap.max()),
        tuple(int(i) for i in at),
        expected,
        values,
    )


def _what(value) -> str:
    if isinstance(value, Typed):
        return f"a {value.type_name}"
    if isinstance(value, Other):
        return f"a {value.type_name} ({value.text})" if value.text else f"a {value.type_name}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)}"
    return f"a {type(value).__name__}"
