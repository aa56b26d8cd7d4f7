"""A learner's own implementation of the assignment, loaded, run and compared with the engine.

`check_file(path)` for a .py or .ipynb file, `check(globals())` in a notebook: see
engine.reference.check. Nothing of the learner's runs in the calling process.
"""

from engine.reference.check import check, check_file
from engine.reference.report import FileReport, FunctionReport
from engine.reference.source import ReadError

__all__ = ["FileReport", "FunctionReport", "ReadError", "check", "check_file"]
