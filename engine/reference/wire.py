"""What a child process sends back, as JSON: never a pickle, since the learner's code ran there.

A pickle from a process that ran someone's code could run code here when read; JSON cannot.
Values are reduced to plain shapes: arrays of numbers (base64 of their bytes), numbers, strings,
tuples, lists and dicts of those; anything else becomes its type's name and a short repr. Sizes
are bounded on both sides.
"""

from __future__ import annotations

import base64
import json
import math

import numpy as np

MAX_ELEMENTS = 2_000_000  # far above any array the assignment's functions return
MAX_MESSAGE_BYTES = 64 * 2**20
MAX_DEPTH = 6
_DTYPES = frozenset(
    {"float64", "float32", "float16", "int64", "int32", "int16", "int8", "bool"}
    | {"uint8", "uint16", "uint32", "uint64"}
)


class Other:
    """A value that is not numbers: its type's name and a short repr."""

    def __init__(self, type_name: str, text: str):
        self.type_name = type_name
        self.text = text

    def __repr__(self) -> str:
        return self.text


def encode(value, depth: int = 0):
    """`value` as JSON-ready data (run in the child)."""
    kind = type(value).__name__
    if depth > MAX_DEPTH:
        return {"other": kind, "repr": "(nested too deeply)"}
    if isinstance(value, bool | np.bool_):
        return {"bool": bool(value), "type": kind}
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return {"int": int(value), "type": kind} if abs(int(value)) < 2**53 else _other(value)
    if isinstance(value, float | np.floating):
        return {"float": _finite_text(float(value)), "type": kind}
    if isinstance(value, np.ndarray):
        return _array(value)
    if isinstance(value, tuple | list):
        return {"seq": [encode(item, depth + 1) for item in value[:64]], "type": kind}
    if isinstance(value, dict):
        items = list(value.items())[:64]
        return {
            "dict": [[str(key)[:40], encode(item, depth + 1)] for key, item in items],
            "type": kind,
        }
    return _other(value)


def _other(value) -> dict:
    try:
        text = repr(value)
    except Exception:  # a learner's __repr__ may raise anything
        text = "(unprintable)"
    return {"other": type(value).__name__, "repr": text[:80]}


def _finite_text(number: float):
    return number if math.isfinite(number) else repr(number)  # JSON has no NaN or Inf


def _array(value: np.ndarray) -> dict:
    if value.dtype.name not in _DTYPES:
        return _other(value)
    if value.size > MAX_ELEMENTS:
        return {"other": "ndarray", "repr": f"(an array of {value.size} numbers: too big)"}
    data = np.ascontiguousarray(value).tobytes()
    return {
        "array": base64.b64encode(data).decode("ascii"),
        "dtype": value.dtype.name,
        "shape": list(value.shape),
    }


def dumps(message: dict) -> bytes:
    return json.dumps(message).encode("utf-8")


def loads(data: bytes) -> dict:
    message = json.loads(data.decode("utf-8"))
    if not isinstance(message, dict):
        raise ValueError("a child's message is not a JSON object")
    return message


def decode(data, depth: int = 0):
    """A value sent by `encode` (run here); (value, type name) pairs keep the type's name in
    `type_of` for checks like the course's `type(cost) == float`."""
    if not isinstance(data, dict) or depth > MAX_DEPTH + 1:
        return Other("?", "(unreadable)")
    if "array" in data:
        dtype, shape = str(data.get("dtype")), data.get("shape")
        if dtype not in _DTYPES or not isinstance(shape, list):
            return Other("ndarray", "(unreadable array)")
        if not all(isinstance(size, int) and 0 <= size <= MAX_ELEMENTS for size in shape):
            return Other("ndarray", "(unreadable array)")
        raw = base64.b64decode(str(data["array"]), validate=True)
        count = math.prod(shape)
        if count > MAX_ELEMENTS or len(raw) != count * np.dtype(dtype).itemsize:
            return Other("ndarray", "(unreadable array)")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    kind = str(data.get("type", "?"))
    if "bool" in data:
        return Typed(bool(data["bool"]), kind)
    if "int" in data and isinstance(data["int"], int):
        return Typed(data["int"], kind)
    if "float" in data:
        number = data["float"]
        return Typed(float(number) if isinstance(number, int | float | str) else math.nan, kind)
    if "seq" in data and isinstance(data["seq"], list):
        items = [decode(item, depth + 1) for item in data["seq"]]
        return tuple(items) if kind == "tuple" else items
    if "dict" in data and isinstance(data["dict"], list):
        return {
            str(pair[0]): decode(pair[1], depth + 1)
            for pair in data["dict"]
            if isinstance(pair, list) and len(pair) == 2
        }
    return Other(str(data.get("other", "?"))[:40], str(data.get("repr", ""))[:80])


class Typed:
    """A number as the learner returned it, and its type's name (float, float64, int …)."""

    def __init__(self, value, type_name: str):
        self.value = value
        self.type_name = type_name

    def __repr__(self) -> str:
        return repr(self.value)
