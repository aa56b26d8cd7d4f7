"""The wheel has everything: built from this tree, installed (not editable) into a fresh venv,
it lists the lessons, checks one, and knows its version.

Slow (a build and an install, about half a minute from pip's cache), so marked; CI runs it.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / ".ci" / "constraints.txt"


def _run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin folder of a fresh venv with the wheel of this tree installed."""
    work = tmp_path_factory.mktemp("wheel")
    built = _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", work / "dist", ROOT, cwd=work
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (work / "dist").glob("stepnet-*.whl")
    made = _run(sys.executable, "-m", "venv", work / "venv", cwd=work)
    assert made.returncode == 0, made.stderr
    bin_dir = work / "venv" / "bin"
    pip = _run(bin_dir / "pip", "install", "--quiet", "-c", CONSTRAINTS, wheel, cwd=work)
    assert pip.returncode == 0, pip.stderr
    return bin_dir


@pytest.mark.slow
def test_the_installed_wheel_lists_the_shipped_lessons(installed, tmp_path):
    listing = _run(installed / "stepnet", "lessons", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    shipped = sorted(path.stem for path in (ROOT / "samples").glob("*.toml"))
    listed = [line.split()[0] for line in listing.stdout.splitlines() if line[:2].isdigit()]
    assert listed == shipped


@pytest.mark.slow
def test_the_installed_wheel_checks_a_lesson(installed, tmp_path):
    checked = _run(installed / "stepnet", "lesson", "9", "--check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "claims in" in checked.stdout and "hold" in checked.stdout
    # the lesson was read from the installed package, not from this clone
    assert str(ROOT) not in checked.stdout


@pytest.mark.slow
def test_the_installed_wheel_knows_its_version(installed, tmp_path):
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    shown = _run(installed / "stepnet", "--version", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == f"stepnet {version}"


@pytest.mark.slow
def test_the_installed_wheel_draws_a_png_of_the_screen(installed, tmp_path):
    # the picture package and Pillow came with the wheel
    out = tmp_path / "start.png"
    drawn = _run(installed / "stepnet", "snapshot", "--size", "60x20", "-o", out, cwd=tmp_path)
    assert drawn.returncode == 0, drawn.stderr
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
