"""Pictures of the app without a terminal: `stepnet snapshot`, and the snapshot tests.

Both build the app with `build_app`, so a handout and a test show the same thing.
"""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

from engine.config import RunConfig
from engine.errors import StepnetError
from tui.session.session import Session

DEFAULT_SIZE = (120, 40)
SIZE_LIMITS = ((60, 20), (250, 70))


def build_app(config: RunConfig, steps: int = 0, session: Session | None = None):
    """The app on `config` after `steps` steps, ready to run headless."""
    from tui.app.app import StepnetApp
    from tui.app.colour_depth import DEPTH_CLASSES

    session = session or Session(config)
    for _ in range(steps):
        session.step()
    app = StepnetApp(session)
    # an SVG holds every colour: a picture is drawn in the theme's own, whatever the terminal
    # it is made in (TERM=xterm would otherwise give it the 16-colour palette)
    app.remove_class(*DEPTH_CLASSES)
    return app


def parse_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)x(\d+)", text.strip())
    if not match:
        raise StepnetError(f"size {text!r}: write WIDTHxHEIGHT, e.g. 120x40")
    width, height = int(match[1]), int(match[2])
    (min_w, min_h), (max_w, max_h) = SIZE_LIMITS
    if not (min_w <= width <= max_w and min_h <= height <= max_h):
        raise StepnetError(
            f"size {width}x{height}: give {min_w}–{max_w} columns and {min_h}–{max_h} rows"
        )
    return width, height


async def _render(app, size: tuple[int, int], over=None) -> str:
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if over is not None:  # a screen over the panels: a sweep's pictures
            app.push_screen(over)
            await pilot.pause()
        return app.export_screenshot(title="stepnet")


def write_snapshot(
    config: RunConfig, steps: int, size: tuple[int, int], output: str, sweep: str | None = None
) -> Path:
    """Render the app after `steps` steps at `size` into an SVG file; with `sweep` ('n_h 1 2
    3', see tui.session.sweep_pictures), the sweep's pictures over it, as the app shows them."""
    if steps < 0:
        raise StepnetError(f"--steps {steps}: give 0 or more")
    path = Path(output)
    if path.suffix.lower() != ".svg":
        raise StepnetError(f"cannot write {path}: snapshots are SVG, name the file *.svg")
    app = build_app(config, steps)
    over = None
    if sweep is not None:
        from tui.app.app import UNIT_MAP_SIZE
        from tui.app.screens.sweep_screen import SweepScreen

        setting, pictures = app.session.sweep_pictures(sweep, UNIT_MAP_SIZE)
        per_row = max(1, (size[0] - 8) // (UNIT_MAP_SIZE[0] + 2))
        over = SweepScreen(setting, pictures, per_row)
    svg = asyncio.run(_render(app, size, over))
    temporary = path.with_name(f".{path.name}.partial")
    try:
        temporary.write_text(svg, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StepnetError(f"cannot write {path}: {error.strerror}") from None
    return path
