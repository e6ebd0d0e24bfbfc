"""The evidence behind facts: each claim's quote within its sentence (the quoted span cut out in code points, as
the selectors count), the disagreements between sources, and the labels of whatever a page names.

Read from the dataset through the `select` callable, a few queries per page, whatever the engine."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import Literal, Namespace, URIRef
from rdflib.term import Node

from govkg.namespaces import GK, rebase_iri
from govkg.pages.description import LABELS, iri_ref, is_iriref

__all__ = ["Disagreement", "Quote", "claims", "disagreements", "highlight", "labels"]

Select = Callable[[str], list[list[Node | None]]]
Triple = tuple[Node, Node, Node]
_PREFIXES = (
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\nPREFIX oa: <http://www.w3.org/ns/oa#>\n"
    "PREFIX prov: <http://www.w3.org/ns/prov#>\nPREFIX gk: <{gk}>\n"
)
# Every claim about some subjects: what it states, its document, its quote and position, and its sentence's text
# and position (a claim on a title or across sentences has none: its quote's prefix and suffix stand in).
_CLAIMS = (
    _PREFIXES
    + """SELECT ?c ?s ?p ?o ?doc ?exact ?prefix ?suffix ?start ?end ?text ?from WHERE {{ VALUES ?s {{ {subjects} }}
  ?c a gk:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; oa:hasTarget ?t .
  OPTIONAL {{ ?c prov:wasDerivedFrom ?doc }}
  OPTIONAL {{ ?t oa:hasSelector ?q . ?q oa:exact ?exact OPTIONAL {{ ?q oa:prefix ?prefix }}
              OPTIONAL {{ ?q oa:suffix ?suffix }} }}
  OPTIONAL {{ ?t oa:hasSelector ?at . ?at oa:start ?start ; oa:end ?end }}
  OPTIONAL {{ ?t gk:sentence ?sentence . ?sentence rdf:value ?text ; oa:hasSelector ?ss . ?ss oa:start ?from }} }}"""
)
# The disagreements about a resource or about a claim's subject or object that is the resource.
_DISAGREEMENTS = (
    _PREFIXES
    + """SELECT DISTINCT ?d ?about ?property ?c ?s WHERE {{
  ?d gk:aboutResource ?about ; gk:aboutProperty ?property ; gk:conflictingClaim ?c . ?c rdf:subject ?s .
  {{ ?d gk:aboutResource {iri} }} UNION {{ ?d gk:conflictingClaim/rdf:subject {iri} }}
  UNION {{ ?d gk:conflictingClaim/rdf:object {iri} }} }}"""
)
_LABELS = "SELECT ?s ?o WHERE {{ VALUES ?s {{ {nodes} }} {patterns} FILTER(isLiteral(?o)) }}"


@dataclass(frozen=True)
class Quote:
    """One claim's quote: the sentence around it cut at the quoted span, its document and its code-point offsets."""

    claim: URIRef
    fact: Triple
    document: Node | None
    before: str
    exact: str
    after: str
    start: int | None
    end: int | None

    @property
    def anchor(self) -> str:
        """The fragment of the quote on its document's page: `q-` and the claim IRI's last path segment."""
        return "q-" + str(self.claim).rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Disagreement:
    """Sources giving different values for a single-valued property of a resource: each claim with its quote."""

    node: Node
    resource: Node
    predicate: Node
    quotes: tuple[Quote, ...]


def highlight(text: str, text_start: int, start: int, end: int, exact: str) -> tuple[str, str, str] | None:
    """`text` (which starts at `text_start` in its document) cut into before, quoted span, after, the span being
    [start, end) in the document's code points; None when the span is not `exact` there (then it is searched)."""
    at, stop = start - text_start, end - text_start
    if 0 <= at <= stop <= len(text) and text[at:stop] == exact:
        return text[:at], exact, text[stop:]
    found = text.find(exact) if exact else -1
    return (text[:found], exact, text[found + len(exact) :]) if found >= 0 else None


def claims(select: Select, subjects: Iterable[Node], base: str) -> dict[URIRef, Quote]:
    """The quotes of every claim about `subjects`, by claim IRI."""
    refs = _refs(subjects)
    if not refs:
        return {}
    rows = select(_CLAIMS.format(gk=_gk(base), subjects=refs))
    found: dict[URIRef, Quote] = {}
    for claim, s, p, o, doc, exact, prefix, suffix, start, end, text, text_from in rows:
        if isinstance(claim, URIRef) and s is not None and p is not None and o is not None:
            quoted = _split(exact, prefix, suffix, start, end, text, text_from)
            found.setdefault(claim, Quote(claim, (s, p, o), doc, *quoted, _int(start), _int(end)))
    return found


def disagreements(select: Select, iri: str, base: str) -> list[Disagreement]:
    """The disagreements between sources about `iri` or about claims of which it is the subject or object."""
    rows = [[t for t in r if t is not None] for r in select(_DISAGREEMENTS.format(gk=_gk(base), iri=iri_ref(iri)))]
    rows = sorted((r for r in rows if len(r) == 5), key=lambda r: [str(t) for t in r])
    quotes = claims(select, {r[4] for r in rows}, base)
    found: dict[Node, tuple[Node, Node, list[Quote]]] = {}
    for node, about, prop, claim, _ in rows:
        if isinstance(claim, URIRef) and claim in quotes:
            found.setdefault(node, (about, prop, []))[2].append(quotes[claim])
    return [Disagreement(node, about, prop, tuple(q)) for node, (about, prop, q) in found.items()]


def labels(select: Select, nodes: Iterable[Node]) -> dict[Node, dict[str, str]]:
    """The first label (rdfs:label, skos:prefLabel) of each node by language, in text order."""
    refs = _refs(nodes)
    if not refs:
        return {}
    patterns = " UNION ".join(f"{{ ?s <{p}> ?o }}" for p in LABELS)
    found: dict[Node, dict[str, str]] = {}
    rows = select(_LABELS.format(nodes=refs, patterns=patterns))
    for s, o in sorted((r for r in rows if None not in r), key=lambda r: (str(r[0]), str(r[1]))):
        if s is not None and isinstance(o, Literal):
            found.setdefault(s, {}).setdefault(o.language or "", str(o))
    return found


def _split(
    exact: Node | None,
    prefix: Node | None,
    suffix: Node | None,
    start: Node | None,
    end: Node | None,
    text: Node | None,
    text_from: Node | None,
) -> tuple[str, str, str]:
    """The quote within its sentence, else between its prefix and suffix."""
    quoted = str(exact or "")
    if text is not None and None not in (start, end, text_from):
        cut = highlight(str(text), _int(text_from) or 0, _int(start) or 0, _int(end) or 0, quoted)
        if cut is not None:
            return cut
    return str(prefix or ""), quoted, str(suffix or "")


def _gk(base: str) -> str:
    """The ontology namespace under `base`."""
    return str(Namespace(rebase_iri(str(GK), base)))


def _refs(nodes: Iterable[Node]) -> str:
    """A VALUES body of the IRIs among `nodes` that are safe in query text."""
    return " ".join(sorted({f"<{n}>" for n in nodes if isinstance(n, URIRef) and is_iriref(str(n))}))


def _int(node: Node | None) -> int | None:
    """An integer literal's value."""
    try:
        return int(str(node)) if node is not None else None
    except ValueError:
        return None
