"""The README's set-up commands are the ones CI runs, and its curl examples give the output it shows."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, LiveServer

README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = re.compile(r"```sh\n(curl [^\n]+)\n```\n(?:```\n(.*?)```\n)?", re.DOTALL)
INLINE = re.compile(r"`(curl [^`]+)`")
PORT = "http://127.0.0.1:8000"


def _commands(root: Path) -> list[str]:
    text = (root / "README.md").read_text(encoding="utf-8")
    section = text.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_readme_states_exactly_two_setup_commands(root: Path) -> None:
    commands = _commands(root)
    assert len(commands) == 2
    assert "govkg serve" in commands[0] and "pytest" in commands[1]


def test_ci_runs_the_readme_test_command(root: Path) -> None:
    assert _commands(root)[1] in (root / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_has_curl_examples_with_output() -> None:
    assert len([m for m in EXAMPLE.finditer(README) if m[2]]) >= 5


def _run(command: str, live: LiveServer, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    assert PORT in command
    return subprocess.run(
        ["bash", "-c", command.replace(PORT, live.url)], cwd=cwd, capture_output=True, timeout=60, check=False
    )


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.parametrize(
    ("command", "output"),
    [m.groups() for m in EXAMPLE.finditer(README)],
    ids=[f"example-{n}" for n, _ in enumerate(EXAMPLE.finditer(README), 1)],
)
def test_curl_example_prints_what_the_readme_shows(live: LiveServer, command: str, output: str | None) -> None:
    done = _run(command, live, ROOT)
    assert done.returncode == 0, done.stderr
    printed = done.stdout.decode("utf-8").replace("\r\n", "\n")
    assert printed.strip() and (output is None or printed == output)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.parametrize("command", INLINE.findall(README))
def test_inline_curl_example_works(live: LiveServer, tmp_path: Path, command: str) -> None:
    done = _run(command + " -f", live, tmp_path)
    assert done.returncode == 0, done.stderr
    written = [p for p in tmp_path.iterdir() if p.stat().st_size]
    assert done.stdout.strip() or written
