"""W1, dW1 and A1 over the iterations, as strips: a column per iteration, a row per bin of
values (highest on top), each cell's shade the share of the array's entries in that bin. A1's
outer rows, for tanh and sigmoid, are g's flat ends (tui/session/distributions.py): marked
"flat", with the share saturated at the latest iteration in A1's title."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.app.screens.dialog import Dialog
from tui.session.distributions import Distributions, ValueStrip

SHADES = "░▒▓█"
# share of a column's entries from which a cell takes each shade: any, an eighth, a quarter, half
SHARES = (0.0, 0.125, 0.25, 0.5)


def shade(count: int, entries: int) -> str:
    if count == 0:
        return " "
    share = count / entries
    return SHADES[max(k for k, bound in enumerate(SHARES) if share > bound or k == 0)]


def distributions_content(distributions: Distributions) -> Content:
    lines: list[Content] = []
    width = len(distributions.iterations)
    for strip in distributions.strips:
        lines.append(_title(strip))
        bins = strip.counts.shape[0]
        for row in range(bins - 1, -1, -1):
            cells = "".join(shade(int(c), strip.entries) for c in strip.counts[row])
            edge = _edge(strip, row)
            # g's flat ends in the warning colour: saturation is what they are there to show
            flat = strip.flat_beyond is not None and row in (0, bins - 1)
            lines.append(
                Content.styled(cells, "$warning" if flat else "$primary") + Content(f" {edge}")
            )
        lines.append(Content(""))
    first, last = int(distributions.iterations[0]), int(distributions.iterations[-1])
    axis = f"iteration {first}"
    axis += f"{f'{last}': >{max(1, width - len(axis))}}"
    lines.append(Content.styled(axis, "$text-muted"))
    lines.append(
        Content.styled("shade: share of the entries in a bin (any, ⅛, ¼, ½)", "$text-muted")
    )
    return Content("\n").join(lines)


def _edge(strip: ValueStrip, row: int) -> str:
    """What a row's right end says: the strip's top and bottom values, or where g is flat."""
    top = row == strip.counts.shape[0] - 1
    if row not in (0, strip.counts.shape[0] - 1):
        return ""
    if strip.flat_beyond is not None:  # short: 80 columns leave a label 11 cells
        return f"flat z{'>' if top else '<'}{strip.flat_beyond if top else -strip.flat_beyond:+g}"
    return f"{strip.high if top else strip.low:+.2g}"


def _title(strip: ValueStrip) -> Content:
    about = f" · {strip.entries} entries, from {strip.low:+.3g} to {strip.high:+.3g}"
    saturation = strip.saturation()
    if saturation is not None:
        about += f" · saturated (g flat) at the latest: {100 * saturation[-1]:.1f}%"
    return Content.styled(strip.name, "bold") + Content.styled(about, "$text-muted")


class DistributionsScreen(Dialog[None]):
    CLOSING_KEYS = frozenset({"escape", "q", "d"})
    BINDINGS = [Binding("escape,q,d", "dismiss", "close", id="close-distributions")]
    DEFAULT_CSS = """
    DistributionsScreen > VerticalScroll {
        width: auto; max-height: 100%;
    }
    DistributionsScreen Static { width: auto; }
    """

    def __init__(self, distributions: Distributions) -> None:
        super().__init__()
        self._distributions = distributions

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(distributions_content(self._distributions), id="distributions")
