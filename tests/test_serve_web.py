"""`stepnet serve web`, against a server the test starts on a free loopback port and stops: the
page loads, and each tab's websocket streams its own confined app."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import aiohttp
import pytest

from tui.benchmarks.class_cost import screen_text
from tui.serve.limits import ClassLimits
from tui.serve.web_server import ClassroomWebServer
from tui.session.session_file import load_session

TIMEOUT = 30
FORMULA = "Z[1] = W[1]·X + b[1]"
COMPACT_TABS = "steps  network  boundary"


class Tab:
    """A browser tab's terminal: the bytes its websocket brings, as text."""

    def __init__(self, websocket: aiohttp.ClientWebSocketResponse) -> None:
        self.websocket = websocket
        self.raw = bytearray()
        self.packets: list[str] = []  # the JSON text messages, such as a download's start

    def text(self, since: int = 0) -> str:
        return screen_text(bytes(self.raw[since:]))

    async def wait_for(self, text: str, since: int = 0) -> None:
        async def seen() -> None:
            while text not in self.text(since):
                message = await self.websocket.receive()
                if message.type == aiohttp.WSMsgType.BINARY:
                    self.raw += message.data
                elif message.type == aiohttp.WSMsgType.TEXT:
                    self.packets.append(message.data)
                else:
                    raise AssertionError(f"{text!r} never came; the websocket closed")

        try:
            await asyncio.wait_for(seen(), TIMEOUT)
        except TimeoutError:
            shown = self.text(since)[-500:]
            raise AssertionError(f"{text!r} not on screen; got {shown!r}") from None


@pytest.fixture
async def serve():
    runners = []

    async def start(save_to=None, **limits) -> ClassroomWebServer:
        server = ClassroomWebServer("127.0.0.1", 0, ClassLimits(**limits), save_to=save_to)
        runners.append(await server.start())
        return server

    yield start
    for runner in runners:
        await asyncio.wait_for(runner.cleanup(), TIMEOUT)


def app_pid(server: ClassroomWebServer) -> int:
    [service] = server.sessions
    return service._process.pid


async def test_the_page_loads_and_a_tab_gets_its_own_confined_app(serve, monkeypatch):
    monkeypatch.setenv("TEACHERS_SECRET", "do-not-leak")
    server = await serve(max_sessions=1)
    base = f"http://127.0.0.1:{server.port}"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT)) as http:
        async with http.get(f"{base}/") as page:
            assert page.status == 200
            assert f"ws://127.0.0.1:{server.port}/ws" in await page.text()

        async with http.ws_connect(f"{base}/ws?width=120&height=40") as websocket:
            tab = Tab(websocket)
            await tab.wait_for(FORMULA)
            pid = app_pid(server)
            environment = Path(f"/proc/{pid}/environ").read_bytes()
            assert b"TEACHERS_SECRET" not in environment
            warm = server.warm._process.pid if server.warm else None
            status = Path(f"/proc/{pid}/status").read_text()
            if int(status.split("PPid:")[1].split()[0]) != warm:  # started cold: its own env
                assert b"TEXTUAL_DRIVER=textual.drivers.web_driver:WebDriver" in environment
            # forked warm, /proc shows the warm process's first environment (a fresh one
            # too); the web driver then shows in the formula above, which came through
            # textual-serve's packets
            folder = Path(os.readlink(f"/proc/{pid}/cwd"))
            assert folder.name.startswith("stepnet-session-")

            mark = len(tab.raw)
            await websocket.send_json(["stdin", "n"])
            await tab.wait_for("step 1/15 · forward · layer 1", since=mark)
            mark = len(tab.raw)
            await websocket.send_json(["resize", {"width": 80, "height": 24}])
            await tab.wait_for(COMPACT_TABS, since=mark)

            async with http.ws_connect(f"{base}/ws?width=80&height=24") as second:
                refused = Tab(second)
                await refused.wait_for("the class is full: 1 session is open")

        async with asyncio.timeout(TIMEOUT):
            while server.sessions or folder.exists() or Path(f"/proc/{pid}").exists():
                await asyncio.sleep(0.05)


async def test_an_idle_tab_is_closed_with_a_line(serve):
    server = await serve(idle_seconds=2.5)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT)) as http:
        url = f"http://127.0.0.1:{server.port}/ws?width=80&height=24"
        async with http.ws_connect(url) as websocket:
            tab = Tab(websocket)
            await tab.wait_for("stepnet: closed after 2.5 seconds without a key")
    async with asyncio.timeout(TIMEOUT):
        while server.sessions:
            await asyncio.sleep(0.05)


async def test_s_downloads_the_session_file_to_the_browser_and_keeps_a_copy(serve, tmp_path):
    server = await serve(save_to=tmp_path)
    base = f"http://127.0.0.1:{server.port}"
    timeout = aiohttp.ClientTimeout(total=TIMEOUT)
    async with (
        aiohttp.ClientSession(timeout=timeout) as http,
        http.ws_connect(f"{base}/ws?width=120&height=40") as websocket,
    ):
        tab = Tab(websocket)
        await tab.wait_for(FORMULA)
        await websocket.send_json(["stdin", "nnn"])
        await tab.wait_for("step 3/15")
        mark = len(tab.raw)
        await websocket.send_json(["stdin", "s"])
        await tab.wait_for("Save the session to:", since=mark)
        mark = len(tab.raw)
        await websocket.send_json(["stdin", "\r"])
        await tab.wait_for("stepnet-session.json is downloading in your browser", since=mark)
        [key] = [json.loads(p)[1] for p in tab.packets if "deliver_file_start" in p]
        async with http.get(f"{base}/download/{key}") as download:
            assert download.status == 200
            disposition = download.headers["Content-Disposition"]
            assert disposition == "attachment; filename=stepnet-session.json"
            text = await download.text()
    downloaded = tmp_path / "from-the-browser.json"
    downloaded.write_text(text)
    assert load_session(downloaded).cursor == 3
    [kept] = [path for path in tmp_path.iterdir() if path.is_dir()]
    assert load_session(kept / "stepnet-session.json").cursor == 3


async def test_a_download_key_nobody_was_given_is_not_found(serve):
    server = await serve()
    url = f"http://127.0.0.1:{server.port}/download/{'0' * 32}"
    timeout = aiohttp.ClientTimeout(total=TIMEOUT)
    async with aiohttp.ClientSession(timeout=timeout) as http, http.get(url) as response:
        assert response.status == 404
