"""`stepnet trace`: every step of a few iterations, as a Rich table or as JSON lines.

With a mistake whose shapes stop lining up, the steps up to there are printed, then the
shape error as stepnet's one-line error.
"""

from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.config import RunConfig
from engine.events import Event
from engine.generalisation import scores
from engine.mistakes.catalogue import get_mistake
from engine.mistakes.checked_numpy import ShapeMismatch
from engine.notation import fill_sizes, shape_equation
from engine.steps import STEPS_PER_ITERATION
from tui.cli.setup_options import add_setup_options, config_from
from tui.session import formatting
from tui.session.scores_table import scores_table


def add_parser(commands, parser_class) -> None:
    trace = commands.add_parser("trace", help="print every step of some iterations")
    add_setup_options(trace, 1)
    trace.add_argument("--format", choices=("table", "jsonl"), default="table")
    trace.set_defaults(run=lambda args: run_trace(config_from(args), args.format))


def run_trace(config: RunConfig, output_format: str, console: Console | None = None) -> int:
    stepper = config.stepper()
    failures: list[ShapeMismatch] = []

    def events():
        try:
            for _ in range(config.iterations * STEPS_PER_ITERATION):
                yield stepper.step()
        except ShapeMismatch as failure:
            failures.append(failure)

    if output_format == "jsonl":
        write = sys.stdout.write
        for event in events():
            write(json.dumps(event.to_json(), ensure_ascii=False) + "\n")
    else:
        console = console or Console()
        _print_tables(events(), stepper.ws.dims(), config, console)
        test_data = config.load_test_data()
        if test_data is not None and not failures:
            params = stepper.parameters()
            training = scores(params, stepper.X, stepper.Y, config.activation)
            console.print(scores_table(training, scores(params, *test_data, config.activation)))
    if failures:
        sys.stdout.flush()  # the steps first, then the error on stderr after them
        raise failures[0]
    return 0


def _print_tables(events, dims, config: RunConfig, console: Console) -> None:
    mistaken = get_mistake(config.mistake).steps if config.mistake else ()
    value_width = max(30, console.width // 2 - 8)
    table = None
    for event in events:
        if event.index == 0:
            if table is not None:
                console.print(table)
            table = _iteration_table(event.iteration, config)
        table.add_row(*_row(event, dims, value_width, event.name in mistaken))
    if table is not None:
        console.print(table)


def _iteration_table(iteration: int, config: RunConfig) -> Table:
    mistake = f"  ·  mistake {config.mistake}" if config.mistake else ""
    table = Table(
        title=f"iteration {iteration}  ·  {config.activation}, n_h={config.hidden}, "
        f"α={config.learning_rate:g}, init {config.init}{mistake}",
        title_justify="left",
        show_lines=True,
        expand=True,
    )
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("step", no_wrap=True)
    table.add_column("formula · numpy · shapes", ratio=1)
    table.add_column("value", ratio=1)
    return table


def _row(event: Event, dims, value_width: int, mistaken: bool) -> tuple:
    described = Text(event.formula + "\n", style="bold")
    described.append(event.code + "\n", style="dim")
    described.append(shape_equation(event.formula, dims, dict(event.operands), event.shape))
    if event.step.note:
        described.append("\n" + fill_sizes(event.step.note, dims), style="italic")
    step = Text(f"{event.name}\n{event.phase}", style=_phase_style(event.phase))
    if mistaken:
        step.append("\n✗ mistake", style="bold red")
    return (
        str(event.index + 1),
        step,
        described,
        Text(formatting.matrix(event.value, line_width=value_width), no_wrap=True),
    )


def _phase_style(phase: str) -> str:
    return {"forward": "cyan", "cost": "yellow", "backward": "magenta", "update": "green"}[phase]
