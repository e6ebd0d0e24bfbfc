"""`govkg ingest` and `govkg evaluate` on the command line: one-line errors, the dry-run table, the scores."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT, Outcome
from govkg.ingest.evaluate import CATEGORIES

DOCUMENTS = ROOT / "tests" / "ingest" / "documents"
MEASURES = ("precision", "recall", "f1")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The smallest project `govkg ingest` reads: the ontology, the entities and the sources."""
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    shutil.copytree(ROOT / "data" / "sources", tmp_path / "data" / "sources")
    for name in ("entities.ttl", "asserted.ttl"):
        shutil.copy(ROOT / "data" / name, tmp_path / "data" / name)
    return tmp_path


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("extra", [[], ["--dry-run"], ["--lang", "fr"]])
def test_missing_file_is_a_one_line_error(
    runner: Callable[..., Outcome], project: Path, tmp_path: Path, extra: list[str]
) -> None:
    missing = tmp_path / "nope.txt"
    outcome = runner("--root", str(project), "ingest", *extra, str(DOCUMENTS / "retelling.fr.txt"), str(missing))
    assert outcome.code == 2
    assert outcome.stderr.startswith("govkg: error: no such file:") and outcome.stderr.count("\n") == 1
    assert "nope.txt" in outcome.stderr and outcome.stdout == b""


def test_dry_run_prints_a_table_with_quotes(runner: Callable[..., Outcome], project: Path) -> None:
    before = files(project)
    outcome = runner("--root", str(project), "ingest", "--dry-run", str(DOCUMENTS / "signing-long-list.fr.txt"))
    assert outcome.code == 0, outcome.stderr
    lines = outcome.stdout.decode("utf-8").splitlines()
    assert "signing-long-list.fr.txt: " in lines[0] and "(fr)" in lines[0] and "facts proposed" in lines[0]
    header = lines[1].split()
    assert header == ["subject", "predicate", "object", "conf", "quote"]
    table = "\n".join(lines[2:])
    for quote in ("Allemagne", "Arabie saoudite", "République de Corée", "Union européenne", "Hongrie"):
        assert quote in table
    assert "gk:signatory" in table and "gk:nonEndorser" in table
    assert files(project) == before


def check_scores(scores: dict[str, dict[str, float]]) -> None:
    assert list(scores) == sorted(CATEGORIES) and len(scores) == 5
    for category, values in scores.items():
        for measure in MEASURES:
            assert 0.0 <= values[measure] <= 1.0, (category, measure, values)
        assert all(isinstance(values[n], int) and values[n] >= 0 for n in ("tp", "fp", "fn")), (category, values)


def test_evaluate_json(runner: Callable[..., Outcome]) -> None:
    outcome = runner("--root", str(ROOT), "evaluate", "--json")
    assert outcome.code == 0, outcome.stderr
    scores = json.loads(outcome.stdout)
    check_scores(scores)
    assert sum(s["tp"] + s["fn"] for s in scores.values()) > 0  # the corpus has gold facts to find


def test_evaluate_gold_folder(runner: Callable[..., Outcome], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    outcome = runner("--root", str(ROOT), "evaluate", "--gold", "tests/ingest")
    assert outcome.code == 0, outcome.stderr
    lines = outcome.stdout.decode("utf-8").splitlines()
    assert lines[0].split() == ["category", "P", "R", "F1", "tp", "fp", "fn"]
    rows = {line[:24].strip(): line[24:].split() for line in lines[1:]}
    assert list(rows) == list(CATEGORIES)
    for category, cells in rows.items():
        assert all(0.0 <= float(v) <= 1.0 for v in cells[:3]), (category, cells)
    assert int(rows["negations"][3]) >= 10  # the held-out documents state a dozen negative facts


def test_a_failing_file_is_reported_and_the_others_are_still_ingested(
    runner: Callable[..., Outcome], project: Path, tmp_path: Path
) -> None:
    """Each file's outcome is printed as it is done; one bad file is one line on stderr and exit 2, never a
    half-written project (its rows and text are written whole or not at all)."""
    empty, too_long = tmp_path / "empty.txt", tmp_path / "long.txt"
    empty.write_text("", encoding="utf-8")
    too_long.write_text("La France a signé la Charte de Lyon. " * 6_000, encoding="utf-8")
    good = DOCUMENTS / "signing-long-list.fr.txt"
    outcome = runner("--root", str(project), "ingest", str(empty), str(good), str(too_long))
    assert outcome.code == 2
    errors = outcome.stderr.splitlines()
    assert len(errors) == 2 and all(line.startswith("govkg: error: ") for line in errors)
    assert "empty.txt" in errors[0] and "long.txt" in errors[1] and "200,000" in errors[1]
    assert b"signing-long-list.fr.txt: " in outcome.stdout
    written = {p.name.split(".")[0] for p in (project / "data" / "annotations").glob("*.tsv")}
    texts = {p.stem for p in (project / "data" / "sources").glob("[0-9]*_*.txt")}
    assert written <= texts and len(texts) == 6  # the five corpus documents and the good one, each complete
    assert not list(project.rglob(".*.tmp"))


def test_a_title_with_a_tab_or_a_backslash_still_makes_readable_rows(
    runner: Callable[..., Outcome], project: Path, tmp_path: Path
) -> None:
    document = tmp_path / "pact.md"
    document.write_text("# Norway signs\tthe Oslo Pact (ref. DOC\\new-7)\n\nNorway and Iceland signed the Oslo Pact "
                        "on AI on 3 March 2025.\n", encoding="utf-8")  # fmt: skip
    assert runner("--root", str(project), "ingest", str(document)).code == 0
    (rows,) = (project / "data" / "annotations").glob("*.tsv")
    for line in rows.read_text(encoding="utf-8").splitlines():
        assert line.startswith("#") or line.count("\t") == 5, line
    shutil.copytree(ROOT / "shapes", project / "shapes")
    outcome = runner("--root", str(project), "extract")
    assert outcome.code == 0, outcome.stderr
