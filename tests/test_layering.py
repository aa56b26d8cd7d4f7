"""The layers point one way (engine ← session ← lessons ← app ← cli/serve), the engine runs
headless and never loads Textual, and the wheel carries every package."""

import ast
import subprocess
import sys
import tomllib
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


def test_every_package_in_the_tree_is_in_the_wheel():
    # pyproject.toml lists the packages by hand (samples/ is mapped in as tui.lessons.shipped),
    # so a new folder must be added there, or the wheel goes out without it
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    in_tree = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("engine", "tui")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert in_tree <= listed, f"add to pyproject.toml's packages: {sorted(in_tree - listed)}"


# engine ← session ← lessons ← app ← cli / serve / benchmarks: a module may import its own
# layer and the ones below it, never one above (imports inside functions count too)
LAYERS = {
    "engine": 0,
    "tui.session": 1,
    "tui.lessons": 2,
    "tui.app": 3,
    "tui.cli": 4,
    "tui.serve": 4,
    "tui.benchmarks": 4,
}
NO_TEXTUAL = ("engine", "tui.session", "tui.lessons")


def _layer(module: str) -> str | None:
    return next((name for name in LAYERS if module == name or module.startswith(name + ".")), None)


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _modules():
    for top in ("engine", "tui"):
        for path in sorted((ROOT / top).rglob("*.py")):
            yield ".".join(path.relative_to(ROOT).with_suffix("").parts), path


def test_every_module_imports_only_its_own_layer_and_those_below():
    wrong = []
    for module, path in _modules():
        own = _layer(module)
        if own is None:  # tui/__init__.py, tui/__main__.py: the entry point, above them all
            continue
        for imported in _imports(path):
            theirs = _layer(imported)
            if theirs is not None and LAYERS[theirs] > LAYERS[own]:
                wrong.append(f"{module} imports {imported}")
            if own.startswith(NO_TEXTUAL) and imported.split(".")[0] == "textual":
                wrong.append(f"{module} imports {imported}")
    assert wrong == []
