"""The current step as the slide writes it, as numpy writes it, and the shapes flowing through."""

from __future__ import annotations

from textual.content import Content

from engine.activations import get_activation
from engine.notation import fill_sizes, shape_equation
from engine.steps import STEPS, STEPS_PER_ITERATION
from tui.components.panel import TextPanel
from tui.view import View


class FormulaPanel(TextPanel):
    DEFAULT_CSS = """
    FormulaPanel { height: auto; }
    """

    def show(self, view: View) -> None:
        self.show_content(formula_content(view))


def formula_content(view: View) -> Content:
    activation = get_activation(view.config.activation)
    if view.event is None:
        step, heading = STEPS[0], "next"
    else:
        step, heading = view.event.step, "step"
    index = STEPS.index(step)
    layer = f" · layer {step.layer}" if step.layer else ""
    lines = [
        Content.from_markup(
            f"[$text-muted]{heading} {index + 1}/{STEPS_PER_ITERATION} · "
            f"$phase{layer} · iteration {view.iteration}[/]",
            phase=step.phase,
        ),
        Content.styled(step.formula, "bold"),
        Content.styled(step.code_for(activation), "$text-muted italic"),
        Content(shape_equation(step.formula, view.dims)),
    ]
    if step.name == "A1":
        lines.append(Content(f"{activation.name}: {activation.formula}"))
    if step.name == "dZ1":
        lines.append(Content(f"{activation.name}: {activation.slope_formula}"))
    if step.phase == "update":
        lines.append(Content(f"α = {view.config.learning_rate:g}"))
    if step.note:
        lines.append(Content.styled(fill_sizes(step.note, view.dims), "italic"))
    return Content("\n").join(lines)
