"""What one array of an .npz archive would take, read from its header before the array is.

An .npz is a zip of .npy files. Each .npy starts with a small header declaring its dtype and
shape, and numpy allocates shape × itemsize bytes before reading any data: a 450-byte file
declaring (2, 5·10⁹) asks for 80 GB. The zip directory, in turn, declares how large each
member expands. `array_bytes` checks the two against each other and against a limit, reading
only the header, so nothing is allocated for an array that cannot be real.
"""

from __future__ import annotations

import math
import zipfile

import numpy as np

MAX_HEADER_BYTES = 65536  # numpy writes headers of a few hundred bytes; it reads up to 10k


class ArrayTooLarge(Exception):
    """An array whose header is damaged, or declares more than its member or the limit."""


def array_bytes(archive: zipfile.ZipFile, member: str, limit: int) -> int:
    """The bytes the array in `member` declares; ArrayTooLarge saying why if its header is
    unreadable, or declares more data than the member holds or than `limit`."""
    info = archive.getinfo(member)
    if info.file_size > limit:
        raise ArrayTooLarge(f"expands to {_mib(info.file_size)}, over the {_mib(limit)} limit")
    try:
        with archive.open(info) as stream:
            version = np.lib.format.read_magic(stream)
            read_header = {
                (1, 0): np.lib.format.read_array_header_1_0,
                (2, 0): np.lib.format.read_array_header_2_0,
            }.get(version)
            if read_header is None:
                raise ArrayTooLarge(f"has an .npy header of version {version}")
            shape, _, dtype = read_header(stream, max_header_size=MAX_HEADER_BYTES)
            header_end = stream.tell()
    except (ValueError, EOFError, OSError, zipfile.BadZipFile, RuntimeError) as error:
        raise ArrayTooLarge(f"has a damaged header ({_first_line(error)})") from None
    declared = math.prod(shape) * dtype.itemsize
    if declared > limit:
        raise ArrayTooLarge(
            f"declares shape {shape} of {dtype}, {_mib(declared)}, over the {_mib(limit)} limit"
        )
    if not dtype.hasobject and declared > info.file_size - header_end:
        raise ArrayTooLarge(
            f"declares shape {shape} of {dtype}, {_mib(declared)}, but holds "
            f"{info.file_size - header_end:,d} bytes"
        )
    return declared


def _mib(n: int) -> str:
    return f"{n / 2**20:,.1f} MiB" if n >= 2**20 else f"{n:,d} bytes"


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    line = lines[0] if lines else type(error).__name__
    return line if len(line) <= 80 else line[:79] + "…"
