"""A run to convergence in a forked child process, so the screen never competes with it.

In one process the run and the screen take turns holding the GIL, and every redraw costs the run
its share; in a child the run has a core to itself. Forking hands the child the session exactly
as it is (breakpoint conditions are Python functions and never need pickling). The child sends
Views while it runs, then what the run changed: the stepper with its history, the watches with
theirs, the message, and why it stopped. The parent puts those in place of its own copies, which
stood still meanwhile: the app refuses every action that would touch them during a run.

Where fork does not exist (Windows), the run goes in the calling thread instead.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler

from engine.stepper import RunResult, Stepper
from tui.session import FRAME_SECONDS, Session
from tui.view import View
from tui.watch import Watch

CAN_FORK = "fork" in multiprocessing.get_all_start_methods()


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
    return SharedFlag() if CAN_FORK else threading.Event()


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
    """`session.run(cancel, on_view)`, computed in a child process; blocks until it ends."""
    if not CAN_FORK:
        return session.run(cancel, on_view, frame_seconds=frame_seconds)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_run_and_report, args=(session, cancel, sender, frame_seconds), daemon=True
    )
    child.start()
    sender.close()  # the child holds the other copy; its exit ends our recv with EOFError
    outcome = None
    try:
        while True:
            kind, payload = receiver.recv()
            if kind == "view":
                on_view(payload)
                continue
            if kind == "failed":
                raise RuntimeError(f"the run failed in its child process:\n{payload}")
            outcome = payload
            break
    except EOFError:
        pass
    finally:
        receiver.close()
        child.join()
    if outcome is None:
        session.message = f"the run's process ended early (exit code {child.exitcode}); try again"
        return RunResult("cancelled", 0, session.message)
    return _adopt(session, outcome)


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
