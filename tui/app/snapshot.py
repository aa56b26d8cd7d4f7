"""Pictures of the app without a terminal: `stepnet snapshot`, and the snapshot tests.

Both build the app with `build_app` (the tests) or `placed_app`, so a handout and a test show
the same thing. A picture is Textual's SVG, or a PNG drawn cell by cell (tui/app/picture).
"""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

from engine.config import RunConfig
from engine.errors import StepnetError
from tui.app.snapshot_place import Place, placed_app
from tui.session.session import Session

DEFAULT_SIZE = (120, 40)
SIZE_LIMITS = ((60, 20), (250, 70))
FORMATS = ("png", "svg")


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


def picture_format(path: Path, given: str | None) -> str:
    """png or svg: `given` (--format), else the file's extension; the two must agree."""
    suffix = path.suffix.lower().lstrip(".")
    if given is None:
        if suffix not in FORMATS:
            raise StepnetError(
                f"cannot write {path}: name the file *.png or *.svg, or give --format png|svg"
            )
        return suffix
    if suffix != given:
        raise StepnetError(f"cannot write {path} as {given}: name the file *.{given}")
    return given


async def _render(app, size: tuple[int, int], form: str, over=None, cursor=None) -> str | bytes:
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()  # a lesson's beat is shown once it is entered
        await pilot.pause()
        if cursor is not None:  # over a beat's own highlight, too
            from tui.app.panels.value.value_panel import ValuePanel

            for panel in app.query(ValuePanel).results():
                panel.cursor = cursor
            await pilot.pause()
        if over is not None:  # a screen over the panels: a sweep's pictures
            app.push_screen(over)
            await pilot.pause()
        if form == "png":
            from tui.app.picture.png_picture import app_png

            return app_png(app)
        return app.export_screenshot(title="stepnet")


def write_snapshot(
    config: RunConfig,
    place: Place,
    size: tuple[int, int],
    output: str,
    sweep: str | None = None,
    form: str | None = None,
) -> Path:
    """Render the app at `place` at `size` into a PNG or SVG file (`form`, else the name's
    extension); with `sweep` ('n_h 1 2 3', see tui.session.sweep_pictures), the sweep's
    pictures over it, as the app shows them."""
    path = Path(output)
    form = picture_format(path, form)
    app, cursor = placed_app(config, place)
    over = None
    if sweep is not None:
        from tui.app.app import SWEEP_PICTURE_SIZE
        from tui.app.screens.sweep_screen import SweepScreen

        setting, pictures = app.session.sweep_pictures(sweep, SWEEP_PICTURE_SIZE)
        per_row = max(1, (size[0] - 8) // (SWEEP_PICTURE_SIZE[0] + 2))
        over = SweepScreen(setting, pictures, per_row)
    picture = asyncio.run(_render(app, size, form, over, cursor))
    temporary = path.with_name(f".{path.name}.partial")
    try:
        if isinstance(picture, bytes):
            temporary.write_bytes(picture)
        else:
            temporary.write_text(picture, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StepnetError(f"cannot write {path}: {error.strerror}") from None
    return path
