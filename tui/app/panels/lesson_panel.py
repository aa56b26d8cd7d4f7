"""The lesson's notes beside the panels: the beat's text, what it points at, and its claims.

The notes scroll inside their border: at 80×24 the lesson tab holds 9 lines, and lesson 11's
sweep table showed its first row only, with no key or wheel to reach the rest. The border, with
the beat's place and `> next`, stays in sight while they scroll.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from tui.lessons.lesson_file import Lesson
from tui.lessons.player import BeatOutcome
from tui.lessons.quiz import Score
from tui.session.formatting import number


@dataclass(frozen=True)
class LessonView:
    """What the lesson panel shows at one moment."""

    lesson: Lesson
    index: int  # the beat entered (or being entered)
    outcome: BeatOutcome | None  # None while the beat is being entered
    score: Score | None  # None when the lesson has no quiz


class LessonPanel(VerticalScroll):
    DEFAULT_CSS = """
    LessonPanel { height: auto; max-height: 16; scrollbar-size-vertical: 1; }
    LessonPanel > #lesson-notes { width: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="lesson-notes")

    @property
    def content(self) -> Content:
        """What the notes say now, scrolled into sight or not."""
        return self.query_one("#lesson-notes", Static).content

    def show_lesson(self, view: LessonView) -> None:
        lesson = view.lesson
        self.border_title = f"lesson: {lesson.title}"
        self.border_subtitle = f"beat {view.index + 1}/{len(lesson.beats)} · > next · < back"
        notes = self.query_one("#lesson-notes", Static)
        text = lesson_content(view)
        if notes.content != text:  # a new beat, or its outcome: read from its start
            self.scroll_home(animate=False)
        # a beat's text wraps to a height of its own: always lay out again (beats are rare)
        notes.update(text)


def lesson_content(view: LessonView) -> Content:
    beat = view.lesson.beats[view.index]
    lines = [Content(" ".join(beat.note.split()))]
    outcome = view.outcome
    if outcome is None:
        lines.append(Content.styled("… working", "$text-muted"))
        return Content("\n").join(lines)
    if outcome.highlight:
        lines.append(Content.styled("▸ " + outcome.highlight, "bold"))
    if outcome.problem:
        lines.append(Content.styled("✗ " + outcome.problem, "$error"))
    for claim in outcome.claims:
        mark, style = ("✓", "$success") if claim.holds else ("✗", "$error")
        lines.append(
            Content.styled(f"{mark} {claim.text}", style)
            + Content.styled(f"  {claim.shown}", "$text-muted")
        )
    if outcome.sweep:
        setting = beat.sweep.setting
        rows = [f"{setting:>10}  accuracy   cost"]
        rows += [
            f"{row.value!s:>10}  {_share(row.accuracy):>8}   {number(row.cost)}"
            for row in outcome.sweep
        ]
        lines.append(Content("\n".join(rows)))
    if view.score is not None:
        lines.append(Content.styled(f"quiz: {view.score}", "$text-muted"))
    return Content("\n").join(lines)


def _share(value: float | None) -> str:
    # two decimals: the course's table has 67.25%, and 400 examples make quarters of a percent
    return "—" if value is None else f"{100 * value:.2f}%"
