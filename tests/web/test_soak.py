"""The soak script (bench/soak.py) in a short run: mixed fast, bad and runaway requests from several clients
against the production server, with no unexpected error (the full run is 16 clients for 60 s: see
docs/reliability.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.alone  # the soak asserts latencies (tests/parallel.py)


def test_a_short_soak_has_no_unexpected_error(built: Path) -> None:
    command = [sys.executable, "bench/soak.py", "--clients", "6", "--seconds", "8", "--timeout", "2", "--workers", "6"]
    done = subprocess.run(
        [*command, "--dataset", str(built)], cwd=ROOT, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "unexpected errors: 0" in done.stdout
    assert "fast queries: 100.0% answered 200" in done.stdout, done.stdout
