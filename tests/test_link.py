"""The link graph: exactly the verified reference rows, each link with its evidence; coverage; bad input."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from govkg.build import Build
from govkg.link import LinkError, link_graph
from govkg.load import parse_files
from govkg.namespaces import GK, GKD
from govkg.targets import BY_NAME

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared" / "reference" / "wikidata-links.csv"
RELATIONS = {"owl:sameAs": OWL.sameAs, "skos:exactMatch": SKOS.exactMatch, "skos:closeMatch": SKOS.closeMatch}
WD, DBR = "http://www.wikidata.org/entity/", "http://dbpedia.org/resource/"


def reference_rows() -> dict[str, tuple[int, dict[str, str]]]:
    """The reference table read with the csv module: label -> (line, row)."""
    with (DATA / "reference" / "wikidata-links.csv").open(encoding="utf-8", newline="") as f:
        return {row["label"]: (n, row) for n, row in enumerate(csv.DictReader(f), start=2)}


def mapping_rows() -> list[list[str]]:
    """The rows of data/links.tsv: entity, reference label, relation."""
    lines = (DATA / "links.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[:3] for line in lines if line and not line.startswith(("#", "entity\t"))]


@pytest.fixture(scope="module")
def links() -> Graph:
    return parse_files([DATA / "links.ttl"])


def external(links: Graph) -> set[tuple[URIRef, URIRef, URIRef]]:
    """The link triples into Wikidata and DBpedia."""
    return {
        (s, p, o)
        for s, p, o in links
        if isinstance(o, URIRef) and str(o).startswith((WD, DBR)) and str(s).startswith(str(GKD))
    }


def test_links_file_is_up_to_date(runner: Callable) -> None:
    outcome = runner("--root", str(ROOT), "links", "--check")
    assert outcome.code == 0, outcome.stdout


def test_shipped_reference_is_the_shared_one() -> None:
    if not SHARED.is_file():
        pytest.skip(f"no shared reference folder beside the checkout ({SHARED})")
    assert (DATA / "reference" / "wikidata-links.csv").read_bytes() == SHARED.read_bytes()


def test_exactly_the_verified_rows_are_linked(links: Graph) -> None:
    rows = reference_rows()
    expected = set()
    for entity, label, relation in mapping_rows():
        _, row = rows[label]
        if row["confidence"] == "verified":
            if row["wikidata_qid"]:
                expected.add((GKD[entity], RELATIONS[relation], URIRef(WD + row["wikidata_qid"])))
            if row["dbpedia_resource"]:
                expected.add((GKD[entity], RELATIONS[relation], URIRef(DBR + row["dbpedia_resource"])))
    assert external(links) == expected
    assert len({s for s, _, o in expected if str(o).startswith(WD)}) >= 30


def test_unknown_and_likely_identifiers_appear_nowhere(links: Graph, project_build: Build) -> None:
    withheld = {
        row["wikidata_qid"]
        for _, row in reference_rows().values()
        if row["confidence"] != "verified" and row["wikidata_qid"]
    }
    assert withheld  # the reference has 'likely' QIDs (G7, Cohere): they must stay candidates
    everything = "".join(g.serialize(format="nt") for g in project_build.graphs.values())
    for qid in withheld:
        assert f"{WD}{qid}>" not in everything


def test_every_link_has_one_record_citing_its_row(links: Graph) -> None:
    rows = {line: row for line, row in reference_rows().values()}
    for s, p, o in external(links):
        records = [
            r for r in links.subjects(RDF.subject, s) if (r, RDF.predicate, p) in links and (r, RDF.object, o) in links
        ]
        assert len(records) == 1, (s, p, o)
        record = records[0]
        row = rows[int(links.value(record, GK.referenceRow))]
        assert str(o).endswith(row["wikidata_qid"] if str(o).startswith(WD) else row["dbpedia_resource"])
        assert links.value(record, GK.evidence) == Literal(row["evidence"])
        assert links.value(record, GK.confidence) == Literal("verified")


def test_every_state_links_to_its_iso_3166_page(links: Graph) -> None:
    entities = parse_files([DATA / "entities.ttl"])
    states = set(entities.subjects(RDF.type, GK.State))
    assert len(states) >= 12
    for state in states:
        code = entities.value(state, GK.iso3166Alpha2)
        assert (state, RDFS.seeAlso, URIRef(BY_NAME["iso3166"].iri(str(code)))) in links


def test_the_link_graph_is_served_but_not_reasoned_over(project_build: Build) -> None:
    assert len(project_build.graphs["links"]) > 0
    inferred = project_build.graphs["inferred"]
    assert not [o for o in inferred.objects() if str(o).startswith((WD, DBR))]


def test_report_counts_what_the_link_graph_holds(runner: Callable, links: Graph) -> None:
    outcome = runner("--root", str(ROOT), "links", "--report", "--json")
    assert outcome.code == 0, outcome.stderr
    report = json.loads(outcome.stdout)
    linked = {s for s, _, o in external(links) if str(o).startswith(WD)}
    assert report["total"]["linked"]["wikidata"] == len(linked)
    for row in report["classes"]:
        assert row["linked"]["wikidata"] == row["checked"] <= row["linkable"]
    unlinked = {u["entity"]: u["reason"] for u in report["unlinked"]}
    assert not {GKD[e] for e in unlinked} & linked
    assert len(unlinked) + len(linked) == report["total"]["linkable"]
    likely = [label for label, (_, row) in reference_rows().items() if row["confidence"] == "likely"]
    for entity, label, _ in mapping_rows():
        if label in likely:
            assert reference_rows()[label][1]["wikidata_qid"] in unlinked[entity]


def test_report_as_text_lists_classes_and_unlinked_entities(runner: Callable) -> None:
    outcome = runner("--root", str(ROOT), "links", "--report")
    text = outcome.stdout.decode()
    assert outcome.code == 0 and "gk:State" in text and "Links by target graph" in text
    assert "g42" in text and "reference: unknown" in text


def copy_data(tmp_path: Path) -> Path:
    """A copy of the link inputs and the entities, to break one at a time."""
    data = tmp_path / "data"
    (data / "reference").mkdir(parents=True)
    for name in ("links.tsv", "entities.ttl", "reference/wikidata-links.csv"):
        shutil.copy(DATA / name, data / name)
    return data


BREAKS = [
    ("reference/wikidata-links.csv", "Japan,Q17,Japan,verified", "Japan,Q17,Japan,certain", "confidence 'certain'"),
    ("reference/wikidata-links.csv", "Japan,Q17,Japan,verified", "Japan,17,Japan,verified", "'17' is not a wikidata"),
    ("reference/wikidata-links.csv", "Japan,Q17,Japan,verified", "Japan,Q17,Japan de,verified", "not a dbpedia"),
    ("reference/wikidata-links.csv", "Canada,Q16,", "Japan,Q16,", "label 'Japan' already on line"),
    ("links.tsv", "japan\tJapan\t", "japan\tJapon\t", "no reference row labelled 'Japon'"),
    ("links.tsv", "japan\tJapan\towl:sameAs", "japan\tJapan\towl:equivalentClass", "relation 'owl:equivalentClass'"),
    ("links.tsv", "japan\tJapan\t", "nippon\tJapan\t", "no entity 'nippon'"),
]


@pytest.mark.parametrize(("name", "old", "new", "message"), BREAKS, ids=[b[3] for b in BREAKS])
def test_bad_input_is_a_one_line_error_naming_file_and_line(
    tmp_path: Path, name: str, old: str, new: str, message: str
) -> None:
    data = copy_data(tmp_path)
    text = (data / name).read_text(encoding="utf-8")
    assert old in text
    (data / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(LinkError, match=message) as caught:
        link_graph(data, parse_files([data / "entities.ttl"]))
    assert "\n" not in str(caught.value) and str(data) in str(caught.value)


def test_cli_reports_bad_input_in_one_line(tmp_path: Path, runner: Callable) -> None:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "ontology", root / "ontology")
    data = copy_data(root)
    (data / "links.tsv").write_text("entity\treference\trelation\tcomment\njapan\tJapon\towl:sameAs\t\n")
    outcome = runner("--root", str(root), "links")
    assert outcome.code == 2 and outcome.stderr.count("\n") == 1 and "links.tsv:2" in outcome.stderr
    assert not (data / "links.ttl").exists()
