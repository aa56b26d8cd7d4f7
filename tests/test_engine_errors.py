"""Every mistake a user can make in what they pass the engine raises StepnetError with a one-line
message naming the problem."""

from __future__ import annotations

import numpy as np
import pytest
from engine_fixtures import flower, random_params

import engine
from engine import StepnetError, Stepper


def one_line_error(call, *args, **kwargs) -> str:
    """The message of the StepnetError that call(*args, **kwargs) raises; it must be one line."""
    with pytest.raises(StepnetError) as caught:
        call(*args, **kwargs)
    message = str(caught.value)
    assert message and "\n" not in message and "\r" not in message, message
    return message


def make_stepper(**kwargs):
    X, Y = flower()
    params = kwargs.pop("params", random_params(4, seed=0))
    return Stepper(X, Y, params, **kwargs)


# ---- activation


@pytest.mark.parametrize("name", ["tanhh", "ReLU", "softmax", ""])
def test_unknown_activation_is_named_with_the_valid_choices(name):
    X, Y = flower()
    for call in (
        lambda: make_stepper(activation=name),
        lambda: engine.forward(random_params(4), X, name),
        lambda: engine.train(X, Y, 4, activation=name, iterations=1),
        lambda: engine.get_activation(name),
    ):
        message = one_line_error(call)
        assert repr(name) in message
        assert "tanh, sigmoid, relu, leaky_relu, linear" in message


# ---- learning rate


@pytest.mark.parametrize("rate", [0, 0.0, -0.5, float("inf"), float("-inf"), float("nan"), "fast"])
def test_bad_learning_rate_is_refused_everywhere(rate):
    X, Y = flower()
    p = random_params(4)
    grads = {"d" + name: np.zeros_like(value) for name, value in p.items()}
    for call in (
        lambda: make_stepper(learning_rate=rate),
        lambda: engine.update(p, grads, learning_rate=rate),
        lambda: engine.train(X, Y, 4, learning_rate=rate, iterations=1),
    ):
        message = one_line_error(call)
        assert "learning rate" in message and repr(rate) in message


def test_small_positive_learning_rate_is_fine():
    assert make_stepper(learning_rate=1e-9).learning_rate == 1e-9


# ---- hidden units


@pytest.mark.parametrize("n_h", [0, -3, 10**6])
def test_bad_number_of_hidden_units(n_h):
    X, Y = flower()
    for call in (
        lambda: engine.train(X, Y, n_h, iterations=1),
        lambda: engine.initialize("random", 2, n_h),
        lambda: engine.initialize("zeros", 2, n_h),
    ):
        message = one_line_error(call)
        assert f"n_h={n_h}" in message


@pytest.mark.parametrize("n_h", [0, 10**6])
def test_stepper_refuses_parameters_with_bad_number_of_units(n_h):
    # parameters built by hand, consistent in shape, but with no units or far too many
    params = {
        "W1": np.zeros((n_h, 2)),
        "b1": np.zeros((n_h, 1)),
        "W2": np.zeros((1, n_h)),
        "b2": np.zeros((1, 1)),
    }
    assert f"n_h={n_h}" in one_line_error(make_stepper, params=params)


@pytest.mark.parametrize("n_h", [4.5, "4", True])
def test_hidden_units_must_be_a_whole_number(n_h):
    X, Y = flower()
    assert "whole number" in one_line_error(engine.train, X, Y, n_h, iterations=1)


# ---- parameters passed in


def good_params() -> dict:
    return random_params(4, seed=1)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda p: p.pop("b2"), "b2"),
        (lambda p: (p.pop("W1"), p.pop("W2")), "W1, W2"),
        (lambda p: p.update(W1=np.zeros((4, 3))), "W1"),
        (lambda p: p.update(b1=np.zeros(4)), "b1"),
        (lambda p: p.update(W2=np.zeros((4, 1))), "W2"),
        (lambda p: p.update(b2=np.float64(0.0)), "b2"),
        (lambda p: p.update(W1="weights"), "W1"),
        (lambda p: p["W1"].__setitem__((0, 0), np.nan), "W1"),
        (lambda p: p["b2"].__setitem__((0, 0), np.inf), "b2"),
    ],
    ids=[
        "missing b2",
        "missing W1 and W2",
        "W1 for 3 features",
        "b1 flat",
        "W2 transposed",
        "b2 scalar",
        "W1 a string",
        "W1 NaN",
        "b2 inf",
    ],
)
def test_bad_parameters_are_refused(change, named):
    params = good_params()
    change(params)
    X, Y = flower()
    grads = {"d" + name: np.zeros_like(value) for name, value in good_params().items()}
    calls = [
        lambda: make_stepper(params=params),
        lambda: engine.forward(params, X),
        lambda: engine.train(X, Y, 4, params=params, iterations=1),
        lambda: engine.update(params, grads),
    ]
    for call in calls:
        assert named in one_line_error(call)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda g: g.pop("db1"), "db1"),
        (lambda g: g.update(dW1=np.zeros((2, 4))), "dW1 has shape (2, 4)"),
        (lambda g: g.update(dW2="slope"), "dW2"),
    ],
    ids=["missing db1", "dW1 transposed", "dW2 a string"],
)
def test_update_refuses_bad_gradients(change, named):
    params = good_params()
    grads = {"d" + name: np.zeros_like(value) for name, value in params.items()}
    change(grads)
    assert named in one_line_error(engine.update, params, grads)


def test_shape_message_says_what_was_expected():
    params = good_params()
    params["W1"] = np.zeros((4, 3))
    message = one_line_error(make_stepper, params=params)
    assert "(4, 3)" in message and "(4, 2)" in message


def test_backward_refuses_a_cache_from_other_data():
    X, Y = flower()
    params = good_params()
    cache = engine.forward(params, X[:, :100])
    assert "Z1" in one_line_error(engine.backward, params, cache, X, Y)
    incomplete = {name: value for name, value in engine.forward(params, X).items() if name != "A1"}
    assert "A1" in one_line_error(engine.backward, params, incomplete, X, Y)


@pytest.mark.parametrize(
    ("X", "Y", "named"),
    [
        (np.zeros((2, 5)), np.array([[0, 1, 0, 1]]), "labels"),
        (np.zeros((2, 4)), np.array([[0, 1, 2, 1]]), "0 or 1"),
        (np.zeros(4), np.array([[0, 1, 0, 1]]), "X has shape"),
        (np.array([[0.0, np.nan], [1.0, 2.0]]), np.array([[0, 1]]), "NaN"),
    ],
    ids=["m mismatch", "label 2", "X flat", "X NaN"],
)
def test_bad_data_is_refused(X, Y, named):
    assert named in one_line_error(Stepper, X, Y, good_params())


# ---- init specs and parameter files


@pytest.mark.parametrize(
    ("spec", "named"),
    [
        ("gaussian", "unknown init 'gaussian'"),
        ("", "unknown init ''"),
        ("Zeros", "unknown init 'Zeros'"),
        ("constant:abc", "'abc' is not a number"),
        ("constant:", "'' is not a number"),
        ("constant:inf", "finite"),
        ("constant:nan", "finite"),
    ],
)
def test_bad_init_spec(spec, named):
    message = one_line_error(engine.initialize, spec, 2, 4)
    assert named in message


def test_good_init_specs_give_what_they_say():
    p = engine.initialize("constant:-1.5", 2, 3)
    assert (p["W1"] == -1.5).all() and (p["W2"] == -1.5).all()
    assert (p["b1"] == 0).all() and (p["b2"] == 0).all()
    z = engine.initialize("zeros", 2, 3)
    assert all((value == 0).all() for value in z.values())
    r = engine.initialize("random", 2, 3, scale=0.01, seed=3)
    rng = np.random.RandomState(3)  # the course's draws: W1 first, then W2
    np.testing.assert_array_equal(r["W1"], rng.randn(3, 2) * 0.01)
    np.testing.assert_array_equal(r["W2"], rng.randn(1, 3) * 0.01)


def save(path, **arrays):
    np.savez(path, **arrays)
    return path


def test_parameter_file_round_trip(tmp_path):
    params = good_params()
    path = engine.save_parameters(tmp_path / "params.npz", params)
    for loaded in (engine.load_parameters(path, n_x=2, n_h=4), engine.initialize(str(path), 2, 4)):
        for name, value in params.items():
            np.testing.assert_array_equal(loaded[name], value)


@pytest.mark.parametrize(
    ("arrays", "named"),
    [
        ({"W1": np.zeros((4, 2)), "b1": np.zeros((4, 1)), "W2": np.zeros((1, 4))}, "b2"),
        (
            {
                "W1": np.zeros((5, 2)),
                "b1": np.zeros((5, 1)),
                "W2": np.zeros((1, 5)),
                "b2": np.zeros((1, 1)),
            },
            "W1 has shape (5, 2)",
        ),
        (
            {
                "W1": np.zeros((4, 2)),
                "b1": np.zeros((4, 1)),
                "W2": np.zeros((4, 1)),
                "b2": np.zeros((1, 1)),
            },
            "W2 has shape (4, 1)",
        ),
        ({"X": np.zeros((2, 4)), "Y": np.zeros((1, 4))}, "lacks W1, b1, W2, b2"),
    ],
    ids=["missing b2", "5 units for 4", "W2 transposed", "a dataset file"],
)
def test_bad_parameter_file(tmp_path, arrays, named):
    path = save(tmp_path / "params.npz", **arrays)
    for call in (
        lambda: engine.load_parameters(path, n_x=2, n_h=4),
        lambda: engine.initialize(str(path), 2, 4),
    ):
        message = one_line_error(call)
        assert named in message and str(path) in message


@pytest.mark.parametrize(
    "content",
    [b"not a zip file at all", b"PK\x03\x04" + b"\x00" * 40, b""],
    ids=["text", "truncated zip", "empty"],
)
def test_corrupt_parameter_file(tmp_path, content):
    path = tmp_path / "params.npz"
    path.write_bytes(content)
    for call in (
        lambda: engine.load_parameters(path, n_x=2, n_h=4),
        lambda: engine.initialize(str(path), 2, 4),
    ):
        message = one_line_error(call)
        assert str(path) in message and "not a readable .npz" in message


def test_truncated_real_parameter_file(tmp_path):
    path = engine.save_parameters(tmp_path / "params.npz", good_params())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert str(path) in one_line_error(engine.load_parameters, path, n_x=2, n_h=4)


def test_missing_or_directory_parameter_file(tmp_path):
    missing = tmp_path / "nowhere.npz"
    assert "does not exist" in one_line_error(engine.initialize, str(missing), 2, 4)
    folder = tmp_path / "folder.npz"
    folder.mkdir()
    assert "is a directory" in one_line_error(engine.load_parameters, folder, n_x=2, n_h=4)


def test_save_parameters_needs_an_npz_name(tmp_path):
    message = one_line_error(engine.save_parameters, tmp_path / "params.txt", good_params())
    assert ".npz" in message
    assert not (tmp_path / "params.txt").exists()
