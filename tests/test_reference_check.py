"""`stepnet check` on a corpus of learners' files: each reported status, quantity, diagnosis
and exit status, from the learner's code really run in child processes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

import engine
from engine.reference.check import check_file
from engine.reference.graded import GRADED
from tui.cli.main import main

FILES = Path(__file__).parent / "learner_files"
HANG_TIMEOUT = 1.5  # seconds: enough for nn_model's 10,000 iterations, not for a hang
SMALL_MEMORY = 256 * 2**20


@cache
def report(name: str):
    return check_file(FILES / name, timeout=HANG_TIMEOUT if name == "hang.py" else 10.0,
                      memory=SMALL_MEMORY)  # fmt: skip


def statuses(name: str) -> dict[str, tuple]:
    """The functions that are not correct: name → (status, first wrong, diagnosis)."""
    return {
        f.name: (f.status, f.first_wrong, f.diagnosis)
        for f in report(name).functions
        if f.status != "correct"
    }


@pytest.mark.parametrize("name", ["correct.py", "correct.ipynb", "v1_style.py", "prints.py"])
def test_a_correct_assignment_is_correct_in_every_function(name):
    checked = report(name)
    assert [f.name for f in checked.functions] == list(GRADED)
    assert statuses(name) == {} and checked.ok


def test_the_notebooks_imports_that_fail_are_skipped_and_planar_utils_is_provided():
    skipped = " ".join(report("correct.ipynb").skipped)
    for failing in ("matplotlib", "testCases_v2", "public_tests", "sklearn"):
        assert failing in skipped
    # planar_utils has sigmoid and load_planar_dataset; only the names it lacks are skipped
    assert "plot_decision_boundary" in skipped and "load_extra_datasets" in skipped
    assert "sigmoid" not in skipped and "load_planar_dataset" not in skipped


BROKEN_NN = ("wrong", "W1", None)  # nn_model calls the learner's broken function

EXPECTED = {
    "no_1_over_m.py": {
        "backward_propagation": ("wrong", "dW2", "no-1-over-m"),
        "nn_model": BROKEN_NN,
    },
    "sum_wrong_axis.py": {
        "backward_propagation": ("wrong", "db2", "sum-wrong-axis"),
        "nn_model": BROKEN_NN,
    },
    "no_keepdims.py": {
        "backward_propagation": ("wrong", "db2", "no-keepdims"),
        "nn_model": BROKEN_NN,
    },
    "slope_wrong_cache.py": {
        "backward_propagation": ("wrong", "dW1", "slope-wrong-cache"),
        "nn_model": BROKEN_NN,
    },
    # right on a consistent cache, so nn_model trains exactly as the engine does
    "slope_from_z1.py": {"backward_propagation": ("wrong", "dW1", "slope-from-Z1")},
    "dw2_for_w2.py": {
        "backward_propagation": ("wrong", "dW1", "dW2-for-W2"),
        "nn_model": BROKEN_NN,
    },
    "extra_mean_in_dz1.py": {
        "backward_propagation": ("wrong", "dW1", "extra-1-over-m-in-dZ1"),
        "nn_model": BROKEN_NN,
    },
    "update_sign_flipped.py": {
        "update_parameters": ("wrong", "W1", "update-sign-flipped"),
        "nn_model": BROKEN_NN,
    },
    "update_in_place.py": {"update_parameters": ("wrong", "W1", "update-in-place")},
    "zero_init.py": {
        "initialize_parameters": ("wrong", "W1", "zero-init"),
        "nn_model": BROKEN_NN,
    },
    # the cost does not steer training: nn_model is still right
    "half_cross_entropy.py": {"compute_cost": ("wrong", "cost", "half-cross-entropy")},
    "cost_matrix.py": {"compute_cost": ("wrong", "cost", "cost-m-by-m")},
    "multiply_for_dot.py": {
        "backward_propagation": ("error", None, "multiply-for-dot"),
        "nn_model": ("error", None, "multiply-for-dot"),
    },
    "crash.py": {
        "forward_propagation": ("error", None, None),
        "nn_model": ("error", None, None),
        "predict": ("error", None, None),
    },
    "hang.py": {
        "backward_propagation": ("timeout", None, None),
        "nn_model": ("timeout", None, None),
    },
    "memory_hog.py": {"compute_cost": ("error", None, None), "nn_model": ("error", None, None)},
    "activations_swapped.py": {
        "forward_propagation": ("wrong", "A1", "activations-swapped"),
        "nn_model": BROKEN_NN,
        "predict": ("wrong", "predictions", None),
    },
    "no_bias.py": {
        "forward_propagation": ("wrong", "Z1", "no-bias"),
        "nn_model": BROKEN_NN,
        "predict": ("wrong", "predictions", None),
    },
    "cost_not_averaged.py": {"compute_cost": ("wrong", "cost", "cost-not-averaged")},
    "cost_sign_flipped.py": {"compute_cost": ("wrong", "cost", "cost-sign-flipped")},
    "cost_numpy_float.py": {"compute_cost": ("wrong", "cost", None)},
    "no_scale.py": {
        "initialize_parameters": ("wrong", "W1", "no-0.01-scale"),
        "nn_model": BROKEN_NN,
    },
    # the course's v4 nn_model test has n_h = m = 4, where np.dot of two squares goes through
    "dot_for_multiply.py": {
        "backward_propagation": ("error", None, "dot-for-multiply"),
        "nn_model": BROKEN_NN,
    },
    "sizes_as_list.py": {"layer_sizes": ("wrong", None, None)},
    "missing.py": {
        name: ("missing", None, None)
        for name in (
            "compute_cost",
            "backward_propagation",
            "update_parameters",
            "nn_model",
            "predict",
        )
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_mistake_is_found_at_its_first_wrong_quantity_and_named(name):
    assert statuses(name) == EXPECTED[name]
    assert not report(name).ok


def test_a_wrong_gradient_says_how_it_is_wrong_with_the_engines_numbers():
    backward = report("no_1_over_m.py").function("backward_propagation")
    assert backward.case == "course v1/v2 test" and backward.formula == "dW[2] = (1/m)·dZ[2]·A[1]ᵀ"
    assert backward.expected_shape == backward.got_shape == (1, 4)
    # the v1/v2 test has m = 3: the learner's dW2 is three times the engine's
    reference = engine.backward(*engine_inputs_v1())["dW2"]
    np.testing.assert_allclose(backward.got, 3 * reference, rtol=1e-12)
    np.testing.assert_array_equal(backward.expected, reference)
    gap = np.abs(backward.got - reference)
    assert backward.max_abs_diff == pytest.approx(gap.max()) and backward.at == (0, 1)
    assert "your dW2 is exactly m = 3 times the reference: the 1/m is missing" in backward.message
    text = str(report("no_1_over_m.py"))
    assert "✗       backward_propagation   dW2 is wrong (course v1/v2 test)" in text
    assert "diagnosis no-1-over-m" in text and "* differs" in text
    assert f"{reference[0, 1]:>11.6g}*" in text and f"{3 * reference[0, 1]:>11.6g}*" in text


def engine_inputs_v1():
    """The course's v1/v2 backward test inputs, as engine.reference.cases builds them."""
    from engine.reference.cases import cases_for

    return cases_for("backward_propagation")[0].args


def test_a_shape_mistake_reports_both_shapes():
    backward = report("sum_wrong_axis.py").function("backward_propagation")
    assert (backward.expected_shape, backward.got_shape) == ((1, 1), (1, 3))
    assert backward.max_abs_diff is None
    assert "db2 has shape (1, 3) where the reference has (1, 1)" in backward.message


def test_a_crash_shows_the_learners_lines_only():
    forward = report("crash.py").function("forward_propagation")
    assert forward.message.startswith("KeyError: 'w1' (line 38, in forward_propagation)")
    predict = report("crash.py").function("predict")
    assert predict.traceback == [
        "line 103, in predict: A2, cache = forward_propagation(X, parameters)",
        'line 38, in forward_propagation: W1 = parameters["w1"]',
    ]
    for function in report("crash.py").functions:
        assert "engine" not in " ".join(function.traceback) + function.message


def test_a_crash_in_a_notebook_names_its_cell_and_line(tmp_path):
    notebook = json.loads((FILES / "correct.ipynb").read_text())
    for cell in notebook["cells"]:
        cell["source"] = [line.replace('parameters["W1"]', 'parameters["w1"]', 1)
                          if "Z1 = " not in line else line for line in cell["source"]]  # fmt: skip
    path = tmp_path / "crash.ipynb"
    path.write_text(json.dumps(notebook))
    forward = check_file(path).function("forward_propagation")
    assert forward.status == "error"
    assert "KeyError: 'w1' (cell 15, line 4, in forward_propagation)" in forward.message
    # the line quoted is the notebook's code, not the .ipynb file's JSON
    assert forward.traceback == ['cell 15, line 4, in forward_propagation: W1 = parameters["w1"]']


def test_a_hang_is_a_timeout_and_the_rest_are_still_checked():
    hang = report("hang.py")
    assert hang.function("backward_propagation").message == "it did not finish within 1.5 s"
    assert hang.function("update_parameters").status == "correct"
    assert hang.function("predict").status == "correct"


def test_memory_beyond_the_limit_is_the_functions_error():
    cost = report("memory_hog.py").function("compute_cost")
    assert cost.message.startswith("MemoryError") and "line 53, in compute_cost" in cost.message


def test_prints_are_captured_and_kept_short():
    forward = report("prints.py").function("forward_propagation")
    assert forward.status == "correct" and forward.printed.startswith("Z1 is (4, 3)\n")


def test_the_course_types_are_checked_too():
    cost = report("cost_numpy_float.py").function("compute_cost")
    assert cost.max_abs_diff == 0.0
    assert cost.message.startswith("the cost is right but is float64: the course wants a Python")
    sizes = report("sizes_as_list.py").function("layer_sizes")
    assert sizes.message == "it returned a list: return a tuple"


def test_a_dependent_function_points_at_the_broken_one():
    nn = report("zero_init.py").function("nn_model")
    assert "it calls your initialize_parameters: fix that first" in nn.message


# ---- the command line


def test_exit_0_when_all_right_1_when_not_2_when_unreadable(capsys):
    assert main(["check", str(FILES / "correct.py")]) == 0
    assert main(["check", str(FILES / "correct.py"), str(FILES / "zero_init.py")]) == 1
    out = capsys.readouterr().out
    assert "right  wrong  error  timeout  missing" in out  # several files: the summary table
    assert main(["check", str(FILES / "syntax_error.py")]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"stepnet: error: {FILES / 'syntax_error.py'}, line 51: syntax error: expected ':';"
        " fix that line\n"
    )


def test_json_is_one_object_per_file_with_every_graded_function(capsys):
    files = [FILES / "missing.py", FILES / "no_1_over_m.py", FILES / "syntax_error.py"]
    assert main(["check", "--format", "json", *map(str, files)]) == 2
    lines = capsys.readouterr().out.splitlines()
    objects = [json.loads(line) for line in lines]
    assert [o["file"] for o in objects] == [str(path) for path in files]
    fields = ["name", "status", "first_wrong", "expected_shape", "got_shape", "max_abs_diff",
              "diagnosis", "message"]  # fmt: skip
    for o in objects[:2]:
        assert [f["name"] for f in o["functions"]] == list(GRADED)
        assert all(list(f) == fields for f in o["functions"]) and o["ok"] is False
        assert all("\n" not in f["message"] for f in o["functions"])
    missing = {f["name"]: f for f in objects[0]["functions"]}
    assert missing["predict"]["status"] == "missing" and missing["predict"]["max_abs_diff"] is None
    backward = {f["name"]: f for f in objects[1]["functions"]}["backward_propagation"]
    assert backward["first_wrong"] == "dW2" and backward["diagnosis"] == "no-1-over-m"
    assert backward["expected_shape"] == backward["got_shape"] == [1, 4]
    assert "line 51" in objects[2]["error"] and objects[2]["ok"] is False
    # an unreadable file still has a row per graded function, each an error saying why
    assert [f["name"] for f in objects[2]["functions"]] == list(GRADED)
    assert {(f["status"], f["message"]) for f in objects[2]["functions"]} == {
        ("error", objects[2]["error"])
    }


def test_served_sessions_have_no_check(capsys):
    assert main(["--served", "check", str(FILES / "correct.py")]) == 2
    assert "check is not available here" in capsys.readouterr().err


@pytest.mark.parametrize(
    "options, problem",
    [(["--timeout", "0"], "--timeout 0"), (["--memory", "1"], "--memory 1")],
)
def test_bad_options_are_one_line(capsys, options, problem):
    assert main(["check", str(FILES / "correct.py"), *options]) == 2
    err = capsys.readouterr().err
    assert problem in err and err.count("\n") == 1


# ---- in a notebook: engine.check(globals())


def test_engine_check_takes_the_functions_themselves():
    def compute_cost(A2, Y):
        return float(-np.sum(Y * np.log(A2)) / Y.shape[1])

    def backward_propagation(parameters, cache, X, Y):
        raise RuntimeError("not written yet")

    checked = engine.check({"compute_cost": compute_cost, "np": np},
                           backward_propagation=backward_propagation)  # fmt: skip
    assert statuses_of(checked) == {
        "compute_cost": ("wrong", "cost", "half-cross-entropy"),
        "backward_propagation": ("error", None, None),
        **{name: ("missing", None, None) for name in GRADED
           if name not in ("compute_cost", "backward_propagation")},
    }  # fmt: skip
    assert "RuntimeError: not written yet" in checked.function("backward_propagation").message
    # one table for a Rich console and for Jupyter: a row per graded function, in course order
    console = Console(width=160, color_system=None, record=True, file=io.StringIO())
    console.print(checked)
    lines = [line.replace("┃", "│") for line in console.export_text().splitlines()]
    cells = [[cell.strip() for cell in line.strip("│").split("│")] for line in lines]
    cells = [row for row in cells if len(row) == 5 and row[0]]  # a message's wrapped lines: not
    assert cells[0] == ["function", "status", "first wrong", "diagnosis", "message"]
    assert [row[:2] for row in cells[1:]] == [[name, status_of(name)] for name in GRADED]
    assert cells[1 + GRADED.index("compute_cost")][2:4] == ["cost", "half-cross-entropy"]
    html = checked._repr_html_()
    assert html.startswith("<pre") and html.count("compute_cost") >= 2  # the table, the details
    assert "half-cross-entropy" in html and "<details>" in html


def status_of(name: str) -> str:
    """The status cell the table gives the notebook's functions above."""
    return {"compute_cost": "✗ wrong", "backward_propagation": "✗ error"}.get(name, "missing")


def statuses_of(checked) -> dict[str, tuple]:
    return {f.name: (f.status, f.first_wrong, f.diagnosis) for f in checked.functions
            if f.status != "correct"}  # fmt: skip


def descendants(pid: int) -> list[int]:
    """The processes below `pid`, from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, its in parents.items() if its == parent]
        found += children
        frontier += children
    return found


def test_no_child_outlives_a_check_not_even_a_hanging_one():
    import os

    before = set(descendants(os.getpid()))
    check_file(FILES / "hang.py", timeout=0.5)
    assert set(descendants(os.getpid())) - before == set()


def test_a_file_whose_definitions_hang_is_a_timeout_for_every_function(tmp_path):
    import os

    path = tmp_path / "spin.py"
    # a class body runs when it is defined: this one never finishes
    path.write_text(
        "class Spin:\n    while True:\n        pass\n\ndef layer_sizes(X, Y):\n    pass\n"
    )
    before = set(descendants(os.getpid()))
    checked = check_file(path, timeout=0.5)
    assert {f.status for f in checked.functions} == {"timeout"}
    assert checked.functions[0].message == "your file did not finish loading within 0.5 s"
    assert set(descendants(os.getpid())) - before == set()


def test_sizes_typed_in_are_recognised():
    checked = engine.check(layer_sizes=lambda X, Y: (2, 4, 1))
    sizes = checked.function("layer_sizes")
    assert (sizes.status, sizes.first_wrong, sizes.diagnosis) == (
        "wrong",
        "n_x",
        "sizes-hard-coded",
    )
    assert "on the course test (every version) inputs" in sizes.message


def test_off_linux_checking_is_one_line_and_exit_2(monkeypatch, capsys):
    from engine.reference import sandbox

    monkeypatch.setattr(sandbox.sys, "platform", "win32")
    assert main(["check", str(FILES / "correct.py")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs Linux" in err and "win32" in err


def test_the_engine_imports_where_there_is_no_resource_module():
    # Windows has no `resource`: the engine (and engine.check's module) must still import there
    code = "import sys; sys.modules['resource'] = None; import engine; print(engine.check.__name__)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "check"
