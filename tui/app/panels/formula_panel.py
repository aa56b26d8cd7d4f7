"""The current step as the slide writes it, as numpy writes it, and the shapes flowing through.

With a mistake made on purpose, a mistaken step shows the learner's formula and line, marked,
with the course's line under it; shapes that are not the slide's are highlighted, and a step
that cannot be computed shows the two shapes that fail to line up.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable

from textual import events
from textual.content import Content

from engine.activations import get_activation
from engine.mistakes.catalogue import get_mistake
from engine.mistakes.checked_numpy import ShapeMismatch
from engine.notation import SYMBOLS, fill_sizes, shape_equation
from engine.shapes import concrete, shape_text
from engine.steps import STEPS, STEPS_PER_ITERATION, Step
from tui.app.panels.panel import TextPanel
from tui.session.view import View

MISFIT = "bold reverse $error"
OFF_THE_SLIDE = "bold $warning"


class FormulaPanel(TextPanel):
    DEFAULT_CSS = """
    FormulaPanel { height: auto; }
    """

    _view: View | None = None
    # a line to show under the slide's formula and numpy line, or None: `stepnet --student`
    # says there what the learner's code did. Read at every redraw, a resize's too.
    extra_line: Callable[[View], Content | None] | None = None

    def show(self, view: View) -> None:
        self._view = view
        content = formula_content(view, self.content_size.width or None)
        line = None if self.extra_line is None else self.extra_line(view)
        if line is not None:
            # the formula and the numpy line, then the extra one: in a short panel, what shows
            lines = content.split("\n")
            content = Content("\n").join([*lines[:3], line, *lines[3:]])
        self.show_content(content)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._reshow)  # the shape equation is broken to fit the width

    def _reshow(self) -> None:
        if self._view is not None:  # the latest view: a step may have come since the resize
            self.show(self._view)


def formula_content(view: View, width: int | None = None) -> Content:
    activation = get_activation(view.config.activation)
    mistake = get_mistake(view.config.mistake) if view.config.mistake else None
    failure = view.failure
    shown = failure if failure is not None else view.event
    index = 0 if shown is None else shown.index
    course = STEPS[index]
    step = course if mistake is None else mistake.step_for(course, activation)
    lines = [_heading(view, step, index, failure)]
    formula = Content.styled(step.formula, "bold")
    if step is not course:
        formula += Content("  ") + Content.styled("✗ mistake", "bold $error")
    lines.append(formula)
    lines.append(Content.styled(step.code_for(activation), "$text-muted italic"))
    # what went wrong comes before the course's line: in a small panel it is what must show
    if failure is not None:
        lines.extend(_misfit_lines(failure))
    else:
        lines.extend(_shape_lines(step, index, view, width))
    if step is not course:
        lines.append(Content.styled(f"course: {course.code_for(activation)}", "$text-muted"))
    if mistake is not None and mistake.init_code and view.event is None:
        lines.append(Content.styled(f"✗ mistake {mistake.name}: {mistake.init_code}", "$error"))
    if step.name == "A1":
        lines.append(Content(f"{activation.name}: {activation.formula}"))
    if step.name == "dZ1":
        lines.append(Content(f"{activation.name}: {activation.slope_formula}"))
    if step.phase == "update":
        lines.append(Content(f"α = {view.config.learning_rate:g}"))
    if step.note:
        lines.append(Content.styled(fill_sizes(step.note, view.dims), "italic"))
    return Content("\n").join(lines)


def _heading(view: View, step: Step, index: int, failure: ShapeMismatch | None) -> Content:
    if failure is not None:
        return Content.styled(
            f"✗ step {index + 1}/{STEPS_PER_ITERATION} of iteration {failure.iteration}"
            " cannot be computed",
            "bold $error",
        )
    layer = f" · layer {step.layer}" if step.layer else ""
    return Content.from_markup(
        f"[$text-muted]{'next' if view.event is None else 'step'} {index + 1}/"
        f"{STEPS_PER_ITERATION} · $phase{layer} · iteration {view.iteration}[/]",
        phase=step.phase,
    )


# an array's name with its shape, `Z[1] (4, 400)` or `J scalar`: never broken across lines
_WITH_SHAPE = re.compile(r"\S+ (\([^()]*\)|scalar)")
_KEPT_TOGETHER = "\0"


def unbroken(text: str, width: int | None) -> list[str]:
    """`text` in lines of at most `width` cells, broken between terms only: Textual breaks a
    line at any space, and `→ Z[1] (4,` / `400)` read as two shapes."""
    if width is None or len(text) <= width:
        return [text]
    glued = _WITH_SHAPE.sub(lambda m: m[0].replace(" ", _KEPT_TOGETHER), text)
    lines = textwrap.wrap(glued, width, break_long_words=False, break_on_hyphens=False)
    return [line.replace(_KEPT_TOGETHER, " ") for line in lines]


def _shape_lines(step: Step, index: int, view: View, width: int | None = None) -> list[Content]:
    """The shapes through the step, those that are not the slide's highlighted and named."""
    event = view.event
    if event is None or event.index != index:
        equation = shape_equation(step.formula, view.dims)
        return [Content(line) for line in unbroken(equation, width)]
    shapes = dict(event.operands)
    text = shape_equation(step.formula, view.dims, shapes, event.shape)
    off = [
        (name, actual, f"{SYMBOLS[name]} is {shape_text(actual)}")
        for name, actual in (*event.operands, (step.name, event.shape))
        if actual != concrete(name, view.dims)
    ]
    lines = []
    for part in unbroken(text, width):
        line = Content(part)
        for name, actual, _ in off:
            symbol = SYMBOLS[name]
            flipped = shape_text(actual[::-1])
            for shown in (f"{symbol} {shape_text(actual)}", f"{symbol}ᵀ {flipped}"):
                start = part.find(shown)
                if start >= 0:
                    line = line.stylize(OFF_THE_SLIDE, start, start + len(shown))
        lines.append(line)
    if not off:
        return lines
    named = "; ".join(
        f"{said} where the slide has {shape_text(concrete(name, view.dims))}"
        for name, _, said in dict.fromkeys(off)
    )
    return [*lines, Content.styled(named, OFF_THE_SLIDE)]


def _misfit_lines(failure: ShapeMismatch) -> list[Content]:
    """The two operands that fail, their shapes highlighted, then why and what would fit."""
    (left, left_shape), (right, right_shape) = failure.left, failure.right
    misfit = (
        Content(f"{left} ")
        + Content.styled(shape_text(left_shape), MISFIT)
        + Content(f" {failure.operator} {right} ")
        + Content.styled(shape_text(right_shape), MISFIT)
    )
    why = failure.reason + (f" — {failure.hint}" if failure.hint else "")
    return [misfit, Content.styled(why, "bold $error")]
