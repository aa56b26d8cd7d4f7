"""The web classroom in a real browser (issue 12): Debian's chromium, headless, driven by
selenium through Debian's chromedriver, against a server on a free loopback port.

The page loads with no request leaving the machine, asks for the class code, and then the
app's first screen comes; a key steps it, and a smaller window repaints it in its compact
layout. xterm.js draws on a canvas, so what the terminal was sent is read from the page's
websocket (wrapped before the page's own scripts run), and the screenshot is kept for a
person to look at. Skipped, saying why, where chromium, chromedriver or selenium is missing
(.ci/run installs them: see NOTES-security.md).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from tui.benchmarks.class_cost import screen_text
from tui.serve.gate import GateLimits
from tui.serve.limits import ClassLimits
from tui.serve.web_server import ClassroomWebServer

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CODE = "owl-42"
TIMEOUT = 60
FORMULA = "Z[1] = W[1]·X + b[1]"
SCREENSHOT = Path(os.environ.get("STEPNET_SCREENSHOT_DIR", "/tmp")) / "stepnet-web-classroom.png"

selenium = pytest.importorskip(
    "selenium", reason="selenium is not installed (pip install selenium)"
)
pytestmark = pytest.mark.skipif(
    not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)),
    reason=f"no {CHROMIUM} or {CHROMEDRIVER} (apt-get install chromium chromium-driver)",
)

# Runs in the page before its own scripts: keeps every byte the terminal's websocket brings
CAPTURE = """
window.__stepnet = [];
const Original = window.WebSocket;
window.WebSocket = function (...args) {
  const socket = new Original(...args);
  socket.addEventListener("message", (event) => {
    if (event.data instanceof ArrayBuffer) {
      const bytes = new Uint8Array(event.data);
      let text = "";
      for (const byte of bytes) text += String.fromCharCode(byte);
      window.__stepnet.push(btoa(text));
    }
  });
  return socket;
};
window.WebSocket.prototype = Original.prototype;
Object.assign(window.WebSocket, Original);
"""


@pytest.fixture
def server():
    """A class-code server in a thread of its own (selenium's calls block)."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder = {}

    async def serve() -> None:
        web = ClassroomWebServer(
            "127.0.0.1", 0, ClassLimits(), password=CODE, gate=GateLimits(failure_delay=0.1)
        )
        holder["runner"] = await web.start()
        holder["server"] = web
        ready.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(serve(), loop)
    assert ready.wait(TIMEOUT)
    yield holder["server"]
    asyncio.run_coroutine_threadsafe(holder["runner"].cleanup(), loop).result(TIMEOUT)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(TIMEOUT)


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--window-size=1300,900",
        # no name resolves but the loopback address: nothing can leave the machine anyway
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(TIMEOUT)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CAPTURE})
    yield driver
    driver.quit()


def received(driver) -> str:
    chunks = driver.execute_script("return window.__stepnet || [];")
    return screen_text(b"".join(base64.b64decode(chunk) for chunk in chunks))


def wait_for(driver, text: str, since: int = 0) -> str:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        screen = received(driver)
        if text in screen[since:]:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never reached the terminal; got {received(driver)[-400:]!r}")


def requested(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_the_classroom_in_a_real_browser(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base = f"http://127.0.0.1:{server.port}"
    browser.get(f"{base}/")
    field = browser.find_element(By.ID, "code")  # the class code is asked for first
    assert not server.sessions
    field.send_keys(CODE + Keys.ENTER)

    screen = wait_for(browser, FORMULA)
    assert len(server.sessions) == 1

    browser.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea").send_keys("n")
    screen = wait_for(browser, "step 1/15 · forward · layer 1", since=len(screen))

    browser.set_window_size(800, 600)  # the page fits its terminal and sends a resize
    wait_for(browser, "steps  network  boundary", since=len(screen))
    time.sleep(1)  # let the canvas draw before the picture
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOT))

    urls = requested(browser)
    assert urls, "the performance log recorded no requests"
    leaving = [url for url in urls if not url.startswith((base, "ws://127.0.0.1", "data:"))]
    assert not leaving, leaving
