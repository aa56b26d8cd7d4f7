"""Who gets into `stepnet serve web` (issue 12), against servers on a free loopback port: the
page asks nothing of another host, /static/ lists nothing, a websocket from another site's
page is refused, and with a class code no app starts before the code is given."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import aiohttp
import pytest
from test_serve_web import FORMULA, TIMEOUT, Tab, app_pid

from tui.cli.main import main
from tui.serve.gate import GateLimits
from tui.serve.limits import ClassLimits
from tui.serve.web_server import ClassroomWebServer

CODE = "owl-42"
QUICK = GateLimits(failure_delay=0.2)


@pytest.fixture
async def serve():
    runners = []

    async def start(password=None, gate=QUICK) -> ClassroomWebServer:
        server = ClassroomWebServer("127.0.0.1", 0, ClassLimits(), password=password, gate=gate)
        runners.append(await server.start())
        return server

    yield start
    for runner in runners:
        await asyncio.wait_for(runner.cleanup(), TIMEOUT)


async def all_closed(server: ClassroomWebServer, pid: int) -> None:
    """The tab's app has stopped and been reaped (before the test's loop ends under it)."""
    async with asyncio.timeout(TIMEOUT):
        while server.sessions or Path(f"/proc/{pid}").exists():
            await asyncio.sleep(0.05)


def client() -> aiohttp.ClientSession:
    # unsafe: aiohttp keeps no cookies for a bare IP address unless told to; browsers do
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=TIMEOUT), cookie_jar=aiohttp.CookieJar(unsafe=True)
    )


async def test_the_page_asks_nothing_of_another_host_and_its_font_is_served_here(serve):
    server = await serve()
    base = f"http://127.0.0.1:{server.port}"
    async with client() as http:
        async with http.get(f"{base}/") as page:
            text = await page.text()
        assert "googleapis" not in text
        addresses = re.findall(r'(?:href|src)="([^"]+)"|url\("([^"]+)"\)', text)
        fetched = [a or b for a, b in addresses]
        assert fetched and all(url.startswith(base) for url in fetched), fetched
        for url in fetched:
            async with http.get(url) as response:
                assert response.status == 200, url
        font = f"{base}/static/fonts/RobotoMono-VariableFont_wght.ttf"
        assert font in fetched


async def test_static_lists_no_files(serve):
    server = await serve()
    async with client() as http, http.get(f"http://127.0.0.1:{server.port}/static/") as listing:
        assert listing.status in (403, 404)
        assert "textual.js" not in await listing.text()


async def test_a_websocket_from_another_sites_page_is_refused(serve):
    server = await serve()
    url = f"http://127.0.0.1:{server.port}/ws?width=80&height=24"
    async with client() as http:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(url, origin="http://evil.example")
        assert refused.value.status == 403
        assert not server.sessions
        async with http.ws_connect(url, origin=f"http://127.0.0.1:{server.port}") as websocket:
            await Tab(websocket).wait_for(FORMULA)
            pid = app_pid(server)
    await all_closed(server, pid)


async def test_no_app_starts_before_the_class_code(serve):
    server = await serve(password=CODE)
    base = f"http://127.0.0.1:{server.port}"
    async with client() as http:
        async with http.get(f"{base}/") as page:
            text = await page.text()
        assert "Class code" in text and "textual.js" not in text
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(f"{base}/ws?width=80&height=24")
        assert refused.value.status == 403
        assert not server.sessions

        started = time.monotonic()
        async with http.post(f"{base}/login", data={"code": "owl-41"}) as wrong:
            assert wrong.status == 403
            assert "that is not the class code; ask your teacher" in await wrong.text()
        assert time.monotonic() - started >= 0.2  # each wrong code waits
        assert not http.cookie_jar.filter_cookies(base)

        async with http.post(f"{base}/login", data={"code": CODE}) as right:
            assert right.status == 200 and "textual.js" in await right.text()
        async with http.ws_connect(f"{base}/ws?width=80&height=24") as websocket:
            await Tab(websocket).wait_for(FORMULA)
            pid = app_pid(server)
    await all_closed(server, pid)


async def test_an_address_that_gives_wrong_codes_too_often_is_turned_away(serve):
    server = await serve(password=CODE, gate=GateLimits(failure_delay=0.01, failures_per_address=3))
    base = f"http://127.0.0.1:{server.port}"
    async with client() as http:
        for _ in range(3):
            async with http.post(f"{base}/login", data={"code": "guess"}) as wrong:
                assert wrong.status == 403
        async with http.post(f"{base}/login", data={"code": CODE}) as locked:
            assert locked.status == 429
            assert "too many wrong codes from this address" in await locked.text()
        async with http.post(f"{base}/login", data={"code": "x" * 100_000}) as huge:
            assert huge.status in (413, 429)


def test_a_missing_password_file_is_one_line_and_exit_status_2(tmp_path, capsys):
    status = main(["serve", "web", "--port", "0", "--password-file", str(tmp_path / "none")])
    assert status == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "password file" in error


# ---- a class arriving at once: tabs forked from the warm process


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/status").read_text().split("PPid:")[1].split()[0])


async def test_tabs_are_forked_warm_and_cold_once_the_warm_process_is_gone(serve):
    import os

    server = await serve()
    url = f"http://127.0.0.1:{server.port}/ws?width=80&height=24"
    async with client() as http:
        async with http.ws_connect(url) as websocket:
            tab = Tab(websocket)
            await tab.wait_for(FORMULA)
            pid = app_pid(server)
            assert parent_of(pid) == server.warm._process.pid
            assert "Max address space         1073741824" in Path(f"/proc/{pid}/limits").read_text()
            mark = len(tab.raw)
            await websocket.send_json(["stdin", "n"])
            await tab.wait_for("step 1/15 · forward · layer 1", since=mark)
        await all_closed(server, pid)
        await server.warm.close()  # as if it had died
        async with http.ws_connect(url) as websocket:
            await Tab(websocket).wait_for(FORMULA)
            pid = app_pid(server)
            assert parent_of(pid) == os.getpid()
    await all_closed(server, pid)


async def test_a_download_needs_the_class_code_first(serve):
    server = await serve(password=CODE)
    url = f"http://127.0.0.1:{server.port}/download/{'0' * 32}"
    async with client() as http, http.get(url) as response:
        assert response.status == 403
        assert "give the class code" in await response.text()
