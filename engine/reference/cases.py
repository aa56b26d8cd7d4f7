"""The inputs each graded function is checked on, and the engine's answers on them.

The course's own test inputs of every assignment version (as ../shared/course/
assignment-reference.md describes them: drawn from the legacy global generator after
np.random.seed(s), in the course's order; the literal arrays where the course writes literals),
and the flower data. Every reference answer is computed here by the engine
(engine.forward/cost/backward/update/predict/train), never copied from the course's printed
outputs: tests compare the two, as a check of the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, partial

import numpy as np

from engine.data.builtin import BUILTIN_DATASETS
from engine.functional import backward, cost, forward, predict, update
from engine.parameters import initialize
from engine.reference.graded import CACHE_ORDER, GRADED, SIZE_NAMES
from engine.shapes import PARAMETER_NAMES
from engine.training import train

COURSE_HIDDEN = 4  # layer_sizes hard-codes n_h = 4 in every version
COURSE_LEARNING_RATE = 1.2
FLOWER_NN_ITERATIONS = 200  # enough to leave the start far behind; 10,000 would cost seconds


@dataclass
class Case:
    """One call of a graded function, and the engine's answer, computed when first asked for
    (while the learner's code runs in its child: engine.reference.check)."""

    function: str
    label: str  # where the inputs come from, for a person: "course v3/v4 test", "flower"
    args: tuple
    answer: Callable[[], Mapping[str, object]]  # quantity → reference value, in the slide's order
    seed: int | None = None  # np.random.seed(seed) just before the call, as the course's test
    # passed too when the learner's signature asks for more (v1's compute_cost took parameters)
    extra_args: tuple = ()
    # other answers the course accepts (nn_model initialised with v1's seed 2)
    other_answers: tuple[Callable[[], Mapping[str, object]], ...] = ()
    _answers: list = field(default_factory=list, repr=False)

    @property
    def expected(self) -> Mapping[str, object]:
        return self.answers[0]

    @property
    def answers(self) -> list[Mapping[str, object]]:
        """The reference answer, then the other accepted ones."""
        if not self._answers:
            self._answers.extend(answer() for answer in (self.answer, *self.other_answers))
        return self._answers


# ---- the course's literal inputs (assignment-reference.md §3.5, §3.6)

_BACKWARD_CACHE_V1 = {
    "A1": [
        [-0.00616578, 0.0020626, 0.00349619],
        [-0.05225116, 0.02725659, -0.02646251],
        [-0.02009721, 0.0036869, 0.02883756],
        [0.02152675, -0.01385234, 0.02599885],
    ],
    "A2": [[0.5002307, 0.49985831, 0.50023963]],
    "Z1": [
        [-0.00616586, 0.0020626, 0.0034962],
        [-0.05229879, 0.02726335, -0.02646869],
        [-0.02009991, 0.00368692, 0.02884556],
        [0.02153007, -0.01385322, 0.02600471],
    ],
    "Z2": [[0.00092281, -0.00056678, 0.00095853]],
}

_UPDATE_PARAMETERS = {
    "W1": [
        [-0.00615039, 0.0169021],
        [-0.02311792, 0.03137121],
        [-0.0169217, -0.01752545],
        [0.00935436, -0.05018221],
    ],
    "b1": [[-8.97523455e-07], [8.15562092e-06], [6.04810633e-07], [-2.54560700e-06]],
    "W2": [[-0.0104319, -0.04019007, 0.01607211, 0.04440255]],
    "b2": [[9.14954378e-05]],
}

_UPDATE_GRADIENTS = {
    "dW1": [
        [0.00023322, -0.00205423],
        [0.00082222, -0.00700776],
        [-0.00031831, 0.0028636],
        [-0.00092857, 0.00809933],
    ],
    "db1": [[1.05570087e-07], [-3.81814487e-06], [-1.90155145e-07], [5.46467802e-07]],
    "dW2": [[-1.75740039e-05, 3.70231337e-03, -1.25683095e-03, -2.55715317e-03]],
    "db2": [[-1.08923140e-05]],
}

_COST_A2_V1 = [[0.5002307, 0.49985831, 0.50023963]]
_COST_A2_V3 = [[0.5002307, 0.49985831, 0.50023963, 0.25, 0.7]]
_COST_A2_V4_1D = [0.7, 0.3, 0.8, 0.9, 0.9]
_COST_Y_V4 = [[1, 0, 1, 1, 1]]


def _arrays(values: Mapping[str, list]) -> dict[str, np.ndarray]:
    return {name: np.array(value, dtype=np.float64) for name, value in values.items()}


def course_initialization(n_x: int, n_h: int, n_y: int, seed: int) -> dict[str, np.ndarray]:
    """The course's random start for any n_y (the v3/v4 test asks for n_y = 2): the draws of
    engine.parameters.initialize, W1 before W2, from np.random.seed(seed)'s stream. For n_y = 1
    it is engine.initialize('random', …) itself."""
    if n_y == 1:
        return initialize("random", n_x, n_h, scale=0.01, seed=seed)
    rng = np.random.RandomState(seed)
    W1 = rng.randn(n_h, n_x) * 0.01
    W2 = rng.randn(n_y, n_h) * 0.01
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def _flower() -> tuple[np.ndarray, np.ndarray]:
    return BUILTIN_DATASETS["flower"].generate(1)


def _flower_parameters() -> dict[str, np.ndarray]:
    """Weights big enough that tanh is far from linear, so a wrong slope shows."""
    params = initialize("random", 2, COURSE_HIDDEN, scale=0.5, seed=3)
    rng = np.random.RandomState(4)
    params["b1"] = rng.randn(COURSE_HIDDEN, 1) * 0.5
    params["b2"] = np.array([[0.1]])
    return params


def _seed_two_weights(b1: np.ndarray, b2: np.ndarray) -> dict[str, np.ndarray]:
    """The course's seed-2 weights W1 (4, 2), W2 (1, 4) with the biases given."""
    start = course_initialization(2, COURSE_HIDDEN, 1, seed=2)
    return {"W1": start["W1"], "b1": b1, "W2": start["W2"], "b2": b2}


def _forward_answer(params, X) -> dict[str, object]:
    return _in_order(forward(params, X), CACHE_ORDER)


def _cost_answer(A2, Y) -> dict[str, object]:
    return {"cost": cost(A2, Y)}


def _predict_answer(params, X) -> dict[str, object]:
    return {"predictions": predict(params, X)}


def _trained(data, iterations: int, seed: int) -> dict[str, object]:
    trained = train(*data, COURSE_HIDDEN, iterations=iterations, seed=seed)
    return _in_order(trained, PARAMETER_NAMES)


def _in_order(values: Mapping[str, object], order: tuple[str, ...]) -> dict[str, object]:
    return {name: values[name] for name in order}


# ---- the cases, function by function


def _layer_sizes() -> list[Case]:
    rng = np.random.RandomState(1)
    X, Y = rng.randn(5, 3), rng.randn(2, 3)
    X2, Y2 = rng.randn(7, 5), rng.randn(5, 5)  # v3/v4: the same stream, continued
    flower_X, flower_Y = _flower()

    def sizes(X, Y):
        return dict(zip(SIZE_NAMES, (X.shape[0], COURSE_HIDDEN, Y.shape[0]), strict=True))

    return [
        Case("layer_sizes", "course test (every version)", (X, Y), partial(sizes, X, Y)),
        Case("layer_sizes", "course v3/v4 test, second case", (X2, Y2), partial(sizes, X2, Y2)),
        Case("layer_sizes", "flower", (flower_X, flower_Y), partial(sizes, flower_X, flower_Y)),
    ]


def _initialize_parameters() -> list[Case]:
    return [
        Case(
            "initialize_parameters",
            f"course {label}",
            sizes,
            partial(course_initialization, *sizes, seed=2),
            seed=2,
        )
        for label, sizes in (("v1/v2 test", (2, 4, 1)), ("v3/v4 test", (3, 5, 2)))
    ]


def _forward_propagation() -> list[Case]:
    rng = np.random.RandomState(1)
    X = rng.randn(2, 3)
    params = _seed_two_weights(rng.randn(4, 1), np.array([[-1.3]]))
    flower_X, _ = _flower()
    flower_params = _flower_parameters()
    return [
        Case(
            "forward_propagation",
            "course test (every version)",
            (X, params),
            partial(_forward_answer, params, X),
        ),
        Case(
            "forward_propagation",
            "flower",
            (flower_X, flower_params),
            partial(_forward_answer, flower_params, flower_X),
        ),
    ]


def _compute_cost() -> list[Case]:
    rng = np.random.RandomState(1)
    Y1 = rng.randn(1, 3) > 0
    rng = np.random.RandomState(1)
    Y3 = rng.randn(1, 5) > 0
    flower_X, flower_Y = _flower()
    flower_A2 = forward(_flower_parameters(), flower_X)["A2"]
    # v1's compute_cost(A2, Y, parameters) never used its third argument: any will do
    unused = (_seed_two_weights(np.zeros((4, 1)), np.zeros((1, 1))),)
    cases = [
        ("course v1/v2 test", np.array(_COST_A2_V1), Y1),
        ("course v3/v4 test, first case", np.array(_COST_A2_V3), Y3),
        ("course v4 test, 1-D A2", np.array(_COST_A2_V4_1D), np.array(_COST_Y_V4)),
        ("flower", flower_A2, flower_Y),
    ]
    return [
        Case("compute_cost", label, (A2, Y), partial(_cost_answer, A2, Y), extra_args=unused)
        for label, A2, Y in cases
    ]


def backward_v3_inputs() -> tuple[dict, dict, np.ndarray, np.ndarray]:
    """The v3/v4 test's parameters, cache, X and Y: one stream after seed(1), the cache random
    and inconsistent (A1 is not tanh(Z1), A2 is raw normals)."""
    rng = np.random.RandomState(1)
    X = rng.randn(3, 7)
    Y = rng.randn(1, 7) > 0
    params = {"W1": rng.randn(9, 3), "b1": np.zeros((9, 1)), "W2": rng.randn(1, 9)}
    params["b2"] = np.array([[0.0]])
    cache = {"A1": rng.randn(9, 7), "A2": rng.randn(1, 7), "Z1": rng.randn(9, 7)}
    cache["Z2"] = rng.randn(1, 7)
    return params, cache, X, Y


def _backward_propagation() -> list[Case]:
    rng = np.random.RandomState(1)
    X = rng.randn(2, 3)
    Y = rng.randn(1, 3) > 0
    params = _seed_two_weights(np.zeros((4, 1)), np.zeros((1, 1)))
    flower_X, flower_Y = _flower()
    flower_params = _flower_parameters()
    inputs = [
        ("course v1/v2 test", (params, _arrays(_BACKWARD_CACHE_V1), X, Y)),
        ("course v3/v4 test (a random cache)", backward_v3_inputs()),
        ("flower", (flower_params, forward(flower_params, flower_X), flower_X, flower_Y)),
    ]
    return [
        Case("backward_propagation", label, args, partial(backward, *args))
        for label, args in inputs
    ]


def _update_parameters() -> list[Case]:
    params, grads = _arrays(_UPDATE_PARAMETERS), _arrays(_UPDATE_GRADIENTS)
    flower_X, flower_Y = _flower()
    flower_params = _flower_parameters()
    flower_grads = backward(flower_params, forward(flower_params, flower_X), flower_X, flower_Y)
    return [
        Case(
            "update_parameters",
            label,
            (p, g),
            partial(update, p, g, COURSE_LEARNING_RATE),
        )
        for label, p, g in (
            ("course test (every version)", params, grads),
            ("flower", flower_params, flower_grads),
        )
    ]


def _nn_model() -> list[Case]:
    rng = np.random.RandomState(1)
    X = rng.randn(2, 4)
    Y = rng.randn(1, 4) > 0
    flower_X, flower_Y = _flower()
    cases = []
    for label, data, iterations in (
        ("course v4 test", (X, Y), 10_000),
        ("flower", (flower_X, flower_Y), FLOWER_NN_ITERATIONS),
    ):
        cases.append(
            Case(
                "nn_model",
                f"{label}, {iterations} iterations",
                (*data, COURSE_HIDDEN, iterations, False),
                partial(_trained, data, iterations, 3),
                seed=3,  # the v3/v4 template seeds 3 in nn_model, and the test before it
                other_answers=(partial(_trained, data, iterations, 2),),  # v1/v2 reseed 2 in init
            )
        )
    return cases


def _predict() -> list[Case]:
    rng = np.random.RandomState(1)
    X = rng.randn(2, 3)
    params = _arrays(_UPDATE_PARAMETERS)
    flower_X, _ = _flower()
    flower_params = _flower_parameters()
    return [
        Case("predict", label, (p, x), partial(_predict_answer, p, x))
        for label, p, x in (
            ("course test (every version)", params, X),
            ("flower", flower_params, flower_X),
        )
    ]


_BUILDERS = {
    "layer_sizes": _layer_sizes,
    "initialize_parameters": _initialize_parameters,
    "forward_propagation": _forward_propagation,
    "compute_cost": _compute_cost,
    "backward_propagation": _backward_propagation,
    "update_parameters": _update_parameters,
    "nn_model": _nn_model,
    "predict": _predict,
}
assert tuple(_BUILDERS) == GRADED


@cache
def cases_for(function: str) -> tuple[Case, ...]:
    """Every case `function` is checked on; built once per process (nn_model's trains)."""
    return tuple(_BUILDERS[function]())


def all_cases() -> dict[str, tuple[Case, ...]]:
    return {name: cases_for(name) for name in GRADED}
