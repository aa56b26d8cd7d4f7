"""The numbers behind the cell under the cursor, as the slides write them.

For the forward and backward matrices with a column per example: the slide's one-example form
(z[1](i) = W[1]x(i) + b[1] …) with the actual numbers, recomputed here from example i alone and
set beside column i of the vectorised step. For a row per hidden unit: the unit-by-unit form
(z₂[1](i) = w₂[1]ᵀx(i) + b₂[1]). For a gradient entry: the chain rule, its term for one example,
the sum over the m examples and the 1/m. For an update: old − α·dW = new.

Everything is recomputed with plain numpy from the View's state, independently of the engine's
kernels, and shown beside the engine's value: the learner sees that the loop, the unit and the
vectorised matrix agree. The functions are pure (View and cursor in, Rich renderables out), so
they are tested without an app. Only text attributes are used (bold, dim, reverse): no colour,
so the details read the same under any theme and under NO_COLOR.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from engine.activations import get_activation
from engine.mistakes.catalogue import get_mistake
from engine.notation import SYMBOLS
from engine.shapes import concrete, shape_text
from tui.app.panels.value.value_axes import (
    EXAMPLES,
    FEATURES,
    UNITS,
    axes,
    example_label,
    feature_label,
    subscript,
    unit_label,
)
from tui.session.formatting import number, uses_scientific
from tui.session.view import View

HIGHLIGHT = "reverse"
HEADING = "bold"
MUTED = "dim"
MAX_ROWS = 6  # rows of a matrix shown in the details, around the picked one
MAX_COLS = 4
TOLERANCE = 1e-12  # relative: what counts as "the same number" beside the engine's
LEAKY_SLOPE = 0.01

EXAMPLE_STEPS = ("Z1", "A1", "Z2", "A2", "dZ2", "dZ1")
GRADIENT_STEPS = ("dW1", "db1", "dW2", "db2")
UPDATE_STEPS = ("W1", "b1", "W2", "b2")


# ---- g and g', written out again so that the details check the engine's kernels


def _sigmoid(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


_G: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky_relu": lambda z: np.maximum(LEAKY_SLOPE * z, z),
    "linear": lambda z: np.array(z, dtype=np.float64),
}
# g'(z) from z and a = g(z), as the derivatives slide gives it
_G_SLOPE: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "tanh": lambda z, a: 1.0 - a * a,
    "sigmoid": lambda z, a: a * (1.0 - a),
    "relu": lambda z, a: np.where(z >= 0.0, 1.0, 0.0),
    "leaky_relu": lambda z, a: np.where(z >= 0.0, 1.0, LEAKY_SLOPE),
    "linear": lambda z, a: np.ones_like(z, dtype=np.float64),
}


def hidden_g(activation: str, z: np.ndarray) -> np.ndarray:
    """g(z) of the hidden layer, element-wise."""
    z = np.asarray(z, dtype=np.float64)
    if activation in _G:
        return _G[activation](z)
    return get_activation(activation).apply(z, np.empty_like(z))


def hidden_slope(activation: str, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """g'(z) of the hidden layer from z and a = g(z), element-wise."""
    z, a = np.asarray(z, dtype=np.float64), np.asarray(a, dtype=np.float64)
    if activation in _G_SLOPE:
        return _G_SLOPE[activation](z, a)
    act = get_activation(activation)
    return act.slope(a if act.slope_operand == "A1" else z, np.empty_like(z))


def _slope_text(activation: str, z: float, a: float, slope: float) -> str:
    """g'(z) with its numbers, e.g. '1 − a² = 1 − (+0.7616)² = +0.4200'."""
    if activation == "tanh":
        return f"1 − a² = 1 − ({number(a)})² = {number(slope)}"
    if activation == "sigmoid":
        return f"a(1 − a) = ({number(a)})·(1 − {number(a)}) = {number(slope)}"
    if activation in ("relu", "leaky_relu"):
        side = "z ≥ 0" if z >= 0 else "z < 0"
        return f"{number(slope)}, as {side} (z = {number(z)})"
    return f"{number(slope)}"


# ---- the numbers, recomputed


def example_column(view: View, i: int) -> np.ndarray:
    """Column i (numpy index) of the event's matrix, recomputed from example i alone as the
    slide's for-loop computes it: (n[1],) for Z1, A1, dZ1; (1,) for Z2, A2, dZ2."""
    state, name = view.state, _event_name(view)
    activation = view.config.activation
    if name == "Z1":
        return state["W1"] @ state["X"][:, i] + state["b1"][:, 0]
    if name == "A1":
        return hidden_g(activation, state["Z1"][:, i])
    if name == "Z2":
        return state["W2"] @ state["A1"][:, i] + state["b2"][:, 0]
    if name == "A2":
        return _sigmoid(state["Z2"][:, i])
    if name == "dZ2":
        return state["A2"][:, i] - state["Y"][:, i]
    if name == "dZ1":
        dz2 = state["A2"][:, i] - state["Y"][:, i]
        slope = hidden_slope(activation, state["Z1"][:, i], state["A1"][:, i])
        return (state["W2"].T @ dz2) * slope
    raise ValueError(f"{name} has no column per example; use one of {', '.join(EXAMPLE_STEPS)}")


@dataclass(frozen=True)
class GradientEntry:
    """One entry of dW1, db1, dW2 or db2 as a mean over the examples: (1/m)·Σᵢ dz(i)·factor(i).

    For layer 2, dz(i) = dz[2](i) = a[2](i) − y(i); for layer 1, dz(i) = dzⱼ[1](i) =
    W[2]ⱼ·dz[2](i)·g'(zⱼ[1](i)). `factor` is aⱼ[1](i) for dW2, xₖ(i) for dW1, 1 for a bias.
    All per-example arrays are (m,).
    """

    name: str
    row: int
    col: int
    dz2: np.ndarray
    slope: np.ndarray | None  # g'(zⱼ[1](i)), layer 1 only
    weight: float | None  # W[2]ⱼ, layer 1 only
    dz: np.ndarray
    factor: np.ndarray
    terms: np.ndarray
    total: float  # Σᵢ terms
    value: float  # total / m: the entry, recomputed
    engine: float  # the entry as the engine computed it


def gradient_entry(view: View, row: int, col: int) -> GradientEntry:
    """The chain rule for entry (row, col) of the event's gradient, recomputed from the
    forward values in the View's state (not from the engine's dZ1 or dZ2)."""
    state, name = view.state, _event_name(view)
    if name not in GRADIENT_STEPS:
        raise ValueError(f"{name} is not a gradient; use one of {', '.join(GRADIENT_STEPS)}")
    m = view.dims["m"]
    dz2 = np.asarray(state["A2"][0] - state["Y"][0], dtype=np.float64)
    slope = weight = None
    if name in ("dW2", "db2"):
        dz = dz2
        factor = state["A1"][col] if name == "dW2" else np.ones(m)
    else:
        slope = hidden_slope(view.config.activation, state["Z1"][row], state["A1"][row])
        weight = float(state["W2"][0, row])
        dz = weight * dz2 * slope
        factor = state["X"][col] if name == "dW1" else np.ones(m)
    terms = dz * factor
    total = float(np.sum(terms))
    return GradientEntry(
        name,
        row,
        col,
        dz2,
        slope,
        weight,
        dz,
        np.asarray(factor, dtype=np.float64),
        terms,
        total,
        total / m,
        float(view.event.value[row, col]),
    )


@dataclass(frozen=True)
class UpdateParts:
    """θ := θ − α·dθ for the parameter the event updated, every array of its shape."""

    name: str
    learning_rate: float
    old: np.ndarray  # θ when the iteration began
    gradient: np.ndarray  # dθ of this iteration
    step: np.ndarray  # −α·dθ
    recomputed: np.ndarray  # old − α·dθ, here
    new: np.ndarray  # θ after the step, from the engine


def update_parts(view: View) -> UpdateParts:
    name = _event_name(view)
    if name not in UPDATE_STEPS:
        raise ValueError(f"{name} is not an update; use one of {', '.join(UPDATE_STEPS)}")
    alpha = view.config.learning_rate
    old = np.asarray(view.start_parameters[name], dtype=np.float64)
    gradient = np.asarray(view.state["d" + name], dtype=np.float64)
    return UpdateParts(
        name, alpha, old, gradient, -alpha * gradient, old - alpha * gradient, view.event.value
    )


@dataclass(frozen=True)
class CostTerms:
    """J = (1/m)·Σᵢ L(i) with L(i) = −[y(i) log a[2](i) + (1 − y(i)) log(1 − a[2](i))]."""

    y: np.ndarray  # (m,)
    a: np.ndarray  # (m,)
    losses: np.ndarray  # (m,)
    total: float
    value: float  # the mean, recomputed from A2
    engine: float


def cost_terms(view: View) -> CostTerms:
    y = np.asarray(view.state["Y"][0], dtype=np.float64)
    a = np.asarray(view.state["A2"][0], dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        # 0·log 0 counts as 0, as in the limit
        losses = -(
            np.where(y > 0, y * np.log(a), 0.0) + np.where(y < 1, (1 - y) * np.log(1 - a), 0.0)
        )
    total = float(np.sum(losses))
    return CostTerms(y, a, losses, total, total / len(y), float(view.event.value))


# ---- the details for the cursor


def details(view: View, cursor: tuple[int, int], example: int | None = None) -> RenderableType:
    """What the cell at `cursor` (numpy row, col) is made of. `example` is the example to show
    the per-example term of a gradient for (the first one when None)."""
    event = view.event
    if event is None:
        return Text("")
    name = event.name
    misshapen = _misshapen(view)
    if misshapen:
        return Text(
            f"no details: {misshapen}, and the one-example forms need the slide's shapes",
            style=HEADING,
        )
    if name == "cost":
        shown = cost_details(view, example)
    elif name in EXAMPLE_STEPS:
        shown = example_details(view, *cursor)
    elif name in GRADIENT_STEPS:
        shown = gradient_details(view, *cursor, example)
    elif name in UPDATE_STEPS:
        shown = update_details(view, *cursor)
    else:
        return Text(f"no details for {name}")
    mistake = get_mistake(view.config.mistake) if view.config.mistake else None
    if mistake is None or name not in mistake.steps:
        return shown
    warning = Text(
        f"✗ {SYMBOLS[name]} is the mistake {mistake.name}: below, the course's formula,"
        " recomputed, which it does not follow",
        style=HEADING,
    )
    return Group(warning, shown)


def off_the_slide(view: View) -> bool:
    """True when a mistake has given the event's value another shape than the slide's."""
    event = view.event
    return event is not None and np.shape(event.value) != concrete(event.name, view.dims)


def _misshapen(view: View) -> str:
    """'b[1] is (4, 4) where the slide has (4, 1)' for the arrays a mistake has reshaped."""
    wrong = []
    for name, value in view.state.items():
        expected = concrete(name, view.dims)
        if np.shape(value) != expected:
            wrong.append(
                f"{SYMBOLS[name]} is {shape_text(np.shape(value))} where the slide has "
                f"{shape_text(expected)}"
            )
    return "; ".join(wrong)


def cursor_line(view: View, cursor: tuple[int, int]) -> Text:
    """'Z[1][1, 150] = +0.0163 · unit a2 · example i = 151': the picked cell, in words."""
    name = _event_name(view)
    row, col = cursor
    value = view.event.value
    text = Text(f"{SYMBOLS[name]}[{row}, {col}] = ", style=HEADING)
    text.append(number(value[row, col]), style=HEADING)
    for symbol, index in zip(axes(name), cursor, strict=True):
        if symbol == UNITS:
            text.append(f" · unit {unit_label(index)}", style=MUTED)
        elif symbol == EXAMPLES:
            text.append(f" · example i = {index + 1}", style=MUTED)
        elif symbol == FEATURES:
            text.append(f" · feature {feature_label(index)}", style=MUTED)
    return text


def example_details(view: View, row: int, i: int) -> RenderableType:
    """The slide's one-example form for column i, and the unit form for row `row`."""
    name = _event_name(view)
    parts: list[RenderableType] = [cursor_line(view, (row, i))]
    parts.extend(_EXAMPLE_FORMS[name](view, row, i))
    recomputed = example_column(view, i)
    engine = np.asarray(view.event.value[:, i])
    parts.append(agreement(recomputed, engine, f"{SYMBOLS[name]}[:, {i}], vectorised"))
    return Group(*parts)


def _z1_form(view: View, j: int, i: int) -> list[RenderableType]:
    state = view.state
    W1, x, b1 = state["W1"], state["X"][:, i], state["b1"]
    z = example_column(view, i)
    units = window(W1.shape[0], j, MAX_ROWS)
    features = window(W1.shape[1], 0, MAX_COLS)
    inputs = window(len(x), 0, MAX_ROWS)
    table = side_by_side(
        block("W[1]", W1, units, features, (j, None)),
        operator("·"),
        block("x(i)", x[:, None], inputs, range(1)),
        operator("+"),
        block("b[1]", b1, units, range(1), (j, 0)),
        operator("="),
        block("z[1](i)", z[:, None], units, range(1), (j, 0)),
        operator("‖"),
        block(f"Z[1][:, {i}]", view.event.value[:, [i]], units, range(1), (j, 0)),
    )
    w, b = W1[j], float(b1[j, 0])
    products = " + ".join(f"({number(w[k])})·({number(x[k])})" for k in window(len(x), 0, MAX_COLS))
    if len(x) > MAX_COLS:
        products += " + …"
    unit = Text(f"unit {unit_label(j)}, one unit at a time: ", style=HEADING)
    unit.append(f"z{subscript(j + 1)}[1](i) = w{subscript(j + 1)}[1]ᵀx(i) + b{subscript(j + 1)}[1]")
    unit_numbers = Text(f"  = {products} + ({number(b)}) = {number(w @ x + b)}")
    return [_example_heading(i, "z[1](i) = W[1]x(i) + b[1]"), table, unit, unit_numbers]


def _a1_form(view: View, j: int, i: int) -> list[RenderableType]:
    activation = get_activation(view.config.activation)
    z = view.state["Z1"][:, i]
    a = example_column(view, i)
    units = window(len(z), j, MAX_ROWS)
    table = side_by_side(
        block("z[1](i)", z[:, None], units, range(1), (j, 0)),
        operator(f"{activation.name} →"),
        block("a[1](i)", a[:, None], units, range(1), (j, 0)),
        operator("‖"),
        block(f"A[1][:, {i}]", view.event.value[:, [i]], units, range(1), (j, 0)),
    )
    unit = Text(f"unit {unit_label(j)}: ", style=HEADING)
    unit.append(
        f"a{subscript(j + 1)}[1](i) = g({number(z[j])}) = {number(a[j])}   ({activation.formula})"
    )
    return [_example_heading(i, "a[1](i) = g(z[1](i))"), table, unit]


def _z2_form(view: View, row: int, i: int) -> list[RenderableType]:
    state = view.state
    w, a, b = state["W2"][0], state["A1"][:, i], float(state["b2"][0, 0])
    units = window(len(w), 0, MAX_ROWS)
    table = side_by_side(
        labels("unit", units, unit_label, len(w)),
        block("W[2]ⱼ", w[:, None], units, range(1)),
        operator("·"),
        block("aⱼ[1](i)", a[:, None], units, range(1)),
        operator("="),
        block("product", (w * a)[:, None], units, range(1)),
        labels=True,
    )
    z = float(example_column(view, i)[0])
    total = Text(f"Σⱼ = {number(float(w @ a))}   + b[2] ({number(b)})   = z[2](i) = {number(z)}")
    return [
        _example_heading(i, "z[2](i) = W[2]a[1](i) + b[2]"),
        Text("  = Σⱼ W[2]ⱼ·aⱼ[1](i) + b[2], unit by unit:"),
        table,
        total,
    ]


def _a2_form(view: View, row: int, i: int) -> list[RenderableType]:
    z = float(view.state["Z2"][0, i])
    a = float(example_column(view, i)[0])
    y = float(view.state["Y"][0, i])
    line = Text(f"  = 1 / (1 + e^−({number(z)})) = {number(a)}")
    prediction = Text(
        f"  prediction ŷ(i) = {int(a > 0.5)}, as a[2](i) {'>' if a > 0.5 else '≤'} 0.5;"
        f"  label y(i) = {y:g}",
        style=MUTED,
    )
    return [_example_heading(i, "a[2](i) = σ(z[2](i)) = 1 / (1 + e^−z[2](i))"), line, prediction]


def _dz2_form(view: View, row: int, i: int) -> list[RenderableType]:
    a = float(view.state["A2"][0, i])
    y = float(view.state["Y"][0, i])
    dz = float(example_column(view, i)[0])
    line = Text(f"  = {number(a)} − {y:g} = {number(dz)}")
    return [_example_heading(i, "dz[2](i) = a[2](i) − y(i)"), line]


def _dz1_form(view: View, j: int, i: int) -> list[RenderableType]:
    state = view.state
    activation = get_activation(view.config.activation)
    w = state["W2"][0]
    dz2 = float(state["A2"][0, i] - state["Y"][0, i])
    slope = hidden_slope(activation.name, state["Z1"][:, i], state["A1"][:, i])
    dz = example_column(view, i)
    units = window(len(w), j, MAX_ROWS)
    table = side_by_side(
        labels("unit", units, unit_label, len(w), j),
        block("W[2]ⱼ", w[:, None], units, range(1), (j, 0)),
        operator("·"),
        block("dz[2](i)", np.full((len(w), 1), dz2), units, range(1)),
        operator("·"),
        block("g'(zⱼ[1](i))", slope[:, None], units, range(1), (j, 0)),
        operator("="),
        block("dzⱼ[1](i)", dz[:, None], units, range(1), (j, 0)),
        operator("‖"),
        block(f"dZ[1][:, {i}]", view.event.value[:, [i]], units, range(1), (j, 0)),
        labels=True,
    )
    z, a = float(state["Z1"][j, i]), float(state["A1"][j, i])
    unit = Text(f"unit {unit_label(j)}: ", style=HEADING)
    unit.append(f"g'(z{subscript(j + 1)}[1](i)) = {_slope_text(activation.name, z, a, slope[j])}")
    return [
        _example_heading(i, f"dz[1](i) = W[2]ᵀdz[2](i) * g'(z[1](i)),  {activation.slope_formula}"),
        table,
        unit,
    ]


_EXAMPLE_FORMS: dict[str, Callable[[View, int, int], list[RenderableType]]] = {
    "Z1": _z1_form,
    "A1": _a1_form,
    "Z2": _z2_form,
    "A2": _a2_form,
    "dZ2": _dz2_form,
    "dZ1": _dz1_form,
}


def _example_heading(i: int, formula: str) -> Text:
    text = Text(f"example i = {i + 1}: ", style=HEADING)
    text.append(formula)
    return text


def gradient_details(view: View, row: int, col: int, example: int | None = None) -> RenderableType:
    """The chain rule for one gradient entry, its term for `example`, the sum and the 1/m."""
    entry = gradient_entry(view, row, col)
    name, m = entry.name, view.dims["m"]
    i = _example_index(example, m)
    # dW[2] has a column per hidden unit; dW[1] and db[1] a row per hidden unit
    j, k = (col, None) if name == "dW2" else (row, col)
    activation = get_activation(view.config.activation)
    sub_j, sub_k = subscript(j + 1), subscript((k or 0) + 1)
    symbol = SYMBOLS[name]
    a2, y = float(view.state["A2"][0, i]), float(view.state["Y"][0, i])
    lines: list[RenderableType] = [cursor_line(view, (row, col))]
    dz2_general = "dz[2](i) = a[2](i) − y(i)"
    if name == "dW2":
        general = f"{symbol}₁{sub_j} = (1/m)·Σᵢ dz[2](i)·a{sub_j}[1](i)"
        factor = f"a{sub_j}[1](i)"
    elif name == "db2":
        general = "db[2] = (1/m)·Σᵢ dz[2](i)"
        factor = None
    else:
        dz2_general = f"dz{sub_j}[1](i) = W[2]{sub_j}·dz[2](i)·g'(z{sub_j}[1](i))"
        if name == "dW1":
            general = f"{symbol}{sub_j}{sub_k} = (1/m)·Σᵢ dz{sub_j}[1](i)·x{sub_k}(i)"
            factor = f"x{sub_k}(i)"
        else:
            general = f"{symbol}{sub_j} = (1/m)·Σᵢ dz{sub_j}[1](i)"
            factor = None
    lines.append(Text(general, style=HEADING))
    lines.append(Text(f"  with {dz2_general}", style=HEADING))
    lines.append(Text(f"example i = {i + 1}{_picked(example)}:", style=MUTED))
    lines.append(
        Text(f"  dz[2](i) = a[2](i) − y(i) = {number(a2)} − {y:g} = {number(entry.dz2[i])}")
    )
    if entry.slope is not None:
        z1, a1 = float(view.state["Z1"][j, i]), float(view.state["A1"][j, i])
        slope_text = _slope_text(activation.name, z1, a1, float(entry.slope[i]))
        lines.append(Text(f"  g'(z{sub_j}[1](i)) = {slope_text}"))
        lines.append(
            Text(
                f"  dz{sub_j}[1](i) = ({number(entry.weight)})·({number(entry.dz2[i])})·"
                f"({number(entry.slope[i])}) = {number(entry.dz[i])}"
            )
        )
    if factor is not None:
        dz_name = "dz[2](i)" if entry.slope is None else f"dz{sub_j}[1](i)"
        lines.append(
            Text(
                f"  {dz_name}·{factor} = ({number(entry.dz[i])})·({number(entry.factor[i])})"
                f" = {number(entry.terms[i])}"
            )
        )
    lines.append(Text(f"Σ over the m = {m} examples = {number(entry.total)}"))
    lines.append(Text(f"× 1/m = 1/{m}  → {number(entry.value)}"))
    lines.append(
        agreement(
            np.array([entry.value]),
            np.array([entry.engine]),
            f"{symbol}[{row}, {col}], vectorised",
        )
    )
    return Group(*lines)


def update_details(view: View, row: int, col: int) -> RenderableType:
    """old | −α·dθ | new side by side, the cursor's entry highlighted in all three."""
    parts = update_parts(view)
    symbol = SYMBOLS[parts.name]
    gradient_symbol = SYMBOLS["d" + parts.name]
    rows, cols = parts.new.shape
    heading = Text(f"{symbol} := {symbol} − α·{gradient_symbol},  α = {parts.learning_rate:g}")
    heading.stylize(HEADING)
    cell = (row, col)
    columns = window(cols, col, MAX_COLS)
    if rows == 1:
        # a row vector: old, step and new stacked, so the three fit in a narrow panel
        column_label = _axis_labeller(axes(parts.name)[1])
        names = ("old", f"−α·{gradient_symbol}", "new")
        table = side_by_side(
            labels(None if column_label is None else "", range(3), names.__getitem__, 3),
            block(
                None,
                np.vstack([parts.old, parts.step, parts.new]),
                range(3),
                columns,
                (None, col),
                column_label=column_label,
            ),
            labels=True,
        )
    else:
        units = window(rows, row, MAX_ROWS)
        table = side_by_side(
            block(f"old {symbol}", parts.old, units, columns, cell),
            operator("+"),
            block(f"−α·{gradient_symbol}", parts.step, units, columns, cell),
            operator("="),
            block(f"new {symbol}", parts.new, units, columns, cell),
        )
    entry = Text(
        f"entry [{row}, {col}]: {number(parts.old[cell])} − {parts.learning_rate:g}·"
        f"({number(parts.gradient[cell])}) = {number(parts.recomputed[cell])}"
    )
    check = agreement(parts.recomputed, parts.new, f"the engine's new {symbol}")
    return Group(cursor_line(view, cell), heading, table, entry, check)


def cost_details(view: View, example: int | None = None) -> RenderableType:
    """J as the mean of the per-example losses, the picked example's loss with its numbers."""
    terms = cost_terms(view)
    m = len(terms.y)
    i = _example_index(example, m)
    y, a, loss = float(terms.y[i]), float(terms.a[i]), float(terms.losses[i])
    which = "−log a[2](i)" if y == 1 else "−log(1 − a[2](i))" if y == 0 else "L(i)"
    lines: list[RenderableType] = [
        Text(
            "J = (1/m)·Σᵢ L(i),  L(i) = −[y(i) log a[2](i) + (1 − y(i)) log(1 − a[2](i))]",
            style=HEADING,
        ),
        Text(f"example i = {i + 1}{_picked(example)}: y(i) = {y:g}, a[2](i) = {number(a)}"),
        Text(f"  L(i) = {which} = {number(loss)}"),
        Text(f"Σ over the m = {m} examples = {number(terms.total)}"),
        Text(f"× 1/m = 1/{m}  → J = {number(terms.value)}"),
        agreement(
            np.array([terms.value]),
            np.array([terms.engine]),
            "the engine's J (from z[2], the stable form)",
        ),
    ]
    costs = view.costs
    if len(costs) >= 2:
        change = float(costs[-1] - costs[-2])
        lines.append(
            Text(
                f"previous iteration J = {number(costs[-2])}, change {number(change)}", style=MUTED
            )
        )
    return Group(*lines)


# ---- layout helpers


def window(size: int, center: int, limit: int) -> range:
    """At most `limit` indices of range(size), around `center`."""
    if size <= limit:
        return range(size)
    start = min(max(center - limit // 2, 0), size - limit)
    return range(start, start + limit)


def block(
    title: str | None,
    values: np.ndarray,
    rows: range,
    cols: range,
    highlight: tuple[int | None, int | None] | None = None,
    column_label: Callable[[int], str] | None = None,
) -> Text:
    """A block of numbers (2-D `values`, the shown rows and columns) under a title line (none
    if None), with ⋮ and … where rows or columns are left out. `highlight` (row, col) marks a
    cell; a None in it marks the whole column or row. `column_label` labels each column."""
    values = np.asarray(values, dtype=np.float64)
    shown = values[rows.start : rows.stop, cols.start : cols.stop]
    scientific = uses_scientific(shown)  # one notation per block
    width = max((len(number(v, scientific=scientific)) for v in shown.flat), default=1)
    if column_label is not None:
        width = max(width, *(len(column_label(c)) for c in cols))
    lines = [] if title is None else [Text(title, style=HEADING)]
    lead = "… " if cols.start > 0 else ""
    if column_label is not None:
        titles = " ".join(column_label(c).rjust(width) for c in cols)
        lines.append(Text(" " * len(lead) + titles, style=MUTED))
    if rows.start > 0:
        lines.append(Text("⋮", style=MUTED))
    for r in rows:
        line = Text(lead, style=MUTED)
        for n, c in enumerate(cols):
            if n:
                line.append(" ")
            line.append(
                number(values[r, c], width, scientific),
                style=HIGHLIGHT if _marks(highlight, r, c) else "",
            )
        if cols.stop < values.shape[1]:
            line.append(" …", style=MUTED)
        lines.append(line)
    if rows.stop < values.shape[0]:
        lines.append(Text("⋮", style=MUTED))
    return _join(lines)


def _join(lines: list[Text]) -> Text:
    text = Text("\n", no_wrap=True).join(lines)
    text.no_wrap = True
    return text


def _marks(highlight: tuple[int | None, int | None] | None, r: int, c: int) -> bool:
    if highlight is None:
        return False
    row, col = highlight
    return (row is None or row == r) and (col is None or col == c)


def labels(
    title: str | None,
    rows: range,
    label: Callable[[int], str],
    size: int,
    highlight: int | None = None,
) -> Text:
    """A column of row labels lined up with `block`s over the same rows."""
    lines = [] if title is None else [Text(title, style=HEADING)]
    if rows.start > 0:
        lines.append(Text("⋮", style=MUTED))
    for r in rows:
        lines.append(Text(label(r), style=HIGHLIGHT if r == highlight else MUTED))
    if rows.stop < size:
        lines.append(Text("⋮", style=MUTED))
    return _join(lines)


def _axis_labeller(symbol: str) -> Callable[[int], str] | None:
    return {UNITS: unit_label, FEATURES: feature_label, EXAMPLES: example_label}.get(symbol)


class Operator(Text):
    """An operator between blocks: it stays with the block after it when a row wraps."""


def operator(symbol: str) -> Operator:
    """An operator between blocks, on the line of their first row."""
    return Operator("\n" + symbol, no_wrap=True)


class SideBySide:
    """Blocks beside each other, like the terms of an equation. When the width runs out the
    rest continues on the next row, led by its operator, as a written equation wraps; with
    `labels`, the first cell (row labels) starts every row again."""

    def __init__(self, *cells: Text, labels: bool = False) -> None:
        self.labels = cells[0] if labels else None
        pieces: list[list[Text]] = []
        for cell in cells[1:] if labels else cells:
            if pieces and isinstance(pieces[-1][-1], Operator):
                pieces[-1].append(cell)
            else:
                pieces.append([cell])
        self.pieces = pieces

    @staticmethod
    def _width(cells: list[Text]) -> int:
        widths = [max(cell_len(line) for line in cell.plain.split("\n")) for cell in cells]
        return sum(widths) + len(widths) - 1

    def _rows(self, max_width: int) -> list[list[Text]]:
        lead = [self.labels] if self.labels is not None else []
        rows: list[list[Text]] = []
        row: list[Text] = []
        for piece in self.pieces:
            if row and self._width(lead + row + piece) > max_width:
                rows.append(row)
                row = []
            row = row + piece
        rows.append(row)
        return [lead + row for row in rows]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for row in self._rows(options.max_width):
            table = Table.grid(padding=(0, 1))
            for _ in row:
                table.add_column(no_wrap=True)
            table.add_row(*row)
            yield table

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        lead = [self.labels] if self.labels is not None else []
        narrowest = max(self._width(lead + piece) for piece in self.pieces)
        widest = self._width(lead + [cell for piece in self.pieces for cell in piece])
        return Measurement(narrowest, widest)


def side_by_side(*cells: Text, labels: bool = False) -> SideBySide:
    return SideBySide(*cells, labels=labels)


def agreement(recomputed: np.ndarray, engine: np.ndarray, what: str) -> Text:
    """'✓ same as <what>' when the recomputed numbers and the engine's agree to TOLERANCE
    (relative), with the largest difference; '✗ …' with it when they do not."""
    recomputed, engine = np.asarray(recomputed, np.float64), np.asarray(engine, np.float64)
    same = np.isclose(recomputed, engine, rtol=TOLERANCE, atol=TOLERANCE, equal_nan=True)
    with np.errstate(invalid="ignore"):
        gap = np.where(same, 0.0, np.abs(recomputed - engine))
        tiny = np.where(same & np.isfinite(recomputed), np.abs(recomputed - engine), 0.0)
    if same.all():
        largest = float(np.max(tiny, initial=0.0))
        return Text(f"✓ = {what} (differences ≤ {largest:.0e})", style=MUTED)
    return Text(f"✗ not {what}: differs by up to {float(np.max(gap)):.3e}", style=HEADING)


def _example_index(example: int | None, m: int) -> int:
    return 0 if example is None else min(max(example, 0), m - 1)


def _picked(example: int | None) -> str:
    """Where the example shown comes from: the cursor in an earlier matrix, or nowhere yet."""
    return " (picked earlier)" if example is not None else " (the first; pick one in Z[1]…)"


def _event_name(view: View) -> str:
    if view.event is None:
        raise ValueError("nothing computed yet: the View has no event")
    return view.event.name
