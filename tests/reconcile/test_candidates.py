"""The candidates of a reconciliation query (govkg.reconcile.candidates): the entities the label index relates to
its text, within a budget of names."""

from __future__ import annotations

import pytest

from govkg.namespaces import DEFAULT_BASE
from govkg.reconcile import labels
from govkg.reconcile.candidates import candidates
from govkg.reconcile.index import Entity, Index
from govkg.reconcile.match import normalise

NAMES = {
    "anthropic": ["Anthropic"],
    "seoul-declaration": ["Seoul Declaration for safe AI", "Déclaration de Séoul"],
    "south-korea": ["South Korea", "Corée du Sud"],
    "southkorea-fair": ["Southkorea Fair"],
    "summit-1": ["First summit"],
    "summit-2": ["Second summit"],
    "summit-3": ["Third summit"],
}


@pytest.fixture(scope="module")
def index() -> Index:
    """An index of the entities above (no types, no properties)."""
    entities = {
        key: Entity(
            key, DEFAULT_BASE + "id/" + key, {"en": names[0]}, tuple((n, "en") for n in names), frozenset(), (), {}
        )
        for key, names in sorted(NAMES.items())
    }
    built = labels.build([normalise(text) for text, _ in e.names] for e in entities.values())
    return Index(DEFAULT_BASE, entities, {}, {}, built, tuple(entities))


def ids(index: Index, text: str, budget: int = 100) -> list[str]:
    """The ids of the candidates."""
    return [entity.id for entity in candidates(index, text, budget)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Anthropic", ["anthropic"]),
        ("anthorpic", ["anthropic"]),  # a typo
        ("seoul", ["seoul-declaration"]),  # a word of a name
        ("séoul declaration", ["seoul-declaration"]),
        ("South", ["south-korea", "southkorea-fair"]),  # a word starting with a word of the query
        ("Southkorea", ["south-korea", "southkorea-fair"]),  # a word a word of the query starts with
        ("Korea South", ["south-korea", "southkorea-fair"]),
        ("zzz", []),  # nothing alike: nothing scored
        ("anthropic", ["anthropic"]),
    ],
)
def test_the_names_related_to_the_text(index: Index, text: str, found: list[str]) -> None:
    assert ids(index, text) == found


def test_the_entity_named_by_its_id_or_iri_whatever_the_budget(index: Index) -> None:
    assert ids(index, "summit-2", budget=0) == ["summit-2"]
    assert ids(index, DEFAULT_BASE + "id/anthropic", budget=0) == ["anthropic"]
    assert ids(index, "summit-2", budget=1) == ["summit-1", "summit-2"]  # index order


def test_a_common_word_adds_its_first_names_within_the_budget(index: Index) -> None:
    assert ids(index, "summit") == ["summit-1", "summit-2", "summit-3"]
    assert ids(index, "summit", budget=2) == ["summit-1", "summit-2"]
    assert ids(index, "third summit", budget=2) == ["summit-1", "summit-3"]  # the rarer word first
