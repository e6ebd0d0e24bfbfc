"""Label matching (govkg.reconcile.match): French and English normalisation, similarity, best of several labels."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from govkg.namespaces import GKD
from govkg.reconcile.match import best, normalise, similarity


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("États-Unis", "etats unis"),  # accents, hyphen
        ("LES ÉTATS-UNIS", "etats unis"),  # case, leading article
        ("la République de Corée", "republique de coree"),  # article
        ("L'Allemagne", "allemagne"),  # elision
        ("l’Union européenne", "union europeenne"),  # typographic apostrophe
        ("d'Artagnan", "artagnan"),  # elided "de"
        ("The United Kingdom", "united kingdom"),  # English article
        ("an Initiative", "initiative"),
        ("  Zhipu.ai  ", "zhipu ai"),  # punctuation, outer spaces
        ("Co-operation   and\tDevelopment", "co operation and development"),
        ("Côte d'Ivoire", "cote d ivoire"),  # an elision inside stays a word
        ("ﬁnance Ⅻ", "finance xii"),  # compatibility characters (NFKD)
        ("Les", "les"),  # an article alone is the label
        ("", ""),
        ("!!!", ""),
    ],
)
def test_normalise(label: str, expected: str) -> None:
    assert normalise(label) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Etats-Unis", "États-Unis"),
        ("la République de Corée", "République de Corée"),
        ("l'Union européenne", "Union Européenne"),
        ("the European Union", "european union"),
        ("Zhipu AI", "Zhipu.ai"),
        ("ALLEMAGNE", "l’Allemagne"),
    ],
)
def test_equal_after_normalising_is_one(a: str, b: str) -> None:
    assert similarity(a, b) == similarity(b, a) == 1.0


@pytest.mark.parametrize(
    ("query", "close", "far"),
    [
        ("Etats-Unis", "États-Unis d'Amérique", "Émirats arabes unis"),
        ("Korea", "South Korea", "Singapore"),
        ("Corée", "République de Corée", "Conseil de l'Europe"),
        ("Google", "Google DeepMind", "Global Digital Compact"),
        ("Wu Zhaohui", "Zhaohui Wu", "Rishi Sunak"),  # word order
        ("Organisation for Economic Cooperation", "Organisation for Economic Co-operation and Development", "OpenAI"),
    ],
)
def test_closer_labels_score_higher(query: str, close: str, far: str) -> None:
    near, distant = similarity(query, close), similarity(query, far)
    assert 0.0 <= distant < near < 1.0
    assert similarity(close, query) == near


@pytest.mark.parametrize(("a", "b"), [("", "France"), ("France", "!!!"), ("", "")])
def test_nothing_to_compare_is_zero(a: str, b: str) -> None:
    assert similarity(a, b) == 0.0


def test_different_labels_never_reach_one() -> None:
    assert similarity("OpenAI", "Open AI") < 1.0
    assert similarity("France", "Allemagne") < similarity("France", "Finlande") < 1.0


def _labels(graph: Graph, entity: URIRef) -> list[str]:
    """Every label and alternative label of an entity in the curated data."""
    return [str(o) for p in (RDFS.label, SKOS.altLabel) for o in graph.objects(entity, p)]


def test_best_takes_the_closest_label_of_the_data(root: Path) -> None:
    entities = Graph().parse(root / "data" / "entities.ttl")
    korea = _labels(entities, GKD["south-korea"])
    usa = _labels(entities, GKD["united-states"])
    assert len(korea) >= 4 and len(usa) >= 4
    for label in korea:  # each label, in any case or with an article, is found exactly
        assert best(label.upper(), korea) == best("la " + label, korea) == 1.0
    assert best("Etats-Unis", usa) == 1.0  # the altLabel "États-Unis" without its accent
    assert best("Korea", korea) == max(similarity("Korea", label) for label in korea) < 1.0
    assert best("Korea", korea) > best("Korea", usa)
    assert best("France", []) == 0.0
