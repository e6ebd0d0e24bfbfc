"""The build: byte-identical outputs, a readable failure on broken data, a configurable base IRI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govkg.build import Build, statistics, write

OUTPUTS = ["govkg.nq", "govkg.trig", "validation.ttl", "validation.txt", "stats.json"]


def _build_in_subprocess(root: Path, out: Path, seed: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run(
        [sys.executable, "-m", "govkg.cli", "--root", str(root), *extra, "build", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.long
def test_two_builds_are_byte_identical(root: Path, built: Path, tmp_path: Path) -> None:
    """The session's build (this process, whatever ran before it) and `govkg build` in a process with another hash
    seed write the same bytes."""
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    done = _build_in_subprocess(root, tmp_path, seed)
    assert done.returncode == 0, done.stderr
    for name in OUTPUTS:
        assert (built.parent / name).read_bytes() == (tmp_path / name).read_bytes(), name


@pytest.fixture
def broken_project(root: Path, tmp_path: Path) -> Path:
    """A copy of the project whose entities file has a state with a malformed ISO code."""
    copy = tmp_path / "project"
    for part in ("ontology", "shapes", "data"):
        shutil.copytree(root / part, copy / part)
    entities = copy / "data" / "entities.ttl"
    entities.write_text(
        entities.read_text(encoding="utf-8").replace('gk:iso3166Alpha2 "JP"', 'gk:iso3166Alpha2 "jp1"'),
        encoding="utf-8",
    )
    return copy


@pytest.mark.long
@pytest.mark.parametrize("command", [["build", "--out", "OUT"], ["validate"]])
def test_broken_data_fails_naming_focus_path_and_constraint(
    broken_project: Path, tmp_path: Path, runner, command: list[str]
) -> None:
    args = [str(tmp_path / "out") if a == "OUT" else a for a in command]
    outcome = runner("--root", str(broken_project), *args)
    assert outcome.code == 1
    assert "https://w3id.org/govkg/id/japan" in outcome.stderr
    assert "gk:iso3166Alpha2" in outcome.stderr and "sh:PatternConstraintComponent" in outcome.stderr


def test_unparseable_data_file_is_a_one_line_error(broken_project: Path, runner) -> None:
    (broken_project / "data" / "asserted.ttl").write_text("this is not turtle", encoding="utf-8")
    outcome = runner("--root", str(broken_project), "validate")
    assert outcome.code == 2
    assert outcome.stderr.count("\n") == 1 and "asserted.ttl" in outcome.stderr


def test_statistics_report_full_quote_coverage(project_build: Build) -> None:
    stats = statistics(project_build)
    assert stats["conforms"] is True
    assert stats["quote_coverage"] == 1.0
    assert stats["asserted_facts"] == stats["asserted_facts_with_quote"] > 0
    assert stats["entities_by_class"]["gk:State"] == 12


@pytest.mark.long
def test_base_iri_is_configurable(root: Path, tmp_path: Path) -> None:
    done = _build_in_subprocess(root, tmp_path / "out", "0", "--base-iri", "http://example.org/kg/")
    assert done.returncode == 0, done.stderr
    quads = (tmp_path / "out" / "govkg.nq").read_text(encoding="utf-8")
    assert "<http://example.org/kg/id/france>" in quads and "w3id.org/govkg" not in quads
    stats = json.loads((tmp_path / "out" / "stats.json").read_text(encoding="utf-8"))
    assert stats["conforms"] is True


def test_trig_output_is_the_same_dataset_as_the_nquads(project_build: Build, tmp_path: Path) -> None:
    """Multi-line literals survive TriG (a regression: their continuation lines were once indented)."""
    from rdflib import Dataset

    write(project_build, tmp_path)
    quads, trig = Dataset(), Dataset()
    quads.parse(tmp_path / "govkg.nq", format="nquads")
    trig.parse(tmp_path / "govkg.trig", format="trig")
    from rdflib.compare import isomorphic

    names = {g.identifier for g in quads.graphs() if len(g)}
    assert names == {g.identifier for g in trig.graphs() if len(g)}
    assert all(isomorphic(quads.graph(name), trig.graph(name)) for name in names)
