"""`stepnet serve bench`: what a class costs the server, through real SSH and web connections.

The server runs as its own process (`stepnet serve ssh` or `serve web` on a free loopback
port), so its CPU and memory are counted apart from the clients', which run here. Two
measurements:

- traffic (SSH): one client at a given size presses n again and again; for each step, the
  bytes it receives until the screen has been quiet for QUIET seconds, against the bytes of the
  first full screen;
- load (SSH, and the web's websockets as a browser's page opens them): N clients at 120x40
  connecting at the same moment, then each pressing n once a second for a while; how long
  until every first screen is up, the CPU each session's start took (its app's, and the
  server's share), the CPU the server and its apps use while stepping (from /proc, in cores),
  the memory each session's app takes (VmRSS) and how long a step takes to reach the client
  (key sent → first byte back).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import asyncssh

from tui.serve.child import CODE_ROOT

QUIET = 0.3  # seconds without output: the screen has settled
START_TIMEOUT = 300.0  # a whole class connecting at once on 2 cores takes a while
READY_TEXT = "Z[1] = W[1]"  # on the formula panel from the first screen on
# what a terminal acts on rather than shows: CSI and OSC sequences, keypad modes
ESCAPES = re.compile(rb"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[=>]")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SIZE = (120, 40)  # a load's students' terminal
KINDS = ("ssh", "web")


@dataclass(frozen=True)
class Traffic:
    size: tuple[int, int]
    first_screen: int  # bytes from connecting to the settled first screen
    full_repaint: int  # bytes of a repaint of the whole screen
    per_step: list[int]  # bytes each step sent


@dataclass(frozen=True)
class Load:
    kind: str  # "ssh" or "web"
    sessions: int
    start_seconds: float  # from all connecting at once to the last byte of every first screen
    first_screen_median: float  # seconds from connecting to one's first screen, the median
    start_cpu_per_session: float  # CPU seconds of one app from its start to its first screen
    server_start_cpu_per_session: float  # the server's CPU seconds meanwhile, per session
    client_start_cpu_per_session: float  # the clients' (this process's), per session
    others_start_cores: float  # the rest of the machine meanwhile (other users), in cores
    seconds: float
    cores: float  # CPU of the server and every app, in cores (1.0 = one core busy)
    rss_per_session: float  # bytes: the mean VmRSS of one session's app
    private_per_session: float  # bytes: the mean of what no other process shares (smaps)
    server_rss: float  # bytes: the server process itself
    latency_median: float  # seconds from a key to the first byte of its answer
    latency_p90: float
    steps: int
    load_average: float  # the machine's, over the minute before the class connected


class _Server:
    """`stepnet serve ssh` (with a fresh host key and one client key) or `serve web` in a
    child process."""

    def __init__(self, folder: Path, max_sessions: int, kind: str) -> None:
        self.kind = kind
        options = ["--port=0", f"--max-sessions={max_sessions}"]
        if kind == "ssh":
            self.client_key = asyncssh.generate_private_key("ssh-ed25519")
            keys = folder / "authorized_keys"
            keys.write_bytes(self.client_key.export_public_key())
            options += [f"--host-key={folder / 'host_key'}", f"--authorized-keys={keys}"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tui", "serve", kind, *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": CODE_ROOT},
            text=True,
        )
        for line in self.process.stdout:
            if match := re.search(r"serving stepnet on (?:http://)?[\d.]+:(\d+)", line):
                self.port = int(match[1])
                break
        else:
            raise RuntimeError("the server did not start")

    def processes(self) -> list[int]:
        """The server's pid and every descendant's."""
        pids, frontier = [self.process.pid], [self.process.pid]
        while frontier:
            parent = frontier.pop()
            for child in _children(parent):
                pids.append(child)
                frontier.append(child)
        return pids

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def screen_text(received: bytes) -> str:
    """The text in what a terminal received, without its escape sequences; a repaint may
    move the cursor between parts of one line, so this is for finding words, not layout."""
    return ESCAPES.sub(b"", received).decode("utf-8", "replace")


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(word) for word in text.split()]


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def _machine_busy_seconds() -> float:
    """CPU seconds every core of the machine has spent busy since it started (/proc/stat)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def _own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def _rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _private_bytes(pid: int) -> int:
    """What only this process holds: pages shared with the warm process it was forked from,
    or with its siblings, are not counted (Private_Clean + Private_Dirty)."""
    total = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total += int(line.split()[1]) * 1024
    except OSError:
        pass
    return total


def _is_warm_process(pid: int) -> bool:
    try:
        return b"tui.serve.warm_start" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class _Client:
    """One student: a terminal's connection, its output counted."""

    def __init__(self) -> None:
        self.received = 0
        self.last_output = time.monotonic()
        self.ready_at = 0.0  # when the first screen's formula came
        self.first_byte = asyncio.Event()
        self._first_screen = bytearray()
        self._ready = asyncio.Event()
        self._reader: asyncio.Task | None = None

    def _got(self, data: bytes) -> None:
        self.received += len(data)
        self.last_output = time.monotonic()
        self.first_byte.set()
        if not self._ready.is_set():
            self._first_screen += data
            if READY_TEXT in screen_text(self._first_screen):
                self.ready_at = self.last_output
                self._ready.set()

    async def settled(self) -> None:
        await asyncio.wait_for(self._ready.wait(), START_TIMEOUT)
        while time.monotonic() - self.last_output < QUIET:
            await asyncio.sleep(QUIET / 4)

    async def press(self, key: str) -> None:
        raise NotImplementedError  # each kind of connection sends a key its own way

    async def step(self) -> tuple[int, float]:
        """(bytes, seconds to the first byte) of one press of n, once the screen settles."""
        self.first_byte.clear()
        before = self.received
        pressed = time.monotonic()
        await self.press("n")
        await asyncio.wait_for(self.first_byte.wait(), START_TIMEOUT)
        latency = time.monotonic() - pressed
        await self.settled()
        return self.received - before, latency


class _SSHClient(_Client):
    """A student over SSH, with a terminal of their own."""

    @classmethod
    async def connect(cls, server: _Server, size: tuple[int, int]) -> _SSHClient:
        client = cls()
        client.conn = await asyncssh.connect(
            "127.0.0.1",
            server.port,
            username="bench",
            client_keys=[server.client_key],
            known_hosts=None,
            agent_path=None,
        )
        client.process = await client.conn.create_process(
            term_type="xterm-256color", term_size=size, encoding=None
        )
        client._reader = asyncio.create_task(client._read())
        return client

    async def _read(self) -> None:
        while data := await self.process.stdout.read(65536):
            self._got(data)

    async def press(self, key: str) -> None:
        self.process.stdin.write(key.encode())

    async def repaint_all(self, size: tuple[int, int]) -> int:
        """Bytes of a repaint of the whole screen: the one after a resize (one column narrower,
        then back: a resize to the same size repaints nothing)."""
        columns, rows = size
        self.process.change_terminal_size(columns - 1, rows)
        await asyncio.sleep(QUIET)
        await self.settled()
        before = self.received
        self.process.change_terminal_size(columns, rows)
        await asyncio.sleep(QUIET)
        await self.settled()
        return self.received - before

    async def close(self) -> None:
        self.conn.close()
        with contextlib.suppress(Exception):
            await self.conn.wait_closed()
        self._reader.cancel()


class _WebClient(_Client):
    """A student's browser tab: the websocket its page opens, with the page's messages."""

    @classmethod
    async def connect(
        cls, server: _Server, size: tuple[int, int], http: aiohttp.ClientSession
    ) -> _WebClient:
        client = cls()
        columns, rows = size
        client.websocket = await http.ws_connect(
            f"http://127.0.0.1:{server.port}/ws?width={columns}&height={rows}"
        )
        client._reader = asyncio.create_task(client._read())
        return client

    async def _read(self) -> None:
        async for message in self.websocket:
            if message.type == aiohttp.WSMsgType.BINARY:  # the terminal's bytes
                self._got(message.data)

    async def press(self, key: str) -> None:
        await self.websocket.send_json(["stdin", key])

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.websocket.close()
        self._reader.cancel()


async def _traffic(server: _Server, size: tuple[int, int], steps: int) -> Traffic:
    client = await _SSHClient.connect(server, size)
    try:
        await client.settled()
        first = client.received
        full = await client.repaint_all(size)
        per_step = [(await client.step())[0] for _ in range(steps)]
    finally:
        await client.close()
    return Traffic(size, first, full, per_step)


async def _load(server: _Server, sessions: int, seconds: float) -> Load:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=START_TIMEOUT)) as http:

        async def connect() -> _Client:
            if server.kind == "web":
                return await _WebClient.connect(server, SIZE, http)
            return await _SSHClient.connect(server, SIZE)

        return await _load_with(server, sessions, seconds, connect)


async def _load_with(server: _Server, sessions: int, seconds: float, connect) -> Load:
    load_average = os.getloadavg()[0]
    server_cpu = _cpu_seconds(server.process.pid)
    warm_cpu = sum(_cpu_seconds(pid) for pid in _children(server.process.pid))
    machine, own = _machine_busy_seconds(), _own_cpu_seconds()
    connecting = time.monotonic()
    clients = await asyncio.gather(*(connect() for _ in range(sessions)))
    try:
        await asyncio.gather(*(client.settled() for client in clients))
        # to the last byte of the last first screen, not the quiet that showed it was the last
        start_seconds = max(client.last_output for client in clients) - connecting
        machine, own = _machine_busy_seconds() - machine, _own_cpu_seconds() - own
        window = time.monotonic() - connecting
        pids = server.processes()
        # the sessions, without the server and the warm process they are forked from
        warm = [pid for pid in _children(server.process.pid) if _is_warm_process(pid)]
        apps = [pid for pid in pids if pid != server.process.pid and pid not in warm]
        start_cpu = sum(map(_cpu_seconds, apps))  # each app's from its start to now
        # the server's, and the warm process's forking
        server_start_cpu = (
            _cpu_seconds(server.process.pid) - server_cpu + sum(map(_cpu_seconds, warm)) - warm_cpu
        )
        others = machine - start_cpu - server_start_cpu - own
        cpu_before, started = sum(map(_cpu_seconds, pids)), time.monotonic()
        latencies: list[float] = []

        async def student(client: _Client, offset: float) -> None:
            await asyncio.sleep(offset)  # students do not press in step with each other
            while time.monotonic() - started < seconds:
                pressed = time.monotonic()
                client.first_byte.clear()
                await client.press("n")
                await asyncio.wait_for(client.first_byte.wait(), START_TIMEOUT)
                latencies.append(time.monotonic() - pressed)
                await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - pressed)))

        await asyncio.gather(*(student(client, k / sessions) for k, client in enumerate(clients)))
        elapsed = time.monotonic() - started
        cores = (sum(map(_cpu_seconds, pids)) - cpu_before) / elapsed
        rss = [_rss_bytes(pid) for pid in apps]
        private = [_private_bytes(pid) for pid in apps]
    finally:
        await asyncio.gather(*(client.close() for client in clients))
    latencies.sort()
    return Load(
        server.kind,
        sessions,
        start_seconds,
        statistics.median(client.ready_at - connecting for client in clients),
        start_cpu / sessions,
        server_start_cpu / sessions,
        own / sessions,
        max(0.0, others) / window,
        elapsed,
        cores,
        statistics.mean(rss) if rss else 0.0,
        statistics.mean(private) if private else 0.0,
        _rss_bytes(server.process.pid),
        statistics.median(latencies),
        latencies[int(0.9 * (len(latencies) - 1))],
        len(latencies),
        load_average,
    )


def measure(
    sizes: list[tuple[int, int]],
    steps: int,
    session_counts: list[int],
    seconds: float,
    kinds: tuple[str, ...] = KINDS,
) -> tuple[list[Traffic], list[Load]]:
    """Traffic at `sizes` (over SSH, when it is among `kinds`), then each class size's load
    against a server of each kind; a fresh server for each kind."""
    traffic: list[Traffic] = []
    loads: list[Load] = []
    for kind in kinds:
        with tempfile.TemporaryDirectory(prefix="stepnet-bench-") as folder:
            server = _Server(Path(folder), max(session_counts, default=1), kind)
            try:
                if kind == "ssh":
                    traffic = [asyncio.run(_traffic(server, size, steps)) for size in sizes]
                loads += [asyncio.run(_load(server, n, seconds)) for n in session_counts]
            finally:
                server.stop()
    return traffic, loads
