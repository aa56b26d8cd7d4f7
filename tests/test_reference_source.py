"""Reading a learner's file: only imports and top-level definitions kept; notebooks' magics
dropped; unreadable files one line each; and what children send back read as data, never code."""

from __future__ import annotations

import ast
import json

import numpy as np
import pytest

from engine.reference import wire
from engine.reference.source import MAX_SOURCE_BYTES, ReadError, read_learner_file


def kept(path) -> list[str]:
    return [ast.unparse(node).splitlines()[0] for node in read_learner_file(path).statements]


def test_only_imports_definitions_and_constants_are_kept(tmp_path):
    path = tmp_path / "a.py"
    path.write_text(
        "import numpy as np\n"
        "from planar_utils import sigmoid\n"
        "N_H = 4\n"
        "RATE: float = 1.2\n"
        "X, Y = load_planar_dataset()\n"
        "np.random.seed(1)\n"
        "print('training')\n"
        "def layer_sizes(X, Y):\n    return (X.shape[0], 4, Y.shape[0])\n"
        "class Helper:\n    pass\n"
        "for i in range(10**9):\n    pass\n"
        "parameters = nn_model(X, Y, 4)\n"
    )
    assert kept(path) == [
        "import numpy as np",
        "from planar_utils import sigmoid",
        "N_H = 4",
        "RATE: float = 1.2",
        "def layer_sizes(X, Y):",
        "class Helper:",
    ]


def notebook(*cells) -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": kind, "metadata": {}, "source": source} for kind, source in cells
            ],
            "nbformat": 4,
        }
    )


def test_a_notebook_keeps_its_code_cells_in_order_without_magics(tmp_path):
    path = tmp_path / "a.ipynb"
    path.write_text(
        notebook(
            ("markdown", "# Title\nimport nothing"),
            ("code", ["%matplotlib inline\n", "!pip install numpy\n", "import numpy as np\n"]),
            ("code", "  %time x = 1\ndef f():\n    return 1"),
            ("code", "f()"),
        )
    )
    source = read_learner_file(path)
    assert kept(path) == ["import numpy as np", "def f():"]
    # magic lines are kept blank so line numbers still count; cells are numbered as Jupyter does
    assert source.where(source.statements[1].lineno) == "cell 3, line 2"


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("a.py", "def f(:\n", "a.py, line 1: syntax error"),
        ("a.ipynb", notebook(("code", "x = 1\ndef g()\n    pass")), "a.ipynb, cell 1, line 2"),
        ("a.ipynb", "{not json", "a.ipynb, line 1: not a notebook"),
        ("a.ipynb", json.dumps({"cells": 3}), "a notebook needs a list of cells"),
        ("a.txt", "x = 1", "not a .py file or a .ipynb notebook"),
    ],
)
def test_an_unreadable_file_is_one_line_naming_file_line_and_problem(
    tmp_path, name, content, problem
):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ReadError) as caught:
        read_learner_file(path)
    assert problem in str(caught.value) and "\n" not in str(caught.value)


def test_a_huge_or_binary_or_absent_file_is_refused_without_reading_it_all(tmp_path):
    big = tmp_path / "big.py"
    with open(big, "wb") as handle:
        handle.truncate(MAX_SOURCE_BYTES + 1)
    with pytest.raises(ReadError, match="more than an assignment"):
        read_learner_file(big)
    binary = tmp_path / "b.py"
    binary.write_bytes(b"x = 1\n\xff\xfe\n")
    with pytest.raises(ReadError, match=r"b\.py, line 2: not UTF-8"):
        read_learner_file(binary)
    with pytest.raises(ReadError, match="no such file"):
        read_learner_file(tmp_path / "absent.py")


def test_values_cross_as_json_and_come_back_the_same():
    value = (
        np.arange(6.0).reshape(2, 3),
        {"W1": np.array([[True, False]]), "n": 3, "cost": 0.5},
        [np.float64(0.25), float("nan")],
    )
    back = wire.decode(wire.loads(wire.dumps({"v": wire.encode(value)}))["v"])
    np.testing.assert_array_equal(back[0], value[0])
    assert back[1]["W1"].dtype == np.bool_ and back[1]["n"].value == 3
    assert back[2][0].type_name == "float64" and back[2][0].value == 0.25
    assert np.isnan(back[2][1].value)


def test_a_hostile_message_is_refused_or_read_as_plain_data():
    forged = {"array": "AAAA", "dtype": "object", "shape": [1]}  # an object array: code
    assert isinstance(wire.decode(forged), wire.Other)
    lying = {"array": "AAAAAAAAAAA=", "dtype": "float64", "shape": [10**7, 10**7]}
    assert isinstance(wire.decode(lying), wire.Other)  # the shape does not fit the bytes
    assert isinstance(wire.decode({"other": "x" * 10**4, "repr": "y" * 10**4}), wire.Other)
    with pytest.raises(ValueError):
        wire.loads(b"[1, 2]")
