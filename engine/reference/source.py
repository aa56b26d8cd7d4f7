"""Reading a learner's assignment: a .py file or a notebook, reduced to what checking needs.

Only the imports and top-level definitions (functions, classes, assignments of constants) are
kept, chosen from the ast: a notebook's training runs, plots and test calls are never run, and
nothing of the learner's runs in this process (engine.reference.sandbox runs what is kept, in a
child). IPython magics (`%…`) and shell lines (`!…`) are dropped as the notebook is read.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

from engine.errors import StepnetError

# A learner's file is a few hundred lines; a bigger one is not an assignment, and parsing it
# must stay bounded whatever it holds.
MAX_SOURCE_BYTES = 4 * 2**20


class ReadError(StepnetError):
    """The file cannot be read or parsed: one line naming the file, the line and the problem."""


@dataclass(frozen=True)
class LearnerSource:
    """The kept statements of one learner file, compiled under `filename` so that a traceback
    names the learner's file and line (for a notebook, `where` turns a line into cell and line)."""

    path: str
    filename: str  # what tracebacks carry: the path itself
    statements: tuple[ast.stmt, ...]  # each runs on its own, and may fail on its own
    text: str = ""  # the source compiled: a notebook's code cells joined
    # for a notebook: the joined source's first line of each code cell, and that cell's number
    # among all the notebook's cells, as Jupyter counts them (markdown cells too)
    cell_starts: tuple[tuple[int, int], ...] = ()

    def where(self, line: int) -> str:
        """`line 12`, or `cell 4, line 3` in a notebook."""
        if not self.cell_starts:
            return f"line {line}"
        start, number = max(cell for cell in self.cell_starts if cell[0] <= line)
        return f"cell {number}, line {line - start + 1}"


def read_learner_file(path: str | Path) -> LearnerSource:
    """The kept statements of a .py or .ipynb file; ReadError naming the problem otherwise."""
    path = Path(path)
    text = _read_text(path)
    cell_starts: tuple[tuple[int, int], ...] = ()
    if path.suffix.lower() == ".ipynb":
        text, cell_starts = _notebook_code(path, text)
    elif path.suffix.lower() != ".py":
        raise ReadError(f"{path}: not a .py file or a .ipynb notebook; give your assignment file")
    source = LearnerSource(str(path), str(path), (), text, cell_starts)
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as error:
        line = source.where(error.lineno or 1)
        raise ReadError(f"{path}, {line}: syntax error: {error.msg}; fix that line") from None
    except (ValueError, MemoryError, RecursionError) as error:
        raise ReadError(f"{path}: cannot be parsed ({error}); is it the assignment?") from None
    return LearnerSource(str(path), str(path), kept_statements(tree), text, cell_starts)


def kept_statements(tree: ast.Module) -> tuple[ast.stmt, ...]:
    """Imports, defs, classes and assignments of constants, in the file's order."""
    return tuple(node for node in tree.body if _is_kept(node))


def _is_kept(node: ast.stmt) -> bool:
    if isinstance(node, ast.Import | ast.ImportFrom):
        return True
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return True
    if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
        # `n_h = 4`, `LEARNING_RATE = 1.2`: a constant; `X, Y = load_planar_dataset()` is work
        try:
            ast.literal_eval(node.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return False
        return True
    return False


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ReadError(f"{path}: is not a file; give your assignment's .py or .ipynb")
        if size > MAX_SOURCE_BYTES:
            raise ReadError(
                f"{path}: {size / 2**20:.1f} MiB is more than an assignment "
                f"({MAX_SOURCE_BYTES // 2**20} MiB at most); clear the notebook's outputs"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReadError(f"{path}: no such file; check the path") from None
    except OSError as error:
        raise ReadError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ReadError(f"{path}, line {line}: not UTF-8 text; save the file as UTF-8") from None


def _notebook_code(path: Path, text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The code cells joined, magics and shell lines dropped (kept blank, so lines still count),
    and the joined source's first line of each code cell."""
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReadError(
            f"{path}, line {error.lineno}: not a notebook ({error.msg}); save it again from Jupyter"
        ) from None
    except RecursionError:
        raise ReadError(f"{path}: nested too deeply to be a notebook") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise ReadError(f"{path}: a notebook needs a list of cells; save it again from Jupyter")
    lines: list[str] = []
    starts: list[tuple[int, int]] = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        body = cell.get("source", "")
        body = "".join(body) if isinstance(body, list) else body
        if not isinstance(body, str):
            continue
        starts.append((len(lines) + 1, number))
        for line in body.splitlines():
            magic = line.lstrip().startswith(("%", "!"))
            lines.append("" if magic else line)
        lines.append("")  # a cell's last line never runs into the next cell's first
    return "\n".join(lines) + "\n", tuple(starts)
