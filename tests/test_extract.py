"""The extraction pipeline and the provenance it records, checked against the shipped source texts."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from govkg.build import Build
from govkg.extract import AnnotationError, extract
from govkg.extract import disagreements as dis
from govkg.extract.claims import Claim
from govkg.extract.text import Span
from govkg.load import parse_files
from govkg.namespaces import GK, GKD, OA, SCHEMA

CHROME_WORDS = [
    "Compatibilidad",
    "Compartir",
    "Ahorrar",
    "Detalles de contacto",
    "Newsletter",
    "Partager l'article",
    "À PROPOS DE NOUS",
]
Q_CLAIMS = """SELECT ?claim ?doc ?exact ?prefix ?suffix ?start ?end WHERE {
    ?claim a gk:Claim ; oa:hasTarget ?t . ?t oa:hasSource ?doc ; oa:hasSelector ?q , ?p .
    ?q a oa:TextQuoteSelector ; oa:exact ?exact ; oa:prefix ?prefix ; oa:suffix ?suffix .
    ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end . }"""


def _source_graphs(build: Build) -> dict[str, Graph]:
    return {name.split("/", 1)[1]: g for name, g in build.graphs.items() if name.startswith("source/")}


def test_committed_data_is_what_extraction_produces(runner) -> None:
    outcome = runner("extract", "--check")
    assert outcome.code == 0, outcome.stdout


def test_every_source_is_shipped_with_its_checksum(project_build: Build, root: Path) -> None:
    graphs = _source_graphs(project_build)
    assert sorted(graphs) == sorted(p.stem for p in (root / "data" / "sources").glob("*.txt"))
    for stem, g in graphs.items():
        data = (root / "data" / "sources" / f"{stem}.txt").read_bytes()
        doc = next(g.subjects(RDF.type, GK.SourceDocument))
        assert str(g.value(doc, GK.sha256)) == hashlib.sha256(data).hexdigest()
        assert g.value(doc, GK.characterCount).toPython() == len(data.decode("utf-8"))


def test_every_quote_and_offset_matches_the_source_text(project_build: Build, root: Path) -> None:
    checked = 0
    for stem, g in _source_graphs(project_build).items():
        text = (root / "data" / "sources" / f"{stem}.txt").read_text(encoding="utf-8")
        for row in g.query(Q_CLAIMS, initNs={"gk": GK, "oa": OA}):
            start, end = row.start.toPython(), row.end.toPython()
            assert text[start:end] == str(row.exact), row.claim
            assert text[:start].endswith(str(row.prefix)) and text[end:].startswith(str(row.suffix))
            checked += 1
    assert checked >= len(project_build.graphs["asserted"]) > 0


def test_every_sentence_contains_its_claims_quote(project_build: Build, root: Path) -> None:
    q = """SELECT ?sstart ?send ?value ?start ?end WHERE { ?c oa:hasTarget ?t . ?t gk:sentence ?s ;
           oa:hasSelector [ a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end ] .
           ?s rdf:value ?value ; oa:hasSelector [ oa:start ?sstart ; oa:end ?send ] . }"""
    for stem, g in _source_graphs(project_build).items():
        text = (root / "data" / "sources" / f"{stem}.txt").read_text(encoding="utf-8")
        rows = list(g.query(q, initNs={"gk": GK, "oa": OA, "rdf": RDF}))
        assert rows
        for r in rows:
            s, e = r.sstart.toPython(), r.send.toPython()
            assert text[s:e] == str(r.value)
            assert Span(s, e).overlaps(Span(r.start.toPython(), r.end.toPython()))


def test_page_chrome_yields_no_facts(project_build: Build) -> None:
    exacts = [str(o) for g in _source_graphs(project_build).values() for o in g.objects(None, OA.exact)]
    assert exacts and not [e for e in exacts for w in CHROME_WORDS if w in e]
    chrome = [
        str(v)
        for g in _source_graphs(project_build).values()
        for node in g.objects(None, GK.boilerplate)
        for v in g.objects(node, RDF.value)
    ]
    assert any("Compatibilidad" in c for c in chrome) and any("Newsletter" in c for c in chrome)


def test_every_asserted_fact_has_a_quoted_claim_and_vice_versa(project_build: Build) -> None:
    claimed = set()
    for g in _source_graphs(project_build).values():
        for c in g.subjects(RDF.type, GK.Claim):
            claimed.add((g.value(c, RDF.subject), g.value(c, RDF.predicate), g.value(c, RDF.object)))
    asserted = set(project_build.graphs["asserted"])
    assert asserted == claimed


def test_a_fact_stated_by_several_documents_carries_all_of_them(project_build: Build) -> None:
    fact = (GKD["seoul-declaration"], GK.theme, GKD["theme-safety"])
    docs = set()
    for stem, g in _source_graphs(project_build).items():
        for c in g.subjects(RDF.subject, fact[0]):
            if (g.value(c, RDF.predicate), g.value(c, RDF.object)) == fact[1:]:
                docs.add(stem[:3])
    assert docs == {"000", "001"}


def test_known_disagreements_are_recorded(project_build: Build) -> None:
    g = project_build.graphs["disagreements"]
    about = {
        (g.value(d, GK.aboutResource), g.value(d, GK.aboutProperty)) for d in g.subjects(RDF.type, GK.Disagreement)
    }
    assert (GKD["signature-frontier-ai-safety-commitments"], GK.endorsedInstrument) in about
    assert (GKD["adoption-seoul-declaration"], DCTERMS.date) in about
    assert (GKD["ai-seoul-summit-2024"], SCHEMA.startDate) in about
    for d in g.subjects(RDF.type, GK.Disagreement):
        assert len(set(g.objects(d, GK.conflictingClaim))) >= 2


def _claim(doc: str, s: str, p: URIRef, o: Literal | URIRef) -> Claim:
    return Claim(URIRef(f"urn:{doc}:{s}:{o}"), URIRef(f"urn:{doc}"), GKD[s], p, o, Span(0, 1), "")


def test_disagreement_rules_ignore_agreeing_precisions_and_catch_early_parts() -> None:
    day = lambda v: Literal(v, datatype=XSD.date)  # noqa: E731
    claims = [
        _claim("a", "summit", SCHEMA.startDate, day("2024-05-21")),
        _claim("b", "summit", SCHEMA.startDate, Literal("2024-05", datatype=XSD.gYearMonth)),
        _claim("c", "summit", SCHEMA.startDate, day("2024-05-22")),
        _claim("d", "session", SCHEMA.superEvent, GKD.summit),
        _claim("d", "session", SCHEMA.startDate, day("2024-05-20")),
    ]
    found = dis.find(claims, {SCHEMA.startDate})
    assert {c.doc.split(":")[1] for c in found[(GKD.summit, SCHEMA.startDate)]} == {"a", "c", "d"}


def _mini_project(tmp_path: Path, text: str, rows: str) -> tuple[Path, Path]:
    sources, annotations = tmp_path / "sources", tmp_path / "annotations"
    sources.mkdir()
    annotations.mkdir()
    (sources / "doc.txt").write_text(text, encoding="utf-8")
    (annotations / "doc.tsv").write_text(rows, encoding="utf-8")
    return sources, annotations


def test_extraction_refuses_a_fact_from_page_chrome(tmp_path: Path) -> None:
    sources, annotations = _mini_project(
        tmp_path,
        "La France signe.\nCompartir ahora\n",
        "@chrome\t-\t-\tCompartir ahora\nfrance\tgk:signs\tx\tCompartir\n",
    )
    with pytest.raises(AnnotationError, match=r"doc\.tsv:2: quote lies in page chrome"):
        extract(sources, annotations, Graph())


def test_extraction_names_the_row_of_a_missing_quote(tmp_path: Path) -> None:
    sources, annotations = _mini_project(tmp_path, "La France signe.\n", "france\tgk:signs\tx\tl'Allemagne\n")
    with pytest.raises(AnnotationError, match=r"doc\.tsv:1: quote not found"):
        extract(sources, annotations, Graph())


def test_extraction_refuses_annotations_without_source(tmp_path: Path) -> None:
    sources, annotations = _mini_project(tmp_path, "La France signe.\n", "france\tgk:signs\tx\tLa France\n")
    (annotations / "other.tsv").write_text("", encoding="utf-8")
    with pytest.raises(AnnotationError, match="other"):
        extract(sources, annotations, Graph())


def test_extraction_of_a_small_document(tmp_path: Path, root: Path) -> None:
    sources, annotations = _mini_project(
        tmp_path, "- La France signe. Fin.\n", "x\tgk:signatory\tfrance\tLa [[France]] signe\n"
    )
    result = extract(sources, annotations, parse_files((root / "ontology").glob("*.ttl")))
    (claim,) = result.claims
    assert (claim.span.start, claim.span.end) == (5, 11)
    assert (GKD.x, GK.signatory, GKD.france) in result.asserted
    g = result.sources["doc"]
    assert str(next(g.objects(None, RDF.value))) == "La France signe."


def test_quote_object_stands_for_the_exact_source_text(tmp_path: Path) -> None:
    sources, annotations = _mini_project(
        tmp_path, "Ils publieront\u00a0un cadre.\n", "c\tgk:statement\t@quote\tpublieront un cadre\n"
    )
    (claim,) = extract(sources, annotations, Graph()).claims
    assert claim.obj == Literal("publieront\u00a0un cadre", lang="fr")
