"""A run to convergence in a forked child process, so the screen never competes with it.

In one process the run and the screen take turns holding the GIL, and every redraw costs the run
its share; in a child the run has a core to itself. Forking hands the child the session exactly
as it is (breakpoint conditions are Python functions and never need pickling). The child sends
Views while it runs, then what the run changed: the stepper with its history, the watches with
theirs, the message, and why it stopped. The parent puts those in place of its own copies, which
stood still meanwhile: the app refuses every action that would touch them during a run.

A run that fails in its child, or does not stop within STOP_SECONDS of being asked to, leaves
the session as it was and says so in its message: the app goes on. Only on Linux does the run
fork: macOS has fork, but numpy's Accelerate is not safe across it, and Windows has none; there
the run goes in the calling thread instead.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler

from engine.stepper import RunResult, Stepper
from tui.session.session import FRAME_SECONDS, Session
from tui.session.view import View
from tui.session.watch import Watch

IN_CHILD = sys.platform.startswith("linux")  # where a run may fork (see above)
STOP_SECONDS = 3.0  # a run checks the pause flag every iteration: far quicker than this
_POLL_SECONDS = 0.1
_EXIT_SECONDS = 0.5  # a child that has sent its outcome exits at once


class SharedFlag:
    """A flag the app raises to pause a run, seen by the run in its child process.

    One byte of shared memory, read without a lock: the run reads it every iteration, and a
    multiprocessing.Event's lock would cost it 2% of its speed.
    """

    def __init__(self):
        self._raised = multiprocessing.get_context("fork").RawValue("b", 0)

    def set(self) -> None:
        self._raised.value = 1

    def clear(self) -> None:
        self._raised.value = 0

    def is_set(self) -> bool:
        return bool(self._raised.value)


def new_cancel_event() -> SharedFlag | threading.Event:
    """An event the app sets to pause a run, seen by the run wherever it goes."""
    return SharedFlag() if IN_CHILD else threading.Event()


@dataclass(frozen=True)
class _Outcome:
    result: RunResult  # without its breakpoint: conditions do not pickle
    breakpoint_index: int | None  # which of the session's breakpoints stopped the run
    stepper: Stepper
    watches: list[Watch]
    message: str


def run_in_child(
    session: Session,
    cancel: SharedFlag | threading.Event,
    on_view: Callable[[View], None],
    *,
    frame_seconds: float = FRAME_SECONDS,
) -> RunResult:
    """`session.run(cancel, on_view)`, computed in a child process; blocks until it ends.

    A run that failed, or was ended, changes nothing but the session's message, and its
    result's reason is 'failed'."""
    if not IN_CHILD:
        return _run_here(session, cancel, on_view, frame_seconds)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_run_and_report, args=(session, cancel, sender, frame_seconds), daemon=True
    )
    child.start()
    sender.close()  # the child holds the other copy; its exit ends our recv with EOFError
    try:
        kind, payload = _last_word(receiver, cancel, on_view)
    finally:
        receiver.close()
        _end(child)
    if kind == "done":
        return _adopt(session, payload)
    if kind == "failed":
        session.message = f"the run failed, and nothing changed: {_last_line(payload)}"
    elif kind == "stuck":
        session.message = "the run did not stop when asked; it was ended, and nothing changed"
    else:
        session.message = f"the run's process ended early (exit code {child.exitcode}); try again"
    return RunResult("failed", 0, session.message)


def _run_here(
    session: Session,
    cancel: threading.Event,
    on_view: Callable[[View], None],
    frame_seconds: float,
) -> RunResult:
    """The run in the calling thread; one that fails is stopped where it failed."""
    try:
        return session.run(cancel, on_view, frame_seconds=frame_seconds)
    except Exception:
        session.message = f"the run failed: {_last_line(traceback.format_exc())}"
        return RunResult("failed", 0, session.message)


def _last_word(
    receiver: Connection, cancel: SharedFlag, on_view: Callable[[View], None]
) -> tuple[str, object]:
    """Pass the child's Views on until its last word: ('done', an _Outcome), ('failed', a
    traceback), ('gone', None) when it exited without one, or ('stuck', None) when it was
    still running STOP_SECONDS after `cancel` went up."""
    asked_to_stop = None
    while True:
        # polled, not waited on: a child that hangs must not hang the app, nor its quitting
        if receiver.poll(_POLL_SECONDS):
            try:
                kind, payload = receiver.recv()
            except EOFError:
                return "gone", None
            except Exception:  # the outcome could not be unpacked here (memory, say)
                return "failed", traceback.format_exc()
            if kind != "view":
                return kind, payload
            on_view(payload)
        if cancel.is_set():
            if asked_to_stop is None:
                asked_to_stop = time.monotonic()
            elif time.monotonic() - asked_to_stop > STOP_SECONDS:
                return "stuck", None


def _end(child: BaseProcess) -> None:
    """Wait for the child to exit, and make it if it does not: it is stuck, or done for."""
    child.join(_EXIT_SECONDS)
    if child.is_alive():
        child.terminate()
        child.join(_EXIT_SECONDS)
    if child.is_alive():
        child.kill()
        child.join()


def _last_line(text: str) -> str:
    """The last line of a traceback: the exception and its message."""
    lines = text.strip().splitlines()
    return lines[-1] if lines else "no reason given"


def _run_and_report(
    session: Session, cancel: SharedFlag, sender: Connection, frame_seconds: float
) -> None:
    # the child shares the terminal with the app: nothing of it may reach the screen
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the child
    frames = _FrameSender(sender)
    try:
        result = session.run(cancel, frames.offer, frame_seconds=frame_seconds)
        frames.close()
        index = None
        if result.breakpoint is not None:
            index = session.breakpoints.index(result.breakpoint)
        outcome = _Outcome(
            replace(result, breakpoint=None),
            index,
            session.stepper,
            session.watches,
            session.message,
        )
        sender.send(("done", outcome))
    except Exception:
        frames.close()
        sender.send(("failed", traceback.format_exc()))
    finally:
        sender.close()


class _FrameSender:
    """Sends Views from a thread of its own, so the run never waits for the screen.

    A View is bigger than a pipe's buffer, and the screen's side reads it only between redraws:
    sent from the run's thread, each View would stall the run until the screen got round to it.
    The newest View waits here; one the screen never got to is replaced, not queued.
    """

    def __init__(self, sender: Connection):
        self._sender = sender
        self._waiting: bytes | None = None
        self._closed = False
        self._ready = threading.Condition()
        self._thread = threading.Thread(target=self._send_forever, daemon=True)
        self._thread.start()

    def offer(self, view: View) -> None:
        frame = ForkingPickler.dumps(("view", view))
        with self._ready:
            self._waiting = frame
            self._ready.notify()

    def close(self) -> None:
        """Send the View still waiting, then stop: the connection is the caller's again."""
        with self._ready:
            self._closed = True
            self._ready.notify()
        self._thread.join()

    def _send_forever(self) -> None:
        while True:
            with self._ready:
                self._ready.wait_for(lambda: self._waiting is not None or self._closed)
                frame, self._waiting = self._waiting, None
                if frame is None:
                    return
            self._sender.send_bytes(frame)


def _adopt(session: Session, outcome: _Outcome) -> RunResult:
    session.stepper = outcome.stepper
    session.data = (outcome.stepper.X, outcome.stepper.Y)
    session.watches = outcome.watches
    session.message = outcome.message
    if outcome.breakpoint_index is None:
        return outcome.result
    return replace(outcome.result, breakpoint=session.breakpoints[outcome.breakpoint_index])
