"""Roles, memberships and events on short texts (ingest/relations.py)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from govkg.ingest.extractor import propose
from govkg.ingest.gazetteer import Gazetteer
from govkg.ingest.pipeline import load_pipeline
from govkg.ingest.run import project_gazetteer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return project_gazetteer(ROOT)


def test_two_people_with_one_role_give_one_role_with_one_label_per_language(gazetteer: Gazetteer) -> None:
    text = (
        "Tunde Adeyemi, Minister of Communications of Nigeria, opened the meeting. "
        "Ama Mensah, minister of Health of Ghana, closed it."
    )
    proposal = propose(text, "en", "900", gazetteer, load_pipeline("en", gazetteer))
    labels = Counter((f.subject, f.obj.rsplit("@", 1)[-1]) for f in proposal.facts if f.predicate == "rdfs:label")
    assert labels[("role-minister", "en")] == labels[("role-minister", "fr")] == 1
    members = {(f.subject, f.obj) for f in proposal.facts if f.predicate == "org:organization"}
    assert {("membership-tunde-adeyemi-minister", "nigeria"), ("membership-ama-mensah-minister", "ghana")} <= members


def test_founding_members_listed_under_a_heading(gazetteer: Gazetteer) -> None:
    text = (
        "Le Réseau nordique des laboratoires d'IA a été fondé à Oslo le 2 mars 2026.\n\n## Membres fondateurs\n\n"
        "- la Norvège\n- l'Islande\n- l'Institut finlandais de l'IA\n"
    )
    proposal = propose(text, "fr", "900", gazetteer, load_pipeline("fr", gazetteer))
    members = {f.subject for f in proposal.facts if f.predicate == "org:memberOf"}
    assert {"norway", "iceland", "institut-finlandais-de-l-ia"} <= members
