"""Settings every test run shares: a fixed environment, so snapshots and runs repeat exactly."""

import os

import pytest
from hypothesis import settings

# The terminal's colour and theme settings change what the app draws; tests that want them set
# them themselves (monkeypatch).
for variable in ("NO_COLOR", "TEXTUAL_THEME", "FORCE_COLOR", "TEXTUAL_ANIMATIONS"):
    os.environ.pop(variable, None)
os.environ["TEXTUAL_ANIMATIONS"] = "none"

settings.register_profile("stepnet", deadline=None, derandomize=True)
settings.load_profile("stepnet")


@pytest.fixture(autouse=True)
def truecolor_terminal(monkeypatch):
    """The panels pick other colours on a terminal of 16 or 256 colours (tui/app/colour_depth),
    and Textual reads the colour system from TERM: tests draw for truecolor unless they choose
    otherwise, as TEXTUAL_COLOR_SYSTEM would."""
    import textual.constants

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "truecolor")


@pytest.fixture
def anyio_backend():
    return "asyncio"
