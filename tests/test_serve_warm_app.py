"""The warm process draws the served app once (tui/serve/warm_app.py): an app made after that
parses no stylesheet source anew and draws the same first screen as one made without it."""

from __future__ import annotations

import asyncio

import pytest
from textual.css import stylesheet as textual_stylesheet

from engine.config import RunConfig
from tui.serve import warm_app
from tui.serve.confined_app import ConfinedApp, ConfinedSession
from tui.serve.confinement import Confinement, EngineCaps

SIZE = warm_app.REHEARSAL_SIZE


@pytest.fixture
def parses(monkeypatch) -> list[tuple]:
    """Where each stylesheet source parsed from now on was read from: Textual's parser, not
    its cache of what it parsed before."""
    parsed: list[tuple] = []
    parse = textual_stylesheet.parse

    def counted(scope, css, read_from, *args, **kwargs):
        parsed.append(read_from)
        return parse(scope, css, read_from, *args, **kwargs)

    monkeypatch.setattr(textual_stylesheet, "parse", counted)
    return parsed


@pytest.fixture
def rehearsed(monkeypatch) -> None:
    # what rehearse keeps is the process's; the test's ends with it
    monkeypatch.setattr(ConfinedApp, "_kept_stylesheet", None)
    warm_app.rehearse()


def served_app(folder) -> ConfinedApp:
    confinement = Confinement(folder, EngineCaps())
    return ConfinedApp(ConfinedSession(RunConfig(), confinement=confinement))


async def first_screen(app: ConfinedApp) -> list[str]:
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_an_app_made_after_the_rehearsal_parses_no_source_anew(tmp_path, rehearsed, parses):
    app = served_app(tmp_path)
    kept = ConfinedApp._kept_stylesheet[1]
    assert app.stylesheet is kept
    lines = await first_screen(app)
    assert parses == []
    assert any("Z[1] = W[1]" in line for line in lines)


def test_its_first_screen_is_the_one_an_app_parsing_its_own_draws(tmp_path, monkeypatch):
    monkeypatch.setattr(ConfinedApp, "_kept_stylesheet", None)
    parsed_itself = asyncio.run(first_screen(served_app(tmp_path)))
    warm_app.rehearse()  # runs an app itself: not inside a running loop
    assert asyncio.run(first_screen(served_app(tmp_path))) == parsed_itself


async def test_a_theme_of_other_variables_parses_its_own(tmp_path, rehearsed, parses):
    variables, stylesheet = ConfinedApp._kept_stylesheet
    ConfinedApp._kept_stylesheet = ({**variables, "primary": "#123456"}, stylesheet)
    app = served_app(tmp_path)
    assert app.stylesheet is not stylesheet
    await first_screen(app)
    assert parses
