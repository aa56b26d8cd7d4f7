"""`stepnet serve ssh`, against a server each test starts on a free loopback port and stops.

A client with an authorised key gets the app on a terminal and drives it; everything else a
client might ask for is refused. Every wait is bounded, so a broken server fails, not hangs.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import asyncssh
import pytest

from tui.benchmarks.class_cost import screen_text
from tui.lessons.lesson_file import SAMPLES
from tui.serve.limits import ClassLimits
from tui.serve.ssh_server import TERMINAL_RESET, SSHClassroom, SSHSettings
from tui.session.session_file import load_session

TIMEOUT = 30  # seconds; the app starts in one or two
FORMULA = "Z[1] = W[1]·X + b[1]"  # the formula panel, from the first screen on
COMPACT_TABS = "steps  network  boundary"  # the tab strip: only below 110x32


class Terminal:
    """What a client's terminal receives, readable as text without escape sequences."""

    def __init__(self, process: asyncssh.SSHClientProcess) -> None:
        self.process = process
        self.raw = bytearray()
        self._arrived = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while data := await self.process.stdout.read(65536):
            self.raw += data
            self._arrived.set()
        self._arrived.set()

    def text(self, since: int = 0) -> str:
        return screen_text(bytes(self.raw[since:]))

    async def wait_for(self, text: str, since: int = 0) -> None:
        async def seen() -> None:
            while text not in self.text(since):
                if self._reader.done():
                    raise AssertionError(f"{text!r} never came; the session ended")
                self._arrived.clear()
                await self._arrived.wait()

        try:
            await asyncio.wait_for(seen(), TIMEOUT)
        except TimeoutError:
            shown = self.text(since)[-500:]
            raise AssertionError(f"{text!r} not on screen; got {shown!r}") from None

    async def ended(self) -> int | None:
        """The exit status the server sent, once the session is over."""
        await asyncio.wait_for(self._reader, TIMEOUT)
        await asyncio.wait_for(self.process.wait_closed(), TIMEOUT)
        return self.process.exit_status


@pytest.fixture(scope="module")
def keys():
    return {name: asyncssh.generate_private_key("ssh-ed25519") for name in ("host", "student")}


@pytest.fixture
async def serve(keys):
    """Start a server with some limits changed (and maybe a class password); stopped after."""
    servers = []
    authorized = asyncssh.import_authorized_keys(keys["student"].export_public_key().decode())

    async def start(
        password: str | None = None, lesson=None, save_to=None, **limits
    ) -> SSHClassroom:
        settings = SSHSettings(
            "127.0.0.1",
            0,
            keys["host"],
            authorized,
            password,
            ClassLimits(**limits),
            lesson,
            save_to=save_to,
        )
        server = SSHClassroom(settings)
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await asyncio.wait_for(server.close(), TIMEOUT)


async def connect(server: SSHClassroom, client_keys, **options) -> asyncssh.SSHClientConnection:
    return await asyncio.wait_for(
        asyncssh.connect(
            "127.0.0.1",
            server.port,
            username="student",
            client_keys=client_keys,
            known_hosts=None,
            agent_path=None,
            **options,
        ),
        TIMEOUT,
    )


async def open_app(conn, size=(120, 40)) -> Terminal:
    process = await conn.create_process(term_type="xterm-256color", term_size=size, encoding=None)
    return Terminal(process)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


async def test_a_student_gets_the_app_steps_it_and_resizes_it(serve, keys):
    server = await serve()
    async with await connect(server, [keys["student"]]) as conn:
        screen = await open_app(conn)
        await screen.wait_for(FORMULA)
        assert "step 1/15" not in screen.text()

        mark = len(screen.raw)
        screen.process.stdin.write(b"n")
        await screen.wait_for("step 1/15 · forward · layer 1", since=mark)

        mark = len(screen.raw)
        screen.process.change_terminal_size(80, 24)
        await screen.wait_for(COMPACT_TABS, since=mark)


async def test_every_session_starts_in_the_teachers_lesson(serve, keys):
    server = await serve(lesson=str(SAMPLES / "09-zero-initialization.toml"))
    async with await connect(server, [keys["student"]]) as conn:
        screen = await open_app(conn)
        await screen.wait_for("beat 1/")
        assert "Zero initialization" in screen.text()


async def test_the_app_and_its_folder_are_gone_after_disconnect(serve, keys):
    server = await serve()
    conn = await connect(server, [keys["student"]])
    screen = await open_app(conn)
    await screen.wait_for(FORMULA)
    [pid] = server.classroom.child_pids()
    folder = Path(os.readlink(f"/proc/{pid}/cwd"))
    assert folder.name.startswith("stepnet-session-")

    conn.close()
    await asyncio.wait_for(conn.wait_closed(), TIMEOUT)
    async with asyncio.timeout(TIMEOUT):
        while alive(pid) or folder.exists() or server.classroom.sessions:
            await asyncio.sleep(0.05)


async def test_without_a_kept_folder_s_says_saving_is_off(serve, keys):
    server = await serve()
    async with await connect(server, [keys["student"]]) as conn:
        screen = await open_app(conn)
        await screen.wait_for(FORMULA)
        mark = len(screen.raw)
        screen.process.stdin.write(b"s")
        await screen.wait_for("saving is off here: this session's folder is deleted", mark)
        assert "Save the session to:" not in screen.text(mark)


async def test_with_save_to_s_saves_in_a_kept_folder_named_on_screen(serve, keys, tmp_path):
    server = await serve(save_to=tmp_path)
    async with await connect(server, [keys["student"]]) as conn:
        screen = await open_app(conn)
        await screen.wait_for(FORMULA)
        screen.process.stdin.write(b"nn")
        await screen.wait_for("step 2/15")
        mark = len(screen.raw)
        screen.process.stdin.write(b"s")
        await screen.wait_for("Save the session to:", mark)
        mark = len(screen.raw)
        screen.process.stdin.write(b"\r")
        [kept] = tmp_path.iterdir()
        await screen.wait_for(f"saved as {kept.name}/stepnet-session.json", mark)
        [pid] = server.classroom.child_pids()
        home = Path(os.readlink(f"/proc/{pid}/cwd"))
    async with asyncio.timeout(TIMEOUT):  # the session's own folder goes; the kept one stays
        while home.exists() or server.classroom.sessions:
            await asyncio.sleep(0.05)
    assert load_session(kept / "stepnet-session.json").cursor == 2
    assert kept.stat().st_mode & 0o777 == 0o700


async def test_a_kept_folder_the_session_saved_nothing_in_is_removed(serve, keys, tmp_path):
    server = await serve(save_to=tmp_path)
    async with await connect(server, [keys["student"]]) as conn:
        screen = await open_app(conn)
        await screen.wait_for(FORMULA)
        assert len(list(tmp_path.iterdir())) == 1
    async with asyncio.timeout(TIMEOUT):
        while server.classroom.sessions or list(tmp_path.iterdir()):
            await asyncio.sleep(0.05)


async def test_an_unknown_key_is_refused(serve):
    server = await serve()
    stranger = asyncssh.generate_private_key("ssh-ed25519")
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, [stranger])


async def test_a_password_is_refused_unless_the_teacher_set_one(serve):
    server = await serve()
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, [], password="letmein")

    server = await serve(password="class of 2026")
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, [], password="letmein")
    async with await connect(server, [], password="class of 2026"):
        pass


async def test_exec_sftp_and_forwarding_are_refused(serve, keys):
    server = await serve()
    async with await connect(server, [keys["student"]]) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await asyncio.wait_for(conn.run("cat /etc/passwd"), TIMEOUT)
    async with await connect(server, [keys["student"]]) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await asyncio.wait_for(conn.start_sftp_client(), TIMEOUT)
        with pytest.raises(asyncssh.ChannelOpenError):
            await asyncio.wait_for(conn.open_connection("127.0.0.1", server.port), TIMEOUT)
        with pytest.raises(asyncssh.ChannelListenError):
            await asyncio.wait_for(
                conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", server.port), TIMEOUT
            )
    assert not server.classroom.child_pids()


async def test_a_session_without_a_terminal_is_told_what_to_do(serve, keys):
    server = await serve()
    async with await connect(server, [keys["student"]]) as conn:
        process = await conn.create_process(encoding=None)
        screen = Terminal(process)
        assert await screen.ended() == 1
        assert "stepnet needs a terminal: connect with ssh -t" in screen.text()


async def test_the_class_cap_holds_with_a_clear_message(serve, keys):
    server = await serve(max_sessions=1)
    async with await connect(server, [keys["student"]]) as first:
        screen = await open_app(first)
        await screen.wait_for(FORMULA)
        async with await connect(server, [keys["student"]]) as second:
            refused = await open_app(second)
            assert await refused.ended() == 1
            assert "the class is full: 1 session is open; try again in a minute" in (refused.text())
        assert len(server.classroom.child_pids()) == 1


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ({"idle_seconds": 2.5}, "closed after 2.5 seconds without a key"),
        ({"session_seconds": 2.5}, "sessions last at most 2.5 seconds"),
    ],
)
async def test_the_server_ends_an_idle_or_overlong_session(serve, keys, limit, message):
    server = await serve(**limit)
    async with await connect(server, [keys["student"]]) as conn:
        screen = await open_app(conn)
        async with asyncio.timeout(TIMEOUT):
            while not server.classroom.child_pids():
                await asyncio.sleep(0.01)
        [pid] = server.classroom.child_pids()
        if "session_seconds" in limit:
            screen.process.stdin.write(b"n")  # a busy student is closed all the same
        # (on a slow machine the limit may come before the first screen: it holds all the same)
        assert await screen.ended() == 0
        assert message in screen.text()
        # the terminal is handed back in the state the student's shell expects
        assert bytes(screen.raw).rindex(TERMINAL_RESET) < bytes(screen.raw).rindex(b"stepnet:")
        assert not alive(pid)
