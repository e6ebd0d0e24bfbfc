"""`govkg ingest` end to end, in a copy of the project: a new document becomes machine-proposed rows, the same file
twice changes nothing, a dry run writes nothing, and after `govkg extract` and `govkg build` the dataset conforms and
answers who signed the convention (the acceptance test of the ingestion issue). One build per module."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import sys
from collections.abc import Callable
from contextlib import redirect_stderr
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import Outcome
from govkg import cli
from govkg.build import DATASET_FILE, REPORT_TEXT
from govkg.extract.annotations import read_meta, read_rows
from govkg.ingest.read import read_document

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DOCUMENT = HERE / "documents" / "signing-long-list.fr.txt"
GKD = "https://w3id.org/govkg/id/"
SIGNATORIES = {
    "germany", "saudi-arabia", "australia", "brazil", "canada", "spain", "france", "ireland", "italy", "japan",
    "morocco", "portugal", "south-korea", "european-union",
}  # fmt: skip
NON_SIGNATORIES = {"united-states", "india", "hungary", "mexico"}
SIGNERS = """PREFIX gk: <https://w3id.org/govkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?actor WHERE { ?actor gk:endorses ?i . ?i rdfs:label ?l FILTER(CONTAINS(STR(?l), "Lisbonne")) }"""
STATUSES = """PREFIX gk: <https://w3id.org/govkg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?doc ?status (COUNT(?c) AS ?n) WHERE {
  ?c a gk:Claim ; prov:wasDerivedFrom ?doc . OPTIONAL { ?c gk:reviewStatus ?status } } GROUP BY ?doc ?status"""


@dataclass
class Project:
    """A copy of the project after ingesting DOCUMENT, extracting and building."""

    root: Path
    stem: str
    ingest: Outcome
    extract: Outcome
    build: Outcome

    def dataset(self) -> str:
        return str(self.root / "build" / DATASET_FILE)


def govkg(root: Path, *args: str) -> Outcome:
    """Run `govkg --root ROOT ARGS` in-process (the `runner` fixture, for module-scoped fixtures)."""
    out, err = io.BytesIO(), io.StringIO()
    wrapper = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    with pytest.MonkeyPatch.context() as patch, redirect_stderr(err):
        patch.setattr(sys, "stdout", wrapper)
        code = cli.main(["--root", str(root), *args])
    wrapper.flush()
    return Outcome(code, out.getvalue(), err.getvalue())


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("project")
    for folder in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(ROOT / folder, root / folder)
    before = set(snapshot(root / "data" / "sources"))
    ingest = govkg(root, "ingest", str(DOCUMENT))
    (new,) = set(snapshot(root / "data" / "sources")) - before
    extract = govkg(root, "extract")
    build = govkg(root, "build", "--out", str(root / "build"))  # --out: the default is ./build, not the root's
    return Project(root, Path(new).stem, ingest, extract, build)


def test_ingest_stores_the_text_and_its_rows(project: Project) -> None:
    text = read_document(DOCUMENT).text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    assert project.ingest.code == 0, project.ingest.stderr
    numbers = [int(p.name[:3]) for p in (ROOT / "data" / "sources").glob("[0-9][0-9][0-9]_*.txt")]
    assert project.stem == f"{max(numbers) + 1:03d}_{digest}"
    assert project.stem.encode() in project.ingest.stdout
    assert (project.root / "data" / "sources" / f"{project.stem}.txt").read_text(encoding="utf-8") == text
    assert (project.root / "data" / "annotations" / f"{project.stem}.tsv").is_file()


def test_rows_are_machine_proposals(project: Project) -> None:
    path = project.root / "data" / "annotations" / f"{project.stem}.tsv"
    meta = read_meta(path)
    assert "#@ language: fr" in path.read_text(encoding="utf-8").splitlines()
    assert meta["language"] == "fr"
    assert meta["source"] == DOCUMENT.name
    tool, model, _ = (part.strip() for part in meta["ingested"].split(";"))
    assert tool.startswith("govkg-ingest/") and model == "fr_core_news_md/3.8.0"
    rows = read_rows(path)
    assert len(rows) >= 30
    assert all(row.machine and row.review.startswith("machine govkg-ingest/") for row in rows)
    assert {row.review.rsplit(" ", 1)[0] for row in rows} == {f"machine {tool} {model}"}


def test_the_same_file_twice_changes_nothing(project: Project) -> None:
    before = snapshot(project.root / "data")
    again = govkg(project.root, "ingest", str(DOCUMENT))
    assert again.code == 0
    assert f"already ingested as {project.stem}".encode() in again.stdout
    assert snapshot(project.root / "data") == before


def test_dry_run_writes_nothing(project: Project) -> None:
    before = snapshot(project.root / "data")
    outcome = govkg(project.root, "ingest", "--dry-run", str(HERE / "documents" / "declaration-not-signed.fr.txt"))
    assert outcome.code == 0 and b"facts proposed" in outcome.stdout
    assert snapshot(project.root / "data") == before


def test_extract_and_build_conform(project: Project) -> None:
    assert project.extract.code == 0, project.extract.stderr
    assert f"claims/{project.stem}.ttl".encode() in project.extract.stdout
    assert project.build.code == 0, project.build.stderr
    assert (project.root / "build" / REPORT_TEXT).read_text(encoding="utf-8").startswith("Conforms: True")


def query(runner: Callable[..., Outcome], project: Project, text: str) -> list[dict[str, str]]:
    outcome = runner("--root", str(project.root), "query", text, "--dataset", project.dataset(), "--format", "csv")
    assert outcome.code == 0, outcome.stderr
    return list(csv.DictReader(io.StringIO(outcome.stdout.decode("utf-8"))))


def test_the_signatories_are_exactly_the_fourteen(project: Project, runner: Callable[..., Outcome]) -> None:
    actors = {row["actor"].removeprefix(GKD) for row in query(runner, project, SIGNERS)}
    assert actors == SIGNATORIES
    assert not actors & NON_SIGNATORIES


def test_expected_file_lists_the_same_number_of_signatories() -> None:
    rows = read_rows(HERE / "expected" / "signing-long-list.tsv")
    assert len({r.obj for r in rows if r.predicate == "gk:signatory"}) == len(SIGNATORIES)
    assert len({r.obj for r in rows if r.predicate == "gk:nonEndorser"}) == len(NON_SIGNATORIES)


def test_review_status_follows_the_rows(project: Project, runner: Callable[..., Outcome]) -> None:
    """Every claim of the ingested document is MachineProposed; the curated document's claims are Reviewed."""
    counts: dict[str, dict[str, int]] = {}
    for row in query(runner, project, STATUSES):
        stem = row["doc"].rsplit("/", 1)[-1]
        counts.setdefault(stem, {})[row["status"].rsplit("#", 1)[-1]] = int(row["n"])
    (curated,) = [stem for stem in counts if stem.startswith("000_")]
    assert set(counts[project.stem]) == {"MachineProposed"} and counts[project.stem]["MachineProposed"] >= 30
    assert set(counts[curated]) == {"Reviewed"} and counts[curated]["Reviewed"] > 0
