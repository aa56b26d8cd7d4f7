"""Scrubbing the run on the cost curve: after going back the curve keeps the whole run and marks
the cursor; , and . move a column along it, a click goes to the iteration under the pointer,
every value exactly as computed there."""

from __future__ import annotations

import numpy as np
from app_helpers import WIDE, new_app

from engine.config import RunConfig
from engine.steps import STEPS_PER_ITERATION
from tui.app.panels.cost_panel import SCRUB_MARK, CostPanel
from tui.session import plotting
from tui.session.session import Session

N = STEPS_PER_ITERATION


def test_columns_and_moves_along_them():
    # 1000 iterations in 50 columns: 20 a column
    assert plotting.column_of(1000, 50, 437) == 21
    assert plotting.scrubbed(1000, 50, 437, -1) == 400
    assert plotting.scrubbed(1000, 50, 437, 1) == 440
    assert plotting.scrubbed(1000, 50, 5, -3) == 0 and plotting.scrubbed(1000, 50, 990, 4) == 980
    # fewer iterations than columns: columns repeat, a move is still one iteration
    assert plotting.scrubbed(10, 50, 3, 1) == 4 and plotting.scrubbed(10, 50, 3, -1) == 2
    assert plotting.scrubbed(10, 50, 9, 1) == 9


def test_the_view_keeps_the_whole_run_after_going_back_until_a_new_branch():
    session = Session(RunConfig())
    session.stepper.run(300)
    straight = np.array(session.stepper.costs)
    assert session.view().run_costs is None  # at the end of the run: nothing to scrub
    session.goto_iteration(100)
    view = session.view()
    assert len(view.costs) == 100
    np.testing.assert_array_equal(view.run_costs, straight)
    session.goto_iteration(250)  # forward again within the run: recomputed, the same
    np.testing.assert_array_equal(session.view().run_costs, straight)
    session.edit("b2 = 0.5")  # a new branch: its future is not the old run's
    assert session.view().run_costs is None
    session.goto_iteration(10)
    assert len(session.view().run_costs) == 250  # the edit stood at iteration 250, step 1
    session.restart(hidden=5)
    assert session.view().run_costs is None


async def test_comma_full_stop_and_a_click_move_along_the_curve():
    app = new_app()
    async with app.run_test(size=WIDE) as pilot:
        app.session.stepper.run(500)
        app.refresh_from_session()
        await pilot.pause()
        panel = app.query_one(CostPanel)
        left, columns, n = panel._chart_at
        assert n == 500
        starts = plotting.bucket_starts(500, columns)

        await pilot.press("comma")
        await pilot.pause()
        last = plotting.column_of(500, columns, 499)
        assert app.view.iteration == starts[last - 1]
        assert app.view.run_costs is not None and len(app.view.run_costs) == 500
        axis = panel.render_line(panel.size.height - 1).text
        assert axis[left + last - 1] == SCRUB_MARK

        await pilot.press("full_stop")
        await pilot.pause()
        assert app.view.iteration == starts[last]

        column = columns // 3
        # the chart starts after the border and padding (2 cells) and the y labels (left)
        await pilot.click(CostPanel, offset=(2 + left + column, 4))
        await pilot.pause()
        iteration = int(starts[column])
        assert app.view.iteration == iteration
        reference = RunConfig().stepper(app.session.data)
        reference.goto(iteration * N + 1)
        for name, value in reference.state().items():
            np.testing.assert_array_equal(app.session.stepper.state()[name], value, err_msg=name)
