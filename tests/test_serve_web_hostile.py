"""What a hostile page can send over a tab's websocket (issue 12): sizes, types and messages
no browser sends are clamped or dropped, and the tab's app goes on."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from test_serve_web import FORMULA, TIMEOUT, Tab, app_pid, serve  # noqa: F401 - the fixture

from tui.serve.web_messages import parsed, resize_to


@pytest.mark.parametrize(
    ("data", "size"),
    [
        ({"width": 1_000_000, "height": 1_000_000}, (300, 100)),
        ({"width": -5, "height": -5}, (80, 24)),
        ({"width": 120, "height": 40}, (120, 40)),
        ({"width": "80", "height": "24"}, None),
        ({"width": True, "height": 24}, None),
        ({"width": 80.5, "height": 24}, None),
        ({"width": 80}, None),
        (None, None),
        ([80, 24], None),
    ],
)
def test_a_resize_is_two_whole_numbers_clamped_like_ssh_sizes(data, size):
    assert resize_to(data) == size


@pytest.mark.parametrize(
    "text", ["", "not json", "[]", "[5]", "{}", '"stdin"', "[" * 100_000 + "]" * 100_000]
)
def test_anything_but_a_list_led_by_a_type_is_dropped(text):
    assert parsed(text) is None


async def test_hostile_messages_leave_the_tab_working_and_small(serve):  # noqa: F811
    server = await serve()
    base = f"http://127.0.0.1:{server.port}"
    timeout = aiohttp.ClientTimeout(total=TIMEOUT)
    url = f"{base}/ws?width=120&height=40"
    async with aiohttp.ClientSession(timeout=timeout) as http, http.ws_connect(url) as websocket:
        tab = Tab(websocket)
        await tab.wait_for(FORMULA)
        pid = app_pid(server)
        for hostile in (
            ["resize", {"width": 1_000_000, "height": 1_000_000}],
            ["resize", {"width": -5, "height": -5}],
            ["resize", {"width": "80", "height": "24"}],
            ["resize", None],
            ["resize"],
            ["stdin", 5],
            ["ping", "x" * 10_000],
            [],
            {"stdin": "n"},
        ):
            await websocket.send_json(hostile)
        await websocket.send_str("not json at all")
        await websocket.send_json(["resize", {"width": 120, "height": 40}])
        mark = len(tab.raw)
        await websocket.send_json(["stdin", "n"])
        await tab.wait_for("step 1/15 · forward · layer 1", since=mark)
        status = Path(f"/proc/{pid}/status").read_text()
        resident = int(status.split("VmRSS:")[1].split()[0]) * 1024
        assert resident < 300 * 2**20  # a 1000000-wide screen grew to 7.7 GB
    async with asyncio.timeout(TIMEOUT):
        while server.sessions:
            await asyncio.sleep(0.05)
