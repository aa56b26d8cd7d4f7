"""Files that lie about their size (issue 12): an .npz whose header or zip directory declares
far more than it holds is refused in one line before anything is allocated, for data and
--init alike; an --init archive's extra members are never read."""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from engine.data import load_dataset
from engine.errors import StepnetError
from engine.parameters import initialize, save_parameters
from tui.cli.main import main


def lying_npy(shape: tuple[int, ...]) -> bytes:
    """An .npy header declaring float64 `shape`, followed by no data at all."""
    header = {"descr": "<f8", "fortran_order": False, "shape": shape}
    text = repr(header).encode("latin1")
    text += b" " * (63 - (10 + len(text)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text


def lying_npz(path: Path, names: tuple[str, ...], shape=(2, 5 * 10**9)) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(f"{name}.npy", lying_npy(shape))
    return path


def refused(call) -> tuple[str, float, int]:
    """The one-line message, the seconds and the peak bytes traced until it came."""
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(StepnetError) as raised:
        call()
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    message = str(raised.value)
    assert "\n" not in message
    return message, elapsed, peak


def test_a_data_file_declaring_80_gb_in_450_bytes_is_refused_from_its_header(tmp_path):
    path = lying_npz(tmp_path / "lie.npz", ("X", "Y"))
    assert path.stat().st_size < 600
    message, elapsed, peak = refused(lambda: load_dataset(path))
    assert "array X declares shape (2, 5000000000) of float64, 76,293.9 MiB" in message
    assert elapsed < 1 and peak < 2**20


def test_a_header_declaring_more_than_its_member_holds_is_refused(tmp_path):
    path = lying_npz(tmp_path / "short.npz", ("X", "Y"), shape=(2, 400))
    message, _, _ = refused(lambda: load_dataset(path))
    assert "array X declares shape (2, 400) of float64, 6,400 bytes, but holds 0 bytes" in message


def test_init_from_a_file_declaring_149_gib_is_refused_from_its_header(tmp_path):
    path = lying_npz(tmp_path / "init.npz", ("W1", "b1", "W2", "b2"), shape=(4, 5 * 10**9))
    message, elapsed, peak = refused(lambda: initialize(str(path), 2, 4))
    assert message.startswith(f"parameters file {path}: W1 declares shape (4, 5000000000)")
    assert elapsed < 1 and peak < 2**20


def test_init_never_reads_an_archives_extra_members(tmp_path):
    # a 4 GB extra member took 21 s and 3.9 GB; 64 MB of zeros here, never expanded
    path = save_parameters(tmp_path / "p.npz", initialize("random", 2, 4))
    zeros = bytes(2**20)
    with (
        zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("extra.npy", "w", force_zip64=True) as member,
    ):
        for _ in range(64):
            member.write(zeros)
    tracemalloc.start()
    started = time.perf_counter()
    params = initialize(str(path), 2, 4)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert params["W1"].shape == (4, 2)
    assert elapsed < 0.5 and peak < 2**20


def test_the_command_line_says_it_in_one_line_with_exit_status_2(tmp_path, capsys):
    path = lying_npz(tmp_path / "lie.npz", ("X", "Y"))
    assert main(["trace", "--data", str(path)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("stepnet: error: ")
    assert "declares shape (2, 5000000000)" in error


def test_a_csv_is_read_in_memory_proportional_to_its_cells(tmp_path):
    # a 100 MB CSV took 982 MB: here each cell costs its 8 bytes in a column, then in X
    rows = 200_000
    path = tmp_path / "big.csv"
    with open(path, "w") as handle:
        handle.write("x1,x2,y\n")
        handle.writelines(f"{k % 97 / 7:.6f},{k % 13 / 3:.6f},{k % 2}\n" for k in range(rows))
    tracemalloc.start()
    X, Y = load_dataset(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert X.shape == (2, rows) and Y.shape == (1, rows)
    cells = 3 * rows * 8
    assert peak < 2.5 * cells  # the columns (with array's growth room), then X and Y
