"""Who gets into `stepnet serve ssh` (issue 12), against servers on a free loopback port:
password attempts capped per connection and delayed, an address that fails too often turned
away, idle connections that never log in capped like sshd's MaxStartups, and every
client-supplied string logged escaped. After each, a student still gets in."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path

import asyncssh
import pytest
from test_serve_ssh import FORMULA, TIMEOUT, open_app

from tui.serve.gate import GateLimits
from tui.serve.limits import ClassLimits, raise_descriptor_limit
from tui.serve.log_lines import RepeatLimit, shown
from tui.serve.ssh_server import SSHClassroom, SSHSettings

PASSWORD = "class of 2026"
QUICK = GateLimits(failure_delay=0.2)


@pytest.fixture(scope="module")
def host_key():
    return asyncssh.generate_private_key("ssh-ed25519")


@pytest.fixture
async def serve(host_key):
    servers = []

    async def start(gate: GateLimits = QUICK) -> SSHClassroom:
        settings = SSHSettings("127.0.0.1", 0, host_key, None, PASSWORD, ClassLimits(), None, gate)
        server = SSHClassroom(settings)
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await asyncio.wait_for(server.close(), TIMEOUT)


class Guesser(asyncssh.SSHClient):
    """A client that keeps typing wrong passwords for as long as the server asks."""

    tries = 0

    def password_auth_requested(self) -> str:
        Guesser.tries += 1
        return f"guess {Guesser.tries}"


async def connect(server, username="student", **options):
    return await asyncio.wait_for(
        asyncssh.connect(
            "127.0.0.1",
            server.port,
            username=username,
            known_hosts=None,
            agent_path=None,
            client_keys=None,
            **options,
        ),
        TIMEOUT,
    )


async def still_lets_a_student_in(server) -> None:
    async with await connect(server, password=PASSWORD) as conn:
        terminal = await open_app(conn)
        await terminal.wait_for(FORMULA)


async def test_wrong_passwords_are_three_a_connection_each_a_second_late_and_logged(serve, caplog):
    # 5,000 wrong passwords went through one connection in 1.5 s, none logged
    server = await serve()
    Guesser.tries = 0
    caplog.set_level(logging.INFO, logger="stepnet.serve")
    started = time.monotonic()
    with pytest.raises((asyncssh.PermissionDenied, asyncssh.DisconnectError)):
        await connect(server, client_factory=Guesser)
    assert Guesser.tries == 3
    assert time.monotonic() - started >= 3 * QUICK.failure_delay
    failures = [r.getMessage() for r in caplog.records if "wrong password" in r.getMessage()]
    assert failures[0] == "wrong password for 'student' from 127.0.0.1 (attempt 1 of 3)"
    assert len(failures) == 3
    await still_lets_a_student_in(server)


async def test_an_address_that_fails_too_often_is_turned_away_for_a_while(serve, caplog):
    server = await serve(GateLimits(failure_delay=0.05, failures_per_address=4))
    caplog.set_level(logging.INFO, logger="stepnet.serve")
    for _ in range(2):  # 3 + 3 attempts, past the 4 allowed
        with pytest.raises((asyncssh.PermissionDenied, asyncssh.DisconnectError)):
            await connect(server, client_factory=Guesser)
    with pytest.raises((asyncssh.Error, OSError)):
        await connect(server, password=PASSWORD)  # even the right one, for the window
    assert any(
        "too many wrong passwords from this address; try again in 10 minutes" in r.getMessage()
        for r in caplog.records
    )


async def test_idle_connections_that_never_log_in_are_capped_and_others_go_on(serve):
    # 260 idle sockets used up the descriptors (soft limit 256) and buried the log
    server = await serve(GateLimits(unauthenticated=5, unauthenticated_per_address=5))
    idle = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(5)]
    for reader, _ in idle:
        assert (await asyncio.wait_for(reader.readline(), TIMEOUT)).startswith(b"SSH-2.0-")
    await asyncio.sleep(0.1)
    assert server.classroom.gate.waiting == 5
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    assert await asyncio.wait_for(reader.read(), TIMEOUT) == b""  # closed at once, unanswered
    writer.close()
    for _, idle_writer in idle:
        idle_writer.close()
    async with asyncio.timeout(TIMEOUT):
        while server.classroom.gate.waiting:
            await asyncio.sleep(0.05)
    await still_lets_a_student_in(server)
    assert server.classroom.gate.waiting == 0


async def test_client_strings_are_logged_escaped(serve, caplog):
    # a subsystem name or term type with newlines and OSC 52 went raw into the teacher's
    # terminal (asyncssh's own client refuses such user names; the server escapes them too)
    server = await serve()
    caplog.set_level(logging.INFO, logger="stepnet.serve")
    evil = "xterm\n\x1b]52;c;ZXZpbA==\x07"
    async with await connect(server, password=PASSWORD) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_session(asyncssh.SSHClientSession, subsystem="sftp\n\x1b[2J")
    async with await connect(server, password=PASSWORD) as conn:
        process = await conn.create_process(term_type=evil, term_size=(80, 24), encoding=None)
        await asyncio.wait_for(process.stdout.read(100), TIMEOUT)  # the app has started
        process.close()
    lines = "\n".join(record.getMessage() for record in caplog.records)
    assert "\x1b" not in lines and "\x07" not in lines
    assert "refused 'student' the subsystem 'sftp\\n\\x1b[2J'" in lines
    assert "TERM='xterm\\n\\x1b]52;c;ZXZpbA==\\x07'" in lines
    await still_lets_a_student_in(server)


def test_shown_makes_any_text_one_short_inert_line():
    assert shown("a\nb\x1b") == "'a\\nb\\x1b'"
    assert shown("x" * 1000) == repr("x" * 60) + "…"


def test_a_flood_of_one_line_is_let_through_twenty_times_a_minute_then_counted():
    now = [0.0]
    limit = RepeatLimit(clock=lambda: now[0])

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("asyncio", logging.ERROR, "", 0, message, (), None)

    flood = "socket.accept() out of system resource"
    passed = sum(limit.filter(record(flood)) for _ in range(1000))
    assert passed == 20
    assert limit.filter(record("another kind of line"))
    now[0] = 61.0
    late = record(flood)
    assert limit.filter(late)
    assert late.getMessage().endswith("(and 980 more like this held back)")


def test_the_descriptor_limit_is_raised_where_allowed():
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert raise_descriptor_limit() >= soft
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= min(soft, hard)


# ---- a class arriving at once: sessions forked from a warm process


def parent_of(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("PPid:")[1].split()[0])


async def test_sessions_are_forked_from_the_warm_process_and_stay_limited(serve):
    server = await serve()
    warm = server.classroom.warm
    assert warm is not None
    async with await connect(server, password=PASSWORD) as conn:
        terminal = await open_app(conn)
        await terminal.wait_for(FORMULA)
        [pid] = server.classroom.child_pids()
        assert parent_of(pid) == warm._process.pid
        limits = Path(f"/proc/{pid}/limits").read_text()
        assert "Max address space         1073741824" in limits
        environment = Path(f"/proc/{pid}/environ").read_bytes()
        assert b"TERM=xterm-256color" in environment  # the session's own, not the warm one's
        mark = len(terminal.raw)
        terminal.process.stdin.write(b"n")
        await terminal.wait_for("step 1/15 · forward · layer 1", since=mark)
    async with asyncio.timeout(TIMEOUT):
        while server.classroom.child_pids():
            await asyncio.sleep(0.05)


async def test_without_its_warm_process_the_server_starts_sessions_cold(serve):
    server = await serve()
    await server.classroom.warm.close()  # as if it had died
    async with await connect(server, password=PASSWORD) as conn:
        terminal = await open_app(conn)
        await terminal.wait_for(FORMULA)
        [pid] = server.classroom.child_pids()
        assert parent_of(pid) == os.getpid()
    assert server.classroom.warm is None


def test_a_teacher_sets_the_gates_numbers_on_the_command_line():
    # behind a load balancer every student has the balancer's address
    from tui.cli.main import build_parser
    from tui.cli.serve import gate_limits_from

    args = build_parser().parse_args(
        ["serve", "ssh", "--max-logging-in", "200", "--max-logging-in-per-address", "200",
         "--max-wrong-passwords", "100"]
    )  # fmt: skip
    assert gate_limits_from(args) == GateLimits(
        unauthenticated=200, unauthenticated_per_address=200, failures_per_address=100
    )


def test_a_gate_number_below_one_is_one_line_and_exit_status_2(capsys):
    from tui.cli.main import main

    assert main(["serve", "web", "--port", "0", "--max-logging-in", "0"]) == 2
    assert capsys.readouterr().err == "stepnet: error: --max-logging-in 0: give 1 or more\n"
