"""Running a learner's functions in child processes, never in this one.

One child (the loader) sets the limits, runs the file's imports and definitions once, and then
forks a worker per graded function, so a function that hangs is killed on its own (`timeout`)
and the rest are still checked. Workers send back what the function returned as JSON
(engine.reference.wire), with its prints captured and the learner's own traceback lines. This
process only reads those messages, within an overall deadline. Linux only (fork, the address-space
limit, /proc): elsewhere checking says so in one line, and the rest of the engine still imports.
"""

from __future__ import annotations

import builtins
import contextlib
import copy
import inspect
import io
import linecache
import math
import multiprocessing
import os
import signal
import sys
import time
import traceback
import warnings

try:
    import resource
except ImportError:  # Windows: `import engine` must still work there; checking says it cannot
    resource = None
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.errors import StepnetError
from engine.reference import planar_utils, wire
from engine.reference.cases import Case

NEEDS_LINUX = (
    "checking runs your code in confined child processes, which needs Linux (fork and its"
    " limits; this is {platform}): run stepnet check on Linux or in WSL"
)
DEFAULT_TIMEOUT = 10.0  # seconds per function, all its cases together
DEFAULT_MEMORY = 2 * 2**30  # bytes of address space a child may add to what it starts with
MAX_PRINTED = 400  # characters of a function's prints kept to show
_GRACE = 2.0  # seconds the overall deadline allows beyond the sum of the time limits
_STEPNET_CODE = tuple(str(Path(__file__).resolve().parents[2] / part) for part in ("engine", "tui"))
_PYTHON_ROOTS = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix})
# The course's own test modules: importing one would run its tests; skipped like a failed import.
BLOCKED_MODULES = frozenset(("public_tests", "testCases_v2", "testCases", "test_utils"))


@dataclass
class Outcome:
    """What came back for one function: per case its result or error, or a timeout."""

    name: str
    cases: list[dict] = field(default_factory=list)  # decoded: {"value", "after", "printed"}
    error: dict | None = None  # the first case's error that stopped it, as the worker sent it
    timed_out: bool = False
    crashed: str | None = None  # the worker died without a word (a segfault, the memory limit)


@dataclass
class Loaded:
    """What running the file's definitions gave: the graded functions found and what was
    skipped (imports that failed, definitions that raised)."""

    found: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    load_failure: str | None = None  # set when the loader itself timed out or died
    loaded: bool = False  # the file's definitions were run and the functions found
    out_of_time: bool = False  # the load_failure is the time limit


def run_functions(
    load: Callable[[], tuple[Mapping, list[str]]],
    cases: Mapping[str, tuple[Case, ...]],
    *,
    is_learner_file: Callable[[str], bool],
    where: Callable[[int], str],
    timeout: float = DEFAULT_TIMEOUT,
    memory: int = DEFAULT_MEMORY,
    meanwhile: Callable[[], None] | None = None,
) -> Loaded:
    """Load the learner's namespace in a child with `load`, then run each function of `cases`
    that it defines on its cases, each in a worker of its own; `meanwhile` runs here while
    they do (the engine's answers)."""
    if not sys.platform.startswith("linux"):
        raise StepnetError(NEEDS_LINUX.format(platform=sys.platform))
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    loader = context.Process(
        target=_loader_main,
        args=(sender, load, cases, is_learner_file, where, timeout, memory),
        name="stepnet-check-loader",
    )
    loader.start()
    sender.close()
    if meanwhile is not None:
        meanwhile()
    result = Loaded()
    deadline = time.monotonic() + timeout + _GRACE
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not receiver.poll(remaining):
                result.out_of_time = True
                result.load_failure = (
                    "checking stopped: the time limit ran out"
                    if result.loaded
                    else f"your file did not finish loading within {timeout:g} s"
                )
                break
            try:
                message = wire.loads(receiver.recv_bytes(wire.MAX_MESSAGE_BYTES))
            except EOFError:  # gone without its goodbye: killed, or the memory limit
                result.load_failure = _died(loader)
                break
            except (OSError, ValueError, UnicodeDecodeError):
                result.load_failure = "a child process sent back something unreadable"
                break
            if "loaded" in message:
                loaded = message["loaded"]
                result.loaded = True
                result.found = [str(name) for name in loaded.get("found", [])]
                result.skipped = [str(line)[:200] for line in loaded.get("skipped", [])][:20]
                # from now on, each found function has its own time limit
                deadline = time.monotonic() + len(result.found) * (timeout + _GRACE) + _GRACE
            elif "function" in message:
                outcome = _outcome(message)
                result.outcomes[outcome.name] = outcome
            elif "done" in message:
                result.load_failure = None
                break
    finally:
        receiver.close()
        # the loader leads a process group of its own, its workers in it: one signal ends a
        # worker that hangs too, even when the loader is gone (an interrupted check)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(loader.pid, signal.SIGKILL)
        loader.join()
    if result.load_failure and len(result.outcomes) == len(result.found) and result.found:
        result.load_failure = None  # everything came back; only the goodbye was lost
    return result


def _died(process) -> str:
    process.join(1.0)
    code = process.exitcode
    return f"the child running your file stopped (exit status {code})"


def _outcome(message: dict) -> Outcome:
    outcome = Outcome(str(message["function"]))
    if message.get("timeout"):
        outcome.timed_out = True
    if message.get("crashed"):
        outcome.crashed = str(message["crashed"])[:200]
    for case in message.get("cases", []) or []:
        if not isinstance(case, dict):
            continue
        if "error" in case:
            outcome.cases.append({"error": _error_fields(case["error"])})
            continue
        outcome.cases.append(
            {
                "value": wire.decode(case.get("value")),
                "after": wire.decode(case["after"]) if "after" in case else None,
                "printed": str(case.get("printed", ""))[:MAX_PRINTED],
            }
        )
    return outcome


def _error_fields(error) -> dict:
    if not isinstance(error, dict):
        return {"type": "Error", "message": "", "where": None, "lines": []}
    return {
        "type": str(error.get("type", "Error"))[:80],
        "message": str(error.get("message", ""))[:300],
        "where": None if error.get("where") is None else str(error["where"])[:80],
        "lines": [str(line)[:200] for line in error.get("lines", [])][:12],
    }


# ---- in the loader child


def _loader_main(sender, load, cases, is_learner_file, where, timeout, memory) -> None:
    os.setpgid(0, 0)  # see run_functions: the group is what the parent ends
    _confine(memory)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            namespace, skipped = load()
        except BaseException as error:  # whatever the file does, say so
            namespace, skipped = {}, [f"loading stopped: {type(error).__name__}: {error}"]
    found = [name for name in cases if callable(namespace.get(name))]
    sender.send_bytes(wire.dumps({"loaded": {"found": found, "skipped": skipped}}))
    context = multiprocessing.get_context("fork")
    for name in found:
        receiver, worker_sender = context.Pipe(duplex=False)
        worker = context.Process(
            target=_worker_main,
            args=(
                worker_sender,
                name,
                namespace[name],
                cases[name],
                is_learner_file,
                where,
                timeout,
            ),
            name=f"stepnet-check-{name}",
        )
        worker.start()
        worker_sender.close()
        message = None
        if receiver.poll(timeout):
            try:
                message = receiver.recv_bytes(wire.MAX_MESSAGE_BYTES)
            except (EOFError, OSError):
                message = None
            if message is None:
                worker.join(1.0)
                status = worker.exitcode
                message = wire.dumps(
                    {"function": name, "crashed": f"it stopped the process (status {status})"}
                )
        else:
            message = wire.dumps({"function": name, "timeout": True})
        if worker.is_alive():
            worker.kill()
        worker.join()
        receiver.close()
        sender.send_bytes(message)
    sender.send_bytes(wire.dumps({"done": True}))
    sender.close()
    os._exit(0)  # no atexit handler of the learner's, no flushing of their buffers


def _confine(memory: int) -> None:
    """Limits for a process that runs the learner's code: address space, no stdin."""
    current = _address_space()
    limit = current + memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    with contextlib.suppress(OSError, ValueError):
        sys.stdin = open(os.devnull)  # noqa: SIM115 - input() meets end-of-file, not a hang
    os.environ["MPLBACKEND"] = "Agg"  # a plot in a function draws nowhere
    sys.modules[planar_utils.MODULE_NAME] = planar_utils.stand_in()
    for name in BLOCKED_MODULES:
        sys.modules[name] = None  # `import public_tests` raises ImportError


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 4 * 2**30


def load_source(source) -> tuple[dict, list[str]]:
    """Run a LearnerSource's kept statements one by one (in the child); a failing one is
    skipped and named."""
    import ast

    namespace = {"__name__": "__learner__", "__file__": source.path, "__builtins__": builtins}
    # tracebacks quote the source compiled (a notebook's joined cells), not the file's JSON
    lines = source.text.splitlines(keepends=True)
    linecache.cache[source.filename] = (len(source.text), None, lines, source.filename)
    skipped = []
    for node in source.statements:
        for part in _one_name_each(node):
            code = compile(ast.Module(body=[part], type_ignores=[]), source.filename, "exec")
            try:
                exec(code, namespace)  # the learner's own definitions, in this child
            except BaseException as error:  # an import may fail in any way
                skipped.append(
                    f"{source.where(node.lineno)}: {_first_line(part)} ({type(error).__name__})"
                )
    return namespace, skipped


def _one_name_each(node):
    """`from planar_utils import plot_decision_boundary, sigmoid` as one import per name, so
    the names the module has are imported and only the others are skipped."""
    import ast

    if not isinstance(node, ast.ImportFrom) or len(node.names) < 2:
        return [node]
    return [
        ast.copy_location(ast.ImportFrom(node.module, [alias], node.level), node)
        for alias in node.names
    ]


def _first_line(node) -> str:
    """`import matplotlib.pyplot as plt`, or `def f` / `class C` for a definition."""
    import ast

    if hasattr(node, "name"):
        return f"{'class' if isinstance(node, ast.ClassDef) else 'def'} {node.name}"
    return ast.unparse(node).splitlines()[0][:60]


# ---- in a worker


def _worker_main(sender, name, function, cases, is_learner_file, where, timeout) -> None:
    # a busy hang ends by itself, whatever happens to the processes watching it
    seconds = math.ceil(timeout) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    warnings.simplefilter("ignore")  # numpy's warnings are not the learner's prints
    results = []
    for case in cases:
        results.append(_run_case(name, function, case, is_learner_file, where))
    try:
        payload = wire.dumps({"function": name, "cases": results})
    except (TypeError, ValueError) as error:
        payload = wire.dumps({"function": name, "crashed": f"unsendable result: {error}"})
    sender.send_bytes(payload)
    sender.close()
    os._exit(0)


class _BoundedText(io.StringIO):
    """Keeps the first MAX_PRINTED characters of what is printed; the rest is dropped."""

    def write(self, text: str) -> int:
        room = MAX_PRINTED - self.tell()
        if room > 0:
            super().write(text[:room])
        return len(text)


def _run_case(name, function, case: Case, is_learner_file, where) -> dict:
    args = copy.deepcopy(case.args)
    if _needs_more(function, len(args)):
        args = args + copy.deepcopy(case.extra_args)
    if case.seed is not None:
        np.random.seed(case.seed)
    printed = _BoundedText()
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            value = function(*args)
    except BaseException as error:  # report what the learner's code raised
        return {"error": _describe_error(error, is_learner_file, where)}
    result = {"value": wire.encode(value), "printed": printed.getvalue()}
    if name == "update_parameters":
        result["after"] = wire.encode(args[0])  # to see whether the input was changed in place
    return result


def _needs_more(function, given: int) -> bool:
    """Whether `function` requires more positional arguments than `given`."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return False
    required = [
        p
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    ]
    return len(required) > given


def _describe_error(error: BaseException, is_learner_file, where) -> dict:
    """The exception and the learner's own frames only: never a line of stepnet's code."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if is_learner_file(f.filename)]
    lines = [f"{where(f.lineno)}, in {f.name}: {(f.line or '').strip()}" for f in frames]
    last = frames[-1] if frames else None
    return {
        "type": type(error).__name__,
        "message": str(error).splitlines()[0] if str(error) else "",
        "where": None if last is None else f"{where(last.lineno)}, in {last.name}",
        "lines": lines[-6:],
    }


def is_outside_stepnet(filename: str) -> bool:
    """For functions defined in a notebook: a frame is the learner's unless it is stepnet's,
    Python's or an installed package's."""
    path = os.path.abspath(filename) if not filename.startswith("<") else filename
    if path.startswith("<"):
        return not path.startswith("<frozen")
    return not path.startswith((*_STEPNET_CODE, *_PYTHON_ROOTS))
