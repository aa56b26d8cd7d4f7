"""`stepnet serve ssh`: every SSH connection gets its own stepnet, in its own process, on its own
pseudo-terminal.

A connection may open one session, with a terminal, asking for a shell: the "shell" is the app.
Everything else is refused: exec requests, subsystems (SFTP, and SCP, which runs over exec),
port, agent and X11 forwarding, a second session on the same connection. Log-in is by public
key; by password only when the teacher gave a password file. The logs say who connected from
where, and for how long; never a key.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from engine.errors import StepnetError
from tui.serve.child import child_command, child_environment, clamp_size
from tui.serve.gate import Gate, GateLimits
from tui.serve.limits import (
    ClassLimits,
    class_full,
    raise_descriptor_limit,
    until_done_or_time_up,
)
from tui.serve.log_lines import shown
from tui.serve.password_file import read_password
from tui.serve.pty_child import PtyChild
from tui.serve.save_folder import drop_if_empty, save_dir_for
from tui.serve.ssh_keys import (
    HOST_KEY_TYPE,
    fingerprint,
    load_or_create_host_key,
    read_authorized_keys,
)
from tui.serve.warm_start import WarmStarter

log = logging.getLogger("stepnet.serve")

LOGIN_TIMEOUT = 20  # seconds to authenticate; a class logs in with keys, in well under that
# What the app turned on in the student's terminal, turned off again when the server ends a
# session itself (the app had no chance to): keyboard protocol, mouse reports, bracketed paste,
# resize reports, focus reports, then the normal screen and a visible cursor.
TERMINAL_RESET = (
    b"\x1b[<u\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?1016l"
    b"\x1b[?2004l\x1b[?2048l\x1b[?1004l\x1b[?7h\x1b[?1049l\x1b[?25h"
)


@dataclass(frozen=True)
class SSHSettings:
    host: str
    port: int
    host_key: asyncssh.SSHKey
    authorized_keys: asyncssh.SSHAuthorizedKeys | None
    password: str | None  # the class password; None: no password log-in at all
    limits: ClassLimits
    lesson: str | None = None
    gate: GateLimits = field(default_factory=GateLimits)
    warm_start: bool = True  # fork sessions from a warm process (tui/serve/warm_start.py)
    save_to: Path | None = None  # the teacher's folder for saved sessions; None: none kept


class Classroom:
    """The connections and sessions open now, shared by every connection."""

    def __init__(self, settings: SSHSettings) -> None:
        self.settings = settings
        self.connections: set[asyncssh.SSHServerConnection] = set()
        self.sessions: set[StudentSession] = set()
        self.gate = Gate(settings.gate)
        self.warm: WarmStarter | None = None  # forks sessions ready-imported; None: cold starts

    def child_pids(self) -> list[int]:
        return [session.child.pid for session in self.sessions if session.child is not None]


class StudentConnection(asyncssh.SSHServer):
    def __init__(self, classroom: Classroom) -> None:
        self._classroom = classroom
        self._conn: asyncssh.SSHServerConnection | None = None
        self._peer = "?"
        self._opened = time.monotonic()
        self._session: StudentSession | None = None
        self._address = "?"
        self._waiting = False  # counted by the gate: connected, not logged in yet
        self._attempts = 0  # passwords tried on this connection

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        host, port = conn.get_extra_info("peername")[:2]
        self._address, self._peer = str(host), f"{host}:{port}"
        refused = self._classroom.gate.arrive(self._address)
        if refused:
            log.warning("refused a connection from %s: %s", self._peer, refused)
            conn.abort()  # before the key exchange: no work, and the descriptor is freed
            return
        self._waiting = True
        self._classroom.connections.add(conn)
        log.info("connect from %s", self._peer)

    def _stop_waiting(self) -> None:
        if self._waiting:
            self._waiting = False
            self._classroom.gate.leave(self._address)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn not in self._classroom.connections:
            return  # turned away at the door: logged then
        self._stop_waiting()
        self._classroom.connections.discard(self._conn)
        user = self._conn.get_extra_info("username") if self._conn else None
        log.info(
            "disconnect %s from %s after %.1f s%s",
            shown(user) if user else "(not logged in)",
            self._peer,
            time.monotonic() - self._opened,
            f": {shown(exc)}" if exc else "",
        )

    def begin_auth(self, username: str) -> bool:
        return True  # everyone authenticates: by key, or by the class password if there is one

    def password_auth_supported(self) -> bool:
        return self._classroom.settings.password is not None

    async def validate_password(self, username: str, password: str) -> bool:
        expected = self._classroom.settings.password
        if expected is None:
            return False
        self._attempts += 1
        gate = self._classroom.gate
        if await gate.check_password(self._address, username, password, expected, self._attempts):
            return True
        if self._attempts >= gate.limits.attempts_per_connection:
            self._conn.disconnect(
                asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE,
                f"{self._attempts} wrong passwords: connect again to try more",
            )
        return False

    def auth_completed(self) -> None:
        self._stop_waiting()
        log.info("login %s from %s", shown(self._conn.get_extra_info("username")), self._peer)

    def session_requested(self) -> StudentSession | bool:
        if self._session is not None and not self._session.closed:
            return False  # one app at a time per connection, as one student at one terminal
        self._session = StudentSession(self._classroom, self._conn)
        return self._session


class StudentSession(asyncssh.SSHServerSession):
    """One student's app: started when the shell is asked for, ended with the channel."""

    def __init__(self, classroom: Classroom, conn: asyncssh.SSHServerConnection) -> None:
        self._classroom = classroom
        self._user = shown(conn.get_extra_info("username"))  # as logged: escaped
        self._chan: asyncssh.SSHServerChannel | None = None
        self._term: str | None = None
        self._size: tuple[int, int] | None = None
        self._last_input = time.monotonic()
        self.task: asyncio.Task | None = None
        self._gone = asyncio.Event()  # the channel has closed
        self.child: PtyChild | None = None

    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self._chan = chan

    @property
    def closed(self) -> bool:
        return self._gone.is_set()

    def pty_requested(self, term_type: str, term_size: tuple, term_modes: dict) -> bool:
        self._term = term_type
        self._size = clamp_size(*term_size[:2])
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        log.info("refused %s an exec request", self._user)
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        log.info("refused %s the subsystem %s", self._user, shown(subsystem))
        return False

    def session_started(self) -> None:
        self.task = asyncio.create_task(self._run())

    # ---- the app's life

    async def _run(self) -> None:
        limits = self._classroom.settings.limits
        if self._size is None:
            self._end(1, "stepnet needs a terminal: connect with ssh -t")
            return
        if len(self._classroom.sessions) >= limits.max_sessions:
            log.info("refused %s: the class is full", self._user)
            self._end(1, class_full(len(self._classroom.sessions)))
            return
        self._classroom.sessions.add(self)
        home = Path(tempfile.mkdtemp(prefix="stepnet-session-"))
        save_dir, keeps_files = save_dir_for(self._classroom.settings.save_to, home)
        try:
            if await self._start_child(limits, home, save_dir, keeps_files):
                status, message = await self._until_the_end(limits)
                await self.child.stop()
                if message:
                    log.info("closed %s's session: %s", self._user, message)
                if not self._gone.is_set():
                    self._end(status, message, reset=bool(message))
        finally:
            if self.child is not None:
                await self.child.stop()
            self._classroom.sessions.discard(self)
            shutil.rmtree(home, ignore_errors=True)
            if keeps_files:
                drop_if_empty(save_dir)

    async def _start_child(
        self, limits: ClassLimits, home: Path, save_dir: Path, keeps_files: bool
    ) -> bool:
        options = {
            "env": child_environment(self._term, self._chan.get_environment(), home),
            "cwd": home,
            "size": self._size,
            "on_output": self._chan.write,
        }
        command = child_command(save_dir, limits.caps, self._classroom.settings.lesson, keeps_files)
        warm = self._classroom.warm
        try:
            if warm is not None:
                try:
                    self.child = await PtyChild.start_warm(warm, command, **options)
                except OSError as error:  # the warm process has gone: start this one cold
                    log.error("warm start failed (%s); starting %s cold", error, self._user)
                    self._classroom.warm = None
            if self.child is None:
                self.child = await PtyChild.start(command, **options)
        except OSError as error:
            log.error("could not start stepnet for %s: %s", self._user, error)
            self._end(1, "the server could not start stepnet; tell your teacher")
            return False
        log.info(
            "session for %s: pid %d, %dx%d, TERM=%s",
            self._user,
            self.child.pid,
            *self._size,
            shown(self._term),
        )
        return True

    async def _until_the_end(self, limits: ClassLimits) -> tuple[int, str]:
        """The child's exit status when it quits or the client goes; or, when the server ends
        the session first, (0, why)."""
        ended = asyncio.ensure_future(self.child.wait())
        gone = asyncio.ensure_future(self._gone.wait())
        try:
            why = await until_done_or_time_up(limits, {ended, gone}, lambda: self._last_input)
            return (ended.result() if ended.done() else 0), why
        finally:
            ended.cancel()
            gone.cancel()

    def _end(self, status: int, message: str = "", reset: bool = False) -> None:
        if reset:
            self._chan.write(TERMINAL_RESET)
        if message:
            self._chan.write(f"stepnet: {message}\r\n".encode())
        self._chan.exit(status)

    # ---- the channel's events

    def data_received(self, data: bytes, datatype: int | None) -> None:
        self._last_input = time.monotonic()
        if self.child is not None:
            self.child.write(data)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int):
        self._size = clamp_size(width, height)
        if self.child is not None:
            self.child.resize(self._size)

    def pause_writing(self) -> None:
        if self.child is not None:
            self.child.pause_output()

    def resume_writing(self) -> None:
        if self.child is not None:
            self.child.resume_output()

    def connection_lost(self, exc: Exception | None) -> None:
        self._gone.set()  # the app's task then stops the child and removes the session's folder


class SSHClassroom:
    """The listening server and its classroom; `close` ends every session."""

    def __init__(self, settings: SSHSettings) -> None:
        self.classroom = Classroom(settings)
        self._acceptor: asyncssh.SSHAcceptor | None = None

    async def start(self) -> None:
        settings = self.classroom.settings
        # asyncssh logs every channel and request at INFO; ours says what a teacher needs
        logging.getLogger("asyncssh").setLevel(logging.WARNING)
        raise_descriptor_limit()
        if settings.warm_start:
            folder = Path(tempfile.gettempdir())
            try:
                self.classroom.warm = await WarmStarter.start(
                    child_environment(None, {}, folder), folder
                )
            except (OSError, TimeoutError) as error:
                log.error("no warm process (%s): each session starts cold", error)
        self._acceptor = await asyncssh.create_server(
            lambda: StudentConnection(self.classroom),
            settings.host,
            settings.port,
            server_host_keys=[settings.host_key],
            authorized_client_keys=settings.authorized_keys,
            public_key_auth=settings.authorized_keys is not None,
            password_auth=settings.password is not None,
            kbdint_auth=False,
            gss_host=None,
            x509_trusted_certs=None,
            agent_forwarding=False,
            x11_forwarding=False,
            allow_scp=False,
            line_editor=False,  # keys go to the app as typed
            encoding=None,  # bytes both ways: the app speaks to a terminal
            login_timeout=LOGIN_TIMEOUT,
        )

    @property
    def port(self) -> int:
        return self._acceptor.get_port()

    async def close(self) -> None:
        self._acceptor.close()
        await self._acceptor.wait_closed()
        for conn in list(self.classroom.connections):
            conn.close()
        # each session's task sees its channel close, stops its child and cleans up
        tasks = [s.task for s in self.classroom.sessions if s.task is not None]
        await asyncio.gather(*tasks, return_exceptions=True)
        if self.classroom.warm is not None:
            await self.classroom.warm.close()


async def serve_ssh(
    args,
    limits: ClassLimits,
    lesson: str | None,
    stop: asyncio.Event,
    gate: GateLimits | None = None,
) -> int:
    """`stepnet serve ssh`: load or make the keys, serve until `stop` is set."""
    if args.authorized_keys is None and args.password_file is None:
        raise StepnetError(
            "give --authorized-keys FILE (the students' public keys), or --password-file FILE"
        )
    host_key, created = load_or_create_host_key(args.host_key)
    settings = SSHSettings(
        host=args.host,
        port=args.port,
        host_key=host_key,
        authorized_keys=args.authorized_keys and read_authorized_keys(args.authorized_keys),
        password=args.password_file and read_password(args.password_file),
        limits=limits,
        lesson=lesson,
        gate=gate or GateLimits(),
        save_to=args.save_to,
    )
    server = SSHClassroom(settings)
    try:
        await server.start()
    except OSError as error:
        raise StepnetError(f"cannot listen on {args.host}:{args.port}: {error.strerror}") from None
    print(
        f"host key {args.host_key} ({'made now' if created else 'kept'}): "
        f"{HOST_KEY_TYPE} {fingerprint(host_key)}\n"
        f"serving stepnet on {args.host}:{server.port}; students type: "
        f"ssh -p {server.port} {'HOST' if args.host in ('0.0.0.0', '::') else args.host}\n"
        "Ctrl-C stops the server and every session.",
        flush=True,
    )
    await stop.wait()
    await server.close()
    return 0
