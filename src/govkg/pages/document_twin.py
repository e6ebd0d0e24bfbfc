"""The machine twin of a document page: the document, its text's segments and its facts as JSON (offsets in
Unicode code points, as the graph counts them)."""

from __future__ import annotations

from typing import Any

from govkg.pages import document
from govkg.pages.documents import Fact, View

__all__ = ["to_json"]


def to_json(view: View) -> dict[str, Any]:
    """The machine twin of a document page: its summary, the text's segments and the facts (code points)."""
    segments = view.layout.segments if view.layout else ()
    summary = view.summary
    return {
        "document": summary.iri,
        "labels": summary.labels,
        "identifier": summary.identifier,
        "sha256": summary.sha256,
        "offsets": "Unicode code points",
        "text": {"available": view.text.text is not None, "problem": view.text.problem or None},
        "segments": [{"start": s.start, "end": s.end, "text": s.text, "claims": list(s.claims)} for s in segments],
        "chrome": [[b.start, b.end] for b in _chrome(view.layout.root)] if view.layout else [],
        "facts": [_fact_json(f) for f in view.facts],
        "disagreements": [{"iri": d.iri, "claims": [c.claim for c in d.conflicts]} for d in view.disagreements],
    }


def _fact_json(fact: Fact) -> dict[str, Any]:
    """One fact as JSON: the claim, its triple (N-Triples-like terms) and where its quote is."""
    terms = {"subject": fact.subject, "predicate": fact.predicate, "object": fact.value}
    found: dict[str, Any] = {"claim": fact.claim, "id": f"q-{fact.key}"}
    found.update({name: term.n3() for name, term in terms.items()})
    found.update({"start": fact.start, "end": fact.end, "exact": fact.exact, "sentence": fact.sentence})
    return found


def _chrome(block: document.Block) -> list[document.Block]:
    """The chrome blocks under `block`, in text order."""
    opened = (b for kind, b in document.tokens(block) if kind == document.OPEN and isinstance(b, document.Block))
    return [b for b in opened if b.kind == document.CHROME]
