"""What the screen says while `y` shows the learner's own training (`stepnet --student`).

The boundary, network, value and accuracy then draw the parameters their four functions trained
to, not the engine's run: the steps panel and the status line say so, say how long and from
where theirs trained, and give both last costs, theirs and the engine's from the same start.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.text import Text
from textual.content import Content

from tui.app.panels.value.details_layout import MUTED
from tui.session.formatting import non_finite
from tui.session.view import View


@dataclass(frozen=True)
class TrainedOnYours:
    first_iteration: int  # the engine's iteration whose parameters both trainings started from
    updates: int  # how many times their update_parameters ran
    engines: np.ndarray  # J per iteration, the engine's own training
    theirs: np.ndarray  # J per iteration, on the learner's functions (shorter if it blew up)
    view: View | None  # their last parameters as the panels draw them; None if not drawable
    why_not: str = ""  # when view is None: why the panels stay the engine's


def trained_steps_content(trained: TrainedOnYours) -> Content:
    """In place of the steps: there are none of the engine's to step through here."""
    last = trained.first_iteration + len(trained.theirs) - 1
    lines = [
        Content.styled("trained on yours", "bold"),
        Content(f"iterations {trained.first_iteration}–{last}"),
        Content("of your forward_propagation,"),
        Content("compute_cost,"),
        Content("backward_propagation and"),
        Content("update_parameters"),
        Content(""),
        Content(f"J yours    {_cost(trained.theirs[-1])}"),
        Content(f"J engine's {_cost(trained.engines[len(trained.theirs) - 1])}"),
        Content(""),
        Content("the panels: your parameters" if trained.view else "the panels: the engine's"),
        Content.styled("y: back to the engine's run", "bold"),
    ]
    return Content("\n").join(lines)


def trained_status_content(trained: TrainedOnYours, view: View) -> Content:
    """Two lines, as the status bar's own: the numbers, then what is on screen and the settings."""
    config = view.config
    n = len(trained.theirs)
    # a training that stopped (a cost not finite) computed its last cost but not its update:
    # the panels, which say "after k updates", show the parameters before that update
    stopped = f", {trained.updates} updates" if trained.updates < n else ""
    numbers = (
        f"yours: trained {n} iterations{stopped} from iteration {trained.first_iteration} · "
        f"J {_cost(trained.theirs[-1])} (the engine's {_cost(trained.engines[n - 1])})"
    )
    if trained.view is not None:
        accuracy = "n/a" if view.accuracy is None else f"{100 * view.accuracy:.1f}%"
        numbers += f" · accuracy {accuracy}"
        shown = "boundary, network, ŷ and accuracy are your parameters' · y: the engine's run"
    else:
        shown = f"the panels show the engine's run: {trained.why_not} · y: the engine's alone"
    settings = (
        f"{config.activation} · n_h {config.hidden} · α {config.learning_rate:g} · "
        f"seed {config.seed} · {config.data}"
    )
    tag = Content.styled(shown, "bold reverse")
    message = Content.styled(f" · {view.message}", "$warning") if view.message else Content("")
    return Content(numbers) + Content("\n") + tag + Content(f" · {settings}") + message


def _cost(J: float) -> str:
    # spelled as the cost panel beside it spells it: "J NaN" there read "J nan" here
    return f"{J:.6f}" if np.isfinite(J) else non_finite(J)


def trained_details(trained: TrainedOnYours) -> Text:
    """Above the value panel's details: whose values these are."""
    return Text(
        f"yours, trained: the value is the engine's forward pass of your parameters after "
        f"{trained.updates} updates",
        style=MUTED,
    )


def trained_formula_line(trained: TrainedOnYours) -> Content:
    """Under the formula: this forward pass is the engine's, of the parameters theirs gave."""
    return Content.styled(
        f"yours, trained: the engine's forward pass of your parameters after "
        f"{trained.updates} updates",
        "bold",
    )
