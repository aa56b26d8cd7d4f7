"""Pictures of the app, compared with accepted SVGs in tests/__snapshots__.

Plain `def` tests (pytest-textual-snapshot runs the app itself). Every picture here was looked
at before it was accepted; `pytest --snapshot-update` rewrites them all, so look again after.
"""

from __future__ import annotations

import textual.constants
from rich.color import ColorSystem

from engine.config import RunConfig
from engine.steps import STEP_INDEX
from tui.app.snapshot import build_app

WIDE = (120, 40)
SMALL = (80, 24)


def steps_to(name: str, iteration: int = 0) -> int:
    """How many steps put `name` of `iteration` on screen."""
    return iteration * 15 + STEP_INDEX[name] + 1


def test_start_screen(snap_compare):
    assert snap_compare(build_app(RunConfig()), terminal_size=WIDE)


def test_forward_step_z1(snap_compare):
    assert snap_compare(build_app(RunConfig(), steps_to("Z1")), terminal_size=WIDE)


def test_cost_step(snap_compare):
    assert snap_compare(build_app(RunConfig(), steps_to("cost")), terminal_size=WIDE)


def test_backward_step_dz1(snap_compare):
    assert snap_compare(build_app(RunConfig(), steps_to("dZ1")), terminal_size=WIDE)


def test_update_step_w1(snap_compare):
    assert snap_compare(build_app(RunConfig(), steps_to("W1", 2)), terminal_size=WIDE)


def test_zero_init_after_a_50_iteration_run(snap_compare):
    # sigmoid hidden units: zero weights still learn (A1 = 0.5), and stay identical
    app = build_app(RunConfig(init="zeros", activation="sigmoid"))

    async def run_50(pilot):
        app.session.stepper.run(50)
        app.refresh_from_session()
        await pilot.pause()

    assert snap_compare(app, terminal_size=WIDE, run_before=run_50)


def test_breakpoint_hit(snap_compare):
    app = build_app(RunConfig(), steps_to("dW1"))

    async def break_and_run(pilot):
        await pilot.press("k", "r")
        await app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=WIDE, run_before=break_and_run)


def test_help_screen(snap_compare):
    assert snap_compare(build_app(RunConfig()), press=["question_mark"], terminal_size=WIDE)


def test_breakpoints_and_watches_listed(snap_compare):
    # one of each kind, one switched off: what K shows, over the step the breakpoint is on
    app = build_app(RunConfig(), steps_to("dW1"))

    async def set_and_list(pilot):
        await pilot.press("k")
        for text in ("cost rises", "b2 changes by > 0.01"):
            app.session.add_breakpoint(text)
        app.session.add_watch("abs(dW1).max()")
        app.session.toggle_breakpoint_enabled(1)
        await pilot.press("K")
        await pilot.pause()

    assert snap_compare(app, terminal_size=WIDE, run_before=set_and_list)


def test_small_terminal_80x24(snap_compare):
    assert snap_compare(build_app(RunConfig(), steps_to("dW1")), terminal_size=SMALL)


def test_lesson_beat(snap_compare):
    from app_helpers import lesson_app, settle

    app = lesson_app("zero-initialization")

    async def second_beat(pilot):
        await settle(app, pilot)
        await pilot.press("greater_than_sign")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=WIDE, run_before=second_beat)


def test_mistake_w2_not_transposed_shape_error(snap_compare):
    # the learner's dZ1 = np.dot(W2, dZ2): the step cannot be computed, and the screen shows
    # the two shapes that fail to line up instead of a traceback
    app = build_app(RunConfig(mistake="W2-not-transposed"), steps_to("dZ1"))
    assert snap_compare(app, terminal_size=WIDE)


def test_what_if_edit_on_the_status_line(snap_compare):
    # the branch stays marked on the status line while its edit is in effect
    app = build_app(RunConfig(), steps_to("b2", 9))

    async def edit_and_step(pilot):
        app.session.edit("W1[2, 0] = 0.0")
        app.session.step()
        app.refresh_from_session()
        await pilot.pause()

    assert snap_compare(app, terminal_size=WIDE, run_before=edit_and_step)


def test_test_split_scores_on_the_status_line(snap_compare):
    # training and held-out numbers side by side, then the confusion matrices on c
    app = build_app(RunConfig(test_split=0.2))

    async def run_and_score(pilot):
        app.session.stepper.run(300)
        app.refresh_from_session()
        await pilot.press("c")
        await pilot.pause()

    assert snap_compare(app, terminal_size=WIDE, run_before=run_and_score)


def test_gradient_check_catches_a_missing_one_over_m(snap_compare):
    app = build_app(RunConfig(mistake="no-1-over-m"), steps_to("db1"))
    assert snap_compare(app, terminal_size=WIDE, press=["v"])


def test_cost_curve_scrubbed_back(snap_compare):
    # the whole run stays drawn; ▲ on the axis marks the iteration on screen
    app = build_app(RunConfig())

    async def run_and_scrub(pilot):
        app.session.stepper.run(600)
        app.refresh_from_session()  # as a run in the app ends: the screen shows iteration 599
        app.session.goto_iteration(200)
        app.refresh_from_session()
        await pilot.pause()

    assert snap_compare(app, terminal_size=WIDE, run_before=run_and_scrub)


def test_unit_maps_live_with_a_unit_followed(snap_compare):
    # after a run, a2 followed: ▸ on its map, its node and its row of Z[1], the next step's
    app = build_app(RunConfig(hidden=5))

    async def run_and_follow(pilot):
        app.session.stepper.run(1000)
        app.refresh_from_session()
        await pilot.press("u", "u", "n")
        await pilot.pause()

    assert snap_compare(app, terminal_size=WIDE, run_before=run_and_follow)


def test_sweep_of_hidden_sizes_as_pictures(snap_compare):
    # the notebook's figure: a boundary per n_h, with its training accuracy
    app = build_app(RunConfig(iterations=5000))

    async def sweep(pilot):
        setting, pictures = app.session.sweep_pictures("n_h 1 2 3 4 5", (16, 8))
        from tui.app.screens.sweep_screen import SweepScreen

        app.push_screen(SweepScreen(setting, pictures, 5))
        await pilot.pause()

    assert snap_compare(app, terminal_size=WIDE, run_before=sweep)


def test_distributions_over_a_run(snap_compare):
    app = build_app(RunConfig())

    async def run_and_show(pilot):
        app.session.stepper.run(2000)
        app.refresh_from_session()
        await pilot.press("d")
        await pilot.pause()

    assert snap_compare(app, terminal_size=WIDE, run_before=run_and_show)


def _on_fewer_colours(monkeypatch, name: str, system: ColorSystem):
    # what TERM=xterm (16) or TERM=xterm-256color makes Textual choose
    from app_helpers import LimitedColourApp

    from tui.session.session import Session

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", name)
    return LimitedColourApp(Session(RunConfig()), system)


async def _run_300_then_to_w1(pilot):
    # a boundary with both classes' regions, and W1 with both signs in the value panel
    app = pilot.app
    app.session.stepper.run(300)
    for _ in range(STEP_INDEX["W1"] + 1):
        app.session.step()
    app.refresh_from_session()
    await pilot.pause()


def test_16_colours_boundary_glyphs_and_signs(snap_compare, monkeypatch):
    app = _on_fewer_colours(monkeypatch, "standard", ColorSystem.STANDARD)
    assert snap_compare(app, terminal_size=WIDE, run_before=_run_300_then_to_w1)


def test_256_colours_boundary_glyphs_and_signs(snap_compare, monkeypatch):
    app = _on_fewer_colours(monkeypatch, "256", ColorSystem.EIGHT_BIT)
    assert snap_compare(app, terminal_size=WIDE, run_before=_run_300_then_to_w1)


def test_truecolor_boundary_glyphs_and_signs(snap_compare):
    # the same screen in the theme's own colours, to compare the two above with
    assert snap_compare(build_app(RunConfig()), terminal_size=WIDE, run_before=_run_300_then_to_w1)
