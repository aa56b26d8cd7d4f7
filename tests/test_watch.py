"""Watch expressions: allowed ones compute what numpy computes, everything else is refused at
parse time, and nothing a user types can raise anything but WatchError or crash evaluate."""

from __future__ import annotations

import ast
import inspect
import warnings
from functools import cache

import numpy as np
import pytest
from engine_fixtures import flower
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tui.session.watch as watch_module
from engine import StepnetError
from engine.config import RunConfig
from engine.steps import STEPS_PER_ITERATION
from tui.session.watch import HISTORY_LENGTH, NAMES, Watch, WatchError, WatchValue, describe

ALPHA = 1.2


@cache
def full_state() -> dict:
    """Every name, after four whole iterations: each step's value is from iteration 3."""
    s = RunConfig().stepper(flower())
    s.run(4)
    state = dict(s.state())
    state["alpha"] = ALPHA
    return state


def evaluate(text: str, state=None):
    result = Watch.parse(text).evaluate(full_state() if state is None else state)
    assert result.ok, result.error
    return result.value


S = full_state


CASES = [
    ("abs(dW1).max()", lambda: np.abs(S()["dW1"]).max()),
    ("W2 @ A1", lambda: S()["W2"] @ S()["A1"]),
    ("mean(A2 > 0.5)", lambda: np.mean(S()["A2"] > 0.5)),
    ("dW1.max()", lambda: S()["dW1"].max()),
    ("X @ X.T", lambda: S()["X"] @ S()["X"].T),
    ("A1.T @ A1", lambda: S()["A1"].T @ S()["A1"]),
    ("A1[:, 0]", lambda: S()["A1"][:, 0]),
    ("W1[0, 1]", lambda: S()["W1"][0, 1]),
    ("A1[0:2]", lambda: S()["A1"][0:2]),
    ("A1[-1]", lambda: S()["A1"][-1]),
    ("A1[:, ::-1][0, :3]", lambda: S()["A1"][:, ::-1][0, :3]),
    ("A1[..., m - 1]", lambda: S()["A1"][..., 399]),
    ("A1[A1 > 0]", lambda: S()["A1"][S()["A1"] > 0]),
    ("sum(dZ2, axis=1, keepdims=True)", lambda: np.sum(S()["dZ2"], axis=1, keepdims=True)),
    ("np.sum(dZ1, axis=1, keepdims=True) / m",
     lambda: np.sum(S()["dZ1"], axis=1, keepdims=True) / 400),
    ("dZ1.sum(1)", lambda: S()["dZ1"].sum(1)),
    ("max(A1, axis=-1)", lambda: np.max(S()["A1"], axis=-1)),
    ("min(Z1)", lambda: np.min(S()["Z1"])),
    ("np.linalg.norm(dW1)", lambda: np.linalg.norm(S()["dW1"])),
    ("norm(A1, axis=0)", lambda: np.linalg.norm(S()["A1"], axis=0)),
    ("std(W1)", lambda: np.std(S()["W1"])),
    ("exp(-Z2)", lambda: np.exp(-S()["Z2"])),
    ("log(A2)", lambda: np.log(S()["A2"])),
    ("tanh(Z1) - A1", lambda: np.tanh(S()["Z1"]) - S()["A1"]),
    ("sqrt(abs(W1))", lambda: np.sqrt(np.abs(S()["W1"]))),
    ("1 / (1 + exp(-Z2))", lambda: 1 / (1 + np.exp(-S()["Z2"]))),
    ("-(Y * log(A2) + (1 - Y) * log(1 - A2)).mean()",
     lambda: -(S()["Y"] * np.log(S()["A2"]) + (1 - S()["Y"]) * np.log(1 - S()["A2"])).mean()),
    ("(1 / m) * dZ1 @ X.T", lambda: (1 / 400) * S()["dZ1"] @ S()["X"].T),
    ("W1 - alpha * dW1", lambda: S()["W1"] - ALPHA * S()["dW1"]),
    ("learning_rate", lambda: ALPHA),
    ("A1 ** 2", lambda: S()["A1"] ** 2),
    ("1 - A1 ** 2", lambda: 1 - S()["A1"] ** 2),
    ("2 ** -3", lambda: 2.0**-3),
    ("Z1 % 1", lambda: S()["Z1"] % 1),
    ("Z1 // 1", lambda: S()["Z1"] // 1),
    ("(A2 > 0.5) & (Y == 1)", lambda: (S()["A2"] > 0.5) & (S()["Y"] == 1)),
    ("(A2 > 0.5) | (Y != 1)", lambda: (S()["A2"] > 0.5) | (S()["Y"] != 1)),
    ("~(A2 >= 0.5)", lambda: ~(S()["A2"] >= 0.5)),
    ("0 < A1 <= 0.01", lambda: (S()["A1"] > 0) & (S()["A1"] <= 0.01)),
    ("cost * 2", lambda: S()["cost"] * 2),
    ("+cost", lambda: S()["cost"]),
    ("sum(Y)", lambda: np.sum(S()["Y"])),
    ("sum(A2 > 0.5)", lambda: np.sum(S()["A2"] > 0.5)),
    ("db2", lambda: S()["db2"]),
    ("b2[0, 0]", lambda: S()["b2"][0, 0]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[text for text, _ in CASES])
def test_allowed_expressions_compute_what_numpy_computes(text, expected):
    value = evaluate(text)
    np.testing.assert_array_equal(value, expected())
    assert np.shape(value) == np.shape(expected())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("m", 400),
        ("n_x", 2),
        ("n_h", 4),
        ("shape(X)", (2, 400)),
        ("X.shape", (2, 400)),
        ("W1.T.shape", (2, 4)),
        ("shape(X)[1]", 400),
        ("shape(cost)", ()),
        ("2 + 3", 5),
        ("sum(Y > 2)", 0),
    ],
)
def test_sizes_and_shapes_are_plain_python_values(text, expected):
    value = evaluate(text)
    assert value == expected
    assert type(value) is type(expected)


def test_scalars_come_back_as_python_numbers():
    assert type(evaluate("cost")) is float
    assert type(evaluate("dW1.max()")) is float
    assert type(evaluate("mean(A2 > 0.5) > 0.1")) is bool


def test_a_shape_does_arithmetic_element_by_element_not_as_a_tuple():
    np.testing.assert_array_equal(evaluate("shape(X) * 2"), [4, 800])


def test_evaluate_never_writes_to_the_state():
    state = {name: np.array(value) for name, value in full_state().items()}
    before = {name: value.copy() for name, value in state.items()}
    for text, _ in CASES:
        Watch.parse(text).evaluate(state)
    for name, value in state.items():
        np.testing.assert_array_equal(value, before[name])


# ---- not computed yet


def test_a_step_not_computed_yet_is_a_pending_value_not_an_exception():
    s = RunConfig().stepper(flower())
    s.run(2)
    s.goto(s.cursor + 5)  # Z1 … cost of iteration 2, no gradients yet
    watch = Watch.parse("abs(dW1).max() + cost")
    result = watch.evaluate(s.state())
    assert not result.ok
    assert result.pending
    assert result.value is None
    assert result.summary() == "dW1 is not computed yet in this iteration"
    s.goto(s.cursor + 6)
    assert watch.evaluate(s.state()).ok


def test_before_the_first_step_only_the_data_and_parameters_are_there():
    s = RunConfig().stepper(flower())
    assert Watch.parse("W1.max()").evaluate(s.state()).ok
    assert Watch.parse("m * n_h").evaluate(s.state()).value == 1600
    assert Watch.parse("Z1").evaluate(s.state()).pending


def test_the_learning_rate_is_only_there_when_the_caller_gives_it():
    s = RunConfig().stepper(flower())
    result = Watch.parse("alpha * 2").evaluate(s.state())
    assert not result.ok and not result.pending
    assert "alpha" in result.error
    assert evaluate("alpha * 2", {**s.state(), "learning_rate": 0.5}) == 1.0


# ---- refused at parse time


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("__import__('os')", "calling __import__ not allowed"),
        ("__import__('os').system('ls')", "not allowed"),
        ("X.__class__", "attribute '__class__' not allowed"),
        ("().__class__.__bases__", "not allowed"),
        ("X.T.__array__()", "not allowed"),
        ("X.base", "attribute 'base' not allowed"),
        ("X.reshape(1, 800)", "calling X.reshape not allowed"),
        ("X.dtype", "attribute 'dtype' not allowed"),
        ("lambda: X", "lambda not allowed"),
        ("[x for x in X]", "comprehensions not allowed"),
        ("sum(x for x in X)", "comprehensions not allowed"),
        ("{x: 1 for x in X}", "comprehensions not allowed"),
        ("f'{X}'", "f-strings not allowed"),
        ("(y := X)", "assignments (:=) not allowed"),
        ("ones(3)", "calling ones not allowed"),
        ("np.ones((3, 3))", "calling np.ones not allowed"),
        ("np.dot(X, X.T)", "calling np.dot not allowed"),
        ("np.linalg.inv(W1)", "calling np.linalg.inv not allowed"),
        ("open('/etc/passwd')", "calling open not allowed"),
        ("eval('1')", "calling eval not allowed"),
        ("exec('1')", "calling exec not allowed"),
        ("getattr(X, 'T')", "calling getattr not allowed"),
        ("print(X)", "calling print not allowed"),
        ("foo", "unknown name 'foo': use X, Y, W1"),
        ("dw1 + 1", "unknown name 'dw1' (did you mean dW1?)"),
        ("np", "np is only for calls"),
        ("sum", "sum is a function"),
        ("X.max", ".max is a method"),
        ("'text'", "strings not allowed"),
        ("b'bytes'", "bytes not allowed"),
        ("1j * X", "complex numbers not allowed"),
        ("None", "not allowed"),
        ("A1[None]", "None (a new axis) not allowed"),
        ("X if cost else Y", "if … else not allowed"),
        ("X and Y", "'and' and 'or'"),
        ("not X", "'not' not allowed"),
        ("X in Y", "comparison not allowed"),
        ("X is Y", "comparison not allowed"),
        ("X << 2", "operator not allowed"),
        ("[X, Y]", "lists not allowed"),
        ("(X, Y)", "tuples outside […] not allowed"),
        ("{X}", "sets not allowed"),
        ("X[*Y]", "* unpacking not allowed"),
        ("sum(*X)", "* unpacking not allowed"),
        ("sum(X, **{})", "not allowed"),
        ("sum(X, axis=Y)", "axis must be a whole number"),
        ("sum(X, axis=1.5)", "axis must be a whole number"),
        ("sum(X, ddof=1)", "sum takes axis= and keepdims= only"),
        ("sum(X, keepdims=1)", "keepdims must be True or False"),
        ("sum(X, 0, axis=1)", "axis twice"),
        ("exp(X, axis=0)", "exp takes no keyword arguments"),
        ("exp(X, 2)", "exp takes one array"),
        ("max(X, Y, Z1)", "max takes one array"),
        ("sum()", "sum() needs an array"),
        ("10**10**10", "exponent +1.000e+10 is too large"),
        ("X[0, 1:10**10**10]", "too large"),
        ("2 ** 5000", "exponent 5000 is too large"),
        ("", "needs an expression"),
        ("   ", "needs an expression"),
        ("1 +", "cannot read watch '1 +'"),
        ("X = 1", "cannot read watch"),
        ("import os", "cannot read watch"),
        ("X; Y", "cannot read watch"),
        ("a\x00b", "cannot read watch"),
        ("-" * 50 + "X", "nested too deeply"),
        ("-" * 150 + "X", "too complex"),
        ("X + " * 60 + "X", "characters long; keep it under 200"),
    ],
)
def test_refused_expressions_raise_watch_error_with_one_line(text, says):
    with pytest.raises(WatchError) as error:
        Watch.parse(text)
    message = str(error.value)
    assert says in message
    assert "\n" not in message
    assert isinstance(error.value, StepnetError)


def test_watch_error_for_non_text():
    with pytest.raises(WatchError, match="text"):
        Watch.parse(123)


def test_the_module_never_calls_eval_exec_or_compile():
    tree = ast.parse(inspect.getsource(watch_module))
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not called & {"eval", "exec", "compile", "__import__"}
    attribute_calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert not attribute_calls & {"eval", "exec", "compile"}


# ---- refused or reported at evaluation


def big_state(m: int = 5000) -> dict:
    rng = np.random.default_rng(0)
    return {"X": rng.normal(size=(2, m)), "A1": rng.normal(size=(4, m))}


def test_a_result_over_the_size_cap_is_refused_before_it_is_computed():
    result = Watch.parse("X.T @ X").evaluate(big_state())  # (5000, 5000): 25 million
    assert not result.ok
    assert "25,000,000 elements" in result.error
    result = Watch.parse("A1[0:1].T * A1[0:1]").evaluate(big_state())  # broadcast outer product
    assert not result.ok
    assert "elements" in result.error
    assert Watch.parse("X @ X.T").evaluate(big_state()).ok


def test_a_matrix_product_over_the_work_cap_is_refused(monkeypatch):
    monkeypatch.setattr(watch_module, "MAX_MATMUL_FLOPS", 1000)
    result = Watch.parse("X @ X.T").evaluate(full_state())
    assert not result.ok
    assert "multiplications" in result.error


def test_a_huge_exponent_on_an_array_is_refused_at_evaluation():
    result = Watch.parse("A1 ** 2000").evaluate(full_state())
    assert not result.ok
    assert "exponent 2000 is too large" in result.error
    assert Watch.parse("2 ** Z1").evaluate(full_state()).ok


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("W1 @ X.T", "do not line up for @: 2 ≠ 400"),
        ("2 @ X", "@ multiplies two arrays"),
        ("X + A1", "do not broadcast"),
        ("mean(A1[A1 > 100])", "mean of no elements"),
        ("max(X[:, 0:0])", "max of no elements"),
        ("-(A2 > 0.5)", "cannot compute -(A2 > 0.5)"),
        ("A1[1.5]", "index with whole numbers"),
        ("A1[A1]", "index with whole numbers"),
        ("X[0][sum(X > 0, axis=0)]", "index with whole numbers"),
        ("A1[99]", "cannot compute A1[99]"),
        ("sum(X, axis=5)", "cannot compute sum(X, axis=5)"),
        ("cost[0]", "a number has no elements"),
        ("shape(X)[A1 > 0]", "a shape takes one"),
        ("A1[::0]", "cannot compute"),
        ("X & Y", "cannot compute X & Y"),
    ],
)
def test_errors_at_evaluation_are_one_line_values_never_exceptions(text, says):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = Watch.parse(text).evaluate(full_state())
    assert not result.ok and not result.pending
    assert says in result.error
    assert "\n" not in result.error


@pytest.mark.parametrize(
    ("text", "shown"),
    [("1 / 0", "+Inf"), ("log(0)", "-Inf"), ("log(-1)", "NaN"), ("0 / 0", "NaN")],
)
def test_floating_point_trouble_shows_as_values_without_warnings(text, shown):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = Watch.parse(f"{text} + 0 * cost").evaluate(full_state())
    assert result.summary() == shown


def test_overflow_in_whole_numbers_falls_back_to_floats_rather_than_wrapping():
    assert evaluate("99999999999 * 99999999999") == pytest.approx(9.9999999998e21)
    assert evaluate("m * 1000") == 400_000


# ---- display


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.6931471805599453, "+0.6931"),
        (1.5e-7, "+1.500e-07"),
        (400, "400"),
        (np.int64(3), "3"),
        (True, "True"),
        (np.bool_(False), "False"),
        ((2, 400), "(2, 400)"),
        ((), "()"),
        (np.array([[1.0, -2.0]]), "(1, 2) [[+1.0000 -2.0000]]"),
        (np.array([1, 2, 3]), "(3,) [1 2 3]"),
        (np.array([True, False]), "(2,) [True False]"),
        (np.zeros((0,)), "(0,) empty"),
        (np.arange(100.0).reshape(4, 25), "(4, 25) min +0.0000  max +99.0000"),
        (np.array([np.nan] * 10), "(10,) no finite values"),
        (np.array([1.0, np.inf, np.nan, 2.0, 3, 4, 5, 6, 7]),
         "(9,) min +1.0000  max +7.0000  (2 NaN/Inf)"),
        (np.arange(20) > 4, "(20,) 15 of 20 True"),
        (np.array(2.5), "+2.5000"),
    ],
)  # fmt: skip
def test_describe_gives_one_short_line(value, shown):
    assert describe(value) == shown


def test_every_summary_is_one_short_line():
    for text, _ in CASES:
        line = Watch.parse(text).evaluate(full_state()).summary()
        assert "\n" not in line
        assert len(line) <= 100, (text, line)


def test_watch_value_str_is_its_summary():
    assert str(WatchValue(value=2)) == "2"
    assert str(WatchValue(error="nope")) == "nope"


# ---- history


def test_history_keeps_cursor_and_shown_line_and_is_bounded():
    s = RunConfig().stepper(flower())
    watch = Watch.parse("cost")
    for _ in range(HISTORY_LENGTH + 50):
        s.finish_iteration()
        watch.evaluate(s.state(), cursor=s.cursor)
    history = watch.history
    assert len(history) == HISTORY_LENGTH
    cost = s.state()["cost"]
    assert history[-1] == (s.cursor, describe(cost), cost)  # the number kept exactly
    assert history[0].cursor == 51 * STEPS_PER_ITERATION
    cursors = [entry.cursor for entry in history]
    assert cursors == sorted(cursors)


def test_history_keeps_no_pending_value_and_no_number_for_an_array():
    s = RunConfig().stepper(flower())
    pending, array = Watch.parse("abs(dW1).max()"), Watch.parse("W2")
    for _ in range(2 * STEPS_PER_ITERATION):
        s.step()
        for watch in (pending, array):
            watch.evaluate(s.state(), cursor=s.cursor)
    # dW1 exists from step 10 to 15 of each iteration: only those went in
    done = [entry.cursor for entry in pending.history]
    assert done == [c for c in range(1, 31) if (c - 1) % STEPS_PER_ITERATION >= 9]
    assert all(isinstance(entry.number, float) for entry in pending.history)
    assert len(array.history) == 30 and {entry.number for entry in array.history} == {None}


def test_history_replaces_a_second_evaluation_at_the_same_cursor():
    watch = Watch.parse("W1.max()")
    state = full_state()
    watch.evaluate(state, cursor=7)
    watch.evaluate(state, cursor=7)
    watch.evaluate(state)  # no cursor: not recorded
    assert len(watch.history) == 1
    assert watch.history[0][0] == 7


def test_names_lists_what_the_watch_reads():
    assert Watch.parse("abs(dW1).max() + np.sum(A1) * m").names == {"dW1", "A1", "m"}


# ---- nothing typed can break it


TOKENS = [
    *NAMES, *("abs", "sum", "mean", "max", "min", "norm", "std", "exp", "log", "tanh", "sqrt"),
    *("shape", "np", "np.linalg", ".T", ".shape", ".max()", ".sum(", "axis=", "keepdims=True"),
    *("(", ")", "[", "]", ":", ",", "...", "+", "-", "*", "/", "**", "@", "%", "//", "&", "|"),
    *("~", "<", ">", "==", "!=", "<=", "0", "1", "-1", "2", "0.5", "1e308", "10", "400", " "),
    *("__class__", "lambda", "for", "in", "if", "'s'", "{", "}", "=", ":=", "not", "and", "."),
]  # fmt: skip


def check_never_breaks(text: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would print over the app's screen
        try:
            watch = Watch.parse(text)
        except WatchError:
            return
        result = watch.evaluate(full_state())
    assert isinstance(result, WatchValue)
    line = result.summary()
    assert isinstance(line, str)
    assert "\n" not in line


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_random_text_only_ever_raises_watch_error(text):
    check_never_breaks(text)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=14).map("".join))
def test_random_token_soup_only_ever_raises_watch_error(text):
    check_never_breaks(text)


LEAVES = st.sampled_from([*NAMES, "2", "0.5", "-1", "1e308", "400", "0"])
CALLS = ("abs", "sum", "mean", "max", "min", "norm", "std", "exp", "log", "tanh", "sqrt", "shape")
SUFFIXES = (".T", ".shape", ".max()", ".sum(0)", "[0]", "[:, 0]", "[0:2]", "[::-1]", "[..., -1]")
OPERATORS = ("+", "-", "*", "/", "**", "@", "%", "//", "&", "|", "<", ">", "==", "<=")


def grown(children):
    return st.one_of(
        st.tuples(children, st.sampled_from(OPERATORS), children).map(" ".join).map("({})".format),
        st.tuples(
            st.sampled_from((*CALLS, "np.sum", "np.linalg.norm")),
            children,
            st.sampled_from(("", ", axis=0", ", axis=-1", ", keepdims=True", ", 1")),
        ).map(lambda t: f"{t[0]}({t[1]}{t[2]})"),
        st.tuples(children, st.sampled_from((*SUFFIXES, "[A1 > 0]", "[m - 1]"))).map(
            lambda t: f"({t[0]}){t[1]}"
        ),
        children.map("-({})".format),
        children.map("~({})".format),
    )


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(LEAVES, grown, max_leaves=10))
def test_random_well_formed_expressions_give_a_value_or_a_one_line_reason(text):
    check_never_breaks(text)


# ---- what a session's watches may cost (issue 12)

HOSTILE = "(X.T@X)[X.T@X>-9]*X.T[:62,:1]"  # 29 characters, 9.2 million elements on the flower


def stepped_session():
    from tui.session.session import Session

    session = Session(RunConfig())
    for _ in range(STEPS_PER_ITERATION + 2):
        session.step()
    return session


def test_a_session_keeps_a_dozen_watches_and_says_so_at_the_thirteenth():
    from tui.session.watch import MAX_WATCHES

    session = stepped_session()
    for _ in range(30):
        session.add_watch(HOSTILE)
    assert len(session.watches) == MAX_WATCHES == 12
    assert session.message == "12 watches at most: remove some first (command palette)"


def test_hostile_watches_cost_a_view_little_time_and_memory():
    # 30 such watches took a served child from 60 MB to 2.1 GB and each View 4.8 s
    import time
    import tracemalloc

    session = stepped_session()
    for _ in range(12):
        session.add_watch(HOSTILE)
    tracemalloc.start()
    started = time.perf_counter()
    view = session.view()
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 64 * 2**20  # numpy's arrays are traced: one evaluation's worth at most
    assert all("(62, 148664) would have 9,217,168" in line.value.summary() for line in view.watches)
    session.step()  # and the session goes on
    assert session.view().cursor == STEPS_PER_ITERATION + 3


def test_one_evaluation_may_make_only_so_much_in_all():
    # each part (400, 400) fits the single-result cap; nine sums of them together do not
    text = "+".join(["exp(X.T@X)"] * 9)
    result = Watch.parse(text).evaluate({"X": flower()[0]})
    assert not result.ok
    assert "the watch would make 4,160,000 elements in all (at most 4,000,000)" in result.error


def test_a_view_keeps_the_summary_of_an_array_never_the_array():
    session = stepped_session()
    session.add_watch("W1")
    session.add_watch("abs(W1).max()")
    array_line, number_line = session.view().watches
    assert array_line.value.value is None
    assert array_line.value.summary().startswith("(4, 2) ")
    assert array_line.value.ok
    assert isinstance(number_line.value.value, float)


def test_the_collapse_a_watch_reads_is_the_one_diagnostics_computes():
    """W' and b' are the iteration's starting W2·W1 and W2·b1 + b2, which give A2 exactly as
    σ(W'X + b') when g is linear."""
    from engine.diagnostics import linear_collapse
    from tui.session.derived_state import DerivedState
    from tui.session.view import take_view

    config = RunConfig(activation="linear")
    stepper = config.stepper(flower())
    stepper.run(3)
    for _ in range(4):  # Z1 … A2 of iteration 3, from the parameters it started with
        stepper.step()
    view = take_view(stepper, config)
    state = DerivedState(view, config.learning_rate)
    start = view.start_parameters
    collapse = linear_collapse(start, view.state["X"])
    np.testing.assert_array_equal(state["W_prime"], collapse.W_prime)
    np.testing.assert_array_equal(state["b_prime"], collapse.b_prime)
    np.testing.assert_array_equal(state["W_prime"], start["W2"] @ start["W1"])
    assert evaluate("W_prime", state).shape == (1, 2)
    assert collapse.max_difference < 1e-12
