"""Reading a file that should be small (a session, a lesson) without trusting it to be.

The path might name a FIFO (an open() would wait for a writer forever), a link to /dev/zero
(a read would never end), or a file of gigabytes. It is opened without blocking and without
following into a terminal, checked to be a regular file on the open descriptor (so no swap
between a check and the open), and read up to its cap and no further.
"""

from __future__ import annotations

import os
import stat


class NotSmallFile(Exception):
    """Why the file cannot be read: the message completes 'session file X …'."""


def read_small_file(path: str | os.PathLike, max_bytes: int, kind: str) -> bytes:
    """The bytes of the regular file at `path`, at most `max_bytes`; NotSmallFile (a clause
    such as 'is a folder') or OSError otherwise. `kind` names what the file holds: a session."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except ValueError:  # a NUL in the name
        raise NotSmallFile("is not a valid path: check how it was typed") from None
    except IsADirectoryError:
        raise NotSmallFile("is a folder: give the file itself") from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise NotSmallFile("is a folder: give the file itself")
        if not stat.S_ISREG(info.st_mode):
            raise NotSmallFile("is not a regular file (a pipe or a device?): give a saved file")
        if info.st_size > max_bytes:
            raise NotSmallFile(_too_large(info.st_size, max_bytes, kind))
        chunks, total = [], 0
        while chunk := os.read(descriptor, min(1 << 20, max_bytes + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:  # it grew since fstat
                raise NotSmallFile(_too_large(total, max_bytes, kind))
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _too_large(size: int, max_bytes: int, kind: str) -> str:
    return (
        f"is {_amount(size)} or more, more than {kind} can be ({_amount(max_bytes)}): "
        "is it the right file?"
    )


def _amount(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB" if n >= 2**20 else f"{n / 1024:,.0f} KiB"
