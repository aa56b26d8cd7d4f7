"""A command on its own pseudo-terminal, with its output and input copied without blocking.

The command runs in a new session, so its whole process group can be signalled and killed
together. It has no controlling terminal (subprocess could give it one only through
preexec_fn, which is unsafe in a server with threads), so the kernel sends it no SIGWINCH on a
resize: `resize` sends it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import signal
import struct
import termios
from collections.abc import Callable, Sequence
from pathlib import Path

READ_SIZE = 65536
# Input waiting for an app that does not read it; past this, new keys are dropped whole (never
# cut inside an escape sequence) rather than piling up in the server.
MAX_PENDING_INPUT = 65536
STOP_GRACE = 2.0  # seconds between SIGHUP and SIGKILL


class PtyChild:
    def __init__(
        self, process: asyncio.subprocess.Process, master: int, on_output: Callable[[bytes], None]
    ) -> None:
        self.process = process
        self._master = master
        self._on_output = on_output
        self._loop = asyncio.get_running_loop()
        self._pending = bytearray()
        self._writing = False
        self._ended = asyncio.Event()  # the terminal's other side is closed: nothing more to read
        self._loop.add_reader(master, self._read)

    @classmethod
    async def start(
        cls,
        command: Sequence[str],
        *,
        env: dict[str, str],
        cwd: Path,
        size: tuple[int, int],
        on_output: Callable[[bytes], None],
    ) -> PtyChild:
        """Start `command` on a new terminal of `size` (columns, rows)."""
        master, terminal = os.openpty()
        try:
            _set_size(master, size)
            process = await asyncio.create_subprocess_exec(
                *command,
                stdin=terminal,
                stdout=terminal,
                stderr=terminal,
                env=env,
                cwd=cwd,
                start_new_session=True,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(terminal)  # the child holds its own copies
        os.set_blocking(master, False)
        return cls(process, master, on_output)

    @classmethod
    async def start_warm(
        cls,
        warm,
        command: Sequence[str],
        *,
        env: dict[str, str],
        cwd: Path,
        size: tuple[int, int],
        on_output: Callable[[bytes], None],
    ) -> PtyChild:
        """As `start`, but forked from the warm process `warm` (tui/serve/warm_start.py):
        `command` is `python -P -m tui ARGS`, of which the fork runs ARGS."""
        master, terminal = os.openpty()
        try:
            _set_size(master, size)
            argv = list(command[list(command).index("tui") + 1 :])
            process = await warm.spawn(argv, env=env, cwd=cwd, stdio=[terminal])
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(terminal)  # the fork holds its own copy
        os.set_blocking(master, False)
        return cls(process, master, on_output)

    @property
    def pid(self) -> int:
        return self.process.pid

    async def wait(self) -> int:
        """The exit status, once the command has ended and its terminal output is all read."""
        await self._ended.wait()
        return await self.process.wait()

    # ---- output

    def _read(self) -> None:
        try:
            data = os.read(self._master, READ_SIZE)
        except BlockingIOError:
            return
        except OSError:  # EIO: every process holding the terminal has closed it
            data = b""
        if data:
            self._on_output(data)
            return
        self._loop.remove_reader(self._master)
        self._ended.set()

    def pause_output(self) -> None:
        """Stop reading while the connection cannot take more; the child then blocks writing."""
        if not self._ended.is_set():
            self._loop.remove_reader(self._master)

    def resume_output(self) -> None:
        if not self._ended.is_set():
            self._loop.add_reader(self._master, self._read)

    # ---- input and size

    def write(self, data: bytes) -> None:
        if self._ended.is_set() or len(self._pending) + len(data) > MAX_PENDING_INPUT:
            return
        self._pending += data
        self._flush()

    def _flush(self) -> None:
        try:
            written = os.write(self._master, self._pending)
        except BlockingIOError:
            written = 0
        except OSError:
            written = len(self._pending)  # the terminal has gone: nobody will read the rest
        del self._pending[:written]
        if self._pending and not self._writing:
            self._loop.add_writer(self._master, self._flush)
        elif not self._pending and self._writing:
            self._loop.remove_writer(self._master)
        self._writing = bool(self._pending)

    def resize(self, size: tuple[int, int]) -> None:
        _set_size(self._master, size)
        self._signal(signal.SIGWINCH)

    # ---- the end

    async def stop(self) -> int:
        """Hang up on the whole process group (killing it if it lingers) and close the terminal."""
        try:
            self._signal(signal.SIGHUP)
            try:
                return await asyncio.wait_for(self.process.wait(), STOP_GRACE)
            except TimeoutError:
                self._signal(signal.SIGKILL)
                return await self.process.wait()
        finally:
            self._close()

    def _signal(self, number: int) -> None:
        if self.process.returncode is None:  # once reaped, the group id may belong to another
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, number)

    def _close(self) -> None:
        if self._master < 0:
            return  # closed already: closing the number again could close someone else's file
        self._loop.remove_reader(self._master)
        self._loop.remove_writer(self._master)
        self._ended.set()
        os.close(self._master)
        self._master = -1


def _set_size(master: int, size: tuple[int, int]) -> None:
    columns, rows = size
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
