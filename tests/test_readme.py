"""The README stays true to the code it describes: every key of the command table is in its
Keys paragraph, and its two commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from textual.keys import key_to_character

from tui.app.commands import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _keys_paragraph() -> str:
    match = re.search(r"^Keys: (.*?)\n\n", README, re.MULTILINE | re.DOTALL)
    assert match, "the README has no paragraph starting 'Keys:'"
    return match[1]


def test_every_key_of_the_command_table_is_in_the_readme():
    paragraph = _keys_paragraph()
    missing = []
    for command in COMMANDS:
        if not command.keys:
            continue
        first = command.keys.split(",")[0]
        shown = command.key_display or key_to_character(first) or first
        if f"`{shown}`" not in paragraph:
            missing.append(f"{shown} ({command.id})")
    assert missing == []


def test_ci_runs_the_readme_test_command_after_installing_as_the_readme_says():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ".venv/bin/python -m pytest" in README and ".venv/bin/python -m pytest" in ci
    install = "pip install -c .ci/constraints.txt -e '.[test]'"
    assert install in README
    assert install.replace("pip install", "pip install --quiet") in ci
