"""stepnet's engine: the one-hidden-layer network of the course, every step inspectable.

numpy only, no Textual: it runs headless, in notebooks and in tests.
"""

from engine import diagnostics
from engine.activations import ACTIVATIONS, Activation, get_activation, sigmoid
from engine.data import load_dataset
from engine.errors import StepnetError
from engine.events import Event
from engine.functional import backward, cost, forward, predict, update
from engine.mistakes.catalogue import MISTAKES
from engine.mistakes.checked_numpy import ShapeMismatch
from engine.mistakes.factory import make_stepper
from engine.parameters import initialize, load_parameters, save_parameters
from engine.reference import check, check_file
from engine.stepper import Breakpoint, RunResult, Stepper
from engine.steps import STEP_NAMES, STEPS, Step
from engine.training import train

__all__ = [
    "ACTIVATIONS",
    "MISTAKES",
    "STEPS",
    "STEP_NAMES",
    "Activation",
    "Breakpoint",
    "Event",
    "RunResult",
    "ShapeMismatch",
    "Step",
    "StepnetError",
    "Stepper",
    "backward",
    "check",
    "check_file",
    "cost",
    "diagnostics",
    "forward",
    "get_activation",
    "initialize",
    "load_dataset",
    "load_parameters",
    "make_stepper",
    "predict",
    "save_parameters",
    "sigmoid",
    "train",
    "update",
]
