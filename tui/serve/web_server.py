"""`stepnet serve web`: each browser tab gets its own stepnet, through textual-serve.

textual-serve gives the page, the terminal in it and a websocket per tab, and runs a command
for each websocket with Textual's web driver. This keeps its page and protocol and changes what
runs and how many: each tab's app runs confined (tui/serve/confinement.py) in a folder of its
own, with a fresh environment instead of the server's, until the idle timeout or the session
time; past the session cap a tab gets a polite line instead of an app.

With --password-file the page asks for the class code before any app starts (web_access.py);
without, anyone who reaches the port gets a session. It listens on 127.0.0.1 unless told
otherwise; for TLS the README shows a proxy in front. The page makes no request off the
server (the font is textual-serve's own copy, not a font host's), /static/ lists nothing, and
a websocket from another site's page is refused.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shlex
import shutil
import tempfile
import time
from pathlib import Path

import aiohttp_jinja2
import jinja2
import textual_serve
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

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
from tui.serve.save_folder import drop_if_empty, save_dir_for
from tui.serve.warm_start import WarmStarter
from tui.serve.web_access import ClassCode, same_origin
from tui.serve.web_messages import MAX_MESSAGE_BYTES, process_messages

log = logging.getLogger("stepnet.serve")

BROWSER_TERMINAL = "xterm-256color"  # xterm.js
# textual-serve's page loads Roboto Mono from a font host: the same font, from its own copy
FONT_HOST_LINK = re.compile(
    r'<link\s+rel="stylesheet"\s+href="https://fonts\.googleapis\.com[^"]*"\s*/>'
)
LOCAL_FONT = """<style>
      @font-face {
        font-family: "Roboto Mono"; font-style: normal; font-weight: 100 700;
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf");
      }
      @font-face {
        font-family: "Roboto Mono"; font-style: italic; font-weight: 100 700;
        src: url("{{ config.static.url }}fonts/RobotoMono-Italic-VariableFont_wght.ttf");
      }
    </style>"""
# what textual-serve sets for Textual's web driver, besides a copy of the server's environment
WEB_DRIVER_VARIABLES = (
    "TEXTUAL_DRIVER",
    "TEXTUAL_FPS",
    "TEXTUAL_COLOR_SYSTEM",
    "TERM_PROGRAM",
    "TERM_PROGRAM_VERSION",
    "COLUMNS",
    "ROWS",
)


class ConfinedAppService(AppService):
    """textual-serve's runner for one tab's app, with `environment` in place of the server's;
    forked from the warm process when there is one (tui/serve/warm_start.py)."""

    def __init__(
        self,
        command: str,
        *,
        environment: dict[str, str],
        warm: WarmStarter | None = None,
        argv: list[str] | None = None,
        cwd: Path | None = None,
        **options,
    ) -> None:
        super().__init__(command, **options)
        self._environment = environment
        self._warm, self._argv, self._cwd = warm, argv, cwd
        self.last_input = time.monotonic()

    async def _open_app_process(self, width: int = 80, height: int = 24):
        if self._warm is None:
            return await super()._open_app_process(width, height)
        environment = self._build_environment(width=width, height=height)
        try:
            process = await self._warm.spawn_with_pipes(self._argv, env=environment, cwd=self._cwd)
        except OSError as error:  # the warm process has gone: this tab starts cold
            log.error("warm start failed (%s); starting a tab cold", error)
            return await super()._open_app_process(width, height)
        self._process = process
        self._stdin = process.stdin
        return process

    async def send_bytes(self, data: bytes) -> bool:
        # every key the tab sends comes this way: the idle timeout counts from the last one
        self.last_input = time.monotonic()
        return await super().send_bytes(data)

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        served = super()._build_environment(width, height)
        driver = {name: served[name] for name in WEB_DRIVER_VARIABLES if name in served}
        return {**self._environment, **driver}


class ClassroomWebServer(Server):
    def __init__(
        self,
        host: str,
        port: int,
        limits: ClassLimits,
        lesson: str | None = None,
        public_url: str | None = None,
        password: str | None = None,
        gate: GateLimits | None = None,
        warm_start: bool = True,
        save_to: Path | None = None,
    ) -> None:
        super().__init__("stepnet", host=host, port=port, title="stepnet", public_url=public_url)
        self.save_to = save_to  # the teacher's folder for saved sessions; None: none kept
        self._public_url_given = public_url is not None
        self.limits = limits
        self.lesson = lesson
        self.sessions: set[ConfinedAppService] = set()
        self.class_code = ClassCode(password, Gate(gate or GateLimits()), limits.session_seconds)
        self.warm_start = warm_start
        self.warm: WarmStarter | None = None

    async def _make_app(self) -> web.Application:
        """textual-serve's routes, less its file listing, with the class code's
        page in front and the font served from here."""
        app = web.Application(client_max_size=64 * 1024)
        aiohttp_jinja2.setup(app, loader=jinja2.DictLoader({"app_index.html": _local_page()}))
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.post("/login", self.class_code.handle_login, name="login"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                # a session file the tab's app delivers (s); its key is one-use and random
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ]
        )
        app.on_cleanup.append(self._close_warm)
        return app

    async def _close_warm(self, app: web.Application) -> None:
        if self.warm is not None:
            await self.warm.close()
            self.warm = None

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if not self.class_code.admitted(request):
            return self.class_code.login_page()
        context = await Server.handle_index.__wrapped__(self, request)
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        if not self.class_code.admitted(request):
            raise web.HTTPForbidden(text="stepnet: give the class code on the page first")
        return await super().handle_download(request)

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        peer = request.remote
        if not same_origin(request, self.public_url):
            log.warning(
                "refused a websocket from %s: its page is %s",
                peer,
                shown(request.headers["Origin"]),
            )
            raise web.HTTPForbidden(text="stepnet: open the class's own page")
        if not self.class_code.admitted(request):
            log.info("refused a websocket from %s: no class code given", peer)
            raise web.HTTPForbidden(text="stepnet: give the class code on the page first")
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE_BYTES)
        await websocket.prepare(request)
        if len(self.sessions) >= self.limits.max_sessions:
            log.info("refused a tab from %s: the class is full", peer)
            await self._say(websocket, class_full(len(self.sessions)))
            return websocket
        width, height = clamp_size(
            _number(request.query.get("width")), _number(request.query.get("height"))
        )
        home = Path(tempfile.mkdtemp(prefix="stepnet-session-"))
        save_dir, keeps_files = save_dir_for(self.save_to, home)
        command = child_command(save_dir, self.limits.caps, self.lesson, keeps_files)
        service = ConfinedAppService(
            f"cd {shlex.quote(str(home))} && exec {shlex.join(command)}",
            environment=child_environment(BROWSER_TERMINAL, {}, home),
            warm=self.warm if self.warm is not None and self.warm.alive else None,
            argv=command[command.index("tui") + 1 :],
            cwd=home,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        self.sessions.add(service)
        log.info("session for a tab from %s, %dx%d", peer, width, height)
        messages = None
        try:
            await service.start(width, height)
            messages = asyncio.ensure_future(process_messages(websocket, service))
            why = await until_done_or_time_up(self.limits, {messages}, lambda: service.last_input)
            if why:
                log.info("closed the tab from %s: %s", peer, why)
                await self._say(websocket, why)
        finally:
            if messages is not None:
                messages.cancel()
            await service.stop()
            self.sessions.discard(service)
            shutil.rmtree(home, ignore_errors=True)
            if keeps_files:
                drop_if_empty(save_dir)
            log.info("tab from %s closed", peer)
        return websocket

    @staticmethod
    async def _say(websocket: web.WebSocketResponse, message: str) -> None:
        """A line on the tab's terminal, then close."""
        if not websocket.closed:
            await websocket.send_bytes(f"\r\nstepnet: {message}\r\n".encode())
            await websocket.close()

    async def start(self) -> web.AppRunner:
        """Listen (port 0: any free one) without blocking; stop with the runner's cleanup."""
        raise_descriptor_limit()
        if self.warm_start:
            folder = Path(tempfile.gettempdir())
            try:
                self.warm = await WarmStarter.start(
                    child_environment(BROWSER_TERMINAL, {}, folder), folder
                )
            except (OSError, TimeoutError) as error:
                log.error("no warm process (%s): each tab starts cold", error)
        runner = web.AppRunner(await self._make_app(), handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError as error:
            await runner.cleanup()
            raise StepnetError(
                f"cannot listen on {self.host}:{self.port}: {error.strerror}"
            ) from None
        self.port = runner.addresses[0][1]
        if not self._public_url_given:  # the page tells the browser where the websocket is
            self.public_url = f"http://{self.host}:{self.port}"
        return runner

    async def on_startup(self, app: web.Application) -> None:
        pass  # textual-serve prints a banner here; `serve_web` says what a teacher needs


def _local_page() -> str:
    """textual-serve's page, its font from the server itself."""
    page = Path(textual_serve.__file__).with_name("templates") / "app_index.html"
    text, replaced = FONT_HOST_LINK.subn(LOCAL_FONT, page.read_text(encoding="utf-8"))
    if replaced != 1 or "https://" in text.replace("http://www.w3.org/2000/svg", ""):
        raise StepnetError(
            "this textual-serve's page calls on another host; install the version in pyproject.toml"
        )
    return text


def _number(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


async def serve_web(
    args,
    limits: ClassLimits,
    lesson: str | None,
    stop: asyncio.Event,
    gate: GateLimits | None = None,
) -> int:
    """`stepnet serve web`: serve until `stop` is set."""
    password = args.password_file and read_password(args.password_file)
    server = ClassroomWebServer(
        args.host,
        args.port,
        limits,
        lesson,
        args.public_url,
        password=password,
        gate=gate,
        save_to=args.save_to,
    )
    runner = await server.start()
    access = (
        f"Students give the class code from {args.password_file} first."
        if password
        else "No class code: anyone who reaches this address gets a session (see the README)."
    )
    print(
        f"serving stepnet on {server.public_url}; students open that page\n{access}\n"
        "Ctrl-C stops the server and every session.",
        flush=True,
    )
    await stop.wait()
    await runner.cleanup()
    return 0
