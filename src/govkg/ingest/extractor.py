"""The extractor: a document's text → the facts it states, as proposed annotation rows (rules over the spaCy
pipeline's sentences and names; nothing here knows any particular document)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from govkg import __version__
from govkg.ingest import acts, references, relations
from govkg.ingest.context import Context
from govkg.ingest.facts import Proposal
from govkg.ingest.gazetteer import Gazetteer

__all__ = ["RULES", "TOOL", "propose"]

TOOL = f"govkg-ingest/{__version__}"
RULES = [acts.endorsements, relations.memberships, relations.roles, relations.events, relations.commitments,
         relations.countries, relations.dateline, references.attributions, references.stances]  # fmt: skip


def propose(
    text: str, lang: str, number: str, gazetteer: Gazetteer, nlp: Any, year: int | None = None,
    chrome: Sequence[str] = (),
) -> Proposal:  # fmt: skip
    """The facts `text` states, for the document numbered `number` (account slugs end with it); nothing from the
    page-chrome passages in `chrome`."""
    context = Context.read(text, lang, number, gazetteer, nlp, year)
    blocked = [(s, s + len(p)) for p in chrome if (s := text.find(p)) >= 0]
    context.names = [n for n in context.names if not any(a < n.end and n.start < b for a, b in blocked)]
    for rule in RULES:
        rule(context)
    proposal = context.proposal
    proposal.facts = [f for f in proposal.facts if not any(a < f.end and f.start < b for a, b in blocked)]
    context.describe_new()
    proposal.mentioned = {n.slug: text[n.start : n.end] for n in context.names}
    proposal.mentioned.update({slug: name for slug, (_, name) in proposal.minted.items()})
    for fact in proposal.facts:  # what the facts are about, named or not ("la présente déclaration")
        for slug in (fact.subject, fact.obj):
            if slug in gazetteer.entities and slug not in proposal.mentioned:
                proposal.mentioned[slug] = text[fact.start : fact.end]
    return proposal
