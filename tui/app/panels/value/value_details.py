"""The numbers behind the cell under the cursor, as the slides write them.

For the forward and backward matrices with a column per example: the slide's one-example form
(z[1](i) = W[1]x(i) + b[1] …) with the actual numbers, recomputed from example i alone and
set beside column i of the vectorised step. For a row per hidden unit: the unit-by-unit form
(z₂[1](i) = w₂[1]ᵀx(i) + b₂[1]). For a gradient entry: the chain rule, its term for one example,
the sum over the m examples and the 1/m. For an update: old − α·dW = new.

Everything is recomputed with plain numpy from the View's state (engine/one_example.py), apart
from the engine's vectorised kernels, and shown beside the engine's value: the learner sees that
the loop, the unit and the vectorised matrix agree. The functions are pure (View and cursor in,
Rich renderables out), so they are tested without an app. Only text attributes are used (bold,
dim, reverse): no colour, so the details read the same under any theme and under NO_COLOR.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from rich.console import Group, RenderableType
from rich.text import Text

from engine import one_example
from engine.activations import get_activation
from engine.mistakes.catalogue import get_mistake
from engine.notation import SYMBOLS
from engine.one_example import (
    EXAMPLE_STEPS,
    GRADIENT_STEPS,
    UPDATE_STEPS,
    CostTerms,
    GradientEntry,
    UpdateParts,
    hidden_slope,
)
from engine.shapes import concrete, shape_text
from tui.app.panels.value.details_layout import (
    HEADING,
    MUTED,
    block,
    labels,
    operator,
    side_by_side,
    window,
)
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
from tui.session.formatting import number
from tui.session.view import View

MAX_ROWS = 6  # rows of a matrix shown in the details, around the picked one
MAX_COLS = 4
TOLERANCE = 1e-12  # relative: what counts as "the same number" beside the engine's


# ---- g'(z) in words


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


# ---- the numbers, recomputed (engine/one_example.py) from the View's state


def example_column(view: View, i: int) -> np.ndarray:
    """Column i of the event's matrix, recomputed from example i alone."""
    return one_example.example_column(view.state, _event_name(view), view.config.activation, i)


def gradient_entry(view: View, row: int, col: int) -> GradientEntry:
    """The chain rule for entry (row, col) of the event's gradient."""
    name = _event_name(view)
    return one_example.gradient_entry(view.state, name, view.config.activation, row, col)


def update_parts(view: View) -> UpdateParts:
    """The event's update, from the parameter as it was when the iteration began."""
    name = _event_name(view)
    old = view.start_parameters.get(name)
    return one_example.update_parts(view.state, name, view.config.learning_rate, old)


def cost_terms(view: View) -> CostTerms:
    return one_example.cost_terms(view.state)


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
    if rows == 1 and cols > 1:
        # a row vector (W[2]): an entry per line, old, step and new across, so the three fit
        # in a narrow panel however many hidden units there are (across, W[2]'s four entries
        # in scientific notation were cut at 120×40)
        entry_label = _axis_labeller(axes(parts.name)[1]) or str
        names = ("old", f"−α·{gradient_symbol}", "new")
        entries = window(cols, col, MAX_ROWS)
        table = side_by_side(
            labels("", entries, entry_label, cols, col),
            block(
                None,
                np.vstack([parts.old, parts.step, parts.new]).T,
                entries,
                range(3),
                (col, None),
                column_label=names.__getitem__,
            ),
            labels=True,
        )
    elif rows == 1:
        # one number (b[2]): old, step and new stacked under each other
        names = ("old", f"−α·{gradient_symbol}", "new")
        table = side_by_side(
            labels(None, range(3), names.__getitem__, 3),
            block(None, np.vstack([parts.old, parts.step, parts.new]), range(3), columns),
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


def _axis_labeller(symbol: str) -> Callable[[int], str] | None:
    return {UNITS: unit_label, FEATURES: feature_label, EXAMPLES: example_label}.get(symbol)


def agreement(recomputed: np.ndarray, engine: np.ndarray, what: str) -> Text:
    """'✓ = <what>' when the recomputed numbers and the engine's agree to TOLERANCE (relative);
    '✗ …' with the largest difference when they do not.

    Within the tolerance the two differ only by rounding: a loop adds in another order than a
    matrix product, and how far apart that leaves them depends on the machine's BLAS, so the
    screen says "up to rounding" rather than show a figure no other machine would draw.
    """
    recomputed, engine = np.asarray(recomputed, np.float64), np.asarray(engine, np.float64)
    same = np.isclose(recomputed, engine, rtol=TOLERANCE, atol=TOLERANCE, equal_nan=True)
    if same.all():
        return Text(f"✓ = {what} (the same up to rounding)", style=MUTED)
    with np.errstate(invalid="ignore"):
        gap = np.where(same, 0.0, np.abs(recomputed - engine))
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
