"""What a browser tab may send over its websocket, read defensively.

textual-serve's own loop trusts the page: a resize of 1000000x1000000 grew a tab's app to
7.7 GB in a minute, and -5/-5, "80"/"24" or null crashed it. Here every message is a JSON list
of a known type with values of the right type; a resize is clamped like an SSH client's size
(tui/serve/child.py); anything else is dropped, and the tab goes on.
"""

from __future__ import annotations

import json

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService

from tui.serve.child import clamp_size

MAX_MESSAGE_BYTES = 64 * 1024  # a paste of a few pages; aiohttp refuses longer messages
MAX_PING_LENGTH = 64  # the page pings with a short id; the server echoes it back


def resize_to(data: object) -> tuple[int, int] | None:
    """The size a resize message asks for, clamped; None unless it holds two whole numbers."""
    if not isinstance(data, dict):
        return None
    width, height = data.get("width"), data.get("height")
    if not all(type(value) is int for value in (width, height)):  # not bool, str, float, None
        return None
    return clamp_size(width, height)


def parsed(text: str) -> tuple[str, object] | None:
    """(type, data) of a message such as ["stdin", "n"]; None for anything else."""
    try:
        envelope = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        return None
    return envelope[0], envelope[1] if len(envelope) > 1 else None


async def process_messages(websocket: web.WebSocketResponse, service: AppService) -> None:
    """Hand a tab's keys, sizes, focus and pings to its app until the websocket closes."""
    async for message in websocket:
        if message.type != WSMsgType.TEXT:
            continue
        envelope = parsed(message.data)
        if envelope is None:
            continue
        kind, data = envelope
        if kind == "stdin" and isinstance(data, str):
            await service.send_bytes(data.encode("utf-8", "replace"))
        elif kind == "resize" and (size := resize_to(data)) is not None:
            await service.set_terminal_size(*size)
        elif kind == "ping" and isinstance(data, str) and len(data) <= MAX_PING_LENGTH:
            await websocket.send_json(["pong", data])
        elif kind == "blur":
            await service.blur()
        elif kind == "focus":
            await service.focus()
