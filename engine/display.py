"""How the engine's results show in a notebook: as Rich tables, in Jupyter and in a Rich console.

`@displays_as(render)` gives a class `__rich__` (rich.print and Rich consoles use it) and
`_repr_html_` (Jupyter uses it, without any extension loaded): both draw the table `render`
makes. Rich is imported only when something is displayed, so the engine itself still loads with
numpy alone, in a plain script, a test or a child process.

The renderers for the engine's own types live here too, one per type, reading the public fields
only: events (engine.events), runs (engine.stepper.RunResult), symmetry and the linear collapse
(engine.diagnostics), scores (engine.generalisation) and the check of a learner's functions
(engine.reference.report).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np

HTML_WIDTH = 100  # characters: a notebook cell's usual width
_PRE = (
    '<pre style="white-space:pre;overflow-x:auto;line-height:normal;'
    "font-family:Menlo,'DejaVu Sans Mono',consolas,'Courier New',monospace\">{code}</pre>"
)


def displays_as(render: Callable[[object], object]):
    """Class decorator: show instances as the Rich renderable `render(instance)`."""

    def decorate(cls):
        cls.__rich__ = lambda self: render(self)
        cls._repr_html_ = lambda self: to_html(render(self))
        return cls

    return decorate


def to_html(renderable: object, width: int = HTML_WIDTH) -> str:
    """A Rich renderable as one HTML <pre> block with inline styles, for a notebook cell."""
    from rich.console import Console

    console = Console(record=True, file=io.StringIO(), width=width, color_system="truecolor")
    console.print(renderable)
    return console.export_html(inline_styles=True, code_format=_PRE)


def _table(title: str):
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 1))
    table.add_column(style="bold")
    table.add_column()
    return table


def _value(value: object) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):.6g}"
    return np.array2string(np.asarray(value), precision=4, max_line_width=HTML_WIDTH - 16)


# ---- the engine's types


def render_event(event) -> object:
    """Step, formula, the course's numpy line, operand shapes and the value."""
    table = _table(
        f"iteration {event.iteration} · step {event.index + 1}/15 · {event.phase} · {event.name}"
    )
    table.add_row("formula", event.formula)
    table.add_row("numpy", event.code)
    operands = ", ".join(f"{name} {tuple(shape)}" for name, shape in event.operands)
    table.add_row("operands", operands)
    table.add_row("shape", str(tuple(event.shape)))
    table.add_row("value", _value(event.value))
    return table


def render_run_result(result) -> object:
    table = _table(f"run: {result.reason}")
    table.add_row("iterations", f"{result.iterations:d}")
    table.add_row("message", result.message)
    if result.breakpoint is not None:
        table.add_row("breakpoint", result.breakpoint.label)
    return table


def render_symmetry(symmetry) -> object:
    table = _table("symmetry of the hidden units")
    table.add_row("identical", f"{symmetry.identical_units:d} of {symmetry.n_units:d} units")
    groups = " ".join("{" + ", ".join(map(str, group)) + "}" for group in symmetry.groups)
    table.add_row("groups", groups)
    table.add_row("max difference", f"{symmetry.max_difference:.3g}")
    return table


def render_linear_collapse(collapse) -> object:
    table = _table("linear collapse: A2 = σ(W′X + b′)")
    table.add_row("W′ = W2·W1", _value(collapse.W_prime))
    table.add_row("b′ = W2·b1 + b2", _value(collapse.b_prime))
    table.add_row("max |A2 − σ(W′X + b′)|", f"{collapse.max_difference:.3g}")
    return table


def render_scores(scores) -> object:
    table = _table(f"scores on {scores.m:d} examples")
    table.add_row("cost J", f"{scores.cost:.6f}")
    table.add_row("accuracy", f"{100 * scores.accuracy:.2f}%")
    (n00, n01), (n10, n11) = scores.confusion
    table.add_row("y=0 predicted 0 / 1", f"{n00:d} / {n01:d}")
    table.add_row("y=1 predicted 0 / 1", f"{n10:d} / {n11:d}")
    return table


_STATUS_STYLES = {"correct": "green", "missing": "dim"}  # the rest (wrong, error, …): red


def render_file_report(report) -> object:
    """`stepnet check`'s report: one row per graded function."""
    from rich.table import Table

    verdict = "every graded function is right" if report.ok else "some functions need work"
    table = Table(title=f"stepnet check: {report.file}: {verdict}", title_justify="left")
    table.add_column("function", no_wrap=True)  # the course's names stay whole
    for name in ("status", "first wrong", "diagnosis"):
        table.add_column(name)
    table.add_column("message", ratio=1, overflow="fold")  # what wraps in a narrow console
    for function in report.functions:
        mark = "" if function.mark == function.status else f"{function.mark} "
        table.add_row(
            function.name,
            f"{mark}{function.status}",
            function.first_wrong or "",
            function.diagnosis or "",
            function.message,
            style=_STATUS_STYLES.get(function.status, "bold red"),
        )
    return table
