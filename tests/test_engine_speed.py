"""The bench's baselines compute what the engine computes: the tight loop and the dict loop
reach the fast path's parameters to rounding, so the timings compare the same work; and
`stepnet bench` reports the tight loop first, with its ratios and targets."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pytest
from engine_fixtures import flower
from rich.console import Console

from engine import initialize
from tui.benchmarks import engine_speed
from tui.benchmarks.engine_speed import SCENARIOS, dict_loop, event_path, fast_path, tight_loop
from tui.cli import bench


def largest_difference(a: dict, b: dict) -> float:
    return max(float(np.max(np.abs(a[name] - b[name]))) for name in ("W1", "b1", "W2", "b2"))


@pytest.mark.parametrize("loop", [tight_loop, dict_loop])
def test_the_plain_loops_reach_the_fast_paths_parameters(loop):
    X, Y = flower()
    params = initialize("random", 2, 4, seed=3)
    fast = fast_path(X, Y, params, 100)
    plain = loop(X, Y, params, 100)
    assert largest_difference(plain, fast) < 1e-12
    # and the run really moved: a loop that did nothing would fail here
    assert largest_difference(plain, params) > 0.1


def test_the_tight_loop_matches_the_fast_path_on_many_units_and_examples():
    X, Y = engine_speed._large(m=3_000, seed=1)
    params = initialize("random", 2, 32, seed=7)
    fast = fast_path(X, Y, params, 20)
    tight = tight_loop(X, Y, params, 20)
    assert largest_difference(tight, fast) < 1e-12
    assert largest_difference(tight, params) > 1e-3


def test_the_tight_loop_leaves_its_inputs_alone():
    X, Y = flower()
    params = initialize("random", 2, 4, seed=3)
    before = {name: value.copy() for name, value in params.items()}
    tight_loop(X, Y, params, 5)
    for name, value in before.items():
        np.testing.assert_array_equal(params[name], value)


def test_the_event_path_runner_equals_the_fast_path_runner():
    X, Y = flower()
    params = initialize("random", 2, 4, seed=3)
    assert largest_difference(event_path(X, Y, params, 7), fast_path(X, Y, params, 7)) == 0.0


def test_bench_reports_the_tight_loop_first_with_ratios_and_targets(monkeypatch):
    small = dataclasses.replace(SCENARIOS["flower"], iterations=30)
    monkeypatch.setitem(engine_speed.SCENARIOS, "flower", small)
    out = io.StringIO()
    assert bench.run_bench(["flower"], 1, Console(file=out, width=140)) == 0
    text = out.getvalue()
    header = next(line for line in text.splitlines() if "tight s" in line)
    assert header.index("tight s") < header.index("fast s") < header.index("dict s")
    row = next(line for line in text.splitlines() if line.strip().startswith("flower "))
    assert ("✓" in row) or ("✗" in row)
    assert "fast × ≤ 0.75 (flower)" in text and "fast × ≤ 0.9 (scale)" in text
    assert bench.TARGETS[("flower", "fast")] == 0.75


def test_timing_ratios_are_against_the_tight_loop_unless_told():
    timing = engine_speed.Timing("x", {"tight": 2.0, "dict": 4.0, "fast": 1.0, "events": 3.0}, 0)
    assert timing.ratio("fast") == 0.5
    assert timing.ratio("events", "dict") == 0.75
