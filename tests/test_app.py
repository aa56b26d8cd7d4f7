"""The app driven with real key presses: every binding, run and pause, stepping back, symmetry,
save and resume, watches and breakpoints."""

from __future__ import annotations

import asyncio
import gc
import re
import time

import numpy as np
import pytest
from app_helpers import SMALL, WIDE, lesson_app, new_app, panel_text, settle_layout
from rich.style import Style
from textual import events

from engine.steps import STEPS, STEPS_PER_ITERATION
from tui.app.commands import COMMANDS
from tui.app.screens.help_screen import HelpScreen
from tui.app.screens.prompt_screen import PromptScreen
from tui.session.formatting import number, uses_scientific
from tui.session.session import Session


async def type_answer(pilot, text: str) -> None:
    """Answer the open prompt: digits are typed key by key, anything else pasted."""
    assert isinstance(pilot.app.screen, PromptScreen)
    field = pilot.app.screen.query_one("Input")
    field.value = ""
    if text.isdigit():
        await pilot.press(*text)
    else:
        field.value = text
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize("size", [WIDE, SMALL])
async def test_n_and_space_step_forward_and_the_formula_panel_follows(size):
    app = new_app()
    async with app.run_test(size=size) as pilot:
        for expected, key in enumerate(["n", "space", "n", "n", "n"], start=1):
            await pilot.press(key)
            stepper = app.session.stepper
            assert stepper.cursor == expected
            assert stepper.event.formula in panel_text(app, "#formula")
            assert app.view.event.name == STEPS[expected - 1].name


async def test_p_steps_back_across_an_iteration_boundary_exactly():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(STEPS_PER_ITERATION + 2):
            await pilot.press("n")
        Z1_of_iteration_1 = app.session.stepper.state()["Z1"].copy()
        b2_after_iteration_0 = app.session.stepper.parameters()["b2"]
        await pilot.press("p", "p")
        event = app.session.stepper.event
        assert (event.iteration, event.name) == (0, "b2")
        np.testing.assert_array_equal(event.value, b2_after_iteration_0)
        await pilot.press("n")
        np.testing.assert_array_equal(app.session.stepper.state()["Z1"], Z1_of_iteration_1)


async def test_p_at_the_start_says_so_instead_of_failing():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("p")
        assert app.session.stepper.cursor == 0
        assert "already at the start" in panel_text(app, "#status")


async def test_i_finishes_the_iteration():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n", "n", "i")
        assert app.session.stepper.cursor == STEPS_PER_ITERATION
        await pilot.press("i")
        assert app.session.stepper.cursor == 2 * STEPS_PER_ITERATION


async def test_r_runs_in_the_background_and_r_again_pauses_within_100_ms():
    app = new_app(iterations=1_000_000)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("r")
        deadline = time.monotonic() + 5
        # the run goes in a child process: the screen's View is how far it has got
        while app.view.iteration < 200 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert app.running
        await pilot.press("n")  # ignored while running: stepping would race the worker
        # the key goes in as a terminal would send it; pilot.press would also wait for the
        # screen to settle, which is not what a user waits for
        pressed = time.monotonic()
        app.post_message(events.Key("r", "r"))
        while app.running and time.monotonic() - pressed < 2:
            await asyncio.sleep(0.001)
        assert not app.running
        assert time.monotonic() - pressed < 0.1
        assert "paused at iteration" in panel_text(app, "#status")
        stopped_at = app.session.stepper.cursor
        await pilot.press("n")
        assert app.session.stepper.cursor == stopped_at + 1


async def test_r_runs_to_convergence_or_the_iteration_limit():
    app = new_app(iterations=300)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.stepper.iteration == 300
        assert "iteration limit (300)" in panel_text(app, "#status")
        assert app.view.iteration == 299


async def test_g_goes_to_an_iteration_exactly():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("g")
        await type_answer(pilot, "25")
        stepper = app.session.stepper
        assert stepper.cursor == 25 * STEPS_PER_ITERATION + 1
        W1_at_25 = stepper.state()["W1"].copy()
        await pilot.press("g")
        await type_answer(pilot, "3")
        await pilot.press("g")
        await type_answer(pilot, "25")
        np.testing.assert_array_equal(stepper.state()["W1"], W1_at_25)
        await pilot.press("g")
        await type_answer(pilot, "soon")
        assert "not an iteration" in panel_text(app, "#status")


async def test_z_makes_every_hidden_unit_identical_and_x_breaks_the_symmetry():
    app = new_app(init="constant:0.5")
    async with app.run_test(size=WIDE) as pilot:
        assert "all 4 hidden units identical (the symmetry is unbroken)" in panel_text(
            app, "#status"
        )
        await pilot.press("x")
        assert "all 4 hidden units differ (weights by up to" in panel_text(app, "#status")
        await pilot.press("z")
        assert app.session.config.init == "zeros"
        assert "all 4 hidden units identical (the symmetry is unbroken)" in panel_text(
            app, "#status"
        )


async def test_symmetry_holds_through_a_run_after_constant_init():
    app = new_app(init="constant:0.5", activation="sigmoid", iterations=50)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        params = app.session.stepper.parameters()
        assert not np.all(params["W1"] == 0.5)  # it learned
        assert (params["W1"] == params["W1"][0]).all()
        assert "all 4 hidden units identical (the symmetry is unbroken)" in panel_text(
            app, "#status"
        )


async def test_a_cycles_the_activation_and_plus_minus_change_n_h():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("a")
        assert app.session.config.activation == "sigmoid"
        await pilot.press("plus")
        assert app.session.config.hidden == 5
        assert app.view.dims["n[1]"] == 5
        await pilot.press("minus", "minus")
        assert app.session.config.hidden == 3


async def test_square_brackets_halve_and_double_the_learning_rate():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("right_square_bracket")
        assert app.session.config.learning_rate == 2.4
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert app.session.config.learning_rate == 0.6
        assert "α 0.6" in panel_text(app, "#status")


async def test_k_sets_a_breakpoint_that_stops_a_run():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(10):  # dW1
            await pilot.press("n")
        await pilot.press("k")
        assert "dW1" in app.view.breakpoints
        assert "●" in panel_text(app, "#steps")
        await pilot.press("i", "r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        event = app.session.stepper.event
        assert (event.iteration, event.name) == (1, "dW1")
        assert "breakpoint: dW1" in panel_text(app, "#status")
        await pilot.press("k")
        assert "dW1" not in app.view.breakpoints


async def test_w_adds_a_watch_and_refuses_a_bad_one_in_place():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("w")
        await type_answer(pilot, "abs(dW1).max()")
        # the reason wraps onto a second line in the panel rather than be cut, and is set
        # apart by a colon: it is no value (it read "abs(dW1).max() = dW1 is not computed")
        assert " ".join(panel_text(app, "#watches").split()) == (
            "abs(dW1).max(): dW1 is not computed yet in this iteration"
        )
        for _ in range(10):
            await pilot.press("n")
        expected = np.abs(app.session.stepper.state()["dW1"]).max()
        assert panel_text(app, "#watches").startswith(f"abs(dW1).max() = {expected:+.4f}")
        await pilot.press("w")
        await type_answer(pilot, "__import__('os').system('true')")
        assert len(app.session.watches) == 1
        assert "not allowed" in panel_text(app, "#status") or "cannot" in panel_text(app, "#status")


async def test_s_saves_a_session_that_resumes_exactly(tmp_path):
    app = new_app(init="constant:0.5", activation="sigmoid")
    path = tmp_path / "lesson.json"
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(40):
            await pilot.press("n")
        await pilot.press("k", "w")
        await type_answer(pilot, "W2 @ A1")
        await pilot.press("s")
        await type_answer(pilot, str(path))
        assert path.exists()
        original = app.session.stepper
    resumed = Session.resume(str(path))
    assert resumed.stepper.cursor == original.cursor
    for name, value in original.parameters().items():
        np.testing.assert_array_equal(resumed.stepper.parameters()[name], value)
    np.testing.assert_array_equal(resumed.stepper.event.value, original.event.value)
    assert resumed.step_breakpoints == {original.event.name}
    assert [watch.text for watch in resumed.watches] == ["W2 @ A1"]


async def test_question_mark_shows_help_for_every_command_and_escape_closes_it():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = panel_text(app, "#help-text")
        for command in COMMANDS:
            assert command.help in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_q_quits():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_every_key_in_the_command_table_is_bound_to_its_action():
    """The command table is the one source of keys (the tests above press each of them)."""
    app = lesson_app("zero-initialization")  # in a lesson, the beat keys are live too
    async with app.run_test(size=WIDE):
        bound = app.screen.active_bindings
        for command in COMMANDS:
            if not command.keys:
                continue  # a command of the palette alone: see the palette test below
            if not hasattr(app, "action_" + command.action.partition("(")[0]):
                continue  # a mode's own command (y: --student), bound in its app's tests
            for key in command.keys.split(","):
                assert bound[key].binding.action == command.action, key


async def test_a_terminal_too_small_gets_a_message_not_a_crash():
    app = new_app()
    async with app.run_test(size=(50, 15)) as pilot:
        await pilot.pause()
        assert "at least 60×20" in panel_text(app, "#too-small")
        await pilot.resize_terminal(120, 40)
        await settle_layout(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert app.session.stepper.event.formula in panel_text(app, "#formula")


async def test_no_color_renders_without_crashing(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        for key in ("n", "n", "n", "n", "n", "i", "question_mark", "escape", "z", "n"):
            await pilot.press(key)
        await pilot.pause()
        assert app.is_running


def forget_rendered_codes() -> None:
    """Rich and Textual keep a style's escape codes on the style (`_ansi`), whatever colour
    system they were made for, and styles are shared: a truecolor render earlier in this test
    process would be sent again as it was. A real app has one colour system all its life."""
    for thing in gc.get_objects():
        if isinstance(thing, Style):
            thing._ansi = None


@pytest.mark.parametrize(
    ("color_system", "refused"),
    [("standard", ("38;5;", "48;5;", "38;2;", "48;2;")), ("256", ("38;2;", "48;2;"))],
)
async def test_16_and_256_colour_terminals_get_only_their_colours(
    monkeypatch, color_system, refused
):
    """What a terminal is sent, as a 16- or 256-colour console turns the screen into bytes."""
    import textual.constants
    from textual._compositor import CompositorUpdate

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", color_system)
    forget_rendered_codes()
    app = new_app()
    sent: list[str] = []
    original = app._display

    def display(screen, renderable) -> None:
        original(screen, renderable)
        if isinstance(renderable, CompositorUpdate):
            sent.append(renderable.render_segments(app.console))

    app._display = display
    async with app.run_test(size=WIDE) as pilot:
        # u: the unit followed is marked in the maps, the network and the matrices too
        for key in ("u", *["n"] * 10, "question_mark", "escape"):
            await pilot.press(key)
        await pilot.pause()
    assert app.console.color_system == color_system
    text = "".join(sent)
    assert "\x1b[" in text and "dW1" in text and "▸a1" in text
    assert not [code for code in refused if code in text]


async def test_resizing_between_layouts_keeps_the_footer_keys_and_the_step():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n", "n", "n")
        await pilot.resize_terminal(*SMALL)
        await settle_layout(pilot)
        assert app.layout_mode == "compact"
        assert len(app.screen.query("FooterKey")) >= 5
        assert app.session.stepper.event.formula in panel_text(app, "#formula")
        await pilot.resize_terminal(*WIDE)
        await settle_layout(pilot)
        assert app.layout_mode == "wide"
        assert len(app.screen.query("FooterKey")) >= 5
        assert "▶" in panel_text(app, "#steps")


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
async def test_a_diverging_run_stops_and_names_the_step_without_crashing():
    app = new_app(activation="relu", learning_rate=1e6)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        event = app.session.stepper.event
        assert not event.finite
        status = panel_text(app, "#status")
        assert f"{event.name} became NaN or Inf at iteration {event.iteration}" in status
        assert "accuracy n/a" in status or "accuracy" in status
        for key in ("n", "p", "i"):
            await pilot.press(key)
        assert app.is_running


async def test_panels_keep_up_while_the_help_screen_covers_them():
    app = new_app(iterations=300)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("r", "question_mark")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert "iteration 299" in panel_text(app, "#formula")


@pytest.mark.parametrize("size", [WIDE, SMALL])
async def test_both_layouts_hold_every_panel_of_the_placement_table_once(size):
    from tui.app.panels.placement import PLACES

    app = new_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("n")
        for place in PLACES:
            (panel,) = app.screen.query(f"#{place.id}")
            assert type(panel) is place.panel
        if size == SMALL:
            tabs = [pane.id for pane in app.screen.query("TabPane")]
            # the compact layout's tabs, in the order they had before the table, and the unit
            # maps beside the boundary
            names = ("value", "steps", "network", "boundary", "units", "cost", "watches")
            assert tabs == [f"tab-{name}" for name in names]


async def test_the_palette_offers_the_command_table_and_the_keyless_commands_run_from_it():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("w")
        await type_answer(pilot, "abs(dW1).max()")
        titles = {command.title: command for command in app.get_system_commands(app.screen)}
        assert "step (n)" in titles and "add breakpoint condition…" in titles
        await titles["remove all watches"].callback()
        await pilot.pause()
        assert app.session.watches == []
        assert "all watches removed" in panel_text(app, "#status")


async def test_a_screenshot_is_saved_where_the_user_is_and_the_app_says_where(
    tmp_path, monkeypatch
):
    # HOME without a Downloads folder: Textual's own delivery fails there with no path named
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        app.action_screenshot()
        await pilot.pause()
        (saved,) = tmp_path.glob("stepnet *.svg")
        assert saved.read_text(encoding="utf-8").startswith("<svg")
        assert app.session.message == f"screenshot saved as {saved.resolve()}"


async def test_arrow_keys_move_the_value_cursor_after_the_cost_step_too():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(6):  # on past the cost, whose value is a number and hides the matrix
            await pilot.press("n")
            await pilot.pause(0.2)
        assert app.session.stepper.event.name == "dZ2"
        await pilot.press("right", "right")
        assert app.screen.query_one("#value").cursor == (0, 2)
        assert app.session.selection == (0, 2)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "solarized-light"])
async def test_panel_borders_stand_out_from_the_background_in_dark_and_light_themes(theme):
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        app.theme = theme
        await pilot.pause()
        for selector in ["#network", "#steps", "#formula", "#value", "#boundary", "#cost"]:
            panel = app.screen.query_one(selector)
            border = panel.styles.border_top[1]
            background = panel.background_colors[1]
            assert abs(border.brightness - background.brightness) > 0.2, (selector, border)


async def test_accuracy_between_the_updates_says_it_mixes_new_and_old_parameters():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press(*["n"] * 12)  # up to the W[1] update
        assert app.session.stepper.event.name == "W1"
        assert "(mixed: new W[1], old b[1] W[2] b[2])" in panel_text(app, "#status")
        await pilot.press("n", "n", "n")  # b[2] updated too: one network again
        assert "mixed" not in panel_text(app, "#status")


async def test_x_after_the_zero_init_mistake_gives_random_weights_and_says_so():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        app.session.set_mistake("zero-init")
        app.refresh_from_session()
        assert app.view.symmetry.identical_units == 4
        await pilot.press("x")
        status = panel_text(app, "#status")
        assert app.session.config.mistake is None
        assert app.view.symmetry.identical_units == 0  # the settings line's random×0.01 is true
        assert "init random×0.01" in status and "MISTAKE" not in status
        assert "the mistake zero-init is undone" in status


def test_the_symmetry_is_said_in_words_for_one_some_and_all_units():
    from engine.diagnostics import Symmetry
    from tui.app.panels.status_bar import symmetry_words

    assert symmetry_words(Symmetry(((0,),), 0.0)) == "1 hidden unit: no other to be identical to"
    assert (
        symmetry_words(Symmetry(((0, 1), (2,)), 0.5)) == "2 of 3 hidden units identical to another"
    )
    assert symmetry_words(Symmetry(((0,), (1,)), 23.6)) == (
        "all 2 hidden units differ (weights by up to 23.6)"
    )


async def test_a_watchs_history_shows_j_move_with_the_digits_it_needs_and_no_pending_lines():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        for watch in ("costs[-1]", "abs(dW1).max()"):
            await pilot.press("w")
            await type_answer(pilot, watch)
        await pilot.press(*["n"] * (2 * STEPS_PER_ITERATION + 5))  # iteration 2's cost
        await pilot.pause()
        costs = app.session.stepper.costs
        # J moves by 3e-5 an iteration here: four decimals would write it the same each time
        gaps = -np.diff(costs[:3])
        assert ((gaps > 1e-5) & (gaps < 1e-4)).all()
        assert len({f"{cost:.4f}" for cost in costs[:3]}) < 3
        lines = panel_text(app, "#watches").splitlines()
        assert lines[0] == f"costs[-1] = {costs[2]:+.6f}"
        assert lines[1] == f"  before: {costs[1]:+.6f} ← {costs[0]:+.6f}"
        # dW1 of this iteration is not computed yet: said once, and the before line holds the
        # two values it had, not the steps where it had none
        text = "\n".join(lines[2:])
        assert " ".join(text.split()).count("not computed yet") == 1
        assert lines[-1].startswith("  before: +") and lines[-1].count("←") == 1


async def test_a_small_matrix_watch_gets_a_line_per_row_and_many_watches_one_line_each():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("w")
        await type_answer(pilot, "W1")
        await pilot.press("n")
        await pilot.pause()
        W1 = app.session.stepper.state()["W1"]
        lines = panel_text(app, "#watches").splitlines()
        rows = [line for line in lines if line.lstrip().startswith("[")]
        assert len(rows) == W1.shape[0]  # a row per line
        scientific = uses_scientific(W1)
        for row, values in zip(rows, W1, strict=True):
            assert all(number(v, scientific=scientific) in row for v in values)
        for watch in ("W2", "b1", "A1[:, 0]", "dZ2[0, :4]"):
            await pilot.press("w")
            await type_answer(pilot, watch)
        await pilot.pause()
        # more than the panel's lines: a value each on one line, every watch in sight
        lines = panel_text(app, "#watches").splitlines()
        assert len(lines) <= 10 - 2  # the panel's max-height less its border
        heads = [line for line in lines if not line.startswith("  ")]
        # a value follows " = ", a reason (A1 not computed yet) ": "
        assert [re.split(" = |: ", head)[0] for head in heads] == [
            "W1",
            "W2",
            "b1",
            "A1[:, 0]",
            "dZ2[0, :4]",
        ]
