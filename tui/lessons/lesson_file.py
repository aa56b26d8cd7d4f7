"""Lesson files: TOML in samples/, read and checked before anything runs.

    title = "Zero initialization"
    slide = "Random Initialization"            # optional: the slide (group) it teaches
    [setup]                                    # RunConfig's fields; missing ones keep defaults
    init = "zeros"
    [quiz]                                     # optional: predict before a step is revealed
    shape = ["Z1", "dW1"]                      # its shape; "all" for every step
    sign = ["dZ2"]                             # the sign of its first entry
    value = ["cost"]                           # its value, within 10%
    [[beats]]
    note = "..."                               # what to read at this beat
    setup = { activation = "relu" }            # optional: start again with settings changed
    run_to = "after iteration 99"              # start | step NAME | after iteration N |
                                               # convergence | breakpoint CONDITION
    highlight = "A1 column 0"                  # NAME | NAME row J | NAME column I | NAME entry J,I
    claims = ["identical_units == n_h"]        # watch expressions that must come out True
    fails_with = "inner sizes 4 and 1"         # a mistake's step must fail with this message
    sweep = { hidden = [1, 2, 3], iterations = 5000 }   # optional: one run per value, a table

Iterations count from 0, as `costs[N]` does: "after iteration N" is once N + 1 iterations are
done, so "after 1000 iterations" is `after iteration 999`.

Every mistake is reported as `FILE line N: FIELD: what is wrong; what would fix it`.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from engine.config import RunConfig
from engine.errors import StepnetError
from engine.steps import STEP_NAMES
from tui.session.small_file import NotSmallFile, read_small_file
from tui.session.watch import ARRAY_NAMES, Watch
from tui.session.watch_conditions import read_breakpoint

# samples/ in the repository, installed as this package (pyproject.toml): files on disk in a
# clone, an editable install and a wheel alike, so a lesson's path can be named in messages
SAMPLES = Path(str(importlib.resources.files("tui.lessons.shipped")))
SETTINGS = tuple(f.name for f in fields(RunConfig))
SWEEPABLE = ("hidden", "activation", "init", "scale", "seed", "learning_rate")
TARGET_FORMS = "start, step NAME, after iteration N, convergence, breakpoint CONDITION"
HIGHLIGHT_FORMS = "NAME, NAME row J, NAME column I, NAME entry J,I"
QUIZ_KINDS = ("shape", "sign", "value")
_TOP_KEYS = ("title", "slide", "setup", "quiz", "beats")
_BEAT_KEYS = ("note", "setup", "run_to", "highlight", "claims", "sweep", "fails_with")


# The shipped lessons are 2 to 8 KiB; a teacher's with long notes is still far below this
MAX_LESSON_BYTES = 1 * 2**20


class LessonError(StepnetError):
    """A lesson file that cannot be used; the message names the file, line and field."""


@dataclass(frozen=True)
class Target:
    """Where a beat runs to."""

    kind: str  # "start", "step", "iteration", "convergence" or "breakpoint"
    step: str | None = None
    iteration: int | None = None
    condition: str | None = None


@dataclass(frozen=True)
class Highlight:
    """A matrix, or one row, column or entry of it, that a beat points at."""

    name: str
    row: int | None = None
    column: int | None = None

    @property
    def expression(self) -> str:
        """The watch expression that reads what is highlighted."""
        if self.row is not None and self.column is not None:
            return f"{self.name}[{self.row}, {self.column}]"
        if self.row is not None:
            return f"{self.name}[{self.row}, :]"
        if self.column is not None:
            return f"{self.name}[:, {self.column}]"
        return self.name


@dataclass(frozen=True)
class Sweep:
    setting: str
    values: tuple
    iterations: int


@dataclass(frozen=True)
class Beat:
    note: str
    setup: dict
    run_to: Target | None
    highlight: Highlight | None
    claims: tuple[str, ...]
    sweep: Sweep | None
    fails_with: str | None  # part of the shape error the run must stop with
    line: int


@dataclass(frozen=True)
class Quiz:
    shape: frozenset[str] = frozenset()
    sign: frozenset[str] = frozenset()
    value: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.shape or self.sign or self.value)


@dataclass(frozen=True)
class Lesson:
    name: str
    path: Path
    title: str
    slide: str | None  # the slide the lesson teaches, if the file names one
    setup: RunConfig
    quiz: Quiz
    beats: tuple[Beat, ...]
    sha256: str = ""  # of the file's bytes: a saved session tells by it the lesson changed


# ---- finding lessons


def lesson_paths() -> list[Path]:
    """The shipped lessons, in order."""
    return sorted(SAMPLES.glob("*.toml"))


def find_lesson(name_or_path: str) -> Path:
    """The lesson file for `name_or_path`: a path to a .toml file, or a shipped lesson by its
    file name, its name without the number (`zero-initialization`) or its number (`9`)."""
    candidate = Path(name_or_path)
    if candidate.suffix.lower() == ".toml":
        if not candidate.is_file():
            raise LessonError(f"no lesson file {name_or_path}: check the path")
        return candidate
    wanted = name_or_path.lower()
    paths = lesson_paths()
    for path in paths:
        number, _, bare = path.stem.partition("-")
        if wanted in (path.stem.lower(), bare.lower()) or (
            _WHOLE_NUMBER.fullmatch(wanted) and int(wanted) == int(number)
        ):
            return path
    known = ", ".join(path.stem for path in paths) or "none"
    raise LessonError(f"no lesson {name_or_path!r}: use a .toml path or one of {known}")


_WHOLE_NUMBER = re.compile(r"[0-9]+")  # str.isdigit() also takes '²', which int() refuses


# ---- reading one


def load_lesson(path: str | Path) -> Lesson:
    path = Path(path)
    try:
        raw = read_small_file(path, MAX_LESSON_BYTES, "a lesson")
        text = raw.decode("utf-8-sig")  # a BOM from a Windows editor is fine
    except FileNotFoundError:
        raise LessonError(f"no lesson file {path}: check the path") from None
    except NotSmallFile as problem:
        raise LessonError(f"lesson file {path} {problem}") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise LessonError(f"cannot read lesson {path}: {reason}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LessonError(f"{path}: not valid TOML: {error}") from None
    except RecursionError:  # arrays or tables nested thousands deep
        raise LessonError(
            f"{path}: not valid TOML: nested too deeply; a lesson needs a few levels"
        ) from None
    except ValueError as error:  # an integer of thousands of digits, which Python refuses
        raise LessonError(f"{path}: not valid TOML: {_first_line(error)}") from None
    lesson = _Reader(path, text).lesson(document)
    return replace(lesson, sha256=hashlib.sha256(raw).hexdigest())


class _Reader:
    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = _key_lines(text)

    def fail(self, where: tuple, problem: str) -> LessonError:
        line = self._line(where)
        field = ".".join(f"[{part}]" if isinstance(part, int) else part for part in where)
        field = field.replace(".[", "[")
        at = f" line {line}" if line else ""
        return LessonError(f"{self.path}{at}: {field or 'lesson'}: {problem}")

    def _line(self, where: tuple) -> int | None:
        for end in range(len(where), 0, -1):
            if where[:end] in self.lines:
                return self.lines[where[:end]]
        return None

    def lesson(self, document: dict) -> Lesson:
        self._known_keys(document, (), _TOP_KEYS)
        title = self._text(document, ("title",))
        slide = self._optional_text(document, ("slide",))
        setup = RunConfig(**self._setup(document.get("setup", {}), ("setup",)))
        quiz = self._quiz(document.get("quiz", {}))
        tables = document.get("beats")
        if not isinstance(tables, list) or not tables:
            raise self.fail(("beats",), "a lesson needs at least one [[beats]] table")
        beats = []
        config = setup  # each beat's setup changes the settings the next ones start from
        for index, table in enumerate(tables):
            beat, config = self._beat(table, index, config)
            beats.append(beat)
        return Lesson(self.path.stem, self.path, title, slide, setup, quiz, tuple(beats))

    def _known_keys(self, table: object, where: tuple, known: tuple[str, ...]) -> None:
        if not isinstance(table, dict):
            raise self.fail(where, f"must be a table with {', '.join(known)}")
        for key in table:
            if key not in known:
                raise self.fail((*where, key), f"unknown field: use {', '.join(known)}")

    def _text(self, table: dict, where: tuple) -> str:
        value = table.get(where[-1])
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, "missing or empty: give some text")
        return value.strip()

    def _optional_text(self, table: dict, where: tuple) -> str | None:
        return self._text(table, where) if where[-1] in table else None

    def _setup(self, table: object, where: tuple) -> dict:
        self._known_keys(table, where, SETTINGS)
        for key, value in table.items():
            default = getattr(RunConfig(), key)
            expected = str if default is None else type(default)  # None: an optional name
            ok = isinstance(value, expected) or (expected is float and type(value) is int)
            if not ok or type(value) is bool:
                raise self.fail((*where, key), f"must be {expected.__name__}, not {value!r}")
        try:
            RunConfig(**table).checked()
        except StepnetError as error:
            key = next(iter(table), None)
            field = (*where, key) if key and len(table) == 1 else where
            raise self.fail(field, str(error)) from None
        # 1 and 1.0 both mean the float setting; a run must not depend on how it was typed
        return {
            key: float(value) if key in ("scale", "learning_rate") else value
            for key, value in table.items()
        }

    def _quiz(self, table: object) -> Quiz:
        self._known_keys(table, ("quiz",), QUIZ_KINDS)
        chosen = {}
        for kind in QUIZ_KINDS:
            names = table.get(kind, [])
            if names == "all":
                names = list(STEP_NAMES)
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise self.fail(("quiz", kind), 'must be a list of step names, or "all"')
            for name in names:
                if name not in STEP_NAMES:
                    raise self.fail(("quiz", kind), f"{name!r} is not a step: use {_STEPS}")
            chosen[kind] = frozenset(names)
        return Quiz(**chosen)

    def _beat(self, beat: object, index: int, config: RunConfig) -> tuple[Beat, RunConfig]:
        """The beat, and the settings in force once it has run."""
        where = ("beats", index)
        self._known_keys(beat, where, _BEAT_KEYS)
        setup = self._setup(beat.get("setup", {}), (*where, "setup"))
        try:
            config = config.with_changes(**setup)
        except StepnetError as error:
            raise self.fail((*where, "setup"), str(error)) from None
        claims = beat.get("claims", [])
        if isinstance(claims, str):
            claims = [claims]
        if not isinstance(claims, list) or not all(isinstance(c, str) for c in claims):
            raise self.fail((*where, "claims"), "must be a list of expressions in quotes")
        for claim in claims:
            try:
                Watch.parse(claim)
            except StepnetError as error:
                raise self.fail((*where, "claims"), str(error)) from None
        parsed = Beat(
            note=self._text(beat, (*where, "note")),
            setup=setup,
            run_to=self._target(beat.get("run_to"), (*where, "run_to"), config),
            highlight=self._highlight(beat.get("highlight"), (*where, "highlight")),
            claims=tuple(claims),
            sweep=self._sweep(beat.get("sweep"), (*where, "sweep"), config),
            fails_with=self._optional_text(beat, (*where, "fails_with")),
            line=self._line(where) or 0,
        )
        return parsed, config

    def _target(self, text: object, where: tuple, config: RunConfig) -> Target | None:
        if text is None:
            return None
        if not isinstance(text, str):
            raise self.fail(where, f"must be text: {TARGET_FORMS}")
        words = text.split()
        if words in (["start"], ["convergence"]):
            return Target(words[0])
        if len(words) == 2 and words[0] == "step":
            if words[1] not in STEP_NAMES:
                raise self.fail(where, f"{words[1]!r} is not a step: use {_STEPS}")
            return Target("step", step=words[1])
        if len(words) == 3 and words[:2] == ["after", "iteration"]:
            if not _WHOLE_NUMBER.fullmatch(words[2]):
                raise self.fail(where, f"{words[2]!r} is not an iteration: give a whole number")
            iteration = int(words[2])
            if iteration >= config.iterations:
                raise self.fail(
                    where,
                    f"iteration {iteration} is past the run's limit of {config.iterations} "
                    f"iterations: raise iterations in the setup",
                )
            return Target("iteration", iteration=iteration)
        if words[:1] == ["breakpoint"] and len(words) > 1:
            condition = text.split(None, 1)[1]
            try:
                read_breakpoint(condition)  # a fixed form, a watch that is True, a watchpoint
            except StepnetError as error:
                raise self.fail(where, str(error)) from None
            return Target("breakpoint", condition=condition)
        raise self.fail(where, f"cannot read {text!r}: use {TARGET_FORMS}")

    def _highlight(self, text: object, where: tuple) -> Highlight | None:
        if text is None:
            return None
        match = re.fullmatch(
            r"\s*(\w+)(?:\s+(row|column)\s+(\d+)|\s+entry\s+(\d+)\s*,\s*(\d+))?\s*", str(text)
        )
        if not isinstance(text, str) or match is None:
            raise self.fail(where, f"cannot read {text!r}: use {HIGHLIGHT_FORMS}")
        name, axis, index, row, column = match.groups()
        if name not in ARRAY_NAMES or name == "cost":
            raise self.fail(where, f"{name!r} is not a matrix: use one of {_MATRICES}")
        if axis == "row":
            return Highlight(name, row=int(index))
        if axis == "column":
            return Highlight(name, column=int(index))
        if row is not None:
            return Highlight(name, row=int(row), column=int(column))
        return Highlight(name)

    def _sweep(self, table: object, where: tuple, config: RunConfig) -> Sweep | None:
        if table is None:
            return None
        if not isinstance(table, dict):
            raise self.fail(where, "must be a table such as { hidden = [1, 2, 3] }")
        settings = [key for key in table if key != "iterations"]
        if len(settings) != 1 or settings[0] not in SWEEPABLE:
            raise self.fail(where, f"sweep exactly one of {', '.join(SWEEPABLE)}")
        setting = settings[0]
        values = table[setting]
        if not isinstance(values, list) or not values:
            raise self.fail((*where, setting), "must be a list of values to try")
        # each value checked, and normalised, as a setup's would be
        values = [self._setup({setting: value}, where)[setting] for value in values]
        iterations = table.get("iterations", config.iterations)
        if type(iterations) is not int or iterations < 1:
            raise self.fail((*where, "iterations"), "must be a whole number ≥ 1")
        return Sweep(setting, tuple(values), iterations)


_STEPS = ", ".join(STEP_NAMES)
_MATRICES = ", ".join(name for name in ARRAY_NAMES if name != "cost")


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    line = lines[0] if lines else type(error).__name__
    return line if len(line) <= 120 else line[:119] + "…"


def _key_lines(text: str) -> dict[tuple, int]:
    """The line (1-based) of every table and key, as paths like ('beats', 2, 'run_to').

    Found by scanning the lines: TOML's parser does not say where a value came from, and a
    teacher fixing a lesson wants the line. Multi-line strings are skipped over; dotted and
    quoted keys and sub-tables ([beats.setup]) are followed."""
    lines: dict[tuple, int] = {}
    table: tuple = ()
    counts: dict[str, int] = {}
    closing = None  # the quotes that end the multi-line string we are in
    for number, line in enumerate(text.splitlines(), start=1):
        if closing:
            if closing in line:
                closing = None
            continue
        stripped = line.strip()
        header = _HEADER.fullmatch(stripped.split("#")[0].strip())
        if header:
            brackets, inside = header.groups()
            parts = _key_parts(inside)
            if brackets == "[[":
                counts[parts[0]] = counts.get(parts[0], -1) + 1
                table = (parts[0], counts[parts[0]], *parts[1:])
            elif parts[0] in counts:  # [beats.setup]: a table inside the latest [[beats]]
                table = (parts[0], counts[parts[0]], *parts[1:])
            else:
                table = tuple(parts)
            lines.setdefault(table, number)
            continue
        key = _KEY.match(stripped)
        if key:
            path = (*table, *_key_parts(key.group(1)))
            for end in range(len(table) + 1, len(path) + 1):
                lines.setdefault(path[:end], number)
            value = stripped[key.end() :].lstrip()
            for quotes in ('"""', "'''"):
                if value.startswith(quotes) and value.count(quotes) % 2:
                    closing = quotes
    return lines


_HEADER = re.compile(r"(\[\[|\[)\s*([^\[\]]+?)\s*\]\]?")
_KEY = re.compile(
    r"((?:\s*(?:[\w-]+|\"[^\"]*\"|'[^']*')\s*\.)*\s*(?:[\w-]+|\"[^\"]*\"|'[^']*'))\s*="
)


def _key_parts(dotted: str) -> list[str]:
    """'beats."run_to"' → ['beats', 'run_to']."""
    return [part.strip().strip("\"'") for part in re.findall(r"\"[^\"]*\"|'[^']*'|[^.]+", dotted)]
