"""Tests for engine.data: the built-ins, CSV and NPZ files, and every way a file goes wrong."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from engine.data import BUILTIN_DATASETS, describe_sources, load_dataset
from engine.data import files as dataset_files
from engine.errors import StepnetError
from engine.validation import MAX_SEED

BUILTIN_NAMES = ["flower", "circles", "moons", "blobs", "gaussian-quantiles", "xor", "slides-3d"]


def error_message(source, **kwargs) -> str:
    """The message of the StepnetError that loading `source` raises; it must be one line."""
    with pytest.raises(StepnetError) as caught:
        load_dataset(source, **kwargs)
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message, message
    return message


def write_csv(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def write_npz(tmp_path: Path, name: str = "data.npz", **arrays) -> Path:
    path = tmp_path / name
    np.savez(path, **arrays)
    return path


def assert_standard_layout(X: np.ndarray, Y: np.ndarray, n_x: int, m: int) -> None:
    assert X.shape == (n_x, m)
    assert Y.shape == (1, m)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert X.flags.c_contiguous and Y.flags.c_contiguous
    assert np.all(np.isfinite(X))
    assert set(np.unique(Y)) <= {0.0, 1.0}


# ---------------------------------------------------------------------------------------------
# flower: the course's recipe
# ---------------------------------------------------------------------------------------------


def course_flower(seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """load_planar_dataset as the course writes it: global np.random, row per example, then .T."""
    saved = np.random.get_state()
    try:
        np.random.seed(seed)
        m = 400
        N = int(m / 2)
        D = 2
        X = np.zeros((m, D))
        Y = np.zeros((m, 1), dtype="uint8")
        a = 4
        for j in range(2):
            ix = range(N * j, N * (j + 1))
            t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2
            r = a * np.sin(4 * t) + np.random.randn(N) * 0.2
            X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
            Y[ix] = j
        return X.T, Y.T
    finally:
        np.random.set_state(saved)


def test_flower_matches_the_course_recipe_bit_for_bit():
    X, Y = load_dataset("flower")
    X_course, Y_course = course_flower()
    assert np.array_equal(X, X_course)
    assert np.array_equal(Y, Y_course)


def test_flower_with_another_seed_follows_the_same_recipe():
    X, Y = load_dataset("flower", seed=7)
    X_course, Y_course = course_flower(7)
    assert np.array_equal(X, X_course)
    assert np.array_equal(Y, Y_course)
    assert not np.array_equal(X, load_dataset("flower")[0])


def test_flower_shape_and_classes():
    X, Y = load_dataset("flower")
    assert_standard_layout(X, Y, 2, 400)
    # Class 0 fills the first 200 columns, class 1 the last 200, as the course builds them.
    assert np.all(Y[0, :200] == 0) and np.all(Y[0, 200:] == 1)


def test_flower_first_point_lies_at_the_first_theta():
    # With seed 1 the first standard normal is 1.6243453636632417 (the course prints it often),
    # so the first point's angle is 0 + 0.2 × that; r > 0 there, so atan2(x, y) recovers theta.
    X, _ = load_dataset("flower")
    assert np.arctan2(X[0, 0], X[1, 0]) == pytest.approx(0.2 * 1.6243453636632417, abs=1e-12)


def test_flower_points_stay_within_the_flower_ray():
    # |r| = |4 sin(4t) + noise| and the noise is 0.2 × N(0, 1): nowhere near 4 + 1.
    X, _ = load_dataset("flower")
    assert np.max(np.hypot(X[0], X[1])) < 5.0


def test_flower_leaves_the_global_random_state_alone():
    np.random.seed(123)
    expected = np.random.rand()
    np.random.seed(123)
    load_dataset("flower")
    assert np.random.rand() == expected


# ---------------------------------------------------------------------------------------------
# Every built-in
# ---------------------------------------------------------------------------------------------


def test_builtin_table_lists_every_name_with_a_one_line_description():
    assert list(BUILTIN_DATASETS) == BUILTIN_NAMES
    for name, dataset in BUILTIN_DATASETS.items():
        assert dataset.name == name
        assert dataset.description and "\n" not in dataset.description
        assert isinstance(dataset.default_seed, int)
        assert callable(dataset.generate)


def test_describe_sources_names_every_builtin_and_the_file_types():
    line = describe_sources()
    assert "\n" not in line
    for name in BUILTIN_NAMES:
        assert name in line
    assert ".csv" in line and ".npz" in line


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_builtin_layout_and_both_classes(name):
    X, Y = load_dataset(name)
    n_x = 3 if name == "slides-3d" else 2
    m = 400 if name == "flower" else 200
    assert_standard_layout(X, Y, n_x, m)
    assert 0 < Y.sum() < m


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_builtin_is_deterministic(name):
    X1, Y1 = load_dataset(name)
    X2, Y2 = load_dataset(name)
    assert np.array_equal(X1, X2) and np.array_equal(Y1, Y2)
    default = BUILTIN_DATASETS[name].default_seed
    X3, Y3 = load_dataset(name, seed=default)
    assert np.array_equal(X1, X3) and np.array_equal(Y1, Y3)


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_builtin_another_seed_gives_other_data(name):
    X1, _ = load_dataset(name)
    X2, Y2 = load_dataset(name, seed=BUILTIN_DATASETS[name].default_seed + 1)
    assert not np.array_equal(X1, X2)
    assert 0 < Y2.sum() < Y2.shape[1]


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_builtin_returns_fresh_arrays(name):
    X, Y = load_dataset(name)
    X_before, Y_before = X.copy(), Y.copy()
    X[:] = 0.0
    Y[:] = 0.0
    X_again, Y_again = load_dataset(name)
    assert np.array_equal(X_again, X_before) and np.array_equal(Y_again, Y_before)


@pytest.mark.parametrize("seed", [0, 2, MAX_SEED, np.int64(5)])
def test_builtins_accept_any_seed_in_range(seed):
    for name in BUILTIN_NAMES:
        X, Y = load_dataset(name, seed=seed)
        assert 0 < Y.sum() < Y.shape[1]
        assert np.all(np.isfinite(X))


def test_blobs_split_evenly_between_the_classes():
    _, Y = load_dataset("blobs")
    assert Y.sum() == 100  # blob sizes 34, 34, 33, 33, 33, 33: 100 in each class


def test_xor_labels_follow_the_quadrants_apart_from_noise():
    X, Y = load_dataset("xor")
    rule = (X[0] > 0) ^ (X[1] > 0)
    agreement = np.mean(rule == (Y[0] == 1))
    assert agreement > 0.85


@pytest.mark.parametrize("seed", [-1, MAX_SEED + 1])
def test_seed_out_of_range(seed):
    message = error_message("flower", seed=seed)
    assert str(seed) in message and "seed" in message and str(MAX_SEED) in message


@pytest.mark.parametrize("seed", [1.5, "3", True])
def test_seed_not_an_integer(seed):
    message = error_message("moons", seed=seed)
    assert "seed" in message and "whole number" in message


# ---------------------------------------------------------------------------------------------
# CSV files
# ---------------------------------------------------------------------------------------------


def test_csv_round_trip_last_column_is_the_label(tmp_path):
    path = write_csv(tmp_path, "a,b,target\n1,2,0\n3.5,-4,1\n5e-1,6,1\n")
    X, Y = load_dataset(path)
    assert_standard_layout(X, Y, 2, 3)
    assert np.array_equal(X, [[1, 3.5, 0.5], [2, -4, 6]])
    assert np.array_equal(Y, [[0, 1, 1]])


def test_csv_round_trip_of_a_builtin(tmp_path):
    X, Y = load_dataset("slides-3d")
    rows = [",".join(repr(float(v)) for v in (*X[:, i], Y[0, i])) for i in range(X.shape[1])]
    path = write_csv(tmp_path, "x1,x2,x3,y\n" + "\n".join(rows) + "\n")
    X_read, Y_read = load_dataset(str(path))
    assert np.array_equal(X_read, X) and np.array_equal(Y_read, Y)


@pytest.mark.parametrize("label_name", ["y", "label", "Y", "Label"])
def test_csv_label_column_found_by_name_anywhere(tmp_path, label_name):
    path = write_csv(tmp_path, f"x1,{label_name},x2\n1,0,2\n3,1,4\n")
    X, Y = load_dataset(path)
    assert np.array_equal(X, [[1, 3], [2, 4]])
    assert np.array_equal(Y, [[0, 1]])


@pytest.mark.parametrize(
    ("zero", "one"), [("0", "1"), ("0.0", "1.0"), ("false", "true"), ("False", "TRUE"), ("-0", "1")]
)
def test_csv_labels_may_be_bool_int_or_float(tmp_path, zero, one):
    path = write_csv(tmp_path, f"x,y\n1,{zero}\n2,{one}\n")
    _, Y = load_dataset(path)
    assert np.array_equal(Y, [[0.0, 1.0]])
    assert not np.signbit(Y).any()


def test_csv_tolerates_bom_crlf_spaces_blank_lines_and_upper_case_extension(tmp_path):
    path = tmp_path / "DATA.CSV"
    path.write_bytes(b"\xef\xbb\xbf\r\n x1 , y \r\n 1.5 , 1 \r\n\r\n2,0\r\n\r\n")
    X, Y = load_dataset(path)
    assert np.array_equal(X, [[1.5, 2.0]])
    assert np.array_equal(Y, [[1.0, 0.0]])


def test_csv_seed_does_not_change_a_file(tmp_path):
    path = write_csv(tmp_path, "x,y\n1,0\n2,1\n")
    X1, _ = load_dataset(path)
    X2, _ = load_dataset(path, seed=99)
    assert np.array_equal(X1, X2)


# ---------------------------------------------------------------------------------------------
# NPZ files
# ---------------------------------------------------------------------------------------------


def test_npz_round_trip_of_a_builtin(tmp_path):
    X, Y = load_dataset("flower")
    X_read, Y_read = load_dataset(write_npz(tmp_path, X=X, Y=Y))
    assert_standard_layout(X_read, Y_read, 2, 400)
    assert np.array_equal(X_read, X) and np.array_equal(Y_read, Y)


def test_npz_compressed_round_trip(tmp_path):
    X, Y = load_dataset("circles")
    path = tmp_path / "c.npz"
    np.savez_compressed(path, X=X, Y=Y)
    X_read, Y_read = load_dataset(path)
    assert np.array_equal(X_read, X) and np.array_equal(Y_read, Y)


@pytest.mark.parametrize(
    "Y",
    [
        np.array([[0, 1, 1]]),
        np.array([0, 1, 1]),
        np.array([False, True, True]),
        np.array([[0.0, 1.0, 1.0]], dtype=np.float32),
        np.array([-0.0, 1.0, 1.0]),
        np.array([0, 1, 1], dtype=np.uint8),
    ],
)
def test_npz_labels_may_be_bool_int_or_float_and_flat(tmp_path, Y):
    X = np.arange(6).reshape(2, 3)  # integer features are fine too
    X_read, Y_read = load_dataset(write_npz(tmp_path, X=X, Y=Y))
    assert_standard_layout(X_read, Y_read, 2, 3)
    assert np.array_equal(X_read, X)
    assert np.array_equal(Y_read, [[0.0, 1.0, 1.0]])
    assert not np.signbit(Y_read).any()


def test_npz_ignores_extra_arrays(tmp_path):
    path = write_npz(tmp_path, X=np.eye(2), Y=np.array([0, 1]), notes=np.arange(3))
    X, Y = load_dataset(path)
    assert X.shape == (2, 2) and Y.shape == (1, 2)


# ---------------------------------------------------------------------------------------------
# Finding the file
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["nowhere.csv", "nowhere.npz"])
def test_missing_file(tmp_path, name):
    message = error_message(tmp_path / name)
    assert "no such file" in message and name in message


def test_missing_directory_on_the_way(tmp_path):
    blocker = write_csv(tmp_path, "x,y\n1,0\n", name="plain")
    message = error_message(str(blocker / "inside.csv"))
    assert "no such file" in message


def test_path_with_a_nul_character(tmp_path):
    message = error_message(str(tmp_path / "da\x00ta.csv"))
    assert "not a valid path" in message and "\\x00" in message


def test_directory_instead_of_a_file(tmp_path):
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    message = error_message(folder)
    assert "folder.csv" in message and "is a directory" in message and "file" in message


def test_permission_denied_while_opening(tmp_path, monkeypatch):
    path = write_csv(tmp_path, "x,y\n1,0\n2,1\n")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    # The module opens files through the name `open`, so a module global shadows the builtin.
    monkeypatch.setattr(dataset_files, "open", refuse, raising=False)
    message = error_message(path)
    assert "cannot read" in message and "permission denied" in message and "data.csv" in message


def test_permission_denied_on_an_npz(tmp_path, monkeypatch):
    path = write_npz(tmp_path, X=np.eye(2), Y=np.array([0, 1]))

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(dataset_files, "open", refuse, raising=False)
    message = error_message(path)
    assert "cannot read" in message and "permission denied" in message


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file regardless"
)
def test_permission_denied_for_real(tmp_path):
    path = write_csv(tmp_path, "x,y\n1,0\n2,1\n")
    path.chmod(0)
    try:
        message = error_message(path)
    finally:
        path.chmod(0o600)
    assert "cannot read" in message and "permission denied" in message


@pytest.mark.parametrize("name", ["data.txt", "data.json", "data.npy"])
def test_unknown_extension(tmp_path, name):
    path = tmp_path / name
    path.write_text("x,y\n1,0\n")
    message = error_message(path)
    assert "unsupported file type" in message and name in message
    assert ".csv" in message and ".npz" in message


def test_existing_file_without_extension(tmp_path):
    path = tmp_path / "data"
    path.write_text("x,y\n1,0\n")
    message = error_message(path)
    assert "no .csv or .npz extension" in message and "flower" in message


@pytest.mark.parametrize("name", ["flowr", "Flower", "gaussian.quantiles", "spiral", ""])
def test_unknown_builtin_name(name):
    message = error_message(name)
    assert "unknown dataset" in message and repr(name) in message
    for builtin in BUILTIN_NAMES:
        assert builtin in message
    assert ".csv or .npz" in message


def test_unknown_builtin_name_suggests_the_closest():
    assert "did you mean 'flower'" in error_message("flowr")
    assert "did you mean" not in error_message("spiral")


def test_file_too_large_is_refused_before_reading(tmp_path, monkeypatch):
    path = write_csv(tmp_path, "x,y\n" + "1,0\n2,1\n" * 100)
    opened = []
    monkeypatch.setattr(dataset_files, "open", lambda *a, **k: opened.append(a), raising=False)
    message = error_message(path, max_bytes=100)
    assert "data.csv" in message and "over the 100 bytes limit" in message
    assert "smaller file" in message
    assert opened == []


def test_default_size_limit_is_512_mib():
    assert dataset_files.MAX_FILE_BYTES == 512 * 1024 * 1024


def test_a_file_at_the_limit_is_fine(tmp_path):
    path = write_csv(tmp_path, "x,y\n1,0\n2,1\n")
    X, _ = load_dataset(path, max_bytes=path.stat().st_size)
    assert X.shape == (1, 2)


def test_npz_that_would_expand_past_the_limit(tmp_path):
    path = tmp_path / "bomb.npz"
    np.savez_compressed(path, X=np.zeros((2, 50_000)), Y=np.zeros(50_000))
    message = error_message(path, max_bytes=path.stat().st_size + 1000)
    assert "expand to" in message and "limit" in message and "bomb.npz" in message


# ---------------------------------------------------------------------------------------------
# Bad CSV content
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "   \n"])
def test_empty_csv(tmp_path, text):
    message = error_message(write_csv(tmp_path, text))
    assert "empty" in message and "header" in message


def test_header_only(tmp_path):
    message = error_message(write_csv(tmp_path, "x1,x2,y\n\n"))
    assert "no data rows" in message


def test_fewer_than_two_columns(tmp_path):
    message = error_message(write_csv(tmp_path, "x;y\n1;0\n"))
    assert "only 1 column" in message and "'x;y'" in message and "commas" in message


def test_header_missing(tmp_path):
    message = error_message(write_csv(tmp_path, "1,2,0\n3,4,1\n"))
    assert "looks like data" in message and "x1,x2,y" in message


def test_two_label_columns(tmp_path):
    message = error_message(write_csv(tmp_path, "y,x,label\n0,1,0\n"))
    assert "2 label columns" in message and "'y'" in message and "'label'" in message


def test_non_numeric_cell(tmp_path):
    message = error_message(write_csv(tmp_path, "x1,x2,y\n1,2,0\n3,abc,1\n"))
    assert "line 3" in message and "example 2" in message
    assert "'x2'" in message and "'abc'" in message and "not a number" in message


def test_empty_feature_cell(tmp_path):
    message = error_message(write_csv(tmp_path, "x1,x2,y\n1,,0\n"))
    assert "line 2" in message and "'x2'" in message and "empty" in message


def test_unnamed_column_is_shown_by_position(tmp_path):
    message = error_message(write_csv(tmp_path, "x1,,y\n1,zz,0\n"))
    assert "column 2 (unnamed)" in message and "'zz'" in message


def test_long_cells_are_cut_short_in_messages(tmp_path):
    message = error_message(write_csv(tmp_path, "x,y\n" + "q" * 5000 + ",1\n"))
    assert len(message) < 400 and "not a number" in message


@pytest.mark.parametrize("row", ["1,2,0,7", "1,2", "1,2,0,"])
def test_ragged_row(tmp_path, row):
    message = error_message(write_csv(tmp_path, f"x1,x2,y\n1,2,0\n{row}\n"))
    cells = len(row.split(","))
    assert "line 3" in message and f"has {cells} cells but the header has 3" in message


@pytest.mark.parametrize("bad", ["nan", "NaN", "inf", "-Infinity", "1e999"])
def test_non_finite_feature_in_csv(tmp_path, bad):
    message = error_message(write_csv(tmp_path, f"x1,x2,y\n1,2,0\n3,{bad},1\n"))
    assert "line 3" in message and "'x2'" in message and repr(bad) in message
    assert "finite" in message


@pytest.mark.parametrize("bad", ["2", "0.5", "-1", "yes", "nan", "inf"])
def test_csv_label_not_zero_or_one(tmp_path, bad):
    message = error_message(write_csv(tmp_path, f"x,y\n1,0\n2,{bad}\n"))
    assert "line 3" in message and "'y'" in message and repr(bad) in message
    assert "0 or 1" in message


def test_csv_empty_label(tmp_path):
    message = error_message(write_csv(tmp_path, "x,y\n1,\n"))
    assert "line 2" in message and "empty" in message and "0 or 1" in message


@pytest.mark.parametrize("label", ["0", "1"])
def test_csv_single_class(tmp_path, label):
    message = error_message(write_csv(tmp_path, f"x,y\n1,{label}\n2,{label}\n"))
    assert f"only class {label}" in message and "both classes" in message


def test_csv_not_utf8(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("x,y\n1,0\ncafé,1\n".encode("latin-1"))
    message = error_message(path)
    assert "not UTF-8" in message


def test_csv_with_nul_bytes(tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"x,y\n1,0\n\x00\x01,1\n")
    message = error_message(path)
    assert "line 3" in message and "not a number" in message


def test_csv_the_csv_module_rejects(tmp_path):
    # The csv module caps a field at 128 KiB by default.
    message = error_message(write_csv(tmp_path, 'x,y\n"' + "1" * 200_000 + '",0\n'))
    assert "line" in message and "not valid CSV" in message and "field limit" in message


def test_csv_header_with_newline_stays_one_line(tmp_path):
    message = error_message(write_csv(tmp_path, 'x1,"x\n2",y\n1,oops,0\n'))
    assert "oops" in message


# ---------------------------------------------------------------------------------------------
# Bad NPZ content
# ---------------------------------------------------------------------------------------------


def test_empty_npz(tmp_path):
    path = tmp_path / "empty.npz"
    path.write_bytes(b"")
    message = error_message(path)
    assert "empty" in message and "np.savez" in message


@pytest.mark.parametrize("content", [b"not a zip at all", b"PK\x03\x04broken", b"ab"])
def test_corrupt_npz(tmp_path, content):
    path = tmp_path / "bad.npz"
    path.write_bytes(content)
    message = error_message(path)
    assert "not a valid .npz archive" in message and "np.savez" in message


def test_truncated_npz(tmp_path):
    good = write_npz(tmp_path, X=np.eye(2), Y=np.array([0, 1]))
    path = tmp_path / "cut.npz"
    path.write_bytes(good.read_bytes()[:200])
    assert "not a valid .npz archive" in error_message(path)


def test_npz_with_a_damaged_member(tmp_path):
    path = tmp_path / "dmg.npz"
    np.savez_compressed(path, X=np.random.default_rng(0).random((2, 3000)), Y=np.ones(3000))
    raw = bytearray(path.read_bytes())
    middle = len(raw) // 4
    raw[middle : middle + 20] = bytes(20)
    path.write_bytes(bytes(raw))
    assert "damaged" in error_message(path)


def test_npy_file_named_npz(tmp_path):
    path = tmp_path / "single.npz"
    with open(path, "wb") as handle:
        np.save(handle, np.eye(2))
    assert "single .npy array" in error_message(path)


def test_npz_missing_both_keys(tmp_path):
    message = error_message(write_npz(tmp_path, features=np.eye(2), labels=np.array([0, 1])))
    assert "no array X or Y" in message and "'features'" in message and "'labels'" in message


def test_npz_missing_y(tmp_path):
    message = error_message(write_npz(tmp_path, X=np.eye(2), y=np.array([0, 1])))
    assert "no array Y" in message and "'X'" in message and "'y'" in message


def test_npz_shapes_disagree(tmp_path):
    X = np.zeros((2, 400))
    Y = np.r_[np.zeros(200), np.ones(199)].reshape(1, 399)
    message = error_message(write_npz(tmp_path, X=X, Y=Y))
    assert "(2, 400)" in message and "(1, 399)" in message and "disagree on m" in message


def test_npz_transposed_x_gets_a_hint(tmp_path):
    message = error_message(write_npz(tmp_path, X=np.zeros((400, 2)), Y=np.zeros((1, 400))))
    assert "X looks transposed" in message and "X.T" in message


@pytest.mark.parametrize("X", [np.zeros(400), np.zeros((2, 10, 20)), np.float64(3.0)])
def test_npz_x_not_2d(tmp_path, X):
    message = error_message(write_npz(tmp_path, X=X, Y=np.zeros((1, 400))))
    assert "must be 2-D" in message and str(np.shape(X)) in message


@pytest.mark.parametrize("shape", [(0, 5), (2, 0)])
def test_npz_x_without_features_or_examples(tmp_path, shape):
    message = error_message(write_npz(tmp_path, X=np.zeros(shape), Y=np.zeros(shape[1])))
    assert str(shape) in message and ("feature" in message or "no examples" in message)


@pytest.mark.parametrize("shape", [(400, 1), (2, 400), (1, 1, 400)])
def test_npz_y_of_the_wrong_shape(tmp_path, shape):
    message = error_message(write_npz(tmp_path, X=np.zeros((2, 400)), Y=np.zeros(shape)))
    assert str(shape) in message and "Y must be (1, m) or (m,)" in message


def test_npz_nan_in_x(tmp_path):
    X = np.ones((2, 5))
    X[1, 3] = np.nan
    message = error_message(write_npz(tmp_path, X=X, Y=np.array([0, 1, 0, 1, 0])))
    assert "X[1, 3] is nan" in message and "finite" in message


def test_npz_inf_in_y(tmp_path):
    Y = np.array([[0.0, np.inf, 1.0]])
    message = error_message(write_npz(tmp_path, X=np.ones((2, 3)), Y=Y))
    assert "Y[0, 1] is inf" in message


def test_npz_label_not_zero_or_one(tmp_path):
    Y = np.array([0, 1, 0.5, 2])
    message = error_message(write_npz(tmp_path, X=np.ones((2, 4)), Y=Y))
    assert "Y[0, 2] is 0.5" in message and "2 labels not 0 or 1" in message


def test_npz_single_class(tmp_path):
    message = error_message(write_npz(tmp_path, X=np.ones((2, 4)), Y=np.ones(4)))
    assert "only class 1" in message and "both classes" in message


def test_npz_object_array(tmp_path):
    path = tmp_path / "objects.npz"
    np.savez(path, X=np.array([[1, "a"], [None, 2]], dtype=object), Y=np.array([0, 1]))
    assert "Python objects" in error_message(path)


@pytest.mark.parametrize("X", [np.array([["1", "2"], ["3", "4"]]), np.ones((2, 2)) * 1j])
def test_npz_non_real_dtype(tmp_path, X):
    message = error_message(write_npz(tmp_path, X=X, Y=np.array([0, 1])))
    assert "dtype" in message and "real numbers" in message


def test_no_raw_exception_escapes_for_a_garbage_csv(tmp_path):
    path = tmp_path / "noise.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(StepnetError):
        load_dataset(path)


def test_errors_are_value_errors_for_callers_that_catch_those():
    assert issubclass(StepnetError, ValueError)
