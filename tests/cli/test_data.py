"""`govkg build --timings`: each stage's time on stderr, the outputs unchanged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

STAGES = ["load", "validate", "reason", "serialize", "statistics", "write"]


def test_build_timings_name_every_stage(runner: Callable, tmp_path: Path) -> None:
    outcome = runner("build", "--out", str(tmp_path), "--timings")
    assert outcome.code == 0, outcome.stderr
    timed = [line.split()[1] for line in outcome.stderr.splitlines() if line.startswith("govkg: ")]
    assert timed == STAGES
    assert (tmp_path / "govkg.nq").is_file()
