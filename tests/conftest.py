"""Shared fixtures: the repository root, one in-memory build per session, a CLI runner."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from contextlib import redirect_stderr
from dataclasses import dataclass
from pathlib import Path

import pytest

from govkg import cli
from govkg.build import Build, build

ROOT = Path(__file__).resolve().parents[1]

@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root (a govkg project)."""
    return ROOT

@pytest.fixture(scope="session")
def project_build() -> Build:
    """The project built once per test session."""
    return build(ROOT)

@dataclass
class Outcome:
    """What a CLI invocation returned and printed."""

    code: int
    stdout: bytes
    stderr: str

class _Stdout(io.TextIOWrapper):
    """A text stdout whose .buffer collects bytes."""

@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Outcome]:
    """Run `govkg` in-process like click's CliRunner: returns exit code, stdout bytes, stderr text."""

    def run(*args: str) -> Outcome:
        out, err = io.BytesIO(), io.StringIO()
        wrapper = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
        monkeypatch.setattr(sys, "stdout", wrapper)
        with redirect_stderr(err):
            code = cli.main(list(args))
        wrapper.flush()
        monkeypatch.undo()
        return Outcome(code, out.getvalue(), err.getvalue())

    return run
