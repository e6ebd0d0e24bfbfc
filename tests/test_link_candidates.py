"""`govkg link`: candidates from a real Wikidata-shaped SPARQL server on 127.0.0.1, scored, cached, reviewed."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF
from rdflib.plugins.sparql import prepareQuery

from govkg.build import Build
from govkg.link import LinkError, link_graph
from govkg.link.profiles import WIKIDATA, Entity, query
from govkg.link.profiles import variants as _variants
from govkg.load import parse_files
from govkg.namespaces import GK, GKD

ROOT = Path(__file__).resolve().parents[1]
WD = "http://www.wikidata.org/entity/"
# A small Wikidata-shaped graph: Naver the company (its class a subclass of business, Q4830453) and a person
# named Naver; Zhipu AI under an alias with China (Q148, govkg's link for gkd:china) as country, and a
# same-named company in another country; an item whose label is not one of govkg's; a state whose French label
# has lost its accents (external labels are matched exactly, so the query must ask for that form too).
SAMPLE = """
@prefix wd: <http://www.wikidata.org/entity/> . @prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
wd:Q90001 rdfs:label "Naver"@en , "Naver"@fr ; wdt:P31 wd:Q90100 ; wdt:P17 wd:Q884 .
wd:Q90100 wdt:P279 wd:Q4830453 .
wd:Q90002 rdfs:label "Naver"@en ; wdt:P31 wd:Q5 .
wd:Q90003 rdfs:label "Z.ai"@en ; skos:altLabel "Zhipu AI"@en ; wdt:P31 wd:Q4830453 ; wdt:P17 wd:Q148 .
wd:Q90004 rdfs:label "Zhipu AI"@en ; wdt:P31 wd:Q4830453 ; wdt:P17 wd:Q30 .
wd:Q90005 rdfs:label "Inflection"@en ; wdt:P31 wd:Q4830453 .
wd:Q90006 rdfs:label "Emirats arabes unis"@fr ; wdt:P31 wd:Q3624078 .
"""


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")), delimiter="\t"))


def link(runner: Callable, server_url: str, tmp_path: Path, *extra: str) -> tuple[int, str, list[dict[str, str]]]:
    """Run `govkg link` against the server; return its exit code, its summary line and the review rows."""
    out = tmp_path / "candidates.tsv"
    outcome = runner(
        "--root",
        str(ROOT),
        "link",
        "--endpoint",
        server_url,
        "--out",
        str(out),
        "--cache",
        str(tmp_path / "cache"),
        *extra,
    )
    lines = outcome.stdout.decode().splitlines()
    return outcome.code, (lines[-1] if lines else outcome.stderr), rows(out) if out.exists() else []


def test_candidates_are_scored_by_label_type_and_country(oxigraph: Callable, runner: Callable, tmp_path: Path) -> None:
    server = oxigraph(SAMPLE)
    code, summary, found = link(
        runner,
        server.url,
        tmp_path,
        "--entity",
        "naver",
        "--entity",
        "zhipu-ai",
        "--entity",
        "inflection-ai",
        "--entity",
        "united-arab-emirates",
    )
    assert code == 0, summary
    by_entity: dict[str, list[dict[str, str]]] = {}
    for row in found:
        by_entity.setdefault(row["entity"], []).append(row)
    naver = [(r["candidate"], r["type"], int(r["score"])) for r in by_entity["naver"]]
    # same label: 70; the company's class is a subclass of business: +20; the person is typed otherwise: -20
    assert naver == [(WD + "Q90001", "yes", 90), (WD + "Q90002", "no", 50)]
    zhipu = [(r["candidate"], r["country"], int(r["score"])) for r in by_entity["zhipu-ai"]]
    assert zhipu == [(WD + "Q90003", "yes", 100), (WD + "Q90004", "no", 80)]  # gk:country china, linked to Q148
    inflection = by_entity.get("inflection-ai", [])
    assert all(int(r["score"]) < 90 for r in inflection)
    emirates = [(r["candidate"], r["label"], int(r["score"])) for r in by_entity["united-arab-emirates"]]
    assert emirates == [(WD + "Q90006", "1.00", 90)]
    assert {r["decision"] for r in found} == {""} and {r["endpoint"] for r in found} == {server.url}
    assert summary.endswith("4 queries sent, 0 answered from the cache")


def test_a_rerun_is_answered_from_the_cache(oxigraph: Callable, runner: Callable, tmp_path: Path) -> None:
    server = oxigraph(SAMPLE)
    first = link(runner, server.url, tmp_path, "--entity", "naver")
    server.stop()  # nothing to ask any more: the rerun must not need it
    second = link(runner, server.url, tmp_path, "--entity", "naver")
    assert first[0] == second[0] == 0 and first[2] == second[2] and first[2]
    assert second[1].endswith("0 queries sent, 1 answered from the cache")
    for cached in (tmp_path / "cache").rglob("*.json"):
        cached.write_text("{not json")  # a damaged cache is a miss, not a crash: the (stopped) endpoint is asked
    damaged = link(runner, server.url, tmp_path, "--entity", "naver")
    assert damaged[0] == 2 and "connection refused" in damaged[1]
    refreshed = link(runner, server.url, tmp_path, "--entity", "naver", "--refresh")
    assert refreshed[0] == 2 and "connection refused" in refreshed[1] and refreshed[1].count("\n") == 1


def test_by_default_every_unlinked_linkable_entity_is_asked_about(
    oxigraph: Callable, runner: Callable, tmp_path: Path, project_build: Build
) -> None:
    kinds = {GK.Actor, GK.Event, GK.SummitSeries, GK.Instrument, URIRef("https://schema.org/Place")}
    graph = project_build.dataset()
    typed = {s for k in kinds for s in graph.subjects(RDF.type, k) if str(s).startswith(str(GKD))}
    linked = {s for s, o in graph.subject_objects() if str(o).startswith(WD)}
    server = oxigraph(SAMPLE)
    code, summary, _ = link(runner, server.url, tmp_path)
    assert code == 0
    assert summary.startswith(f"{len(typed - linked)} entities,") and f"{len(typed - linked)} queries sent" in summary


def test_candidates_are_never_asserted(oxigraph: Callable, runner: Callable, tmp_path: Path) -> None:
    before = (ROOT / "data" / "links.ttl").read_bytes()
    link(runner, oxigraph(SAMPLE).url, tmp_path, "--entity", "naver")
    assert (ROOT / "data" / "links.ttl").read_bytes() == before and b"Q90001" not in before


def test_an_accepted_candidate_becomes_a_reviewed_link(oxigraph: Callable, runner: Callable, tmp_path: Path) -> None:
    _, _, found = link(runner, oxigraph(SAMPLE).url, tmp_path, "--entity", "naver")
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    text = (tmp_path / "candidates.tsv").read_text(encoding="utf-8").splitlines()
    (data / "links-reviewed.tsv").write_text("\n".join([text[0], text[1] + "owl:sameAs", text[2] + "reject"]) + "\n")
    graph = link_graph(data, parse_files([data / "entities.ttl"]))
    item = URIRef(found[0]["candidate"])
    assert (GKD.naver, OWL.sameAs, item) in graph and (GKD.naver, None, URIRef(found[1]["candidate"])) not in graph
    record = next(graph.subjects(RDF.object, item))
    assert graph.value(record, GK.confidence) == Literal("reviewed")
    assert graph.value(record, GK.referenceRow).toPython() == 2
    assert f"score {found[0]['score']}" in str(graph.value(record, GK.evidence))
    (data / "links-reviewed.tsv").write_text("\n".join([text[0], text[1] + "yes"]) + "\n")
    with pytest.raises(LinkError, match=r"links-reviewed\.tsv:2: decision 'yes'"):
        link_graph(data, parse_files([data / "entities.ttl"]))


def test_unknown_entities_and_unreachable_endpoints_are_one_line_errors(runner: Callable, tmp_path: Path) -> None:
    code, message, _ = link(runner, "http://127.0.0.1:9/query", tmp_path, "--entity", "nowhere")
    assert code == 2 and "not a linkable entity: nowhere" in message
    code, message, _ = link(runner, "http://127.0.0.1:9/query", tmp_path, "--entity", "naver")
    assert code == 2 and "cannot connect" in message and message.count("\n") == 1


def test_queries_are_valid_sparql_with_article_free_variants() -> None:
    entity = Entity(
        GKD.france,
        ("la France", "l'OCDE", "Les Émirats", "ministère"),
        GK.State,
        WIKIDATA.classes[GK.State],
        frozenset(),
    )
    assert _variants(entity.labels) == [
        "la France",
        "France",
        "l'OCDE",
        "OCDE",
        "Les Émirats",
        "Émirats",
        "ministère",
        "La France",
        "L'OCDE",
        "Les Emirats",
        "Emirats",
        "Ministère",
        "ministere",
    ]
    text = query(entity, WIKIDATA)
    prepareQuery(text)
    assert '"France"@fr' in text and '"France"@en' in text and "Q3624078" in text
