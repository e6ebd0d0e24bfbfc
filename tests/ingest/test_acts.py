"""Endorsement accounts on short texts (ingest/acts.py): parties, explicit denials that beat any listing, hosts that
are not parties, counts in words, list completeness, and the document's own account of a known act."""

from __future__ import annotations

from pathlib import Path

import pytest

from govkg.ingest.extractor import propose
from govkg.ingest.gazetteer import Gazetteer
from govkg.ingest.pipeline import load_pipeline
from govkg.ingest.run import project_gazetteer

ROOT = Path(__file__).resolve().parents[2]
CASES = [
    (  # a table names Brazil among others; the text says Brazil refused: the denial stands
        "en",
        "Reykjavik Code on AI Safety signed\n\nThe Reykjavik Code on AI Safety was signed on 4 April 2025 at a forum "
        "hosted by Iceland. The following countries signed the code: Norway, Denmark and Brazil. Brazil later "
        "refused to sign the final text.\n\n| Country | Signed |\n|---|---|\n| Norway | yes |\n| Brazil | no |\n",
        {("signatory", "norway"), ("signatory", "denmark"), ("nonEndorser", "brazil")},
        {("signatory", "brazil"), ("signatory", "iceland")},
    ),
    (
        "en",
        "Thirty countries signed the Lagos Charter on Data on 2 May 2025, including Korea, Ghana and Peru.",
        {("partyCount", "30"), ("partyListComplete", "false"), ("signatory", "ghana"), ("signatory", "peru")},
        {("signatory", "north-korea"), ("signatory", "south-korea")},  # "Korea" names no one state
    ),
    (
        "fr",
        "La Charte d'Athènes sur l'IA a été signée le 3 mars 2025. Les signataires sont : la Grèce, Chypre et "
        "Malte. La Turquie n'a pas signé la charte.",
        {("partyListComplete", "true"), ("signatory", "greece"), ("nonEndorser", "turkiye")},
        {("signatory", "turkiye")},
    ),
]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return project_gazetteer(ROOT)


@pytest.mark.parametrize(
    ("lang", "text", "present", "absent"), CASES, ids=["denial-beats-table", "count-korea", "list"]
)
def test_account_of_a_short_text(
    gazetteer: Gazetteer, lang: str, text: str, present: set[tuple[str, str]], absent: set[tuple[str, str]]
) -> None:
    proposal = propose(text, lang, "900", gazetteer, load_pipeline(lang, gazetteer))
    told = {(f.predicate.split(":")[-1], f.obj) for f in proposal.facts if f.subject.endswith("-900")}
    assert present <= told, sorted(told)
    assert not absent & told


def test_a_retelling_is_an_account_of_the_known_act(gazetteer: Gazetteer) -> None:
    text = "Le 22 mai 2024, les représentants de 27 pays ont adopté la déclaration de Séoul."
    proposal = propose(text, "fr", "900", gazetteer, load_pipeline("fr", gazetteer))
    accounts = {(f.subject, f.obj) for f in proposal.facts if f.predicate == "gk:accountOf"}
    assert accounts == {("adoption-seoul-declaration-900", "adoption-seoul-declaration")}
