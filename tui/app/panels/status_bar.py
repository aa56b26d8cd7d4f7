"""One line of where the run stands, and one line for the latest message."""

from __future__ import annotations

from textual.content import Content

from tui.app.panels.panel import TextPanel
from tui.session.view import View


class StatusBar(TextPanel):
    redraws_while_running = True  # says a run goes, with its cost and accuracy
    DEFAULT_CSS = """
    StatusBar { height: 2; }
    """

    def show(self, view: View) -> None:
        self.show_content(status_content(view))


def status_content(view: View) -> Content:
    config = view.config
    cost = "—" if view.cost is None else f"{view.cost:.6f}"
    init = f"random×{config.scale:g}" if config.init == "random" else config.init
    symmetry = view.symmetry
    state = "running" if view.running else f"iteration {view.iteration}"
    accuracy = "n/a" if view.accuracy is None else f"{100 * view.accuracy:.1f}%"
    numbers = Content(f"{state} · J {cost} · accuracy {accuracy}{_mixed(view)} · ")
    if view.test is not None:  # beside the training numbers: the gap between them is the point
        numbers += Content(f"test J {view.test.cost:.4f} · {100 * view.test.accuracy:.1f}% · ")
    identical = Content.styled(symmetry_words(symmetry), "bold" if symmetry.identical_units else "")
    settings = Content(
        f"{config.activation} · n_h {config.hidden} · α {config.learning_rate:g} · "
        f"init {init} · seed {config.seed} · {config.data}"
    )
    if view.failure is not None:
        # the one thing to read now, and long: it takes the settings' place
        settings = Content.styled(str(view.failure), "$error")
    elif view.message:
        settings = settings + Content(" · ") + Content.styled(view.message, "$warning")
    elif view.edits:
        # a branch stays marked while its edit is in effect: later values follow from it
        more = f" (+{len(view.edits) - 1} earlier)" if len(view.edits) > 1 else ""
        settings = settings + Content(" · ") + Content.styled(view.edits[-1] + more, "$warning")
    if config.mistake:
        tag = Content.styled(f"MISTAKE: {config.mistake}", "bold reverse $error")
        settings = tag + Content(" · ") + settings
    return numbers + identical + Content("\n") + settings


# accuracy is computed from the parameters as they are now; between the first and the last
# update of an iteration some are new and some old, a network that never existed as such
_UPDATED_SO_FAR = {"W1": ("W[1]", "b[1] W[2] b[2]"), "b1": ("W[1] b[1]", "W[2] b[2]"),
                   "W2": ("W[1] b[1] W[2]", "b[2]")}  # fmt: skip


def _mixed(view: View) -> str:
    if view.event is None or view.event.name not in _UPDATED_SO_FAR or view.running:
        return ""
    new, old = _UPDATED_SO_FAR[view.event.name]
    return f" (mixed: new {new}, old {old})"


def symmetry_words(symmetry) -> str:
    """Whether the hidden units are still copies of each other, said in words: `0/4 (max diff
    23.6)` left a learner to guess what was counted and what the difference was between."""
    n, same = symmetry.n_units, symmetry.identical_units
    if n == 1:
        return "1 hidden unit: no other to be identical to"
    if symmetry.all_identical:
        return f"all {n} hidden units identical (the symmetry is unbroken)"
    if same == 0:
        return f"all {n} hidden units differ (weights by up to {symmetry.max_difference:.3g})"
    return f"{same} of {n} hidden units identical to another"
