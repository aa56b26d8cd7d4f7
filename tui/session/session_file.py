"""Saving a debugging session to one JSON file, and resuming it exactly.

A session is the run's settings (engine.config.RunConfig), how far it has gone (the cursor:
steps done), the breakpoints and watches as the user typed them, and the value panel's selected
cell. Everything else is recomputed on resume: the engine is deterministic, so rebuilding the
stepper from the settings and going to the cursor gives every value back bit for bit. When the
parameters came from an .npz file, they are embedded, so the session does not depend on that
file still being there (or unchanged).

    {"format": "stepnet-session", "version": 5,
     "config": {"data": "flower", "hidden": 4, …, "mistake": null}, "cursor": 1234,
     "breakpoints": ["cost rises", "dW1"], "watches": ["abs(dW1).max()"],
     "selection": [0, 3], "initial_parameters": null or {"W1": [[…]], …},
     "edits": [{"iteration": 10, "name": "W1", "index": [2, 0], "value": 0.0}],
     "disabled_breakpoints": ["dW1"],
     "lesson": null or {"path": "/…/07-gradient-descent.toml", "beat": 2, "sha256": "…"},
     "unit": null or 2}

Version 2 added the config's "mistake" (null, or the name of a mistake made on purpose, see
engine.mistakes.catalogue); a version 1 file has none and loads as a run without one. Version 3
added "edits", the what-if edits of the run's branch (engine.edits), oldest first, replayed on
resume exactly as they were made; a file of an earlier version has none. Version 4 added
"disabled_breakpoints", the labels of the breakpoints kept but switched off (each one of
"breakpoints"), and "lesson", where in a lesson the session was saved: the lesson file, the beat
entered (0-based) and the file's SHA-256, so a resume can tell the lesson changed since. A file
of an earlier version has every breakpoint on and no lesson. Version 5 added "unit", the hidden
unit followed across the panels (a numpy index below the config's hidden, or null); a file of an
earlier version follows none.

Arrays are nested lists of floats written with repr, which reads back as the same float64.
Files are written atomically: a temporary file beside the target, then os.replace, so a crash
or a full disk never leaves half a session, and a failed save leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import tempfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from types import MappingProxyType

import numpy as np

from engine.config import RunConfig
from engine.edits import EDITABLE, original_parameters
from engine.errors import StepnetError
from engine.history import DEFAULT_HISTORY_BYTES
from engine.mistakes.factory import make_stepper
from engine.parameters import check_parameters, parse_init
from engine.shapes import PARAMETER_NAMES
from engine.stepper import Breakpoint, Stepper
from engine.steps import STEPS_PER_ITERATION
from tui.session.small_file import NotSmallFile, read_small_file
from tui.session.watch import MAX_WATCHES, Watch
from tui.session.watch_conditions import read_breakpoint

FORMAT = "stepnet-session"
VERSION = 5
# A session is kilobytes: settings, a cursor, the texts typed, and for an --init file its four
# parameters (64 hidden units × 10,000 features is some 13 MiB of JSON)
MAX_FILE_BYTES = 16 * 2**20
# A cursor past this is a damaged file, not a session: resuming it would take days.
# Resuming replays every step to the cursor: a million iterations take the flower ~30 s; a
# cursor of 15,000,000,000 took hours
MAX_RESUMED_ITERATIONS = 10**6
MAX_CURSOR = STEPS_PER_ITERATION * (MAX_RESUMED_ITERATIONS + 1)
MAX_NAME_BYTES = 255  # NAME_MAX of every common file system
_CONFIG_TYPES: dict[str, tuple[type, ...]] = {
    "data": (str,),
    "hidden": (int,),
    "activation": (str,),
    "init": (str,),
    "scale": (int, float),
    "seed": (int,),
    "learning_rate": (int, float),
    "iterations": (int,),
    "mistake": (str, type(None)),
    "test_split": (int, float),
}
# settings a file of an earlier version does not have
_ADDED_IN_VERSION = {"mistake": 2, "test_split": 3}
_EDITS_SINCE = 3
_DISABLED_AND_LESSON_SINCE = 4
_UNIT_SINCE = 5
_NEW_FILE_MODE = 0o644


@dataclass(frozen=True)
class LessonPlace:
    """Where in a lesson a session was saved: which file, which beat, the file's digest."""

    path: str
    beat: int  # 0-based, as LessonPlayer.index
    sha256: str  # of the lesson file's bytes when the lesson was opened


@dataclass(frozen=True)
class SessionData:
    """Everything needed to put a debugging session back exactly as it was."""

    config: RunConfig
    cursor: int = 0  # steps done since the start
    breakpoints: tuple[str, ...] = ()  # as read_breakpoint reads them
    watches: tuple[str, ...] = ()  # as Watch.parse reads them
    selection: tuple[int, int] | None = None  # the value panel's (row, col)
    # W1, b1, W2, b2 at the start, when config.init is an .npz path; None otherwise
    initial_parameters: Mapping[str, np.ndarray] | None = field(default=None, compare=False)
    # what-if edits, oldest first: (iteration, name, index, new value), as Stepper.edit takes
    edits: tuple[tuple[int, str, tuple[int, ...], float], ...] = ()
    disabled: tuple[str, ...] = ()  # labels of breakpoints switched off, in their order
    lesson: LessonPlace | None = None  # the lesson it was saved in, if any
    unit: int | None = None  # the hidden unit followed (a numpy index below config.hidden)

    def __post_init__(self):
        if isinstance(self.cursor, np.integer):
            object.__setattr__(self, "cursor", int(self.cursor))
        object.__setattr__(self, "breakpoints", tuple(self.breakpoints))
        object.__setattr__(self, "watches", tuple(self.watches))
        object.__setattr__(self, "disabled", tuple(self.disabled))
        object.__setattr__(
            self,
            "edits",
            tuple((int(k), name, tuple(map(int, i)), float(v)) for k, name, i, v in self.edits),
        )
        if isinstance(self.unit, np.integer):
            object.__setattr__(self, "unit", int(self.unit))
        if self.selection is not None:
            cell = tuple(int(i) if isinstance(i, np.integer) else i for i in self.selection)
            object.__setattr__(self, "selection", cell)
        if self.initial_parameters is not None:
            frozen = {}
            for name in PARAMETER_NAMES:
                array = np.array(self.initial_parameters[name], dtype=np.float64)
                array.flags.writeable = False
                frozen[name] = array
            object.__setattr__(self, "initial_parameters", MappingProxyType(frozen))

    def stepper(
        self,
        data: tuple[np.ndarray, np.ndarray] | None = None,
        history_bytes: int = DEFAULT_HISTORY_BYTES,
    ) -> Stepper:
        """A stepper at the session's cursor, every value as it was when the session was
        saved; pass `data` to reuse X, Y already loaded."""
        if self.initial_parameters is None:
            stepper = self.config.stepper(data, history_bytes=history_bytes)
        else:
            X, Y = data if data is not None else self.config.load_data()
            stepper = make_stepper(
                X,
                Y,
                self.initial_parameters,
                activation=self.config.activation,
                learning_rate=self.config.learning_rate,
                history_bytes=history_bytes,
                mistake=self.config.mistake,
            )
        for iteration, name, index, value in self.edits:
            stepper.goto(iteration * STEPS_PER_ITERATION)
            stepper.edit(name, index, value)
        stepper.goto(self.cursor)
        return stepper

    def breakpoint_list(self) -> list[Breakpoint]:
        return [read_breakpoint(text) for text in self.breakpoints]

    def watch_list(self) -> list[Watch]:
        return [Watch.parse(text) for text in self.watches]


def capture(
    stepper: Stepper,
    config: RunConfig,
    *,
    breakpoints: Sequence[Breakpoint | str] = (),
    watches: Sequence[Watch | str] = (),
    selection: tuple[int, int] | None = None,
    disabled: Collection[str] = (),
    lesson: LessonPlace | None = None,
    unit: int | None = None,
) -> SessionData:
    """The session of `stepper`, which `config` built; breakpoints by their labels (which
    read_breakpoint reads back), those `disabled` names marked off, and watches by their text."""
    initial = None
    if isinstance(parse_init(config.init), Path):
        # the parameters the run started from, not the file as it is now: it may have changed
        _, theta = stepper.history.nearest(0)
        initial = original_parameters(stepper, theta)  # an edit at iteration 0 is replayed
    labels = tuple(
        (b if isinstance(b, Breakpoint) else read_breakpoint(b)).label for b in breakpoints
    )
    return SessionData(
        config=config,
        cursor=stepper.cursor,
        breakpoints=labels,
        watches=tuple(w.text if isinstance(w, Watch) else w for w in watches),
        selection=selection,
        initial_parameters=initial,
        edits=tuple((e.iteration, e.name, e.index, e.new) for e in stepper.edits),
        disabled=tuple(label for label in labels if label in disabled),
        lesson=lesson,
        unit=unit,
    )


# ---- writing


def save_session(path: str | os.PathLike, session: SessionData) -> Path:
    """Write `session` to `path` atomically; StepnetError (and the old file untouched) if not."""
    path = Path(path)
    _check_name(path, "save session to")
    text = _to_json(session, path)
    if path.is_dir():
        raise StepnetError(f"cannot save session to {path}: it is a folder; give a file name")
    folder = path.parent
    try:
        mode = path.stat().st_mode & 0o777 if path.exists() else _NEW_FILE_MODE
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".partial")
    except OSError as error:
        raise StepnetError(f"cannot save session to {path}: {_reason(error, folder)}") from None
    replaced = False
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
        replaced = True
    except OSError as error:
        raise StepnetError(f"cannot save session to {path}: {_reason(error, folder)}") from None
    finally:
        if not replaced:  # whatever stopped the write, even Ctrl-C: no half file left behind
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    _sync_folder(folder)
    return path


def session_text(session: SessionData, name: str) -> str:
    """The text save_session writes for `session`, to hand over elsewhere (a browser's
    download); StepnetError naming `name` if no load would read it back."""
    return _to_json(session, Path(name))


def _check_name(path: Path, doing: str) -> None:
    """StepnetError for a path no file system takes: a NUL in it, or a part longer than the
    255 bytes file names hold (the system would say only 'invalid argument' or Errno 36)."""
    shown = repr(str(path)[:60]) + ("…" if len(str(path)) > 60 else "")
    if "\0" in str(path):
        raise StepnetError(f"cannot {doing} {shown}: a file name cannot hold a NUL character")
    longest = max((len(os.fsencode(part)) for part in path.parts), default=0)
    if longest > MAX_NAME_BYTES:
        raise StepnetError(
            f"cannot {doing} {shown}: a name of {longest:,d} bytes is too long; "
            f"file names hold {MAX_NAME_BYTES} at most"
        )


def _to_json(session: SessionData, path: Path) -> str:
    """The file's text, after the same checks a load makes, so no save writes what no load
    would read back."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "config": _config_fields(session.config),
        "cursor": session.cursor,
        "breakpoints": list(session.breakpoints),
        "watches": list(session.watches),
        "selection": None if session.selection is None else list(session.selection),
        "initial_parameters": None
        if session.initial_parameters is None
        else {
            name: np.asarray(session.initial_parameters[name]).tolist() for name in PARAMETER_NAMES
        },
        "edits": [
            {"iteration": k, "name": name, "index": list(index), "value": value}
            for k, name, index, value in session.edits
        ],
        "disabled_breakpoints": list(session.disabled),
        "lesson": None if session.lesson is None else asdict(session.lesson),
        "unit": session.unit,
    }
    try:
        _read_document(document)
        return json.dumps(document, indent=1, allow_nan=False) + "\n"
    except _Problem as problem:
        raise StepnetError(f"cannot save session to {path}: {problem}") from None
    except (TypeError, ValueError) as error:
        raise StepnetError(f"cannot save session to {path}: {error}") from None


def _config_fields(config: RunConfig) -> dict:
    # numpy scalars (a seed from np.int64, say) become plain numbers JSON can write
    values = {}
    for name, value in config.to_dict().items():
        if isinstance(value, np.integer):
            value = int(value)
        elif isinstance(value, np.floating):
            value = float(value)
        values[name] = value
    return values


def _reason(error: OSError, folder: Path) -> str:
    if isinstance(error, FileNotFoundError) and not folder.exists():
        return f"the folder {folder} does not exist"
    if isinstance(error, NotADirectoryError):
        return f"{folder} is not a folder"
    if isinstance(error, PermissionError):
        return f"permission denied in {folder}; choose a folder you can write to"
    return error.strerror or str(error)


def _sync_folder(folder: Path) -> None:
    # so the rename itself survives a power cut; not every system lets a folder be opened
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# ---- reading


def load_session(path: str | os.PathLike) -> SessionData:
    """The session saved in `path`, checked throughout; StepnetError naming the file and the
    problem for a missing, foreign, damaged or newer file."""
    path = Path(path)
    where = f"session file {path}"
    try:
        raw = read_small_file(path, MAX_FILE_BYTES, "a session")
    except NotSmallFile as problem:
        raise StepnetError(f"{where} {problem}") from None
    except FileNotFoundError:
        raise StepnetError(
            f"{where} does not exist: check the name, or save a session first"
        ) from None
    except OSError as error:
        raise StepnetError(f"cannot read {where}: {error.strerror or error}") from None
    if not raw.strip():
        raise StepnetError(f"{where} is empty: it holds no session; save the session again")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise StepnetError(f"{where} is not a stepnet session (not text)") from None
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except _NotANumber as error:
        raise StepnetError(f"{where} is damaged: {error}; save the session again") from None
    except (ValueError, RecursionError) as error:
        if f'"{FORMAT}"' in text:
            detail = (
                f"line {error.lineno} column {error.colno}: {error.msg}"
                if isinstance(error, json.JSONDecodeError)
                else str(error).splitlines()[0]
            )
            raise StepnetError(
                f"{where} is damaged (invalid JSON at {detail}); save the session again"
            ) from None
        raise StepnetError(f"{where} is not a stepnet session (not a JSON document)") from None
    try:
        return _read_document(document)
    except _Problem as problem:
        detail = str(problem)
        if detail.startswith(("is not a stepnet session", "was written by a newer")):
            raise StepnetError(f"{where} {detail}") from None
        raise StepnetError(f"{where} is damaged: {detail}; save the session again") from None


class _NotANumber(ValueError):
    pass


def _refuse_constant(name: str) -> float:
    # json reads NaN and Infinity, which are not JSON and which no parameter may be
    raise _NotANumber(f"it holds {name}, which no session value can be")


class _Problem(Exception):
    """What is wrong with a session document, without saying which file it came from."""


def _read_document(document: object) -> SessionData:
    """A SessionData from a parsed document, or _Problem naming the first bad field."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _Problem(f'is not a stepnet session (no "format": "{FORMAT}")')
    version = document.get("version")
    if type(version) is not int or version < 1:
        raise _wrong("version", f"a whole number from 1 to {VERSION}", version)
    if version > VERSION:
        raise _Problem(
            f"was written by a newer stepnet (format version {version}; this one reads version "
            f"{VERSION}): upgrade stepnet to open it"
        )
    keys = ("config", "cursor", "breakpoints", "watches", "selection", "initial_parameters")
    if version >= _EDITS_SINCE:
        keys += ("edits",)
    if version >= _DISABLED_AND_LESSON_SINCE:
        keys += ("disabled_breakpoints", "lesson")
    if version >= _UNIT_SINCE:
        keys += ("unit",)
    for key in keys:
        if key not in document:
            raise _Problem(f"it has no {key!r}")
    config = _read_config(document["config"], version)
    cursor = document["cursor"]
    if type(cursor) is not int or cursor < 0:
        raise _wrong("cursor", "a whole number of steps ≥ 0", cursor)
    if cursor > MAX_CURSOR:
        raise _Problem(
            f"cursor {cursor:,d} is past iteration {MAX_RESUMED_ITERATIONS:,d}, the last a "
            "session resumes at"
        )
    breakpoints = _read_texts(document["breakpoints"], "breakpoints")
    for text in breakpoints:
        _reread(read_breakpoint, text, "breakpoint")
    watches = _read_texts(document["watches"], "watches")
    if len(watches) > MAX_WATCHES:
        raise _Problem(f"it has {len(watches):,d} watches; a session keeps {MAX_WATCHES} at most")
    for text in watches:
        _reread(Watch.parse, text, "watch")
    selection = document["selection"]
    if selection is not None and not (
        isinstance(selection, list)
        and len(selection) == 2
        and all(type(i) is int and i >= 0 for i in selection)
    ):
        raise _wrong("selection", "null or [row, col] of whole numbers ≥ 0", selection)
    initial = _read_parameters(document["initial_parameters"], config)
    edits = _read_edits(document["edits"]) if version >= _EDITS_SINCE else ()
    disabled, lesson = (), None
    if version >= _DISABLED_AND_LESSON_SINCE:
        disabled = _read_texts(document["disabled_breakpoints"], "disabled_breakpoints")
        for text in disabled:
            if text not in breakpoints:
                raise _wrong("a disabled breakpoint", "one of the breakpoints", text)
        lesson = _read_lesson(document["lesson"])
    unit = _read_unit(document["unit"], config) if version >= _UNIT_SINCE else None
    return SessionData(
        config=config,
        cursor=cursor,
        breakpoints=breakpoints,
        watches=watches,
        selection=None if selection is None else (selection[0], selection[1]),
        initial_parameters=initial,
        edits=edits,
        disabled=disabled,
        lesson=lesson,
        unit=unit,
    )


def _read_unit(value: object, config: RunConfig) -> int | None:
    """The hidden unit followed: null, or one of the config's n_h units."""
    if value is not None and (type(value) is not int or not 0 <= value < config.hidden):
        raise _wrong("unit", f"null or a hidden unit's index from 0 to {config.hidden - 1}", value)
    return value


def _read_lesson(value: object) -> LessonPlace | None:
    """Where in a lesson, checked for form; whether the file is still there and the same is
    for the resume to say (tui/lessons/resume.py)."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"path", "beat", "sha256"}:
        raise _wrong("lesson", "null or {path, beat, sha256}", value)
    path, beat, digest = value["path"], value["beat"], value["sha256"]
    if not isinstance(path, str) or not path or len(path) > 4096 or "\0" in path:
        raise _wrong("lesson path", "the lesson file's path", path)
    if type(beat) is not int or not 0 <= beat < 10_000:
        raise _wrong("lesson beat", "a whole number from 0", beat)
    if not isinstance(digest, str) or re.fullmatch(r"[0-9a-f]{64}", digest) is None:
        raise _wrong("lesson sha256", "64 hexadecimal digits", digest)
    return LessonPlace(path, beat, digest)


def _read_edits(value: object) -> tuple[tuple[int, str, tuple[int, ...], float], ...]:
    """The edits' list, each checked for form here; whether it fits the network (a row that
    exists, a unit not identical to others) is the stepper's to say on resume."""
    if not isinstance(value, list):
        raise _wrong("edits", "a list of edits", value)
    edits = []
    for item in value:
        if not isinstance(item, dict) or set(item) != {"iteration", "name", "index", "value"}:
            raise _wrong("an edit", "{iteration, name, index, value}", item)
        iteration, name, index, number = (item[k] for k in ("iteration", "name", "index", "value"))
        if type(iteration) is not int or not 0 <= iteration <= MAX_CURSOR // STEPS_PER_ITERATION:
            raise _wrong("an edit's iteration", "a whole number ≥ 0", iteration)
        if name not in EDITABLE:
            raise _wrong("an edit's name", f"one of {', '.join(EDITABLE)}", name)
        if not (isinstance(index, list) and len(index) <= 2 and all(type(i) is int for i in index)):
            raise _wrong("an edit's index", "[] or [row, col]", index)
        if type(number) not in (int, float) or not math.isfinite(number):
            raise _wrong("an edit's value", "a finite number", number)
        edits.append((iteration, name, tuple(index), float(number)))
    if [k for k, *_ in edits] != sorted(k for k, *_ in edits):
        raise _Problem("edits are not in the order they apply (by iteration)")
    return tuple(edits)


def _read_config(value: object, version: int) -> RunConfig:
    if not isinstance(value, dict):
        raise _wrong("config", "an object of run settings", value)
    names = {f.name for f in fields(RunConfig) if _ADDED_IN_VERSION.get(f.name, 1) <= version}
    unknown = sorted(set(value) - names)
    if unknown:
        shown = (name if name.isprintable() else repr(name) for name in unknown)
        raise _Problem(
            f"config has unknown settings {', '.join(shown)} (it takes {', '.join(sorted(names))})"
        )
    missing = sorted(names - set(value))
    if missing:
        raise _Problem(f"config lacks {', '.join(missing)}")
    for name, types in _CONFIG_TYPES.items():
        if name not in names:
            continue
        if type(value[name]) is bool or not isinstance(value[name], types):
            kind = {(str,): "text", (str, type(None)): "null or text"}.get(types, "a number")
            raise _wrong(f"config {name}", kind, value[name])
    try:
        return RunConfig(**value).checked()
    except StepnetError as error:
        raise _Problem(f"bad setting: {error}") from None


def _read_texts(value: object, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _wrong(key, "a list of texts", value)
    return tuple(value)


def _reread(parse, text: str, what: str) -> None:
    try:
        parse(text)
    except StepnetError as error:
        raise _Problem(f"a {what} this stepnet cannot read: {error}") from None


def _read_parameters(value: object, config: RunConfig) -> dict[str, np.ndarray] | None:
    from_file = isinstance(parse_init(config.init), Path)
    if value is None:
        if from_file:
            raise _Problem(
                f"init {config.init} needs the initial parameters, but none are embedded"
            )
        return None
    if not from_file:
        raise _Problem(f"it embeds initial parameters, but init is {config.init!r}")
    if not isinstance(value, dict):
        raise _wrong("initial_parameters", "an object with W1, b1, W2, b2", value)
    for name in PARAMETER_NAMES:
        if not _all_numbers(value.get(name)):
            raise _wrong(f"initial_parameters {name}", "a nested list of finite numbers", "…")
    W1 = np.asarray(value["W1"], dtype=object)
    n_x = W1.shape[1] if W1.ndim == 2 else 0
    try:
        return check_parameters(value, n_x=n_x, n_h=config.hidden, source="initial_parameters")
    except StepnetError as error:
        raise _Problem(str(error)) from None


def _all_numbers(value: object) -> bool:
    """True for a (nested) list holding only finite ints and floats, none of them bool."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif type(item) is float:
            if not math.isfinite(item):
                return False
        elif type(item) is not int:
            return False
    return isinstance(value, list)


def _wrong(key: str, expected: str, found: object) -> _Problem:
    shown = " ".join(repr(found).split())
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    return _Problem(f"{key} should be {expected}, not {shown}")
