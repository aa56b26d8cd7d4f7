"""`stepnet mistakes`: each mistake --mistake can make, what it changes and what follows."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from engine.mistakes.catalogue import MISTAKES


def add_parser(commands, parser_class) -> None:
    mistakes = commands.add_parser(
        "mistakes", help="list the mistakes --mistake makes, and their symptoms"
    )
    mistakes.set_defaults(run=lambda args: run_mistakes())


def run_mistakes(console: Console | None = None) -> int:
    console = console or Console()
    for mistake in MISTAKES:
        where = f"steps {', '.join(mistake.steps)}" if mistake.steps else "the initialization"
        entry = Text(mistake.name, style="bold")
        entry.append(f"  ({where})\n", style="dim")
        entry.append(f"  {mistake.description}\n")
        entry.append(f"  symptom: {mistake.symptom}", style="italic")
        console.print(entry)
    console.print(Text("try one: stepnet --mistake NAME, or stepnet trace --mistake NAME", "dim"))
    return 0
