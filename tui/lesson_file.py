"""Lesson files: TOML in samples/, read and checked before anything runs.

    title = "Zero initialization"
    slide = "Random Initialization"            # the slide (group) it teaches
    [setup]                                    # RunConfig's fields; missing ones keep defaults
    init = "zeros"
    [quiz]                                     # optional: predict before a step is revealed
    shape = ["Z1", "dW1"]                      # its shape; "all" for every step
    sign = ["dZ2"]                             # the sign of its first entry
    value = ["cost"]                           # its value, within 10%
    [[beats]]
    note = "..."                               # what to read at this beat
    setup = { activation = "relu" }            # optional: start again with settings changed
    run_to = "after iteration 100"             # start | step NAME | after iteration N |
                                               # convergence | breakpoint CONDITION
    highlight = "A1 column 0"                  # NAME | NAME row J | NAME column I | NAME entry J,I
    claims = ["identical_units == n_h"]        # watch expressions that must come out True
    sweep = { hidden = [1, 2, 3], iterations = 5000 }   # optional: one run per value, a table

Every mistake is reported as `FILE line N: FIELD: what is wrong; what would fix it`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from engine.conditions import parse_condition
from engine.config import RunConfig
from engine.errors import StepnetError
from engine.steps import STEP_NAMES
from tui.watch import ARRAY_NAMES, Watch

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
SETTINGS = tuple(f.name for f in fields(RunConfig))
SWEEPABLE = ("hidden", "activation", "init", "scale", "seed", "learning_rate")
TARGET_FORMS = "start, step NAME, after iteration N, convergence, breakpoint CONDITION"
HIGHLIGHT_FORMS = "NAME, NAME row J, NAME column I, NAME entry J,I"
QUIZ_KINDS = ("shape", "sign", "value")
_TOP_KEYS = ("title", "slide", "setup", "quiz", "beats")
_BEAT_KEYS = ("note", "setup", "run_to", "highlight", "claims", "sweep")


class LessonError(StepnetError):
    """A lesson file that cannot be used; the message names the file, line and field."""


@dataclass(frozen=True)
class Target:
    """Where a beat runs to."""

    kind: str  # "start", "step", "iteration", "convergence" or "breakpoint"
    step: str | None = None
    iteration: int | None = None
    condition: str | None = None
    text: str = ""


@dataclass(frozen=True)
class Highlight:
    """A matrix, or one row, column or entry of it, that a beat points at."""

    name: str
    row: int | None = None
    column: int | None = None
    text: str = ""

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
    slide: str
    setup: RunConfig
    quiz: Quiz
    beats: tuple[Beat, ...]


# ---- finding lessons


def lesson_paths() -> list[Path]:
    """The shipped lessons, in order."""
    return sorted(SAMPLES.glob("*.toml"))


def find_lesson(name_or_path: str, folder: Path | None = None) -> Path:
    """The lesson file for `name_or_path`: a path to a .toml file, or a shipped lesson by its
    file name, its name without the number (`zero-initialization`) or its number (`9`)."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" and folder is None:
        if not candidate.is_file():
            raise LessonError(f"no lesson file {name_or_path}: check the path")
        return candidate
    paths = sorted((folder or SAMPLES).glob("*.toml"))
    wanted = name_or_path.removesuffix(".toml").lower()
    for path in paths:
        number, _, bare = path.stem.partition("-")
        if wanted in (path.stem.lower(), bare.lower()) or (
            wanted.isdigit() and number.isdigit() and int(wanted) == int(number)
        ):
            return path
    known = ", ".join(path.stem for path in paths) or "none"
    raise LessonError(f"no lesson {name_or_path!r}: use a .toml path or one of {known}")


def lesson_name(path: Path) -> str:
    return path.stem


# ---- reading one


def load_lesson(path: str | Path) -> Lesson:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LessonError(f"no lesson file {path}: check the path") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise LessonError(f"cannot read lesson {path}: {reason}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LessonError(f"{path}: not valid TOML: {error}") from None
    return _Reader(path, text).lesson(document)


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
        slide = self._text(document, ("slide",))
        setup = self._setup(document.get("setup", {}), ("setup",))
        config = RunConfig(**setup)
        try:
            config.checked()
        except StepnetError as error:
            raise self.fail(("setup",), str(error)) from None
        quiz = self._quiz(document.get("quiz", {}))
        beats = document.get("beats")
        if not isinstance(beats, list) or not beats:
            raise self.fail(("beats",), "a lesson needs at least one [[beats]] table")
        return Lesson(
            name=lesson_name(self.path),
            path=self.path,
            title=title,
            slide=slide,
            setup=config,
            quiz=quiz,
            beats=tuple(self._beat(beat, index, config) for index, beat in enumerate(beats)),
        )

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

    def _beat(self, beat: object, index: int, config: RunConfig) -> Beat:
        where = ("beats", index)
        self._known_keys(beat, where, _BEAT_KEYS)
        setup = self._setup(beat.get("setup", {}), (*where, "setup"))
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
        return Beat(
            note=self._text(beat, (*where, "note")),
            setup=setup,
            run_to=self._target(beat.get("run_to"), (*where, "run_to")),
            highlight=self._highlight(beat.get("highlight"), (*where, "highlight")),
            claims=tuple(claims),
            sweep=self._sweep(beat.get("sweep"), (*where, "sweep"), config),
            line=self._line(where) or 0,
        )

    def _target(self, text: object, where: tuple) -> Target | None:
        if text is None:
            return None
        if not isinstance(text, str):
            raise self.fail(where, f"must be text: {TARGET_FORMS}")
        words = text.split()
        if words in (["start"], ["convergence"]):
            return Target(words[0], text=text)
        if len(words) == 2 and words[0] == "step":
            if words[1] not in STEP_NAMES:
                raise self.fail(where, f"{words[1]!r} is not a step: use {_STEPS}")
            return Target("step", step=words[1], text=text)
        if len(words) == 3 and words[:2] == ["after", "iteration"] and words[2].isdigit():
            return Target("iteration", iteration=int(words[2]), text=text)
        if words[:1] == ["breakpoint"] and len(words) > 1:
            condition = text.split(None, 1)[1]
            try:
                parse_condition(condition)
            except StepnetError as error:
                raise self.fail(where, str(error)) from None
            return Target("breakpoint", condition=condition, text=text)
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
            return Highlight(name, row=int(index), text=text)
        if axis == "column":
            return Highlight(name, column=int(index), text=text)
        if row is not None:
            return Highlight(name, row=int(row), column=int(column), text=text)
        return Highlight(name, text=text)

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
        for value in values:
            self._setup({setting: value}, (*where, setting))
        iterations = table.get("iterations", config.iterations)
        if type(iterations) is not int or iterations < 1:
            raise self.fail((*where, "iterations"), "must be a whole number ≥ 1")
        return Sweep(setting, tuple(values), iterations)


_STEPS = ", ".join(STEP_NAMES)
_MATRICES = ", ".join(name for name in ARRAY_NAMES if name != "cost")


def _key_lines(text: str) -> dict[tuple, int]:
    """The line (1-based) of every table and key, as paths like ('beats', 2, 'run_to').

    Found by scanning the lines: TOML's parser does not say where a value came from, and a
    teacher fixing a lesson wants the line. Multi-line strings are skipped over."""
    lines: dict[tuple, int] = {}
    table: tuple = ()
    counts: dict[str, int] = {}
    in_string = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            if line.count(in_string) % 2:
                in_string = None
            continue
        stripped = line.strip()
        header = re.fullmatch(
            r"\[\[\s*([\w-]+)\s*\]\]|\[\s*([\w-]+)\s*\]", stripped.split("#")[0].strip()
        )
        if header:
            array, plain = header.groups()
            if array:
                counts[array] = counts.get(array, -1) + 1
                table = (array, counts[array])
            else:
                table = (plain,)
            lines.setdefault(table, number)
            continue
        key = re.match(r"([\w-]+)\s*=", stripped)
        if key:
            lines.setdefault((*table, key.group(1)), number)
            for quotes in ('"""', "'''"):
                if line.count(quotes) % 2:
                    in_string = quotes
    return lines
