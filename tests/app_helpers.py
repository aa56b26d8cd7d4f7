"""Building the app for tests, and reading what it shows."""

from __future__ import annotations

import inspect
import unicodedata
from functools import lru_cache
from pathlib import Path

from rich.color import ColorSystem
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.filter import LineFilter
from textual.geometry import Size
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

from engine.config import RunConfig
from tui.app.app import StepnetApp
from tui.session.session import Session

WIDE = (120, 40)
SMALL = (80, 24)

_DATA: dict[tuple[str, float], tuple] = {}  # the training examples, by data set and test split


def new_app(**changes) -> StepnetApp:
    """The app on the default setup (flower, n_h=4, tanh, α=1.2, seed 3), with `changes`."""
    config = RunConfig(**changes)
    key = (config.data, config.test_split)
    if key not in _DATA:
        _DATA[key] = config.load_data()
    return StepnetApp(Session(config, data=_DATA[key]))


def panel_text(app: StepnetApp, selector: str) -> str:
    """The plain text a Static-based panel shows now."""
    content = app.screen.query_one(selector).content
    return getattr(content, "plain", str(content))


def lesson_app(name: str) -> StepnetApp:
    """The app in the shipped lesson `name`, before its first beat is entered."""
    from tui.lessons.lesson_file import find_lesson, load_lesson
    from tui.lessons.player import LessonPlayer

    return StepnetApp(Session(RunConfig()), lesson=LessonPlayer(load_lesson(find_lesson(name))))


async def settle(app: StepnetApp, pilot) -> None:
    """Wait for a beat (or run) in the worker to finish and its result to be drawn."""
    await app.workers.wait_for_complete()
    await pilot.pause()


def key_event(key: str) -> events.Key:
    """The Key event a terminal's driver makes for `key` (a Textual key name or a character)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


async def burst(pilot, *inputs: str) -> None:
    """Send `inputs` the way a terminal read delivers them: all queued before the app handles
    any (pilot.press waits for idle after each key, which hides races). An input is a key name,
    "paste:TEXT" or "resize:WxH"."""
    app = pilot.app
    for item in inputs:
        kind, _, rest = item.partition(":")
        if kind == "paste" and rest:
            message = events.Paste(rest)
        elif kind == "resize" and rest:
            size = Size(*map(int, rest.split("x")))
            app._driver._size = size  # the headless driver answers size queries from this
            message = events.Resize(size, size)
        else:
            message = key_event(item)
        message.set_sender(app)
        app._driver.send_message(message)
    await pilot.pause()


async def settle_layout(pilot) -> None:
    """Wait out a resize: the app rebuilds its layout once the size has held still."""
    from tui.app.app import LAYOUT_SETTLE

    await pilot.pause(LAYOUT_SETTLE * 2)
    await pilot.pause()


async def settle_keys(app, pilot) -> None:
    """Wait until keys the app held back (while a dialog came or went) have all been handled."""
    for _ in range(100):
        await pilot.pause(0.02)
        if not getattr(app, "_held", None):
            break
    await pilot.pause()


class PaletteRounding(LineFilter):
    """Every colour rounded to the palette of `system`, as Rich rounds it when it writes to a
    terminal of that many colours: a snapshot, always drawn in truecolor, then shows what such a
    terminal shows (with Rich's own palette for the terminal's)."""

    def __init__(self, system: ColorSystem):
        super().__init__()
        self.system = system

    @lru_cache(maxsize=1024)  # noqa: B019 (one filter per test app: the cache dies with it)
    def rounded(self, style: Style) -> Style:
        color = None if style.color is None else style.color.downgrade(self.system)
        bgcolor = None if style.bgcolor is None else style.bgcolor.downgrade(self.system)
        return style + Style.from_color(color, bgcolor)

    def apply(self, segments: list[Segment], background) -> list[Segment]:
        return [
            Segment(text, None if style is None else self.rounded(style), control)
            for text, style, control in segments
        ]


class LimitedColourApp(StepnetApp):
    """The app on a terminal of fewer colours. Build it with textual.constants.COLOR_SYSTEM
    set to the same system (monkeypatch), which is what TERM=xterm makes Textual choose."""

    # Textual finds a relative CSS_PATH beside the subclass's module: point at the app's own
    CSS_PATH = Path(inspect.getfile(StepnetApp)).with_name(str(StepnetApp.CSS_PATH))

    def __init__(self, session: Session, system: ColorSystem):
        super().__init__(session)
        self._rounding = PaletteRounding(system)

    def get_line_filters(self):
        return [*super().get_line_filters(), self._rounding]
