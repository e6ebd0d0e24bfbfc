"""The extractor: a document's text → the facts it states, as proposed annotation rows (rules over the spaCy
pipeline's sentences and names; nothing here knows any particular document)."""

from __future__ import annotations

from typing import Any

from govkg import __version__
from govkg.ingest import acts, relations
from govkg.ingest.context import Context
from govkg.ingest.facts import Proposal
from govkg.ingest.gazetteer import Gazetteer

__all__ = ["RULES", "TOOL", "propose"]

TOOL = f"govkg-ingest/{__version__}"
RULES = [acts.endorsements, relations.memberships, relations.roles, relations.events, relations.commitments,
         relations.countries]  # fmt: skip


def propose(text: str, lang: str, number: str, gazetteer: Gazetteer, nlp: Any, year: int | None = None) -> Proposal:
    """The facts `text` states, for the document numbered `number` (account slugs end with it)."""
    context = Context.read(text, lang, number, gazetteer, nlp, year)
    for rule in RULES:
        rule(context)
    context.describe_new()
    return context.proposal
