"""The gazetteer built from the project's graph and pycountry: lookups, new states, variants, demonyms, acts."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from govkg import load
from govkg.ingest.demonyms import DEMONYMS, french_forms
from govkg.ingest.gazetteer import Gazetteer, variants
from govkg.namespaces import GK

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def graph() -> Graph:
    """data/entities.ttl and data/asserted.ttl, as `govkg ingest` reads them."""
    g = Graph()
    for name in ("entities.ttl", "asserted.ttl"):
        g.parse(ROOT / "data" / name)
    return g


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load.parse_files((ROOT / "ontology").glob("*.ttl"))


@pytest.fixture(scope="module")
def gazetteer(graph: Graph, ontology: Graph) -> Gazetteer:
    return Gazetteer.build(graph, ontology)


def slugs(gazetteer: Gazetteer, name: str) -> list[str]:
    return [e.slug for e in gazetteer.lookup(name)]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("l’Allemagne", "germany"),
        ("l'Allemagne", "germany"),
        ("Allemagne", "germany"),
        ("Germany", "germany"),
        ("République de Corée", "south-korea"),
        ("la Corée du Sud", "south-korea"),
        ("OCDE", "oecd"),
        ("OECD", "oecd"),
        ("UN", "united-nations"),
        ("l’Union européenne", "european-union"),
        ("le Royaume-Uni", "united-kingdom"),
        ("les États‑Unis", "united-states"),  # non-breaking hyphen
    ],
)
def test_lookup_finds_graph_entities(gazetteer: Gazetteer, name: str, slug: str) -> None:
    found = gazetteer.lookup(name)
    assert [e.slug for e in found] == [slug]
    assert found[0].known


@pytest.mark.parametrize("word", ["un", "Un", "les", "la", "de", "the"])
def test_short_words_resolve_to_nothing(gazetteer: Gazetteer, word: str) -> None:
    """Acronyms are case-sensitive: the article "un" is not the UN."""
    assert slugs(gazetteer, word) == []


@pytest.mark.parametrize(
    ("name", "slug", "alpha2", "english", "french"),
    [
        ("Brésil", "brazil", "BR", "Brazil", "Brésil"),
        ("le Brésil", "brazil", "BR", "Brazil", "Brésil"),
        ("Hongrie", "hungary", "HU", "Hungary", "Hongrie"),
        ("Mexique", "mexico", "MX", "Mexico", "Mexique"),
        ("l'Arabie saoudite", "saudi-arabia", "SA", "Saudi Arabia", "Arabie saoudite"),
        ("Moldavie", "moldova", "MD", "Moldova", "République de Moldova"),
    ],
)
def test_states_missing_from_the_graph_are_new_with_english_slugs(
    gazetteer: Gazetteer, name: str, slug: str, alpha2: str, english: str, french: str
) -> None:
    (entity,) = gazetteer.lookup(name)
    assert (entity.slug, entity.known, entity.alpha2, entity.kind, entity.family) == (
        slug, False, alpha2, GK.State, "actor",
    )  # fmt: skip
    assert entity.labels == {"en": english, "fr": french}


def _gap(name: str, alpha2: str, reason: str) -> object:
    return pytest.param(name, alpha2, marks=pytest.mark.xfail(strict=True, reason=reason), id=name)


@pytest.mark.parametrize(
    ("name", "alpha2"),
    [
        ("Pays-Bas", "NL"),
        ("Fédération de Russie", "RU"),
        ("Türkiye", "TR"),
        ("Turquie", "TR"),
        ("Russie", "RU"),  # ISO's sorted form "Russie, Fédération de"
        _gap("Russia", "RU", "pycountry names RU only 'Russian Federation' (no common_name); no alias is added"),
        _gap("Turkey", "TR", "pycountry names TR 'Türkiye'; the usual English name has no alias"),
    ],
)  # fmt: skip
def test_common_state_names_resolve(gazetteer: Gazetteer, name: str, alpha2: str) -> None:
    assert [e.alpha2 for e in gazetteer.lookup(name)] == [alpha2]


def test_states_in_the_graph_keep_their_slug_and_code(gazetteer: Gazetteer) -> None:
    entity = gazetteer.state("FR")
    assert entity is not None and (entity.slug, entity.known) == ("france", True)
    assert len({e.slug for e in gazetteer.entities.values() if e.alpha2 == "FR"}) == 1


def test_exclude_removes_a_slug(graph: Graph, ontology: Graph) -> None:
    without = Gazetteer.build(graph, ontology, exclude={"oecd", "seoul-declaration"})
    assert "oecd" not in without.entities and "seoul-declaration" not in without.entities
    assert slugs(without, "OCDE") == [] and slugs(without, "Déclaration de Séoul") == []
    assert slugs(without, "Allemagne") == ["germany"]


def test_an_excluded_state_comes_back_from_pycountry_as_new(graph: Graph, ontology: Graph) -> None:
    """Leave-one-out evaluation: a state only one document names is still recognised, as a new entity."""
    (entity,) = Gazetteer.build(graph, ontology, exclude={"germany"}).lookup("l’Allemagne")
    assert (entity.slug, entity.known, entity.alpha2) == ("germany", False, "DE")


@pytest.mark.parametrize(
    ("name", "expected", "absent"),
    [
        ("Sommet de Séoul sur l'IA (2024)", {"Sommet de Séoul", "Sommet de Séoul sur l'IA"}, set()),
        ("Déclaration de Séoul sur l'IA", {"Déclaration de Séoul sur l'intelligence artificielle"}, set()),
        ("Déclaration de Séoul sur l'intelligence artificielle", {"Déclaration de Séoul sur l'IA"}, set()),
        ("AI Seoul Summit (2024)", {"AI Seoul Summit", "artificial intelligence Seoul Summit"}, set()),
        ("Summit on AI (2023)", {"Summit on AI"}, {"Summit"}),  # one word would be left: kept whole
        ("la Déclaration sur l'IA", {"Déclaration sur l'IA"}, {"Déclaration", "la Déclaration"}),
        ("l’Union européenne", {"Union européenne", "l'Union européenne", "l’Union européenne"}, set()),
    ],
)
def test_variants(name: str, expected: set[str], absent: set[str]) -> None:
    forms = variants(name)
    assert name in forms
    assert expected <= forms
    assert not absent & forms


@pytest.mark.parametrize(
    ("word", "slug"),
    [
        ("chinois", "china"),
        ("chinoise", "china"),
        ("chinoises", "china"),
        ("britannique", "united-kingdom"),
        ("sud-coréen", "south-korea"),
        ("sud-coréenne", "south-korea"),
        ("portugaise", "portugal"),
        ("Danish", "denmark"),
        ("Nigerian", "nigeria"),
        ("French", "france"),
    ],
)
def test_demonyms_name_states(gazetteer: Gazetteer, word: str, slug: str) -> None:
    entity = gazetteer.demonym(word)
    assert entity is not None and entity.slug == slug


@pytest.mark.parametrize("word", ["ministre", "européen", "Minister", "agence"])
def test_other_words_are_not_demonyms(gazetteer: Gazetteer, word: str) -> None:
    assert gazetteer.demonym(word) is None


@pytest.mark.parametrize(
    ("masculine", "forms"),
    [
        ("chinois", {"chinois", "chinoise", "chinoises"}),
        ("italien", {"italien", "italiens", "italienne", "italiennes"}),
        ("sud-coréen", {"sud-coréen", "sud-coréens", "sud-coréenne", "sud-coréennes"}),
        ("grec", {"grec", "grecs", "grecque", "grecques"}),
        ("turc", {"turc", "turcs", "turque", "turques"}),
        ("belge", {"belge", "belges"}),
        ("allemand", {"allemand", "allemands", "allemande", "allemandes"}),
    ],
)
def test_french_forms(masculine: str, forms: set[str]) -> None:
    assert french_forms(masculine) == forms


def test_every_demonym_is_an_iso_state(gazetteer: Gazetteer) -> None:
    assert len(set(DEMONYMS.values())) >= 50
    assert all(gazetteer.state(code) is not None for code in DEMONYMS.values())


def test_acts_map_instruments_to_the_act_their_accounts_tell(gazetteer: Gazetteer) -> None:
    assert gazetteer.acts["frontier-ai-safety-commitments"] == "signature-frontier-ai-safety-commitments"
    assert gazetteer.acts["seoul-declaration"] == "adoption-seoul-declaration"


def test_adopted_at_covers_the_event_and_its_super_events(gazetteer: Gazetteer) -> None:
    assert "seoul-declaration" in gazetteer.adopted_at["ai-seoul-summit-2024-ministerial-meeting"]
    assert "seoul-declaration" in gazetteer.adopted_at["ai-seoul-summit-2024"]


def test_held_in(gazetteer: Gazetteer) -> None:
    assert gazetteer.held_in["seoul"] == {"ai-seoul-summit-2024"}
    assert "ai-safety-summit-2023" in gazetteer.held_in["bletchley-park"]


def test_described_lists_the_graphs_typed_slugs(gazetteer: Gazetteer) -> None:
    assert {"germany", "seoul-declaration", "adoption-seoul-declaration"} <= gazetteer.described
    assert "brazil" not in gazetteer.described
