"""The benchmark runner (bench/run.py): its quick mode runs end to end on every installed server, and servers
whose answers differ are reported as a mismatch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))  # bench/ is a folder of scripts, not a package
import contenders
import queryset
import rss
import run

pytestmark = pytest.mark.long


def quick(tmp_path: Path, request: pytest.FixtureRequest) -> tuple[subprocess.CompletedProcess[str], dict]:
    """`bench/run.py --quick` (the corpus when bench/generate.py is absent); its output and its JSON figures."""
    data = [] if run.GENERATOR.is_file() else ["--data", str(request.getfixturevalue("built"))]
    figures = tmp_path / "run.json"
    argv = [sys.executable, "bench/run.py", "--quick", "--cache", str(tmp_path), "--json", str(figures), *data]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done, json.loads(figures.read_text())


def test_quick_mode_measures_every_installed_server_and_stops_them(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    done, figures = quick(tmp_path, request)
    (size,) = figures["sizes"].values()
    installed = [name for name in contenders.STARTERS if contenders.installed(name)]
    assert list(size["servers"]) == installed and {"govkg", "oxigraph-mem"} <= set(installed)
    assert not size["mismatches"] and len({json.dumps(v) for v in size["answers"].values()}) >= 1
    assert [cell["concurrency"] for cell in size["cells"]] == [1, 8, 1, 8]
    for cell in size["cells"]:
        for name, figures_of in cell["servers"].items():
            assert figures_of["rps"] > 0 and figures_of["errors"] == 0, (cell["query"], name)
    for name, server in size["servers"].items():
        assert 0 < server["ttfa_s"] < 120 and server["peak_rss"] >= server["peak_pss"] > 0, name
        assert not Path(f"/proc/{server['pid']}").exists(), f"{name} still runs"
    assert "govkg/oxigraph-mem" in done.stdout and "peak RSS MiB" in done.stdout


def quads(count: int) -> str:
    """`count` N-Quads lines, each in its own named graph."""
    return "".join(f"<urn:s{i}> <urn:p> <urn:o{i}> <urn:g{i}> .\n" for i in range(count))


def test_servers_that_answer_differently_are_a_mismatch(tmp_path: Path) -> None:
    built, small = tmp_path / "full.nq", tmp_path / "small.nq"
    built.write_text(quads(80))
    small.write_text(quads(50))
    query = queryset.Query("count", "SELECT ?s WHERE { ?s ?p ?o }")
    with rss.Sampler() as sampler:
        started = {}
        try:
            for name, data in [("full", built), ("small", small)]:
                one = contenders.start_oxigraph_memory(contenders.Options(data, tmp_path, sampler))
                started[name] = one
            sizes, mismatches = queryset.agreement({n: s.server for n, s in started.items()}, [query])
        finally:
            run.stop_all(started)
    assert sizes["count"] == {"full": 80, "small": 50}  # the union default graph: every named graph counts
    assert mismatches == ["count: full=80, small=50"]
