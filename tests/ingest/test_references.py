"""Launched/presented by (and at), and a text's stances (welcomes, takes note of, looks forward to, builds on, refers
to): ingest/references.py, through the whole extractor on short texts and on the declaration of the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from govkg.ingest.extractor import propose
from govkg.ingest.gazetteer import Gazetteer
from govkg.ingest.pipeline import load_pipeline
from govkg.ingest.run import project_gazetteer

ROOT = Path(__file__).resolve().parents[2]
Triples = set[tuple[str, str, str]]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return project_gazetteer(ROOT)


def triples(text: str, gazetteer: Gazetteer) -> Triples:
    proposal = propose(text, "fr", "900", gazetteer, load_pipeline("fr", gazetteer))
    return {f.triple for f in proposal.facts}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "La Chine a présenté l'Initiative pour la gouvernance mondiale de l'IA, lancée par la Chine lors du "
            "3e Forum de la Ceinture et la Route pour la coopération internationale.",
            {
                ("global-ai-governance-initiative", "gk:launchedBy", "china"),
                ("global-ai-governance-initiative", "gk:launchedAt", "belt-and-road-forum-2023"),
            },
        ),
        (
            "En marge du sommet de Séoul sur l'IA, le Royaume-Uni a présenté la Charte de Douvres sur les modèles.",
            {
                ("charte-de-douvres-sur-les-modeles", "gk:presentedBy", "united-kingdom"),
                ("charte-de-douvres-sur-les-modeles", "gk:presentedAt", "ai-seoul-summit-2024"),
            },
        ),
    ],
)
def test_launched_and_presented_by_whom_and_where(text: str, expected: Triples, gazetteer: Gazetteer) -> None:
    assert expected <= triples(text, gazetteer)


def test_a_declaration_welcomes_what_it_names_after_the_cue_and_nothing_past_the_next_one(
    gazetteer: Gazetteer,
) -> None:
    """In the Seoul Declaration's own text, "nous" is the declaration (known from its preamble)."""
    found = triples((ROOT / "data" / "sources" / "000_dd5d7c617b960d8b.txt").read_text(encoding="utf-8"), gazetteer)
    assert {
        ("seoul-declaration", "gk:welcomes", "global-digital-compact"),
        ("seoul-declaration", "gk:looksForwardTo", "un-hlab-ai-final-report"),
        ("seoul-declaration", "gk:takesNoteOf", "frontier-ai-safety-commitments"),
        ("seoul-declaration", "gk:buildsOnWorkOf", "ai-safety-summit-2023"),
    } <= found
    assert ("seoul-declaration", "gk:welcomes", "un-hlab-ai-final-report") not in found


def test_without_a_subject_no_stance_is_proposed(gazetteer: Gazetteer) -> None:
    """ "Nous saluons …" in a text that is no known declaration: nobody to attribute the welcome to."""
    found = triples("Nous saluons le Pacte numérique mondial.", gazetteer)
    assert not {t for t in found if t[1] == "gk:welcomes"}
