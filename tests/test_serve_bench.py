"""`stepnet serve bench` against real servers on loopback: two students over SSH, then two
browser tabs over the web (the websockets their page opens), each getting a first screen and
stepping; what it reports of them is measured from their processes."""

from __future__ import annotations

import asyncio

import pytest

from tui.benchmarks import class_cost


@pytest.mark.parametrize("kind", class_cost.KINDS)
def test_a_class_of_two_is_measured_from_its_processes(tmp_path, kind):
    server = class_cost._Server(tmp_path, 2, kind)
    try:
        load = asyncio.run(class_cost._load(server, 2, 1.5))
    finally:
        server.stop()
    assert (load.kind, load.sessions) == (kind, 2)
    assert 0 < load.first_screen_median <= load.start_seconds
    # an app's start is tenths of a second of CPU, never nothing: it was counted from /proc
    assert 0.01 < load.start_cpu_per_session < 5
    assert load.steps >= 2 and 0 < load.latency_median <= load.latency_p90
    assert 0 < load.private_per_session < load.rss_per_session
