"""Who gets into `stepnet serve web`: the class code, asked for before any app starts.

With --password-file, the page first asks for the class code. A right one earns the browser a
random ticket in an HttpOnly, SameSite=Strict cookie; the page and the websocket need the
ticket, so no app starts for anyone without it. Wrong codes cost FAILURE_DELAY each and count
against the address, as for SSH (tui/serve/gate.py). A websocket whose Origin is not the page's
own is refused too: another site open in a student's browser cannot start or drive a session.
"""

from __future__ import annotations

import html
import secrets
import time
from collections import OrderedDict
from urllib.parse import urlsplit

from aiohttp import web

from tui.serve.gate import Gate

COOKIE = "stepnet-ticket"
MAX_TICKETS = 1000  # a class's browsers, several times over; the oldest go first
MAX_FORM_BYTES = 4096

LOGIN_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>stepnet</title>
<style>
body {{ background: #0c181f; color: #e0e0e0; font-family: sans-serif; display: flex;
       align-items: center; justify-content: center; height: 100vh; margin: 0; }}
form {{ display: flex; flex-direction: column; gap: 0.8em; min-width: 18em; }}
input, button {{ font-size: 1.1em; padding: 0.4em; }}
.problem {{ color: #ff8080; }}
</style>
</head>
<body>
<form method="post" action="/login">
<label for="code">Class code</label>
<input id="code" name="code" type="password" autocomplete="current-password" autofocus>
<button type="submit">Start stepnet</button>
<div class="problem">{problem}</div>
</form>
</body>
</html>
"""


class Tickets:
    """The tickets given out, each good until `lifetime` seconds after it was made."""

    def __init__(self, lifetime: float) -> None:
        self.lifetime = lifetime
        self._made: OrderedDict[str, float] = OrderedDict()

    def new(self) -> str:
        ticket = secrets.token_urlsafe(32)
        self._made[ticket] = time.monotonic()
        while len(self._made) > MAX_TICKETS:
            self._made.popitem(last=False)
        return ticket

    def valid(self, ticket: str | None) -> bool:
        made = self._made.get(ticket or "")
        if made is None:
            return False
        if time.monotonic() - made > self.lifetime:
            del self._made[ticket]
            return False
        return True


class ClassCode:
    """The class code's check, for the page and the websocket."""

    def __init__(self, code: str | None, gate: Gate, lifetime: float) -> None:
        self.code = code
        self.gate = gate
        self.tickets = Tickets(lifetime)

    def admitted(self, request: web.Request) -> bool:
        return self.code is None or self.tickets.valid(request.cookies.get(COOKIE))

    def login_page(self, problem: str = "", status: int = 200) -> web.Response:
        return web.Response(
            text=LOGIN_PAGE.format(problem=html.escape(problem)),
            content_type="text/html",
            status=status,
        )

    async def handle_login(self, request: web.Request) -> web.StreamResponse:
        if self.code is None:
            raise web.HTTPFound("/")
        address = request.remote or "?"
        if self.gate.locked_out(address):
            minutes = self.gate.limits.failure_window / 60
            return self.login_page(
                f"too many wrong codes from this address; try again in {minutes:.0f} minutes", 429
            )
        if (request.content_length or 0) > MAX_FORM_BYTES:
            return self.login_page("that is not a class code", 413)
        form = await request.post()
        typed = form.get("code")
        typed = typed if isinstance(typed, str) else ""
        if not await self.gate.check_password(address, "a browser", typed, self.code, 1):
            return self.login_page("that is not the class code; ask your teacher", 403)
        response = web.HTTPFound("/")
        response.set_cookie(
            COOKIE,
            self.tickets.new(),
            httponly=True,
            samesite="Strict",
            max_age=int(self.tickets.lifetime),
        )
        raise response


def same_origin(request: web.Request, public_url: str) -> bool:
    """True when the websocket comes from the page's own origin, or from no browser at all
    (a browser always sends Origin with a websocket; a test client or a proxy may not)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    expected, given = urlsplit(public_url), urlsplit(origin)
    return (given.scheme, given.netloc) == (expected.scheme, expected.netloc)
