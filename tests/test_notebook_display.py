"""In a notebook, events, runs, diagnostics and scores show as Rich tables (`_repr_html_` for
Jupyter, `__rich__` for Rich), while the engine itself still loads and runs without Rich."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from engine_fixtures import flower
from rich.console import Console

import engine
from engine.config import RunConfig
from engine.diagnostics import linear_collapse, symmetry
from engine.generalisation import scores

ROOT = Path(__file__).resolve().parents[1]


def text_of(renderable) -> str:
    console = Console(file=None, width=100, record=True, color_system=None)
    with console.capture() as captured:
        console.print(renderable)
    return captured.get()


def test_the_engine_runs_without_loading_rich():
    script = (
        "import sys, engine\n"
        "X, Y = engine.load_dataset('flower')\n"
        "s = engine.Stepper(X, Y, engine.initialize('random', 2, 4))\n"
        "s.step(); s.run(5); engine.diagnostics.symmetry(s.parameters())\n"
        "print('rich' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_an_event_shows_its_formula_numpy_line_shapes_and_value():
    stepper = RunConfig().stepper(flower())
    for _ in range(5):
        event = stepper.step()  # the cost
    shown = text_of(event)
    assert "iteration 0 · step 5/15 · cost · cost" in shown
    assert event.formula in shown and event.code in shown
    assert f"{event.value:.6g}" in shown
    stepper.goto(1)
    z1 = stepper.event
    shown = text_of(z1)
    assert "W1 (4, 2), X (2, 400), b1 (4, 1)" in shown and "(4, 400)" in shown
    assert f"{z1.value[0, 0]:.4f}" in shown


def test_html_is_one_escaped_pre_block_for_jupyter():
    stepper = RunConfig().stepper(flower())
    result = stepper.run(100_000, until_converged=True, tolerance=1e-4)
    assert result.reason == "converged"
    html = result._repr_html_()
    assert html.startswith("<pre ") and html.endswith("</pre>")
    assert "|ΔJ| < 0.0001" in result.message  # so the HTML must escape it
    assert "|ΔJ| &lt; 0.0001" in html
    assert f"{result.iterations:d}" in html


def test_symmetry_collapse_and_scores_show_their_numbers():
    zeros = RunConfig(init="zeros").stepper(flower())
    zeros.run(3)
    assert "{0, 1, 2, 3}" in text_of(symmetry(zeros.parameters()))
    X, Y = flower()
    params = engine.initialize("random", 2, 4, scale=0.5, seed=1)
    collapse = linear_collapse(params, X)
    shown = text_of(collapse)
    assert f"{collapse.max_difference:.3g}" in shown and "W′ = W2·W1" in shown
    s = scores(params, X, Y, "tanh")
    shown = text_of(s)
    (n00, n01), (n10, n11) = s.confusion
    assert f"{n00:d} / {n01:d}" in shown and f"{n10:d} / {n11:d}" in shown
    assert f"{100 * s.accuracy:.2f}%" in shown and "scores on 400 examples" in shown
    assert np.isfinite(s.cost)
