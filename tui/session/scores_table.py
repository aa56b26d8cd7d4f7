"""Training and test scores side by side, with each set's confusion matrix, as one Rich table:
what `train` and `trace` print after a run with --test-split, and the app shows on c."""

from __future__ import annotations

from rich.table import Table

from engine.generalisation import Scores


def scores_table(training: Scores | None, test: Scores | None) -> Table:
    """Rows J, accuracy and the four cells of the confusion matrix; a column per set."""
    table = Table(title="generalisation", title_justify="left")
    table.add_column("")
    sets = [(name, s) for name, s in (("training", training), ("test", test)) if s is not None]
    for name, s in sets:
        table.add_column(f"{name} ({s.m} examples)", justify="right")
    table.add_row("cost J", *(f"{s.cost:.6f}" for _, s in sets))
    table.add_row("accuracy", *(f"{100 * s.accuracy:.2f}%" for _, s in sets))
    for actual in (0, 1):
        for predicted in (0, 1):
            label = f"y={actual}, predicted {predicted}"
            table.add_row(label, *(f"{s.confusion[actual][predicted]:d}" for _, s in sets))
    return table
