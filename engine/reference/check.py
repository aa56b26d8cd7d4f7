"""Checking a learner's graded functions against the engine, each on its own inputs.

`check_file(path)` reads a .py or .ipynb file; `check(namespace)` takes the functions themselves
(a notebook's `globals()`, or a dict of them by name). Either way the functions run in child
processes (engine.reference.sandbox) and the report (engine.reference.report) says, per graded
function, whether it is right, and for a wrong one the first wrong quantity, its shapes, the
largest difference and the known mistake it matches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from engine.reference import sandbox
from engine.reference.cases import Case, all_cases
from engine.reference.compare import Difference, first_difference, quantities
from engine.reference.diagnoses import diagnose, diagnose_error, mutated_inputs
from engine.reference.graded import GRADED, formula
from engine.reference.report import FileReport, FunctionReport
from engine.reference.source import read_learner_file

# nn_model and predict call the learner's other functions, so their verdict follows those
_USES = {
    "nn_model": (
        "initialize_parameters",
        "forward_propagation",
        "compute_cost",
        "backward_propagation",
        "update_parameters",
    ),
    "predict": ("forward_propagation",),
}


def check_file(
    path: str | Path,
    *,
    timeout: float = sandbox.DEFAULT_TIMEOUT,
    memory: int = sandbox.DEFAULT_MEMORY,
) -> FileReport:
    """The report on the learner's file; ReadError (a StepnetError) if it cannot be read or
    parsed."""
    source = read_learner_file(path)
    loaded = sandbox.run_functions(
        lambda: sandbox.load_source(source),
        all_cases(),
        is_learner_file=lambda filename: filename == source.filename,
        where=source.where,
        timeout=timeout,
        memory=memory,
        meanwhile=_answer_all,
    )
    return _report(str(path), loaded, timeout)


def check(
    namespace: Mapping[str, object] | None = None,
    *,
    timeout: float = sandbox.DEFAULT_TIMEOUT,
    memory: int = sandbox.DEFAULT_MEMORY,
    **functions: Callable,
) -> FileReport:
    """The report on functions already defined: `check(globals())` in a notebook, or
    `check(backward_propagation=my_backward)`. They run in a forked child, as a file's do."""
    found = {name: value for name, value in dict(namespace or {}).items() if name in GRADED}
    found.update(functions)
    loaded = sandbox.run_functions(
        lambda: (found, []),
        all_cases(),
        is_learner_file=sandbox.is_outside_stepnet,
        where=lambda line: f"line {line}",
        timeout=timeout,
        memory=memory,
        meanwhile=_answer_all,
    )
    return _report("(notebook)", loaded, timeout)


def _answer_all() -> None:
    """The engine's answers to every case, computed while the learner's functions run."""
    for cases in all_cases().values():
        for case in cases:
            case.expected  # noqa: B018 - computed and kept on the case


def _report(file: str, loaded: sandbox.Loaded, timeout: float) -> FileReport:
    cases = all_cases()
    functions = []
    for name in GRADED:
        if loaded.loaded and name not in loaded.found:
            functions.append(FunctionReport(name, "missing", message=f"no function {name}"))
        elif loaded.load_failure and name not in loaded.outcomes:
            status = "timeout" if loaded.out_of_time else "error"
            functions.append(FunctionReport(name, status, message=loaded.load_failure))
        elif name not in loaded.found:
            functions.append(FunctionReport(name, "missing", message=f"no function {name}"))
        else:
            functions.append(_judge(name, loaded.outcomes[name], cases[name], timeout))
    _note_dependencies(functions)
    return FileReport(file, functions, loaded.skipped)


def _judge(name: str, outcome: sandbox.Outcome, cases: tuple[Case, ...], timeout: float):
    if outcome.timed_out:
        return FunctionReport(name, "timeout", message=f"it did not finish within {timeout:g} s")
    if outcome.crashed:
        return FunctionReport(name, "error", message=outcome.crashed)
    printed = next(
        (result.get("printed", "") for result in outcome.cases if result.get("printed")), ""
    )
    for case, result in zip(cases, outcome.cases, strict=False):
        if "error" in result:
            return _error_report(name, case, result["error"], printed)
        report = _wrong_report(name, case, result)
        if report is not None:
            report.printed = printed
            return report
    return FunctionReport(name, "correct", message="agrees with the reference", printed=printed)


def _error_report(name: str, case: Case, error: dict, printed: str) -> FunctionReport:
    text = f"{error['type']}: {error['message']}" if error["message"] else error["type"]
    where = f" ({error['where']})" if error["where"] else ""
    found = diagnose_error(error["message"])
    return FunctionReport(
        name,
        "error",
        message=f"{text}{where}, on the {case.label} inputs",
        case=case.label,
        diagnosis=None if found is None else found[0],
        diagnosis_words=None if found is None else found[1],
        printed=printed,
        traceback=error["lines"],
    )


def _wrong_report(name: str, case: Case, result: dict) -> FunctionReport | None:
    got, problem = quantities(name, result["value"])
    if not got and problem:
        return FunctionReport(name, "wrong", message=f"{problem} ({case.label})", case=case.label)
    difference = first_difference(name, got, case.expected)
    if difference is not None and any(
        first_difference(name, got, other) is None for other in case.answers[1:]
    ):
        difference = None  # an answer the course accepts too
    if difference is None:
        if problem:
            return FunctionReport(name, "wrong", message=problem, case=case.label)
        if name == "update_parameters":
            return _mutation_report(case, result.get("after"))
        return None
    return _difference_report(name, case, got, difference)


def _difference_report(name: str, case: Case, got, difference: Difference) -> FunctionReport:
    found = diagnose(name, case, got, difference.quantity)
    if difference.problem:
        what = difference.problem
    else:
        at = f" at {list(difference.at)}" if difference.at else ""
        what = f"{difference.quantity} differs by up to {difference.max_abs_diff:.3g}{at}"
    message = f"{what}, on the {case.label} inputs"
    if found is not None:
        message += f": {found[1]}"
    return FunctionReport(
        name,
        "wrong",
        message=message,
        first_wrong=difference.quantity,
        expected_shape=difference.expected_shape,
        got_shape=difference.got_shape,
        max_abs_diff=difference.max_abs_diff,
        diagnosis=None if found is None else found[0],
        case=case.label,
        detail=difference.problem or None,
        formula=formula(name, difference.quantity),
        at=difference.at,
        diagnosis_words=None if found is None else found[1],
        expected=difference.expected,
        got=difference.got,
    )


def _mutation_report(case: Case, after) -> FunctionReport | None:
    changed = mutated_inputs(case.args[0], after)
    if not changed:
        return None
    return FunctionReport(
        "update_parameters",
        "wrong",
        message=(
            "the values are right, but it changed the parameters it was given "
            f"({', '.join(changed)}): copy them first, copy.deepcopy(parameters), "
            "and return new arrays"
        ),
        first_wrong=changed[0],
        diagnosis="update-in-place",
        case=case.label,
        headline=f"right values, but it changed its input parameters ({case.label})",
        detail="copy them first, copy.deepcopy(parameters), and return new arrays",
        diagnosis_words="an input dictionary changed in place by update_parameters",
    )


def _note_dependencies(functions: list[FunctionReport]) -> None:
    by_name = {function.name: function for function in functions}
    for name, uses in _USES.items():
        report = by_name[name]
        if report.status != "wrong":
            continue
        broken = [use for use in uses if by_name[use].status not in ("correct", "missing")]
        if broken:
            note = f"it calls your {', '.join(broken)}: fix that first"
            report.message += f" ({note})"
            report.detail = note if report.detail is None else f"{report.detail}; {note}"
