"""Search over labels and aliases (govkg.pages.search): folding, ranking, the matched name, over a small dataset
read by a real engine through the reconciliation index."""

from __future__ import annotations

import pytest

from govkg.engine import Source, open_engine
from govkg.engine import select as engine_select
from govkg.namespaces import DEFAULT_BASE
from govkg.pages.search import RANKS, Catalog, build, search, top
from govkg.reconcile.index import build as build_index

DATA = """
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix gkd: <https://w3id.org/govkg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .

gk:City a owl:Class ; rdfs:label "city"@en , "ville"@fr .
gk:Declaration a owl:Class ; rdfs:label "declaration"@en , "déclaration"@fr .
gk:Summit a owl:Class ; rdfs:label "summit"@en , "sommet"@fr .
gk:State a owl:Class ; rdfs:label "sovereign state"@en , "État souverain"@fr .

gkd:seoul a gk:City ; rdfs:label "Seoul"@en , "Séoul"@fr .
gkd:decl a gk:Declaration ; rdfs:label "Seoul Declaration for safe AI"@en , "Déclaration de Séoul"@fr ;
    skos:altLabel "Seoul Declaration"@en .
gkd:summit a gk:Summit ; rdfs:label "AI Seoul Summit"@en , "Sommet de Séoul sur l'IA"@fr .
gkd:kitchen a gk:Summit ; rdfs:label "Kitchenseoulware fair"@en .
gkd:paris a gk:Summit ; rdfs:label "Paris AI Action Summit"@en , "Sommet pour l'action sur l'IA, Paris"@fr .
gkd:usa a gk:State ; rdfs:label "United States of America"@en , "États-Unis d'Amérique"@fr ;
    skos:altLabel "États-Unis"@fr , "United States"@en .
gkd:only-english a gk:State ; rdfs:label "Freedonia"@en .
gkd:unlabelled a gk:State .
"""


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The search catalogue of the small dataset above."""
    path = tmp_path_factory.mktemp("search") / "data.ttl"
    path.write_text(DATA, encoding="utf-8")
    engine = open_engine("oxigraph", [Source(path, DEFAULT_BASE + "graph/test")], DEFAULT_BASE)
    return build(build_index(lambda query: engine_select(engine, query), DEFAULT_BASE))


def ids(catalog: Catalog, text: str, lang: str = "en") -> list[str]:
    """The ids of the hits, best first."""
    return [hit.entry.id for hit in search(catalog, text, lang)]


@pytest.mark.parametrize("text", ["seoul", "Séoul", "SEOUL", "séOUL", "  seoul  "])
def test_accents_and_case_do_not_matter(catalog: Catalog, text: str) -> None:
    assert ids(catalog, text) == ["seoul", "decl", "summit", "kitchen"]


def test_ranked_exact_prefix_word_substring(catalog: Catalog) -> None:
    kinds = [(hit.entry.id, hit.kind) for hit in search(catalog, "seoul", "en")]
    assert kinds == [("seoul", "exact"), ("decl", "prefix"), ("summit", "word"), ("kitchen", "substring")]
    assert RANKS.index("exact") < RANKS.index("prefix") < RANKS.index("word") < RANKS.index("substring")


def test_every_word_in_any_order(catalog: Catalog) -> None:
    hits = search(catalog, "declaration seoul", "en")
    assert [(h.entry.id, h.kind) for h in hits] == [("decl", "words")]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("sommet de paris", "paris"),
        ("Sommet du Paris", "paris"),
        ("declaration of seoul", "decl"),
        ("the summit in paris", "paris"),
    ],
)
def test_every_word_rule_leaves_function_words_out(catalog: Catalog, text: str, found: str) -> None:
    """No name of the entity holds "de", "du", "of" or "in": the content words alone must start its words."""
    assert [(h.entry.id, h.kind) for h in search(catalog, text, "fr")] == [(found, "words")]


@pytest.mark.parametrize(("text", "found"), [("sommet de zzzz", []), ("of", ["usa"]), ("de la", [])])
def test_content_words_stay_required(catalog: Catalog, text: str, found: list[str]) -> None:
    """Every content word must still match; a query of function words only keeps them (it does not match all)."""
    assert ids(catalog, text) == found


def test_aliases_in_both_languages(catalog: Catalog) -> None:
    """'etats unis' is the folded French alias: found whatever the chosen language, and shown as matched."""
    for lang in ("en", "fr"):
        hits = search(catalog, "etats unis", lang)
        assert [h.entry.id for h in hits] == ["usa"]
        assert (hits[0].name, hits[0].lang, hits[0].kind) == ("États-Unis", "fr", "exact")
    assert search(catalog, "united states", "fr")[0].name == "United States"


def test_the_name_shown_as_matched_prefers_the_chosen_language(catalog: Catalog) -> None:
    assert (search(catalog, "seoul", "fr")[0].name, search(catalog, "seoul", "en")[0].name) == ("Séoul", "Seoul")


def test_hits_carry_types_and_labels(catalog: Catalog) -> None:
    hit = search(catalog, "seoul declaration", "fr")[0]
    assert hit.entry.types == ("Declaration",)
    assert catalog.type_names["Declaration"] == {"en": "declaration", "fr": "déclaration"}
    assert hit.entry.labels == {"en": "Seoul Declaration for safe AI", "fr": "Déclaration de Séoul"}
    assert hit.entry.iri == DEFAULT_BASE + "id/decl"


@pytest.mark.parametrize("text", ["", "   ", "!!!", "-", "zzzz", "seoul zzzz"])
def test_nothing_to_find(catalog: Catalog, text: str) -> None:
    assert search(catalog, text, "en") == []


def test_entities_without_a_name_are_not_searchable(catalog: Catalog) -> None:
    assert "unlabelled" not in {entry.id for entry in catalog.entries}
    assert ids(catalog, "freedonia", "fr") == ["only-english"]


@pytest.mark.parametrize(
    ("text", "found"),
    [("Seul declaration", ["decl"]), ("seoul declaraton", ["decl"]), ("Freedomia", ["only-english"])],
)
def test_typos_are_forgiven_when_nothing_matches_as_typed(catalog: Catalog, text: str, found: list[str]) -> None:
    hits = search(catalog, text, "en")
    assert [(h.entry.id, h.kind) for h in hits] == [(i, "fuzzy") for i in found]
    assert RANKS.index("fuzzy") == len(RANKS) - 1


def test_no_typo_is_guessed_when_a_name_matches(catalog: Catalog) -> None:
    """A query that matches as typed ("seoul") gets no guessed hits besides."""
    assert "fuzzy" not in {hit.kind for hit in search(catalog, "seoul", "en")}


@pytest.mark.parametrize(
    ("text", "found"),
    [("seo", ["seoul", "decl", "summit"]), ("sommet d", ["summit"]), ("united states of", ["usa"]), ("Éta", ["usa"])],
)
def test_prefixes_as_a_person_types(catalog: Catalog, text: str, found: list[str]) -> None:
    assert ids(catalog, text)[: len(found)] == found


def test_top_gives_the_total_and_the_first_hits(catalog: Catalog) -> None:
    every = search(catalog, "seoul", "en")
    assert top(catalog, "seoul", "en", 2) == (4, every[:2], False)
    assert top(catalog, "seoul", "en", None) == (4, every, False)
    assert top(catalog, "  ", "en", 5) == (0, [], False)


def test_counting_stops_once_the_hits_are_listed(catalog: Catalog) -> None:
    """Past `most` entities, the ranks after the hits are not counted: the total is a floor."""
    every = search(catalog, "seoul", "en")  # exact, prefix, word, substring: one entity each
    assert top(catalog, "seoul", "en", 2, most=2) == (2, every[:2], True)
    assert top(catalog, "seoul", "en", 2, most=3) == (3, every[:2], True)
    assert top(catalog, "seoul", "en", 3, most=2) == (3, every[:3], True)  # the hits come first
    assert top(catalog, "seoul", "en", 2, most=5) == (4, every[:2], False)  # every rank counted
