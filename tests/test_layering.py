"""The engine runs headless and in notebooks: importing and using it never loads Textual."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_engine_never_imports_textual():
    script = (
        "import sys, engine\n"
        "X, Y = engine.load_dataset('flower')\n"
        "stepper = engine.Stepper(X, Y, engine.initialize('random', 2, 4))\n"
        "stepper.step(); stepper.run(10)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
