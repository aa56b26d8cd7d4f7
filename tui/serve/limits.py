"""How much a class may take of the server: sessions at once, idle time, session length, and
what each session may ask of the engine."""

from __future__ import annotations

import asyncio
import re
import resource
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from engine.errors import StepnetError
from tui.serve.confinement import EngineCaps

_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600}


@dataclass(frozen=True)
class ClassLimits:
    max_sessions: int = 20
    idle_seconds: float = 15 * 60  # no key pressed for this long: the session closes
    session_seconds: float = 3 * 3600  # the longest a session may last, a long lesson
    caps: EngineCaps = field(default_factory=EngineCaps)


async def until_done_or_time_up(
    limits: ClassLimits, done: Iterable[asyncio.Future], last_input: Callable[[], float]
) -> str:
    """Wait until one of `done` completes (then ''), or until the session has lasted too long
    or been idle too long since `last_input()` (then why, for the student)."""
    started = time.monotonic()
    while True:
        now = time.monotonic()
        if now >= started + limits.session_seconds:
            return f"sessions last at most {describe_duration(limits.session_seconds)}"
        if now >= last_input() + limits.idle_seconds:
            return f"closed after {describe_duration(limits.idle_seconds)} without a key"
        # wake at the nearer deadline; a key pressed meanwhile moves the idle one on
        deadline = min(started + limits.session_seconds, last_input() + limits.idle_seconds)
        finished, _ = await asyncio.wait(
            done, timeout=deadline - now, return_when=asyncio.FIRST_COMPLETED
        )
        if finished:
            return ""


def parse_duration(text: str) -> float:
    """Seconds from `90`, `90s`, `15m` or `2h`."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text)
    if not match or float(match[1]) <= 0:
        raise StepnetError(f"duration {text!r}: write seconds, or minutes and hours: 90, 15m, 2h")
    return float(match[1]) * _UNITS[match[2]]


def describe_duration(seconds: float) -> str:
    """`90 seconds`, `15 minutes`, `3 hours`: for messages to students."""
    if seconds < 120:
        amount, unit = seconds, "second"
    elif seconds < 2 * 3600:
        amount, unit = seconds / 60, "minute"
    else:
        amount, unit = seconds / 3600, "hour"
    return f"{amount:.3g} {unit}{'' if amount == 1 else 's'}"


def class_full(open_now: int) -> str:
    """What a student is told when the session cap is reached."""
    are = "session is" if open_now == 1 else "sessions are"
    return f"the class is full: {open_now} {are} open; try again in a minute"


def raise_descriptor_limit(wanted: int = 65536) -> int:
    """Raise this process's open-file limit towards `wanted`, as far as its hard limit allows
    (a soft limit of 256 or 1024 is common, and each session holds a few): the limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass  # not allowed here: the soft limit stays, and the gate's caps still hold
    return soft
