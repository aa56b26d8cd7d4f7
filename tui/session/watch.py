"""Watch expressions: small numpy formulas over the current state, shown beside the panels.

A watch such as `abs(dW1).max()`, `W2 @ A1` or `mean(A2 > 0.5)` is parsed with Python's `ast`
in 'eval' mode and walked against an allow-list of node types; it is then computed by a small
interpreter over that tree. Nothing is ever handed to eval or exec, so a watch typed over SSH
cannot run code: no attribute but `.T` and `.shape`, no call but the functions in FUNCTIONS, no
names but the state's. Every operation checks the size of its result before numpy computes it
(MAX_ELEMENTS, MAX_MATMUL_FLOPS, MAX_EXPONENT), and one evaluation may make at most
MAX_EVALUATION_ELEMENTS in all its results together, so no watch can eat the machine either.

    Watch.parse(text)            the checked expression, or WatchError saying what is not allowed
    watch.evaluate(state)        a WatchValue: the value and one short line to show, or why not
    watch.history                the last HISTORY_LENGTH values shown: (cursor, line, number)

Names: X, Y, W1, b1, W2, b2 and this iteration's Z1 … db1 from the state mapping; m, n_x and
n_h (from the state, else from the shapes of X and W1); alpha or learning_rate if the caller
puts one in the state; and what tui/session/derived_state.py adds: the iteration, the costs so far,
accuracy, the symmetry count, saturation, W' and b' of the linear collapse, and the slides'
one-example loops (loop_Z1, loop_dW1 …). Lesson claims are watches that must come out True.
"""

from __future__ import annotations

import ast
import difflib
import math
import warnings
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from engine.activations import ACTIVATIONS
from engine.errors import StepnetError
from engine.one_example import LOOP_NAMES
from engine.shapes import PARAMETER_NAMES
from engine.steps import STEP_NAMES
from tui.session.formatting import number, shape, uses_scientific

MAX_TEXT_LENGTH = 200
MAX_NODES = 120
MAX_DEPTH = 40
MAX_ELEMENTS = 2 * 10**6  # 16 MB of float64: any single result larger is refused
# Every result one evaluation makes, added up: 32 MB of float64 at most, however the parts
# are chained. A watch's value is kept as its one-line summary (WatchValue.summarised), so a
# session holds no watch's array, only MAX_WATCHES evaluations' worth of work per step.
MAX_EVALUATION_ELEMENTS = 4 * 10**6
# Every watch is computed again at every step: a dozen fits the panel and keeps a step's work
# within 12 × MAX_EVALUATION_ELEMENTS, whatever the watches are.
MAX_WATCHES = 12
MAX_MATMUL_FLOPS = 10**9  # multiply-adds for one @, about a second at worst
MAX_EXPONENT = 1024  # |b| in a ** b; float64 overflows past 2**1024 anyway
HISTORY_LENGTH = 200
INLINE_ELEMENTS = 8  # arrays up to this size are shown in full
SUMMARY_WIDTH = 72
WHOLE_WIDTH = 20 + 12 * INLINE_ELEMENTS  # room for any array of INLINE_ELEMENTS in full

# the data, the parameters, then every step's value but the updates (they are the parameters)
ARRAY_NAMES = (
    *("X", "Y", *PARAMETER_NAMES),
    *(name for name in STEP_NAMES if name not in PARAMETER_NAMES),
)
SIZE_NAMES = ("m", "n_x", "n_h")
RATE_NAMES = ("alpha", "learning_rate")
TEST_NAMES = ("test_cost", "test_accuracy")
DERIVED_NAMES = (
    *("iteration", "costs", "accuracy", "identical_units", "unit_difference"),
    *("saturation", "dead_units", "W_prime", "b_prime"),
    *(f"loop_{name}" for name in LOOP_NAMES),
    *TEST_NAMES,  # only with --test-split
    *("sweep_accuracy", "sweep_cost", "sweep_test_accuracy"),  # only in a lesson's sweep beat
)
NAMES = (*ARRAY_NAMES, *SIZE_NAMES, *RATE_NAMES, *DERIVED_NAMES)

REDUCTIONS: dict[str, Callable] = {
    "sum": np.sum,
    "mean": np.mean,
    "max": np.max,
    "min": np.min,
    "std": np.std,
    "norm": np.linalg.norm,
}
ELEMENTWISE: dict[str, Callable] = {
    "abs": np.abs,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    # each activation g by name, and its slope g' as d_<name>, from the engine's own kernels
    **{name: activation.value for name, activation in ACTIVATIONS.items() if name != "linear"},
    **{f"d_{name}": activation.derivative for name, activation in ACTIVATIONS.items()},
}
FUNCTIONS = (*ELEMENTWISE, *REDUCTIONS, "shape")
ATTRIBUTES = ("T", "shape")
_EMPTY_UNDEFINED = ("mean", "std", "max", "min")  # reductions with no value on no elements

_BINARY: dict[type, tuple[str, Callable]] = {
    ast.Add: ("+", np.add),
    ast.Sub: ("-", np.subtract),
    ast.Mult: ("*", np.multiply),
    ast.Div: ("/", np.true_divide),
    ast.FloorDiv: ("//", np.floor_divide),
    ast.Mod: ("%", np.remainder),
    ast.Pow: ("**", np.power),
    ast.MatMult: ("@", np.matmul),
    ast.BitAnd: ("&", np.bitwise_and),
    ast.BitOr: ("|", np.bitwise_or),
}
_UNARY: dict[type, Callable] = {ast.USub: np.negative, ast.UAdd: np.positive, ast.Invert: np.invert}
_COMPARE: dict[type, Callable] = {
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
}
# What each refused node is, for the message
_REFUSED: dict[type, str] = {
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.JoinedStr: "f-strings",
    ast.FormattedValue: "f-strings",
    ast.NamedExpr: "assignments (:=)",
    ast.IfExp: "if … else",
    ast.BoolOp: "'and' and 'or' (use & and | between comparisons)",
    ast.List: "lists",
    ast.Tuple: "tuples outside […]",
    ast.Set: "sets",
    ast.Dict: "dicts",
    ast.Starred: "* unpacking",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "slices outside […]",
}
_USE = ", ".join(name for name in NAMES if name != "learning_rate")  # alpha says it
_FUNCTIONS_TEXT = ", ".join(FUNCTIONS)


class WatchError(StepnetError):
    """A watch expression that is not allowed or cannot be read; the message says why."""


class _Refused(Exception):
    """Raised inside evaluation when an operation would break a limit or makes no sense."""


# ---- values


@dataclass(frozen=True)
class WatchValue:
    """What a watch shows at one moment: a value, or the reason there is none.

    `pending` means the expression reads a step that has not run yet in this iteration: no
    mistake, just too early. `error` is one line either way.
    """

    value: object = None  # float, int, bool, a shape tuple or a numpy array
    error: str | None = None
    pending: bool = False
    shown: str | None = None  # the summary, once the array it came from is let go

    def summarised(self) -> WatchValue:
        """The same value for a screen to keep: a number or a shape as it is, an array as the
        one line that describes it (a View holds that, never the array)."""
        if self.error is not None or not isinstance(self.value, np.ndarray):
            return self
        # a small array whole, however wide: the watch panel gives each row a line of its own
        return WatchValue(shown=self.summary(width=WHOLE_WIDTH), pending=self.pending)

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary(self, width: int = SUMMARY_WIDTH) -> str:
        """One short line: the value, or the reason there is none."""
        if self.error is not None:
            return self.error
        if self.shown is not None:
            return self.shown
        return describe(self.value, width)

    def __str__(self) -> str:
        return self.summary()


def describe(value: object, width: int = SUMMARY_WIDTH) -> str:
    """A value as one line: a number with a fixed format, a small array in full, a large one
    as its shape with min and max."""
    if isinstance(value, tuple):
        return shape(value)
    if isinstance(value, bool | np.bool_):
        return "True" if value else "False"
    if isinstance(value, int | np.integer):
        return f"{int(value):d}"
    if isinstance(value, float | np.floating):
        return number(float(value))
    array = np.asarray(value)
    if array.ndim == 0:
        return describe(array.item(), width)
    dims = shape(array.shape)
    if array.dtype.kind not in "biuf":  # only from a caller's odd state: say what it is
        return f"{dims} {array.dtype}"
    if array.size == 0:
        return f"{dims} empty"
    if array.size <= INLINE_ELEMENTS:
        text = f"{dims} {_inline(array)}"
        if len(text) <= width:
            return text
    if array.dtype == np.bool_:
        return f"{dims} {int(np.count_nonzero(array)):d} of {array.size:d} True"
    finite = array[np.isfinite(array)] if array.dtype.kind == "f" else array
    if finite.size == 0:
        return f"{dims} no finite values"
    low, high = finite.min(), finite.max()
    scientific = uses_scientific([low, high]) if finite.dtype.kind == "f" else None
    text = f"{dims} min {_element(low, scientific)}  max {_element(high, scientific)}"
    if finite.size < array.size:
        text += f"  ({array.size - finite.size:d} NaN/Inf)"
    return text


def _inline(array: np.ndarray, scientific: bool | None = None) -> str:
    """The array in brackets, as numpy nests them; its floats in one notation (not +9.892e-04
    beside -0.0124)."""
    if scientific is None and array.dtype.kind == "f":
        scientific = uses_scientific(array)
    if array.ndim == 1:
        return "[" + " ".join(_element(x, scientific) for x in array) + "]"
    return "[" + " ".join(_inline(row, scientific) for row in array) + "]"


def _element(x, scientific: bool | None = None) -> str:
    if isinstance(x, bool | np.bool_):
        return "True" if x else "False"
    if isinstance(x, int | np.integer):
        return f"{int(x):d}"
    return number(float(x), scientific=scientific)


# ---- the watch


class Shown(NamedTuple):
    """One value a watch showed: at which cursor, as which line, and the number itself when it
    is a float, so that a screen can write a row of them with the digits that tell them apart."""

    cursor: int
    text: str
    number: float | None


class Watch:
    """One checked watch expression and the values it showed, newest last."""

    def __init__(self, text: str, tree: ast.Expression):
        self.text = text
        self._tree = tree
        self.names: frozenset[str] = frozenset(
            node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id in NAMES
        )
        self._history: deque[Shown] = deque(maxlen=HISTORY_LENGTH)

    def __repr__(self) -> str:
        return f"Watch({self.text!r})"

    @classmethod
    def parse(cls, text: str) -> Watch:
        """The watch for `text`, or WatchError naming what is not allowed."""
        if not isinstance(text, str):
            raise WatchError(f"a watch is text, not {type(text).__name__}")
        text = text.strip()
        if not text:
            raise WatchError("a watch needs an expression, e.g. abs(dW1).max() or W2 @ A1")
        if len(text) > MAX_TEXT_LENGTH:
            raise WatchError(
                f"watch is {len(text)} characters long; keep it under {MAX_TEXT_LENGTH}"
            )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "invalid decimal literal" and such
                tree = ast.parse(text, mode="eval")
        except SyntaxError as error:
            where = f" at column {error.offset}" if error.offset else ""
            reason = (error.msg or "invalid syntax").splitlines()[0]
            raise WatchError(f"cannot read watch {text!r}: {reason}{where}") from None
        except (ValueError, MemoryError, RecursionError, OverflowError) as error:
            raise WatchError(f"cannot read watch {text!r}: {_one_line(error)}") from None
        if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
            raise WatchError(f"watch {text!r} is too complex; split it into smaller watches")
        _Checker(text).check(tree.body, 0)
        watch = cls(text, tree)
        watch._check_constants(tree.body)
        return watch

    @property
    def history(self) -> tuple[Shown, ...]:
        """The values of the latest evaluations, oldest first."""
        return tuple(self._history)

    def evaluate(self, state: Mapping[str, object], *, cursor: int | None = None) -> WatchValue:
        """The watch's value on `state`; never raises. Given a cursor, it goes in the history
        (a second evaluation at the same cursor replaces the first), unless it is pending: a
        step not computed yet is no value to remember, and would crowd out those that were."""
        result = self._evaluate(state)
        if cursor is not None and not result.pending:
            value = result.value
            exact = float(value) if isinstance(value, float | np.floating) else None
            entry = Shown(cursor, result.summary(), exact)
            if self._history and self._history[-1][0] == cursor:
                self._history[-1] = entry
            else:
                self._history.append(entry)
        return result

    def _evaluate(self, state: Mapping[str, object]) -> WatchValue:
        env: dict[str, object] = {}
        for name in sorted(self.names, key=NAMES.index):
            value = _lookup(state, name)
            if value is None:
                if name in RATE_NAMES:
                    return WatchValue(error=f"{name} is not available: no learning rate given")
                if name in TEST_NAMES:
                    return WatchValue(error=f"{name} needs a test set: start with --test-split 0.2")
                return WatchValue(
                    error=f"{name} is not computed yet in this iteration", pending=True
                )
            env[name] = value
        try:
            return WatchValue(value=_result(_Interpreter(self.text, env).run(self._tree.body)))
        except _Refused as error:
            return WatchValue(error=str(error))

    def _check_constants(self, node: ast.AST) -> None:
        """Compute at parse time the parts made of numbers only, so `10**10**10` is refused
        when typed rather than at every step."""
        reads_state = any(isinstance(n, ast.Name) and n.id in NAMES for n in ast.walk(node))
        if not reads_state and not isinstance(node, ast.Constant):
            try:
                _Interpreter(self.text, {}).run(node)
            except _Refused as error:
                raise WatchError(str(error)) from None
            return
        for child in _operands(node):
            self._check_constants(child)


def _operands(node: ast.AST) -> list[ast.expr]:
    """The subexpressions of a checked node that stand for values on their own (not a call's
    function, not a slice's pieces themselves)."""
    if isinstance(node, ast.Call):
        _, receiver = _callee(node.func)
        return [*([receiver] if receiver is not None else []), *node.args]
    if isinstance(node, ast.Subscript):
        parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        pieces = [node.value]
        for part in parts:
            if isinstance(part, ast.Slice):
                pieces += [b for b in _bounds(part) if b is not None]
            elif not (isinstance(part, ast.Constant) and part.value is Ellipsis):
                pieces.append(part)
        return pieces
    return [child for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr)]


def _lookup(state: Mapping[str, object], name: str) -> object | None:
    """The value of `name`, or None when the state has none (yet)."""
    try:
        if name in state:
            value = state[name]
            return value if isinstance(value, int | float | np.number) else np.asarray(value)
    except (KeyError, TypeError, ValueError):
        return None
    if name in ("m", "n_x") and "X" in state:
        n_x, m = np.shape(state["X"])[:2]
        return m if name == "m" else n_x
    if name == "n_h" and "W1" in state:
        return np.shape(state["W1"])[0]
    if name in RATE_NAMES:
        other = RATE_NAMES[1 - RATE_NAMES.index(name)]
        return _lookup(state, other) if other in state else None
    return None


def _result(value: object) -> object:
    """Numpy scalars and 0-d arrays as plain Python numbers; tuples and arrays as they are."""
    if (isinstance(value, np.ndarray) and value.ndim == 0) or isinstance(value, np.generic):
        return value.item()
    return value


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    line = text[0] if text else type(error).__name__
    return line if len(line) <= 100 else line[:99] + "…"


# ---- checking the tree


class _Checker:
    """Walks a parsed expression and raises WatchError at the first thing not allowed."""

    def __init__(self, text: str):
        self.text = text

    def check(self, node: ast.AST, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise WatchError(f"watch {self.text!r} is nested too deeply")
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            what = _REFUSED.get(type(node), type(node).__name__)
            raise WatchError(f"{what} not allowed in a watch: {self._show(node)}")
        method(node, depth + 1)

    def _show(self, node: ast.AST) -> str:
        segment = ast.get_source_segment(self.text, node) or self.text
        segment = " ".join(segment.split())
        return segment if len(segment) <= 40 else segment[:39] + "…"

    def _Constant(self, node: ast.Constant, depth: int) -> None:
        if isinstance(node.value, bool | int | float):
            return
        kind = type(node.value).__name__
        kind = {"str": "strings", "bytes": "bytes", "complex": "complex numbers"}.get(kind, kind)
        raise WatchError(f"{kind} not allowed in a watch: {self._show(node)}; use numbers")

    def _Name(self, node: ast.Name, depth: int) -> None:
        if node.id in NAMES:
            return
        if node.id in FUNCTIONS:
            raise WatchError(f"{node.id} is a function: call it, e.g. {node.id}(dW1)")
        if node.id == "np":
            raise WatchError("np is only for calls such as np.sum(dZ2, axis=1)")
        by_lower = {name.lower(): name for name in NAMES}
        close = difflib.get_close_matches(node.id.lower(), by_lower, n=1)
        hint = f" (did you mean {by_lower[close[0]]}?)" if close else ""
        raise WatchError(f"unknown name {node.id!r}{hint}: use {_USE}")

    def _UnaryOp(self, node: ast.UnaryOp, depth: int) -> None:
        if type(node.op) not in _UNARY:
            raise WatchError(f"'not' not allowed in a watch: {self._show(node)}; use ~ or == 0")
        self.check(node.operand, depth)

    def _BinOp(self, node: ast.BinOp, depth: int) -> None:
        if type(node.op) not in _BINARY:
            allowed = " ".join(symbol for symbol, _ in _BINARY.values())
            raise WatchError(f"operator not allowed in {self._show(node)}: use {allowed}")
        self.check(node.left, depth)
        self.check(node.right, depth)

    def _Compare(self, node: ast.Compare, depth: int) -> None:
        for op in node.ops:
            if type(op) not in _COMPARE:
                raise WatchError(
                    f"comparison not allowed in {self._show(node)}: use < <= > >= == !="
                )
        self.check(node.left, depth)
        for comparator in node.comparators:
            self.check(comparator, depth)

    def _Attribute(self, node: ast.Attribute, depth: int) -> None:
        if node.attr in ATTRIBUTES:
            self.check(node.value, depth)
            return
        if node.attr in FUNCTIONS:
            raise WatchError(f".{node.attr} is a method: call it, e.g. dW1.{node.attr}()")
        raise WatchError(
            f"attribute {node.attr!r} not allowed in a watch: use .T, .shape "
            f"or a method such as .max()"
        )

    def _Subscript(self, node: ast.Subscript, depth: int) -> None:
        self.check(node.value, depth)
        parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        for part in parts:
            if isinstance(part, ast.Slice):
                for bound in (part.lower, part.upper, part.step):
                    if bound is not None:
                        self.check(bound, depth + 1)
            elif isinstance(part, ast.Constant) and part.value is Ellipsis:
                continue
            elif isinstance(part, ast.Constant) and part.value is None:
                raise WatchError(f"None (a new axis) not allowed in a watch: {self._show(node)}")
            else:
                self.check(part, depth + 1)

    def _Call(self, node: ast.Call, depth: int) -> None:
        name, receiver = _callee(node.func)
        if name is None:
            shown = self._show(node.func)
            raise WatchError(f"calling {shown} not allowed in a watch: use {_FUNCTIONS_TEXT}")
        if receiver is not None:
            self.check(receiver, depth)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise WatchError(f"* unpacking not allowed in a watch: {self._show(node)}")
        positional = len(node.args) + (receiver is not None)
        if positional == 0:
            raise WatchError(f"{name}() needs an array, e.g. {name}(dW1)")
        if positional > 2 or (positional == 2 and name not in REDUCTIONS):
            raise WatchError(f"{name} takes one array: {self._show(node)}")
        if receiver is None:
            self.check(node.args[0], depth)
        axis_given = positional == 2
        if axis_given:
            self._axis(node.args[-1], node)
        for keyword in node.keywords:
            if keyword.arg is None:
                raise WatchError(f"** unpacking not allowed in a watch: {self._show(node)}")
            if name not in REDUCTIONS or keyword.arg not in ("axis", "keepdims"):
                allowed = (
                    "axis= and keepdims= only" if name in REDUCTIONS else "no keyword arguments"
                )
                raise WatchError(f"{name} takes {allowed}, not {keyword.arg}=")
            if keyword.arg == "axis":
                if axis_given:
                    raise WatchError(f"{name} got its axis twice: {self._show(node)}")
                axis_given = True
                self._axis(keyword.value, node)
            elif not _is_bool(keyword.value):
                raise WatchError(f"keepdims must be True or False: {self._show(node)}")

    def _axis(self, value: ast.AST, call: ast.Call) -> None:
        if _axis_value(value) is _NOT_AN_AXIS:
            raise WatchError(f"axis must be a whole number such as 0, 1 or -1: {self._show(call)}")


_NOT_AN_AXIS = object()


def _is_bool(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is bool


def _axis_value(node: ast.AST) -> object:
    """The axis a literal names (an int or None), or _NOT_AN_AXIS."""
    if isinstance(node, ast.Constant) and (node.value is None or type(node.value) is int):
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        return -node.operand.value
    return _NOT_AN_AXIS


def _callee(func: ast.AST) -> tuple[str | None, ast.AST | None]:
    """(function name, receiver) for sum(x), np.sum(x), np.linalg.norm(x) and x.sum();
    (None, None) for anything else."""
    if isinstance(func, ast.Name):
        return (func.id, None) if func.id in FUNCTIONS else (None, None)
    if not isinstance(func, ast.Attribute) or func.attr not in FUNCTIONS:
        return None, None
    value = func.value
    if isinstance(value, ast.Name) and value.id == "np":
        return func.attr, None
    if (
        func.attr == "norm"
        and isinstance(value, ast.Attribute)
        and value.attr == "linalg"
        and isinstance(value.value, ast.Name)
        and value.value.id == "np"
    ):
        return "norm", None
    return func.attr, value


# ---- computing


class _Interpreter:
    """Computes a checked tree over `env`, checking every result's size before numpy makes it."""

    def __init__(self, text: str, env: Mapping[str, object]):
        self.text = text
        self.env = env
        self.made = 0  # elements of every result made so far: MAX_EVALUATION_ELEMENTS at most

    def run(self, node: ast.expr) -> object:
        # numpy's floating-point warnings would print over the screen: 1/0 is inf, log(0) is
        # -inf, and the line shows them; other warnings are silenced for the same reason
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return self.value(node)
            except _Refused:
                raise
            except RecursionError:
                raise _Refused(f"watch {self.text!r} is nested too deeply") from None
            except MemoryError:
                raise _Refused(f"not enough memory to compute {self.text!r}") from None
            except Exception as error:
                # the last line of defence: a watch must never take the app down, whatever
                # numpy makes of an odd but allowed combination
                raise _Refused(f"cannot compute {self._show(node)}: {_one_line(error)}") from None

    def _show(self, node: ast.AST) -> str:
        segment = ast.get_source_segment(self.text, node) or self.text
        segment = " ".join(segment.split())
        return segment if len(segment) <= 40 else segment[:39] + "…"

    def _fail(self, node: ast.AST, reason: str) -> _Refused:
        return _Refused(f"cannot compute {self._show(node)}: {reason}")

    def value(self, node: ast.AST) -> object:
        try:
            return getattr(self, f"_{type(node).__name__}")(node)
        except (ValueError, TypeError, IndexError, ArithmeticError, AttributeError) as error:
            raise self._fail(node, _one_line(error)) from None

    def _Constant(self, node: ast.Constant) -> object:
        value = node.value
        # a Python int numpy cannot hold would turn arrays into slow object arrays
        if type(value) is int and not -(2**63) <= value < 2**63:
            return float(value)
        return value

    def _Name(self, node: ast.Name) -> object:
        return self.env[node.id]

    def _UnaryOp(self, node: ast.UnaryOp) -> object:
        return _UNARY[type(node.op)](_operand(self.value(node.operand)))

    def _BinOp(self, node: ast.BinOp) -> object:
        left = _operand(self.value(node.left))
        right = _operand(self.value(node.right))
        symbol, ufunc = _BINARY[type(node.op)]
        if symbol == "@":
            self._check_matmul(node, np.shape(left), np.shape(right))
            return np.matmul(left, right)
        self._check_size(node, _broadcast(node, self, np.shape(left), np.shape(right)))
        if symbol == "**":
            self._check_exponent(node, right)
            return np.power(np.asarray(left, dtype=np.float64), right)
        result = ufunc(left, right)
        if symbol in ("+", "-", "*") and _integral(left) and _integral(right):
            # int64 wraps around silently; past 2**62 redo it in floating point
            exact = ufunc(np.asarray(left, np.float64), np.asarray(right, np.float64))
            if np.size(exact) and np.abs(exact).max() >= 2.0**62:
                return exact
        return result

    def _Compare(self, node: ast.Compare) -> object:
        # a < b < c means (a < b) & (b < c), element by element, as a chain of floats would
        left = _operand(self.value(node.left))
        result: object = True
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _operand(self.value(comparator))
            size = _broadcast(node, self, np.shape(left), np.shape(right), np.shape(result))
            self._check_size(node, size)
            result = np.logical_and(result, _COMPARE[type(op)](left, right))
            left = right
        return result

    def _Attribute(self, node: ast.Attribute) -> object:
        value = self.value(node.value)
        if node.attr == "shape":
            return tuple(np.shape(value))
        return np.transpose(_operand(value))  # .T: a view, no copy

    def _Subscript(self, node: ast.Subscript) -> object:
        target = self.value(node.value)
        parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        index = tuple(self._index_part(node, part) for part in parts)
        if isinstance(target, tuple):  # a shape: shape(X)[1]
            if len(index) != 1 or isinstance(index[0], np.ndarray):
                raise self._fail(node, "a shape takes one whole-number index or a slice")
            return target[index[0]]
        if np.ndim(target) == 0:
            raise self._fail(node, "a number has no elements to index")
        if any(isinstance(part, np.ndarray) for part in index):
            # a mask copies what it picks (slices only look): count it as made, at most the
            # array's size
            self._check_size(node, np.shape(target))
        return np.asarray(target)[index if len(index) > 1 else index[0]]

    def _index_part(self, node: ast.Subscript, part: ast.AST) -> object:
        # whole numbers, slices and boolean masks only: each picks at most as many elements as
        # the array has, so indexing never grows a result
        if isinstance(part, ast.Slice):
            return slice(*(None if b is None else self._whole(node, b) for b in _bounds(part)))
        if isinstance(part, ast.Constant) and part.value is Ellipsis:
            return Ellipsis
        value = self.value(part)
        if isinstance(value, np.ndarray) and value.ndim > 0 and value.dtype == np.bool_:
            return value
        return self._whole(node, part, value)

    def _whole(self, node: ast.AST, part: ast.AST, value: object = None) -> int:
        if value is None:
            value = self.value(part)
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value.item()
        if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
            raise self._fail(
                node, "index with whole numbers, slices such as 0:2, or a mask such as A1 > 0"
            )
        return int(value)

    def _Call(self, node: ast.Call) -> object:
        name, receiver = _callee(node.func)
        args = [receiver] if receiver is not None else []
        args += node.args
        argument = self.value(args[0])
        if name == "shape":
            return tuple(np.shape(argument))
        array = _operand(argument)
        if name in ELEMENTWISE:
            self._check_size(node, np.shape(array))
            return ELEMENTWISE[name](array)
        options: dict[str, object] = {}
        if len(args) == 2:
            options["axis"] = _axis_value(args[1])
        for keyword in node.keywords:
            options[keyword.arg] = (
                _axis_value(keyword.value) if keyword.arg == "axis" else keyword.value.value
            )
        if name in _EMPTY_UNDEFINED and np.size(array) == 0:
            raise self._fail(node, f"{name} of no elements has no value")
        return REDUCTIONS[name](array, **options)

    def _check_size(self, node: ast.AST, dims: tuple[int, ...]) -> None:
        size = math.prod(dims)
        if size > MAX_ELEMENTS:
            raise self._fail(
                node,
                f"the result {shape(dims)} would have {size:,d} elements "
                f"(at most {MAX_ELEMENTS:,d})",
            )
        self.made += size
        if self.made > MAX_EVALUATION_ELEMENTS:
            raise self._fail(
                node,
                f"the watch would make {self.made:,d} elements in all "
                f"(at most {MAX_EVALUATION_ELEMENTS:,d}); split it into smaller watches",
            )

    def _check_matmul(self, node: ast.AST, a: tuple[int, ...], b: tuple[int, ...]) -> None:
        if not a or not b:
            raise self._fail(node, "@ multiplies two arrays; scale by a number with *")
        a2 = a if len(a) > 1 else (1, *a)
        b2 = b if len(b) > 1 else (*b, 1)
        if a2[-1] != b2[-2]:
            raise self._fail(
                node,
                f"shapes {shape(a)} and {shape(b)} do not line up for @: {a2[-1]:d} ≠ {b2[-2]:d}",
            )
        batch = _broadcast(node, self, a2[:-2], b2[:-2])
        self._check_size(node, (*batch, a2[-2], b2[-1]))
        flops = math.prod(batch) * a2[-2] * a2[-1] * b2[-1]
        if flops > MAX_MATMUL_FLOPS:
            raise self._fail(
                node,
                f"{shape(a)} @ {shape(b)} is {flops:,d} multiplications "
                f"(at most {MAX_MATMUL_FLOPS:,d})",
            )

    def _check_exponent(self, node: ast.AST, exponent: object) -> None:
        powers = np.asarray(exponent)
        if powers.dtype.kind not in "biuf" or powers.size == 0:
            return
        finite = np.abs(powers[np.isfinite(powers)]) if powers.dtype.kind == "f" else powers
        if finite.size and np.abs(finite).max() > MAX_EXPONENT:
            raise self._fail(
                node,
                f"exponent {_element(np.abs(finite).max())} is too large "
                f"(** takes exponents up to ±{MAX_EXPONENT:d})",
            )


def _bounds(part: ast.Slice) -> tuple[ast.AST | None, ast.AST | None, ast.AST | None]:
    return part.lower, part.upper, part.step


def _broadcast(node: ast.AST, interpreter: _Interpreter, *shapes) -> tuple[int, ...]:
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        shown = " and ".join(shape(s) for s in shapes if s)
        raise interpreter._fail(node, f"shapes {shown} do not broadcast together") from None


def _operand(value: object) -> object:
    """A shape takes part in arithmetic as an array of ints: shape(X) * 2 doubles each
    dimension rather than repeating the tuple."""
    return np.asarray(value, dtype=np.int64) if isinstance(value, tuple) else value


def _integral(value: object) -> bool:
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, int | np.integer):
        return True
    return isinstance(value, np.ndarray) and value.dtype.kind in "iu"
