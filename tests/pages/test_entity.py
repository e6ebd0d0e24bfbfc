"""Entity page models (govkg.pages.entity, govkg.pages.evidence): the header, the stated facts with their quotes cut
at code-point offsets, the inferred facts with their justifications, the disagreements; from the built dataset."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from conftest import ROOT
from govkg.engine import Source, open_engine
from govkg.engine import select as engine_select
from govkg.namespaces import DEFAULT_BASE, GK, GKD, SCHEMA
from govkg.pages import description, entity, evidence, justify, page

BASE = DEFAULT_BASE
Select = Callable[[str], list[list[Node | None]]]
SOURCES = ROOT / "data" / "sources"
SENTENCE = "\U0001d538 France ou France"  # an astral character (two UTF-16 units, one code point) first
# A claim quoting "France" in a sentence that follows an astral character (two UTF-16 units, one code point).
ASTRAL = """@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . @prefix oa: <http://www.w3.org/ns/oa#> .
@prefix gk: <https://w3id.org/govkg/ontology#> . @prefix c: <https://w3id.org/govkg/claim/> .
<https://w3id.org/govkg/graph/source/x> {
c:x-france-adopts a gk:Claim ; rdf:subject <https://w3id.org/govkg/id/france> ; rdf:predicate gk:adopts ;
  rdf:object <https://w3id.org/govkg/id/thing> ; oa:hasTarget <https://w3id.org/govkg/claim/x-france-adopts#t> .
<https://w3id.org/govkg/claim/x-france-adopts#t> oa:hasSelector [ oa:start 18 ; oa:end 24 ] , [ oa:exact "France" ] ;
  gk:sentence <https://w3id.org/govkg/source/x/sentence/1> .
<https://w3id.org/govkg/source/x/sentence/1> rdf:value "\U0001d538 France ou France" ;
  oa:hasSelector [ oa:start 6 ] . }
"""


@pytest.fixture(scope="module")
def select(built: Path) -> Select:
    """SELECT over the built dataset (default engine)."""
    engine = open_engine("oxigraph", [Source(built)], BASE)
    return lambda query: engine_select(engine, query)


@pytest.fixture(scope="module")
def model(select: Select) -> Callable[[str], entity.Entity]:
    """The entity page model of an IRI of the build."""
    index, given = description.index(select, BASE), justify.axioms(select)

    def make(iri: str) -> entity.Entity:
        found = description.gather(select, iri, index)
        return entity.entity(select, found, page.page(found, BASE), given, {})

    return make


def test_highlight_counts_code_points() -> None:
    # The sentence starts at 6 in its document; the second "France" is at 18–24 there, in code points.
    assert evidence.highlight(SENTENCE, 6, 18, 24, "France") == (SENTENCE[:12], "France", "")
    assert len(SENTENCE[0].encode("utf-16-le")) == 4  # what a JavaScript offset would have counted twice
    assert evidence.highlight(SENTENCE, 6, 19, 25, "France") == (SENTENCE[:2], "France", SENTENCE[8:])  # searched
    assert evidence.highlight(SENTENCE, 6, 18, 24, "Italie") is None


def test_claims_quote_their_sentence_after_an_astral_character(tmp_path: Path) -> None:
    data = tmp_path / "astral.trig"
    data.write_text(ASTRAL, encoding="utf-8")
    engine = open_engine("rdflib", [Source(data)], BASE)
    quotes = evidence.claims(lambda q: engine_select(engine, q), [GKD.france, GKD.nobody], BASE)
    quote = quotes[URIRef(BASE + "claim/x-france-adopts")]
    assert (quote.before, quote.exact, quote.after) == (SENTENCE[:12], "France", "")
    assert quote.fact == (GKD.france, GK.adopts, GKD.thing) and (quote.start, quote.end) == (18, 24)
    assert quote.anchor == "q-x-france-adopts" and quote.document is None


def test_the_seoul_declaration_facts_with_quotes_from_the_documents(model: Callable[[str], entity.Entity]) -> None:
    declaration = model(str(GKD["seoul-declaration"]))
    assert declaration.types == [GK.Declaration] and declaration.page.labels["fr"]
    shown = [f for g in declaration.asserted for f in g.facts]
    assert {f.triple[1] for f in shown} & {RDF.type, *description.LABELS} == set()
    quoted = [q for f in shown for q in f.quotes]
    assert len(quoted) >= len(shown) > 30
    for quote in quoted:
        text = _text(quote.document)
        assert quote.start is not None and text[quote.start : quote.end] == quote.exact
        assert quote.before + quote.exact + quote.after in text and quote.before + quote.after  # the sentence around
    assert {f.triple[0] for g in declaration.inbound for f in g.facts} >= {GKD["adoption-seoul-declaration-000"]}


def test_every_inferred_fact_has_a_justification_down_to_quotes(model: Callable[[str], entity.Entity]) -> None:
    declaration = model(str(GKD["seoul-declaration"]))
    inferred = {g.predicate: g.facts for g in declaration.inferred}
    assert declaration.unjustified == 0 and len(inferred[GK.adoptedBy]) == 11
    for fact in (f for facts in inferred.values() for f in facts):
        assert fact.step is not None and fact.step.fact == fact.triple
        leaves = _leaves(fact.step)
        assert leaves and all(leaf in declaration.quotes or leaf[1] == RDF.type for leaf in leaves), fact
    france = next(f for f in inferred[GK.adoptedBy] if f.triple[2] == GKD.france).step
    assert france is not None and france.rule == "inverse" and france.premises[0].step is not None
    assert france.premises[0].step.axiom == (GK.adopterIn, GK.endorsedInstrument)


def _leaves(step: justify.Step) -> list[tuple[Node, Node, Node]]:
    """The stated premises a justification ends in."""
    return [leaf for p in step.premises for leaf in (_leaves(p.step) if p.step else [p.fact])]


def test_header_dates_places_badges_and_disagreements(model: Callable[[str], entity.Entity]) -> None:
    summit = model(str(GKD["ai-seoul-summit-2024"]))
    dates = {p: (values, disputed) for p, values, disputed in summit.dates}
    assert dates[SCHEMA.startDate][1] and not dates[SCHEMA.endDate][1]
    assert Literal("2024-05-21", datatype=XSD.date) in dates[SCHEMA.startDate][0]
    assert summit.places == [(SCHEMA.location, GKD.seoul)]
    [disagreement] = summit.disagreements
    assert disagreement.predicate == SCHEMA.startDate and len(disagreement.quotes) == 3
    assert {q.fact[2] for q in disagreement.quotes} == {
        Literal("2024-05-21", datatype=XSD.date),
        Literal("2024-05-22", datatype=XSD.date),
    }
    france = model(str(GKD.france))
    assert {b.name for b in france.badges} == {"Wikidata", "DBpedia", "ISO 3166"}
    assert all(not str(b.target).startswith(BASE) for b in france.badges)
    assert model(str(GKD["seoul-declaration"])).disagreements == []
    account = model(str(GKD["adoption-seoul-declaration-000"]))
    assert [d.predicate for d in account.disagreements] == [URIRef("http://purl.org/dc/terms/date")]


def test_the_json_twin_of_the_justifications(model: Callable[[str], entity.Entity]) -> None:
    france = model(str(GKD.france))
    twin = json.loads(json.dumps(entity.why(france)))
    assert twin["iri"] == str(GKD.france) and twin["unjustified"] == []
    assert len(twin["inferred"]) == sum(len(g.facts) for g in france.inferred)
    adopts = next(f for f in twin["inferred"] if f["predicate"] == str(GK.adopts))
    assert adopts["rule"] == "chain" and adopts["owl2rl"] == "prp-spo2"
    assert adopts["axiom"] == [str(GK.adopterIn), str(GK.endorsedInstrument)]
    assert adopts["premises"][1]["claims"] and adopts["premises"][0]["rule"] == "inverse"


def test_words_cut_a_message_at_its_terms(model: Callable[[str], entity.Entity]) -> None:
    france = model(str(GKD.france))
    assert france.words("by {chain}.", (GK.a, GK.b)) == [
        ("by ", None),
        ("", GK.a),
        (" ∘ ", None),
        ("", GK.b),
        (".", None),
    ]
    assert france.words("{1} of {0}", (GK.a, GK.b)) == [("", GK.b), (" of ", None), ("", GK.a)]
    assert france.name(GK.adopts, "fr") == "adopte" and france.name(GK.adopts, "en") == "adopts"


def _text(document: Node | None) -> str:
    """The text of a source document, read from its file."""
    assert isinstance(document, URIRef)
    return (SOURCES / (str(document).rsplit("/", 1)[-1] + ".txt")).read_text(encoding="utf-8")
