"""How quickly the app answers: from a step key to the repainted screen, and how fast a run
goes inside the app compared with the engine alone.

Headless, at 120x40. Textual's headless mode computes every screen update but skips turning it
into terminal bytes; the probe here does that last part too (the bytes a terminal would get),
so a step's latency runs from the key press to the repaint that shows the step ("shown"), and
to the last repaint it causes, after which the screen stays quiet for `QUIET` s ("settled").
A run's speed is measured from the r key to the worker's end: its start-up and its final full
redraw count against it.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass

from textual import events
from textual._compositor import CompositorUpdate

from engine.config import RunConfig
from tui.session.session import Session

QUIET = 0.02


@dataclass(frozen=True)
class AppTiming:
    shown_median: float  # seconds from a step key to the repaint that shows the step
    settled_median: float  # … to the last repaint it caused (scroll bars and the like)
    settled_p90: float
    steps: int
    run_ratios: dict[int, float]  # iterations of a run → app rate / headless rate (medians)


async def _step_latencies(steps: int, size: tuple[int, int]) -> list[tuple[float, float]]:
    """(shown, settled) seconds for each of `steps` presses of n."""
    from tui.app.app import StepnetApp

    app = StepnetApp(Session(RunConfig()))
    latencies = []
    async with app.run_test(size=size) as pilot:
        repaints: list[float] = []
        original = app._display

        def rendered_display(screen, renderable) -> None:
            original(screen, renderable)
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
                repaints.append(time.perf_counter())

        app._display = rendered_display
        await pilot.pause()
        for _ in range(steps):
            await asyncio.sleep(QUIET)
            repaints.clear()
            pressed = time.perf_counter()
            app.post_message(events.Key("n", "n"))  # as a terminal sends it
            while not repaints or time.perf_counter() - repaints[-1] < QUIET:
                await asyncio.sleep(0.001)
            latencies.append((repaints[0] - pressed, repaints[-1] - pressed))
    return latencies


async def _app_run_rate(iterations: int, size: tuple[int, int]) -> float:
    """Iterations per second inside the app's run worker, for a run of `iterations`."""
    from tui.app.app import StepnetApp

    app = StepnetApp(Session(RunConfig(iterations=iterations)))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        start = time.perf_counter()
        app.post_message(events.Key("r", "r"))
        await asyncio.sleep(0.01)
        await app.workers.wait_for_complete()
        elapsed = time.perf_counter() - start
        return app.session.stepper.iteration / elapsed


def _engine_run_rate(iterations: int) -> float:
    stepper = RunConfig(iterations=iterations).stepper()
    start = time.perf_counter()
    stepper.run(iterations, until_converged=True)
    return stepper.iteration / (time.perf_counter() - start)


RUN_LENGTHS = (10_000, 50_000)  # the course's run, and one long enough to show the steady rate


# A 10,000-iteration run takes a third of a second, and on a shared machine single runs of it,
# in the app and headless alike, spread from 0.6 to 1.1 of their median: the ratio needs many
RUN_REPEATS = 9


def measure_app(steps: int = 200, repeats: int = RUN_REPEATS, size=(120, 40)) -> AppTiming:
    latencies = asyncio.run(_step_latencies(steps, size))
    ratios = {}
    for iterations in RUN_LENGTHS:
        app_rates, engine_rates = [], []
        for _ in range(repeats):  # interleaved, so that a noisy machine slows both alike
            app_rates.append(asyncio.run(_app_run_rate(iterations, size)))
            engine_rates.append(_engine_run_rate(iterations))
        ratios[iterations] = statistics.median(app_rates) / statistics.median(engine_rates)
    settled = sorted(latency for _, latency in latencies)
    return AppTiming(
        statistics.median(shown for shown, _ in latencies),
        statistics.median(settled),
        settled[int(0.9 * (len(settled) - 1))],
        len(latencies),
        ratios,
    )
