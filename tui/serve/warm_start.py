"""Sessions started from a warm process: imports done once, then one fork per session.

A student's app spends most of its start importing numpy, Textual and stepnet and loading the
built-in data: with a class arriving at once on two cores, that is seconds each. The SSH
server therefore starts one warm process at the beginning (`python -P -m tui.serve.warm_start`,
in the fresh environment a child gets), which imports all that, draws the app's first screen
once headless so that each session's app finds its stylesheet parsed (warm_app.py), and
waits. For each session the server sends it, over a Unix socket, the command line,
environment and folder, and the session's terminal (SCM_RIGHTS); the warm process forks, and
the fork makes that terminal its own, takes the environment, lowers its limits and runs the
app exactly as `python -m tui ARGS` would. The warm process reaps each fork and reports its
exit status.

    warm = await WarmStarter.start(env)       the server, once
    process = await warm.spawn(argv, env=…, cwd=…, terminal=fd)
    process.pid, process.returncode, await process.wait()
"""

from __future__ import annotations

import argparse
import array
import asyncio
import contextlib
import gc
import json
import os
import signal
import socket
import struct
import sys
from pathlib import Path

HEADER = struct.Struct("!I")
MAX_REQUEST = 1 << 20
SESSION_GC_THRESHOLD = 10_000  # allocations between collections of the youngest objects


class WarmProcess:
    """A session started by the warm process: what PtyChild needs of an asyncio Process."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._ended = asyncio.get_running_loop().create_future()

    def _exited(self, status: int) -> None:
        self.returncode = status
        if not self._ended.done():
            self._ended.set_result(status)

    async def wait(self) -> int:
        return await asyncio.shield(self._ended)


class PipedProcess(WarmProcess):
    """A session on three pipes, as asyncio's Process has them: for textual-serve."""

    stdin: asyncio.StreamWriter
    stdout: asyncio.StreamReader
    stderr: asyncio.StreamReader


class WarmStarter:
    """The server's side: the warm process, and the sessions it started."""

    def __init__(self, process: asyncio.subprocess.Process, sock: socket.socket) -> None:
        self._process = process
        self._sock = sock
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._sessions: dict[int, WarmProcess] = {}
        self._replies: asyncio.Queue[int] = asyncio.Queue()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task | None = None

    @classmethod
    async def start(cls, env: dict[str, str], cwd: Path) -> WarmStarter:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-P",
                "-m",
                "tui.serve.warm_start",
                str(theirs.fileno()),
                pass_fds=(theirs.fileno(),),
                stdin=asyncio.subprocess.DEVNULL,
                env=env,
                cwd=cwd,
                start_new_session=True,
            )
        finally:
            theirs.close()
        warm = cls(process, ours)
        warm._reader, warm._writer = await asyncio.open_unix_connection(sock=ours)
        ready = await asyncio.wait_for(warm._reader.readline(), 120)
        if ready.strip() != b"ready":
            raise OSError("the warm process did not start")
        warm._task = asyncio.create_task(warm._listen())
        return warm

    @property
    def alive(self) -> bool:
        """False once the warm process has gone: sessions then start cold."""
        return self._task is not None and not self._task.done()

    async def _listen(self) -> None:
        # lines: {"started": pid} after each request, {"exited": pid, "status": n} later
        while line := await self._reader.readline():
            message = json.loads(line)
            if "started" in message:
                self._replies.put_nowait(message["started"])
            elif "exited" in message:
                session = self._sessions.pop(message["exited"], None)
                if session is not None:
                    session._exited(message["status"])
        for session in self._sessions.values():  # the warm process has gone: so have they
            session._exited(-signal.SIGKILL)
        self._replies.put_nowait(-1)

    async def spawn(
        self, argv: list[str], *, env: dict[str, str], cwd: Path, stdio: list[int]
    ) -> WarmProcess:
        """Fork a session running `argv` with `stdio`: one terminal (it becomes the session's
        controlling terminal and its 0, 1, 2), or three pipes' ends for 0, 1 and 2."""
        request = json.dumps({"argv": argv, "env": env, "cwd": str(cwd)}).encode()
        async with self._lock:  # one request, one reply, in order
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, _send, self._sock, request, stdio)
            pid = await asyncio.wait_for(self._replies.get(), 30)
            if pid < 0:
                raise OSError("the warm process could not start a session")
            session = WarmProcess(pid)
            self._sessions[pid] = session
            return session

    async def spawn_with_pipes(
        self, argv: list[str], *, env: dict[str, str], cwd: Path
    ) -> PipedProcess:
        """As `spawn`, on three new pipes whose other ends the returned process holds."""
        loop = asyncio.get_running_loop()
        stdin_r, stdin_w = os.pipe()
        stdout_r, stdout_w = os.pipe()
        stderr_r, stderr_w = os.pipe()
        ours = (stdin_w, stdout_r, stderr_r)
        try:
            session = await self.spawn(argv, env=env, cwd=cwd, stdio=[stdin_r, stdout_w, stderr_w])
        except BaseException:
            for fd in ours:
                os.close(fd)
            raise
        finally:
            for fd in (stdin_r, stdout_w, stderr_w):  # the fork holds its own copies
                os.close(fd)
        piped = PipedProcess.__new__(PipedProcess)
        piped.__dict__.update(session.__dict__)
        self._sessions[piped.pid] = piped  # its exit is reported to this object
        piped.stdout = await _reader(loop, stdout_r)
        piped.stderr = await _reader(loop, stderr_r)
        transport, protocol = await loop.connect_write_pipe(
            asyncio.streams.FlowControlMixin, os.fdopen(stdin_w, "wb", buffering=0)
        )
        piped.stdin = asyncio.StreamWriter(transport, protocol, None, loop)
        return piped

    async def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self._process.terminate()
        await self._process.wait()
        if self._task is not None:
            await self._task
        self._writer.close()


async def _reader(loop: asyncio.AbstractEventLoop, fd: int) -> asyncio.StreamReader:
    reader = asyncio.StreamReader(limit=2**20)
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb", buffering=0)
    )
    return reader


def _send(sock: socket.socket, request: bytes, stdio: list[int]) -> None:
    sock.sendmsg(
        [HEADER.pack(len(request)), request],
        [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", stdio))],
    )


# ---- the warm process


def _warm_up() -> argparse.ArgumentParser:
    """Everything a session imports and loads before its first screen; the command line's
    parser, made once for every session (argparse takes a few ms to build it)."""
    import numpy  # noqa: F401

    import tui.cli.main
    from engine.data import BUILTIN_DATASETS, load_dataset
    from tui.serve.warm_app import rehearse

    for name in BUILTIN_DATASETS:
        with contextlib.suppress(Exception):
            load_dataset(name)  # cached, if the loader caches; imported, at least
    rehearse()  # the first screen drawn once: its stylesheet parsed, Textual's imports done
    return tui.cli.main.build_parser()


def _receive(sock: socket.socket) -> tuple[dict, list[int]] | None:
    header, fds, _, _ = socket.recv_fds(sock, HEADER.size, 3)
    if not header:
        return None
    (length,) = HEADER.unpack(header)
    if length > MAX_REQUEST:
        raise OSError("request too large")
    body = b""
    while len(body) < length:
        chunk = sock.recv(length - len(body))
        if not chunk:
            return None
        body += chunk
    return json.loads(body), fds


def _become_session(request: dict, stdio: list[int], parser: argparse.ArgumentParser) -> None:
    """In the fork: the terminal or pipes, the environment, the folder, then the app. Never
    returns."""
    status = 1
    # Python collects its youngest objects every 700 allocations: 51 times, 11 ms of CPU, on
    # the way to the first screen, for little garbage (the warm process's objects are frozen)
    gc.set_threshold(SESSION_GC_THRESHOLD, *gc.get_threshold()[1:])
    try:
        os.setsid()
        if len(stdio) == 1:  # a terminal: the session's own, as a login's would be
            import fcntl
            import termios

            fcntl.ioctl(stdio[0], termios.TIOCSCTTY, 0)
            stdio = stdio * 3
        for number, fd in enumerate(stdio):
            os.dup2(fd, number)
        for fd in set(stdio):
            if fd > 2:
                os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        import importlib

        import textual.constants

        # Textual reads its settings (the web driver, above all) from the environment when
        # imported: read them again from the session's
        importlib.reload(textual.constants)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115 - the streams of a new process
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        sys.argv = ["stepnet", *request["argv"]]
        from tui.cli.main import main

        status = main(request["argv"], parser)
    except SystemExit as exit_:
        status = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:
        with contextlib.suppress(Exception):
            sys.stderr.write("stepnet: the session could not start\n")
            sys.stderr.flush()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
        os._exit(status if isinstance(status, int) else 1)


def serve_forks(sock: socket.socket, parser: argparse.ArgumentParser) -> None:
    children: set[int] = set()
    out = sock.makefile("wb", buffering=0)

    def tell(message: dict) -> None:
        out.write(json.dumps(message).encode() + b"\n")

    def reap(*_) -> None:
        for pid in list(children):
            with contextlib.suppress(ChildProcessError):
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    children.discard(pid)
                    tell({"exited": pid, "status": os.waitstatus_to_exitcode(status)})

    signal.signal(signal.SIGCHLD, reap)
    out.write(b"ready\n")
    while True:
        try:
            received = _receive(sock)
        except InterruptedError:
            continue
        if received is None:
            break
        request, stdio = received
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            out.close()  # the session keeps no way back to the warm process
            sock.close()
            _become_session(request, stdio, parser)
        for fd in stdio:
            os.close(fd)
        children.add(pid)
        tell({"started": pid})
        reap()
    for pid in children:  # the server has gone: so do the sessions
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGHUP)


if __name__ == "__main__":
    parser = _warm_up()
    # what the warm-up made stays out of the collector's sight: a collection in a fork would
    # otherwise touch, and so copy, every page of it
    gc.collect()
    gc.freeze()
    serve_forks(socket.socket(fileno=int(sys.argv[1])), parser)
