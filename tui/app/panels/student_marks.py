"""The learner's marks beside the steps and their first divergence on the status line.

Drawn over the steps panel's and status bar's own content (steps_content, status_content), so
`stepnet --student` changes neither panel: the steps' heading gains `yours ✓/✗` and each step
a ✓ or ✗ for theirs (none for dZ2 and dZ1, which the course's functions do not return), and
the status line leads with where theirs first differs.
"""

from __future__ import annotations

from textual.content import Content

from engine.reference.student import STEPS_OF, Divergence, IterationMarks
from engine.steps import STEPS
from tui.app.panels.status_bar import status_content
from tui.app.panels.steps_panel import steps_content
from tui.session.view import View

_FUNCTION_OF = {step: function for function, steps in STEPS_OF.items() for step in steps}


def student_steps_content(view: View, marks: IterationMarks | None) -> Content:
    lines = steps_content(view).split("\n")
    lines[0] = lines[0] + Content.styled(" · yours ✓/✗", "bold")
    for row, step in enumerate(STEPS, start=1):
        lines[row] = lines[row] + _mark(step.name, marks)
    return Content("\n").join(lines)


def _mark(step: str, marks: IterationMarks | None) -> Content:
    # one column: the panel is narrow, and the heading says whose marks these are
    if marks is None:
        return Content(" …")  # being computed
    function = _FUNCTION_OF.get(step)
    if function is not None and function in marks.errors:
        return Content.styled(" ✗", "bold $error")  # raised: the status line says what
    mark = marks.marks.get(step)
    if mark is None:
        return Content("")
    return Content.styled(f" {mark}", "bold $error" if mark == "✗" else "")


def student_status_content(
    view: View, divergence: Divergence | None, traced: bool, comparing: str | None = None
) -> Content:
    """`comparing`: how far r's comparison has got, while it goes."""
    numbers, *rest = status_content(view).split("\n")
    settings = Content(" ").join(rest)  # the status has two lines: numbers, then settings
    if comparing is not None:
        tag = Content.styled(comparing, "bold")
    elif not traced:
        tag = Content.styled("yours: comparing …", "bold")
    elif divergence is None:
        tag = Content.styled(f"yours: agrees with the engine at iteration {view.iteration}", "bold")
    else:
        tag = Content.styled(divergence.status_line(), "bold reverse $error")
    return numbers + Content("\n") + tag + Content(" · ") + settings
