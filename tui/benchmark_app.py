"""How quickly the app answers: from a step key to the repainted screen, and how fast a run
goes inside the app compared with the engine alone.

Headless, at 120x40. Textual's headless mode computes every screen update but skips turning it
into terminal bytes; the probe here does that last part too (the bytes a terminal would get),
so a step's latency runs from the key press to the last update of the repaint it caused,
rendered, after which the screen stays quiet for `QUIET` seconds.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass

from textual._compositor import CompositorUpdate

from engine.config import RunConfig
from tui.session import Session

QUIET = 0.02


@dataclass(frozen=True)
class AppTiming:
    step_latency_median: float  # seconds
    step_latency_p90: float
    steps: int
    app_iterations_per_second: float
    engine_iterations_per_second: float

    @property
    def run_ratio(self) -> float:
        return self.app_iterations_per_second / self.engine_iterations_per_second


async def _step_latencies(steps: int, size: tuple[int, int]) -> list[float]:
    from tui.app import StepnetApp

    app = StepnetApp(Session(RunConfig()))
    latencies = []
    async with app.run_test(size=size) as pilot:
        writes: list[float] = []
        original = app._display

        def rendered_display(screen, renderable) -> None:
            original(screen, renderable)
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
                writes.append(time.perf_counter())

        app._display = rendered_display
        await pilot.pause()
        for _ in range(steps):
            await asyncio.sleep(QUIET)
            writes.clear()
            pressed = time.perf_counter()
            await pilot.press("n")
            while not writes or time.perf_counter() - writes[-1] < QUIET:
                await asyncio.sleep(0.002)
            latencies.append(writes[-1] - pressed)
    return latencies


async def _app_run_rate(iterations: int, size: tuple[int, int]) -> float:
    from tui.app import StepnetApp

    app = StepnetApp(Session(RunConfig(iterations=iterations)))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        start = time.perf_counter()
        await pilot.press("r")
        await app.workers.wait_for_complete()
        elapsed = time.perf_counter() - start
        done = app.session.stepper.iteration
    return done / elapsed


def _engine_run_rate(iterations: int) -> float:
    stepper = RunConfig().stepper()
    start = time.perf_counter()
    stepper.run(iterations, until_converged=True)
    return stepper.iteration / (time.perf_counter() - start)


def measure_app(steps: int = 200, iterations: int = 10_000, size=(120, 40)) -> AppTiming:
    latencies = asyncio.run(_step_latencies(steps, size))
    app_rate = asyncio.run(_app_run_rate(iterations, size))
    engine_rate = _engine_run_rate(iterations)
    ordered = sorted(latencies)
    return AppTiming(
        statistics.median(latencies),
        ordered[int(0.9 * (len(ordered) - 1))],
        len(latencies),
        app_rate,
        engine_rate,
    )
