"""Reconciliation core over the session build (queried through the Oxigraph engine, as the server does): the
entity index, queries (French/English labels, types, properties), suggest, property proposals, data extension.

Expected values are read from the curated data (the build's named graphs), never from the service's answers."""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from govkg.build import Build
from govkg.engine import Engine, Memo, Source, open_engine
from govkg.engine import select as engine_select
from govkg.namespaces import DEFAULT_BASE, GK, GKD, WD
from govkg.reconcile import ReconcileError, extend, suggest
from govkg.reconcile import index as entity_index
from govkg.reconcile import query as queries
from govkg.reconcile import service as reconcile
from govkg.reconcile.index import Index

Select = Callable[[str], list]


@pytest.fixture(scope="module")
def engine(built: Path) -> Engine:
    """The default engine over the built dataset, as the server opens it."""
    return open_engine("oxigraph", [Source(built)], DEFAULT_BASE)


@pytest.fixture(scope="module")
def select(engine: Engine) -> Select:
    """SELECT over the built dataset, like `State.select`."""
    return lambda query: engine_select(engine, query)


@pytest.fixture(scope="module")
def index(select: Select) -> Index:
    return entity_index.build(select, DEFAULT_BASE)


@pytest.fixture(scope="module")
def data(project_build: Build) -> Graph:
    """The curated entities with the asserted facts and the links: where expectations come from."""
    graph = Graph()
    for name in ("entities", "asserted", "links"):
        for triple in project_build.graphs.get(name, Graph()):
            graph.add(triple)
    return graph


@pytest.fixture(scope="module")
def ontology(project_build: Build) -> Graph:
    return project_build.graphs["ontology"]


def ask(index: Index, lang: str = "en", **query: Any) -> list[dict[str, Any]]:
    """Candidates for one query given as its JSON fields."""
    return reconcile.reconcile(index, queries.parse_query(query, index), lang)


def slug(iri: URIRef) -> str:
    return str(iri).removeprefix(str(GKD))


def labels(graph: Graph, entity: URIRef, lang: str | None = None) -> list[str]:
    """rdfs:label and skos:altLabel values (in `lang` if given)."""
    found = [o for p in (RDFS.label, SKOS.altLabel) for o in graph.objects(entity, p)]
    return [str(o) for o in found if lang is None or o.language == lang]


def label(graph: Graph, entity: URIRef, lang: str) -> str:
    return str(next(o for o in graph.objects(entity, RDFS.label) if o.language == lang))


def states(graph: Graph) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, GK.State) if isinstance(s, URIRef))


def curated(graph: Graph) -> list[URIRef]:
    """The labelled entities of the curated data under <base>id/."""
    return sorted({s for s in graph.subjects(RDFS.label, None) if str(s).startswith(str(GKD))})


# --- The index -----------------------------------------------------------------------------------------------


def test_index_holds_every_curated_entity_with_all_its_labels(index: Index, data: Graph) -> None:
    assert len(curated(data)) > 80  # the guard against an empty expectation
    for entity in curated(data):
        found = index.entities[slug(entity)]
        assert set(labels(data, entity)) <= {name for name, _ in found.names}
        assert found.labels["en"] == label(data, entity, "en") and found.labels["fr"] == label(data, entity, "fr")


def test_types_include_the_superclasses_and_the_asserted_ones_are_direct(
    index: Index, data: Graph, ontology: Graph
) -> None:
    checked = 0
    for entity in curated(data):
        asserted = {c for c in data.objects(entity, RDF.type) if str(c).startswith(str(GK))}
        if not asserted or set(data.objects(entity, RDF.type)) - asserted:
            continue
        above = {s for c in asserted for s in ontology.transitive_objects(c, RDFS.subClassOf)}
        found = index.entities[slug(entity)]
        assert {str(c).removeprefix(str(GK)) for c in above if str(c).startswith(str(GK))} <= found.types
        assert set(found.direct) == {str(c).removeprefix(str(GK)) for c in asserted}
        checked += 1
    assert checked > 60


def test_index_is_built_once_however_many_threads_ask(engine: Engine, select: Select) -> None:
    calls: list[str] = []
    memo: Memo[str, Index] = Memo(engine)
    build = lambda: entity_index.build(lambda query: calls.append(query) or select(query), DEFAULT_BASE)  # noqa: E731
    found: list[Index] = []
    threads = [threading.Thread(target=lambda: found.append(memo.get("index", build))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 8 and all(i is found[0] for i in found)
    assert len(calls) == len(set(calls)) == 3  # hierarchy, terms, entities: each asked once


# --- Names: French, English, accents, articles ----------------------------------------------------------------


def test_every_label_of_the_data_finds_its_entity_first(index: Index, data: Graph) -> None:
    for entity in curated(data):
        for text in labels(data, entity):
            found = ask(index, query=text)
            best = [c["id"] for c in found if c["score"] == found[0]["score"]]
            assert found[0]["score"] == 100.0 and slug(entity) in best, text


def _variants(text: str, lang: str) -> list[str]:
    """The label as users type it: capitals, no accents, a leading article."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    articles = ["la ", "le ", "l'", "Les "] if lang == "fr" else ["the ", "The "]
    return [text.upper(), text.lower(), bare, *(a + text for a in articles), f"  {bare.upper()}  "]


def test_states_match_in_french_and_english_whatever_the_case_accents_and_articles(index: Index, data: Graph) -> None:
    for state in states(data):
        for lang in ("fr", "en"):
            for text in labels(data, state, lang):
                for variant in _variants(text, lang):
                    top = ask(index, lang, query=variant)[0]
                    assert (top["id"], top["score"], top["match"]) == (slug(state), 100.0, True), variant


def test_candidate_names_follow_the_language_of_the_query(index: Index, data: Graph) -> None:
    germany = GKD.germany
    french, english = label(data, germany, "fr"), label(data, germany, "en")
    assert french != english
    assert ask(index, "en", query=french)[0]["name"] == french
    assert ask(index, "fr", query=english)[0]["name"] == english
    by_id = ask(index, "fr", query="germany")[0]
    assert (by_id["id"], by_id["name"], by_id["score"]) == ("germany", french, 100.0)


def test_a_near_name_is_a_candidate_but_not_a_match(index: Index, data: Graph) -> None:
    korea = label(data, GKD["south-korea"], "en").split()[-1]  # "Korea" of "Republic of Korea"
    found = ask(index, query=korea)
    assert found[0]["id"] == "south-korea" and 0 < found[0]["score"] < 100 and not found[0]["match"]
    assert ask(index, query="zzqxj") == []


# --- Types -------------------------------------------------------------------------------------------------


def test_type_filter_strictness_and_subclasses(index: Index, data: Graph, ontology: Graph) -> None:
    seoul, france = label(data, GKD.seoul, "en"), label(data, GKD.france, "fr")
    assert (GKD.seoul, RDF.type, GK.State) not in data
    assert "seoul" not in [c["id"] for c in ask(index, query=seoul, type="State")]
    soft = {c["id"]: c for c in ask(index, query=seoul, type="State", type_strict="should")}
    assert soft["seoul"]["score"] == 100.0 * reconcile.OFF_TYPE and not soft["seoul"]["match"]
    assert {"id": "type", "value": False} in soft["seoul"]["features"]
    assert ask(index, query=seoul, type="schema:Place")[0]["match"]
    assert GK.Organisation in set(ontology.transitive_objects(GK.State, RDFS.subClassOf))
    for wanted in ("Organisation", "gk:Organisation", str(GK.Organisation), ["Company", "Actor"]):
        top = ask(index, query=france, type=wanted)[0]
        assert (top["id"], top["match"]) == ("france", True)
    assert ask(index, query=france, type=["State", "Company"], type_strict="all") == []
    assert ask(index, query=france, type=["State", "Company"], type_strict="any")[0]["id"] == "france"


# --- Properties -----------------------------------------------------------------------------------------------


def _code(data: Graph, state: URIRef, prop: URIRef = GK.iso3166Alpha2) -> str:
    return str(data.value(state, prop))


def test_an_iso_code_turns_a_near_name_into_a_match(index: Index, data: Graph) -> None:
    korea, code = label(data, GKD["south-korea"], "en").split()[-1], _code(data, GKD["south-korea"])
    plain = ask(index, query=korea)[0]
    for pid in ("iso3166Alpha2", "P297", "gk:iso3166Alpha2", str(GK.iso3166Alpha2)):
        found = ask(index, query=korea, properties=[{"pid": pid, "v": code}])
        assert found[0]["id"] == "south-korea" and found[0]["match"] and found[0]["score"] > plain["score"]
        assert {"id": "property:iso3166Alpha2", "value": 1.0} in found[0]["features"]


def test_an_iso_code_ranks_first_among_namesakes(index: Index, data: Graph) -> None:
    word = label(data, GKD["south-korea"], "fr").split()[0]  # "République", shared by several French names
    sharing = [s for s in states(data) if any(word in t for t in labels(data, s, "fr"))]
    assert len(sharing) >= 2
    plain = ask(index, query=word)
    assert not plain[0]["match"]
    for state in sharing:
        found = ask(index, query=word, properties=[{"pid": "iso3166Alpha3", "v": _code(data, state, GK.iso3166Alpha3)}])
        assert found[0]["id"] == slug(state) and all(c["score"] < found[0]["score"] for c in found[1:])


def test_a_conflicting_property_lowers_an_exact_name(index: Index, data: Graph) -> None:
    france, german_code = label(data, GKD.france, "en"), _code(data, GKD.germany)
    found = {c["id"]: c for c in ask(index, query=france, properties=[{"pid": "P297", "v": german_code}])}
    assert found["france"]["score"] < 100.0 and not found["france"]["match"]


def test_properties_alone_find_the_entity(index: Index, data: Graph) -> None:
    for state in states(data):
        for prop in (GK.iso3166Alpha2, GK.iso3166Alpha3, GK.iso3166Numeric):
            found = ask(index, properties=[{"pid": str(prop).removeprefix(str(GK)), "v": _code(data, state, prop)}])
            assert (found[0]["id"], found[0]["match"]) == (slug(state), True)
    numeric = _code(data, GKD.australia, GK.iso3166Numeric)  # "036": a number matches it too
    assert ask(index, properties=[{"pid": "P299", "v": int(numeric)}])[0]["id"] == "australia"


def test_an_entity_valued_property_compares_labels_and_ids(index: Index, data: Graph) -> None:
    company, country = next((s, o) for s, o in data.subject_objects(GK.country) if (s, RDF.type, GK.Company) in data)
    word = label(data, company, "en").split()[0]
    for value in (
        label(data, country, "fr"),
        label(data, country, "en"),
        {"id": slug(country)},
        {"id": "Q0", "name": label(data, country, "en")},
    ):
        top = ask(index, query=word, properties=[{"pid": "P17", "v": value}])[0]
        assert top["id"] == slug(company)
        assert {"id": "property:country", "value": 1.0} in top["features"], value
    wrong = ask(index, query=word, properties=[{"pid": "country", "v": {"id": "france"}}])
    assert next((c["score"] for c in wrong if c["id"] == slug(company)), 0.0) < top["score"]


def test_a_wikidata_item_finds_its_entity(index: Index, data: Graph) -> None:
    linked = sorted((s, o) for s, o in data.subject_objects(OWL.sameAs) if str(o).startswith(str(WD)))
    assert len(linked) >= 30  # data/links.ttl ships the checked links
    for entity, item in linked:
        for value in (str(item), str(item).removeprefix(str(WD))):
            top = ask(index, properties=[{"pid": "wikidata", "v": value}])[0]
            assert (top["id"], top["score"]) == (slug(entity), 100.0)


# --- Limits and shapes ----------------------------------------------------------------------------------------


def test_limit_and_order(index: Index, data: Graph) -> None:
    word = label(data, GKD["south-korea"], "fr").split()[0]
    found = ask(index, query=word, limit=50)
    assert len(found) >= 3 and [c["score"] for c in found] == sorted((c["score"] for c in found), reverse=True)
    assert ask(index, query=word, limit=1) == found[:1]
    assert ask(index, query=word, limit=2.0) == found[:2]
    assert len(ask(index, query=word)) == min(len(found), queries.DEFAULT_LIMIT)


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ([], "must be a JSON object"),
        ({"query": 5}, "query must be a string"),
        ({"query": "x" * 1001}, "longer than 1000"),
        ({}, "give a query string or properties"),
        ({"query": "  "}, "give a query string or properties"),
        ({"query": "France", "limit": 0}, "positive integer"),
        ({"query": "France", "limit": -3}, "positive integer"),
        ({"query": "France", "limit": 2.5}, "positive integer"),
        ({"query": "France", "limit": "3"}, "positive integer"),
        ({"query": "France", "limit": True}, "positive integer"),
        ({"query": "France", "type": "Country"}, "unknown type 'Country'"),
        ({"query": "France", "type": ["State", 3]}, "type must be"),
        ({"query": "France", "type": "State", "type_strict": "maybe"}, "type_strict"),
        ({"query": "France", "typ": "State"}, "unknown field 'typ'"),
        ({"query": "France", "properties": {"pid": "P297", "v": "FR"}}, "properties must be a list"),
        ({"query": "France", "properties": [{"pid": "P297"}]}, "pid and v"),
        ({"query": "France", "properties": [{"pid": "P297", "v": "FR", "x": 1}]}, "pid and v"),
        ({"query": "France", "properties": [{"pid": "nope", "v": "FR"}]}, "unknown property 'nope'"),
        ({"query": "France", "properties": [{"pid": "P297", "v": [["FR"]]}]}, "property value must be"),
        ({"query": "France", "properties": [{"pid": "P297", "v": {"name": "FR"}}]}, "needs a string id"),
        ({"properties": [{"pid": "P297", "v": "x" * 1001}]}, "longer than 1000"),
    ],
)
def test_malformed_queries_are_refused_in_one_line(index: Index, query: object, reason: str) -> None:
    with pytest.raises(ReconcileError, match=reason) as error:
        queries.parse_query(query, index)
    assert "\n" not in str(error.value)


def test_batches_are_objects_of_at_most_the_batch_size(index: Index) -> None:
    full = {f"q{i}": {"query": "France"} for i in range(queries.MAX_BATCH)}
    assert list(queries.parse_batch(full, index)) == list(full)
    for bad in ({**full, "one more": {"query": "France"}}, {}, [], "France", None):
        with pytest.raises(ReconcileError):
            queries.parse_batch(bad, index)


# --- Suggest and property proposals ----------------------------------------------------------------------------


def test_suggest_entities_by_label_word_and_id_prefix(index: Index, data: Graph, ontology: Graph) -> None:
    alt_fr = next(t for t in labels(data, GKD["south-korea"], "fr") if t != label(data, GKD["south-korea"], "fr"))
    for prefix in (
        alt_fr[:3],
        alt_fr[:3].lower(),
        label(data, GKD["south-korea"], "en").split()[-1][:3],
        "south-k",
        alt_fr,
    ):
        assert "south-korea" in [s["id"] for s in suggest.suggest_entities(index, prefix, (), "en")], prefix
    assert suggest.suggest_entities(index, "south-korea", (), "fr")[0] == {
        "id": "south-korea",
        "name": label(data, GKD["south-korea"], "fr"),
        "description": label(data, GKD["south-korea"], "en"),
        "notable": [{"id": "State", "name": label(ontology, GK.State, "fr")}],
    }
    assert len(suggest.suggest_entities(index, "", (), "en")) == len(index.entities)
    companies = suggest.suggest_entities(index, "", ("Company",), "en")
    assert {s["id"] for s in companies} == {slug(s) for s in data.subjects(RDF.type, GK.Company)}


def test_suggest_types_in_french_and_english(index: Index, ontology: Graph) -> None:
    for lang in ("fr", "en"):
        name = next(str(o) for o in ontology.objects(GK.State, RDFS.label) if o.language == lang)
        found = suggest.suggest_types(index, name[:4], lang)
        state = next(t for t in found if t["id"] == "State")
        assert state["name"] == name
        assert {b["id"] for b in state["broader"]} >= {"FormalOrganisation"}
    assert suggest.suggest_types(index, "State", "en")[0]["id"] == "State"


def test_suggest_properties_by_name_alias_and_type(index: Index) -> None:
    iso = {"iso3166Alpha2", "iso3166Alpha3", "iso3166Numeric"}
    assert iso <= {p["id"] for p in suggest.suggest_properties(index, "iso", (), "en")}
    assert suggest.suggest_properties(index, "P297", (), "en")[0]["id"] == "iso3166Alpha2"
    assert not iso & {p["id"] for p in suggest.suggest_properties(index, "", ("Company",), "en")}


def test_proposed_properties_are_those_the_type_holds_most_widely_first(index: Index, data: Graph) -> None:
    proposed = [p["id"] for p in suggest.propose_properties(index, ("State",), None, "en")]
    held = len(states(data))
    for pid in ("iso3166Alpha2", "iso3166Alpha3", "iso3166Numeric", "rdfs:label"):
        assert pid in proposed[:12]
    assert [p["id"] for p in suggest.propose_properties(index, ("State",), 3, "en")] == proposed[:3]
    first = proposed[0]
    assert sum(first in index.entities[slug(s)].values for s in states(data)) == held


# --- Data extension -----------------------------------------------------------------------------------------


def _rows(index: Index, ids: list[str], properties: list[dict[str, Any]], lang: str = "en") -> dict[str, Any]:
    return extend.extend(index, *extend.parse_extend({"ids": ids, "properties": properties}, index), lang)


def test_extend_returns_codes_countries_labels_and_links(index: Index, data: Graph) -> None:
    company, country = next((s, o) for s, o in data.subject_objects(GK.country) if (s, RDF.type, GK.Company) in data)
    ids = ["france", GKD["south-korea"], slug(company), "no-such-entity"]
    answer = _rows(
        index,
        [str(i) for i in ids],
        [{"id": "P297"}, {"id": "country"}, {"id": "rdfs:label", "settings": {"lang": "fr"}}, {"id": "wikidata"}],
    )
    assert [m["id"] for m in answer["meta"]] == ["P297", "country", "rdfs:label", "wikidata"]
    assert answer["meta"][1]["type"]["id"] == "State"  # gk:country's range: its values are entities
    rows = answer["rows"]
    assert rows["france"]["P297"] == [{"str": _code(data, GKD.france)}]
    assert rows[str(GKD["south-korea"])]["rdfs:label"] == [{"str": label(data, GKD["south-korea"], "fr")}]
    assert rows[slug(company)]["country"] == [{"id": slug(country), "name": label(data, country, "en")}]
    assert rows[slug(company)]["P297"] == []
    assert rows["no-such-entity"] == {"P297": [], "country": [], "rdfs:label": [], "wikidata": []}
    items = sorted(str(o) for o in data.objects(GKD.france, OWL.sameAs) if str(o).startswith(str(WD)))
    assert [v["str"] for v in rows["france"]["wikidata"]] == items


def test_extend_writes_numbers_and_dates_as_their_kinds(index: Index, data: Graph) -> None:
    event = next(
        s
        for s in data.subjects(GK.editionNumber, None)
        if any(o.datatype == XSD.date for o in data.objects(s, URIRef("https://schema.org/startDate")))
    )
    row = _rows(index, [slug(event)], [{"id": "editionNumber"}, {"id": "schema:startDate"}])["rows"][slug(event)]
    assert row["editionNumber"] == [{"int": int(o)} for o in data.objects(event, GK.editionNumber)]
    expected = [
        {"date": f"{o}T00:00:00"} if o.datatype == XSD.date else {"str": str(o)}
        for o in data.objects(event, URIRef("https://schema.org/startDate"))
    ]
    assert sorted(row["schema:startDate"], key=str) == sorted(expected, key=str)


def test_extend_limits_values_per_cell(index: Index) -> None:
    full = _rows(index, ["south-korea"], [{"id": "skos:altLabel"}])["rows"]["south-korea"]["skos:altLabel"]
    capped = _rows(index, ["south-korea"], [{"id": "skos:altLabel", "settings": {"limit": 1}}])
    assert len(full) >= 1 and capped["rows"]["south-korea"]["skos:altLabel"] == full[:1]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ({"ids": "france", "properties": []}, "ids and properties lists"),
        ({"ids": ["france"]}, "ids and properties lists"),
        ({"ids": [1], "properties": []}, "at most 1000 strings"),
        ({"ids": ["x"] * 1001, "properties": []}, "at most 1000 strings"),
        ({"ids": ["france"], "properties": [{"name": "x"}]}, "string id"),
        ({"ids": ["france"], "properties": [{"id": "nope"}]}, "unknown property 'nope'"),
        ({"ids": ["france"], "properties": [{"id": "P297", "settings": {"lang": "de"}}]}, "lang must be"),
        ({"ids": ["france"], "properties": [{"id": "P297", "settings": {"limit": -1}}]}, "positive integer"),
        ({"ids": ["france"], "properties": [{"id": "P297", "settings": {"colour": "red"}}]}, "settings may only"),
    ],
)
def test_malformed_extend_queries_are_refused(index: Index, query: object, reason: str) -> None:
    with pytest.raises(ReconcileError, match=reason):
        extend.parse_extend(query, index)
