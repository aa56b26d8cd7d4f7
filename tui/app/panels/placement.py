"""Where every panel goes, in both layouts: one row per panel, the table the app composes from.

Side by side (a terminal of at least WIDE_SIZE), a panel stacks in one of three columns; in the
compact layout it gets a tab of its own, titled by its id, or stays above the tabs. A new panel
is one more row here. The status bar sits below either layout and the lesson's notes above (or
in the first tab), so they are not rows: the app places them itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.app.panels.boundary_panel import BoundaryPanel
from tui.app.panels.cost_panel import CostPanel
from tui.app.panels.formula_panel import FormulaPanel
from tui.app.panels.network_panel import NetworkPanel
from tui.app.panels.panel import Panel
from tui.app.panels.status_bar import StatusBar
from tui.app.panels.steps_panel import StepsPanel
from tui.app.panels.unit_maps_panel import UnitMapsPanel
from tui.app.panels.value.value_panel import ValuePanel
from tui.app.panels.watch_panel import WatchPanel

COLUMNS = ("left", "center", "right")


@dataclass(frozen=True)
class Place:
    panel: type[Panel]
    id: str  # the widget's id, and its tab's title in the compact layout
    column: str  # side by side: one of COLUMNS, stacked in the order of the table
    tab: int | None  # compact: its tab's position; None: above the tabs, always in sight


PLACES: tuple[Place, ...] = (
    Place(NetworkPanel, "network", "left", 2),
    Place(StepsPanel, "steps", "left", 1),
    Place(FormulaPanel, "formula", "center", None),
    Place(ValuePanel, "value", "center", 0),
    Place(BoundaryPanel, "boundary", "right", 3),
    Place(UnitMapsPanel, "units", "right", 4),
    Place(CostPanel, "cost", "right", 5),
    Place(WatchPanel, "watches", "right", 6),
)

PANEL_TYPES: tuple[type[Panel], ...] = (*(place.panel for place in PLACES), StatusBar)


def in_column(column: str) -> tuple[Place, ...]:
    return tuple(place for place in PLACES if place.column == column)


def above_tabs() -> tuple[Place, ...]:
    return tuple(place for place in PLACES if place.tab is None)


def in_tabs() -> tuple[Place, ...]:
    return tuple(sorted((p for p in PLACES if p.tab is not None), key=lambda p: p.tab))


def selector(panels: tuple[type[Panel], ...]) -> str:
    """A query for these panels, by type: one walk of the screen finds them all."""
    return ", ".join(panel.__name__ for panel in panels)
