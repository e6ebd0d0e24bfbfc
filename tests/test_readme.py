"""The README's set-up commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path


def _commands(root: Path) -> list[str]:
    text = (root / "README.md").read_text(encoding="utf-8")
    section = text.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_readme_states_exactly_two_setup_commands(root: Path) -> None:
    commands = _commands(root)
    assert len(commands) == 2
    assert "govkg build" in commands[0] and "pytest" in commands[1]


def test_ci_runs_the_readme_test_command(root: Path) -> None:
    assert _commands(root)[1] in (root / ".ci" / "run").read_text(encoding="utf-8")
