"""`stepnet lessons` and `stepnet lesson NAME [--check]`."""

from __future__ import annotations

import sys

from tui.lessons.lesson_file import find_lesson, lesson_paths, load_lesson
from tui.lessons.player import check_lesson
from tui.serve.confinement import Confinement, confinement_from

CLAIM_FAILED = 1


def add_parser(commands, parser_class) -> None:
    listing = commands.add_parser("lessons", help="list the lessons that come with stepnet")
    listing.set_defaults(run=lambda args: run_lessons())
    lesson = commands.add_parser("lesson", help="open the app in a lesson, or --check its claims")
    lesson.add_argument("name", metavar="NAME-or-PATH", help="a lesson's name, number or file")
    lesson.add_argument(
        "--check",
        action="store_true",
        help="check every claim without a screen; exit 1 if any fails",
    )
    lesson.set_defaults(run=lambda args: run_lesson(args.name, args.check, confinement_from(args)))


def run_lessons() -> int:
    for path in lesson_paths():
        lesson = load_lesson(path)
        beats = len(lesson.beats)
        slide = f" — slide: {lesson.slide}" if lesson.slide else ""
        print(f"{path.stem:32} {lesson.title} ({beats} beats){slide}")
    print("\nopen one with: stepnet lesson NAME   (a name, its number, or a .toml path)")
    return 0


def run_lesson(name: str, check: bool, confinement: Confinement | None = None) -> int:
    lesson = load_lesson(find_lesson(name))
    if not check:
        from tui.cli.debug import run_app_in_lesson

        return run_app_in_lesson(lesson, confinement)
    print(f"{lesson.path}: {lesson.title}")
    failed = check_lesson(lesson, print)
    if failed is None:
        claims = sum(len(beat.claims) for beat in lesson.beats)
        print(f"all {claims} claims in {len(lesson.beats)} beats hold")
        return 0
    beat = lesson.beats[failed.index]
    if failed.problem:
        wrong = failed.problem
    else:  # the claim with what it read: the one line says why, not only what
        claim = next(c for c in failed.claims if not c.holds)
        wrong = f"{claim.text} → {claim.shown}"
    print(
        f"stepnet: lesson {lesson.path} line {beat.line}: beat {failed.index + 1} fails: {wrong}",
        file=sys.stderr,
    )
    return CLAIM_FAILED
