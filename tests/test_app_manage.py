"""K lists every breakpoint, watchpoint and watch with its state; space switches one off (and
`r` and `b` then pass it by), d removes it, e edits it in a prompt filled with its words, and an
edit that cannot be read keeps the old one and says why."""

from __future__ import annotations

from app_helpers import WIDE, burst, new_app, panel_text, settle, settle_keys

from engine.steps import STEPS_PER_ITERATION
from tui.app.screens.manage_screen import NOTHING_SET, ManageScreen
from tui.app.screens.prompt_screen import PromptScreen

N = STEPS_PER_ITERATION


def listed(app) -> list[str]:
    """The list's lines as shown, spaces squeezed."""
    options = app.screen.query_one("#managed").options
    return [" ".join(str(option.prompt).split()) for option in options]


def said(app) -> str:
    return str(app.screen.query_one("#manage-message").content)


async def open_list(app, pilot) -> None:
    await pilot.press("K")
    await pilot.pause()
    assert isinstance(app.screen, ManageScreen)


async def test_the_list_shows_every_kind_with_its_state():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n", "k")  # a breakpoint on Z1, the step on screen
        app.session.add_breakpoint("cost rises")
        app.session.add_breakpoint("b2 changes sign")
        app.session.add_watch("abs(dW1).max()")
        await open_list(app, pilot)
        assert listed(app) == [
            "● on step Z1",
            "● on condition cost rises",
            "● on watchpoint b2 changes sign",
            "watch abs(dW1).max()",
        ]
        await pilot.press("down", "space")
        assert listed(app)[1] == "○ off condition cost rises"
        assert said(app) == "breakpoint 'cost rises' is off: a run and run back pass it by"
        await pilot.press("escape")
        await pilot.pause()
        assert "is off" in panel_text(app, "#status")


async def test_an_empty_list_says_how_to_set_something():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        await open_list(app, pilot)
        assert listed(app) == [NOTHING_SET]
        await pilot.press("space", "d", "e")  # nothing to act on: nothing happens
        assert isinstance(app.screen, ManageScreen)


async def test_a_step_breakpoint_switched_off_does_not_stop_r_and_its_mark_goes():
    app = new_app(iterations=40)
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(10):  # dW1
            await pilot.press("n")
        await pilot.press("k")
        assert "●" in panel_text(app, "#steps").splitlines()[10]
        await open_list(app, pilot)
        await pilot.press("space", "escape")
        await pilot.pause()
        assert "●" not in panel_text(app, "#steps")
        await pilot.press("r")
        await settle(app, pilot)
        assert app.session.stepper.iteration == 40  # the iteration limit, not the next dW1

        await open_list(app, pilot)
        await pilot.press("space", "escape")  # on again: r stops at dW1
        await pilot.pause()
        app.session.stepper.goto(0)
        await pilot.press("r")
        await settle(app, pilot)
        assert app.session.stepper.event.name == "dW1"
        assert app.session.stepper.iteration == 0


async def test_b_passes_a_condition_switched_off_by():
    app = new_app(iterations=100)
    async with app.run_test(size=WIDE) as pilot:
        app.session.add_breakpoint("iteration 10")
        app.session.add_breakpoint("iteration 20")
        app.session.stepper.goto(50 * N)
        await open_list(app, pilot)
        await pilot.press("down", "space", "escape")
        await pilot.pause()
        await pilot.press("b")
        await settle(app, pilot)
        assert app.session.stepper.cursor == 11 * N


async def test_d_removes_the_highlighted_one_and_the_rest_stay():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        app.session.add_breakpoint("dead unit")
        app.session.add_watch("W2 @ A1")
        app.session.add_watch("mean(A2 > 0.5)")
        await open_list(app, pilot)
        await pilot.press("down", "d")
        assert listed(app) == ["● on condition dead unit", "watch mean(A2 > 0.5)"]
        assert said(app) == "watch W2 @ A1 removed"
        await pilot.press("d")  # the highlight stayed on the last line
        await pilot.press("up", "d")
        assert listed(app) == [NOTHING_SET]
        assert app.session.breakpoints == [] and app.session.watches == []


async def test_e_opens_the_prompt_filled_with_the_breakpoint_and_a_bad_edit_keeps_it():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        app.session.add_breakpoint("cost < 0.5")
        await open_list(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        assert app.screen.query_one("Input").value == "cost < 0.5"
        await burst(pilot, *"cost wobbles", "enter")  # typing replaces the words filled in
        await settle_keys(app, pilot)
        assert isinstance(app.screen, ManageScreen)
        assert listed(app) == ["● on condition cost < 0.5"]
        assert said(app).startswith("breakpoint 'cost < 0.5' kept: cannot read breakpoint")

        await pilot.press("enter")  # enter edits too
        await settle_keys(app, pilot)
        await pilot.press("end", "backspace", "3", "enter")
        await settle_keys(app, pilot)
        assert listed(app) == ["● on condition cost < 0.3"]
        assert said(app) == "breakpoint 'cost < 0.5' is now 'cost < 0.3'"


async def test_e_on_a_watch_edits_it_and_the_watch_panel_follows():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        app.session.add_watch("abs(dW1).max()")
        await open_list(app, pilot)
        await burst(pilot, "e", *"abs(dW1).max() + 1", "enter")  # in one read: they wait
        await settle_keys(app, pilot)
        assert listed(app) == ["watch abs(dW1).max() + 1"]
        await burst(pilot, "e", *"W2 @@ A1", "enter")
        await settle_keys(app, pilot)
        assert listed(app) == ["watch abs(dW1).max() + 1"]
        assert said(app).startswith("watch abs(dW1).max() + 1 kept: ")
        await pilot.press("escape")
        await pilot.pause()
        assert panel_text(app, "#watches").startswith("abs(dW1).max() + 1: dW1 is not")
