"""The 15 steps of the iteration: done, current, to come, and where the breakpoints are.

Glyphs carry the meaning (✓ done, ▶ current, · to come, ● breakpoint; with a mistake, ✗ after
the steps it changes and in front of a step that cannot be computed) so it reads without
colour. Clicking a step runs forward to it.
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.message import Message

from engine.mistakes.catalogue import get_mistake
from engine.steps import STEPS
from tui.app.panels.panel import TextPanel
from tui.session.view import View


class StepsPanel(TextPanel):
    DEFAULT_CSS = """
    StepsPanel { height: auto; }
    """

    class Picked(Message):
        """The user clicked a step: run forward to it."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def show(self, view: View) -> None:
        self.show_content(steps_content(view))

    def on_click(self, event: events.Click) -> None:
        row = event.y - self.styles.gutter.top - 1  # the first line is the heading
        if 0 <= row < len(STEPS):
            self.post_message(self.Picked(STEPS[row].name))


def steps_content(view: View) -> Content:
    current = view.index
    mistaken = get_mistake(view.config.mistake).steps if view.config.mistake else ()
    failing = None if view.failure is None else view.failure.index
    lines = [Content.from_markup(f"[b]iteration {view.iteration}[/b]")]
    for index, step in enumerate(STEPS):
        if index == failing:
            mark, style = "✗", "bold $error"
        elif current is None or index > current:
            mark, style = "·", "$text-muted"
        elif index == current:
            mark, style = "▶", "bold reverse $accent"
        else:
            mark, style = "✓", ""
        stop = "●" if step.name in view.breakpoints else " "
        text = f"{stop}{mark} {index + 1:>2} {step.name:<4} {step.phase}"
        line = Content.styled(text, style) if style else Content(text)
        if step.name in mistaken:
            line += Content.styled(" ✗", "bold $error")
        lines.append(line)
    return Content("\n").join(lines)
