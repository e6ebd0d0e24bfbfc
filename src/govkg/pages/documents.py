"""What a document page and the documents index say, read from the graph through a `select` callable: the
source documents, the facts each one's claims state with their quotes, its page chrome, the disagreements its
claims take part in, and the text itself, read from the sources folder only when its SHA-256 is the graph's."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from govkg.namespaces import GK, OA, graph_iri, rebase_iri
from govkg.pages import document
from govkg.pages.description import iri_ref, is_iriref
from govkg.pages.model import Page

__all__ = [
    "Conflict",
    "Disagreement",
    "Fact",
    "Summary",
    "Text",
    "View",
    "key",
    "quoted",
    "read_text",
    "summaries",
    "view",
]

Select = Callable[[str], list[list[Node | None]]]
# The file names a text is read from: one plain name in the folder (no path, no dot file, no "..").
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}\.txt")
MAX_BYTES = 4_000_000  # a larger file is not a source text (ingestion refuses documents over 200,000 characters)
LABELS = (RDFS.label, SKOS.prefLabel)


def _fields(base: str) -> dict[str, str]:
    """What a summary keeps of a document's properties: predicate IRI → field (gk: rebased on `base`)."""
    gk = rebase_iri(str(GK), base)
    fixed = {DCTERMS.identifier: "identifier", DCTERMS.language: "language", DCTERMS.issued: "issued"}
    return {**{str(p): f for p, f in fixed.items()}, gk + "sha256": "sha256", gk + "characterCount": "characters"}


def _prefixes(base: str) -> str:
    """The PREFIX lines of every query here, gk: rebased on `base`."""
    spaces = {"rdf": RDF, "rdfs": RDFS, "skos": SKOS, "dct": DCTERMS, "prov": PROV, "oa": OA}
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in spaces.items()]
    return "\n".join([*lines, f"PREFIX gk: <{rebase_iri(str(GK), base)}>", ""])


_DOCUMENTS = """SELECT ?d ?p ?o ?g WHERE {{ {values} ?d a gk:SourceDocument . GRAPH ?g {{ ?d ?p ?o }} VALUES ?p {{
  rdfs:label skos:prefLabel dct:identifier gk:sha256 gk:characterCount dct:language dct:issued rdf:type }} }}"""
_COUNTS = "SELECT ?d (COUNT(DISTINCT ?c) AS ?n) WHERE {{ {values} ?c a gk:Claim ; prov:wasDerivedFrom ?d }} GROUP BY ?d"
_CLAIMS = """SELECT ?c ?s ?p ?o ?start ?end ?exact ?sentence ?status WHERE {{
  ?c a gk:Claim ; prov:wasDerivedFrom {iri} ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL {{ ?c oa:hasTarget/oa:hasSelector ?ps . ?ps oa:start ?start ; oa:end ?end }}
  OPTIONAL {{ ?c oa:hasTarget/oa:hasSelector/oa:exact ?exact }}
  OPTIONAL {{ ?c oa:hasTarget/gk:sentence ?sentence }}
  OPTIONAL {{ ?c gk:reviewStatus ?status }} }}"""
_CHROME = "SELECT ?b ?start ?end WHERE {{ {iri} gk:boilerplate ?b . ?b oa:start ?start ; oa:end ?end }}"
_DISAGREEMENTS = """SELECT ?x ?c ?d ?s ?p ?o ?exact WHERE {{
  ?x a gk:Disagreement ; gk:conflictingClaim ?mine, ?c . ?mine prov:wasDerivedFrom {iri} .
  ?c prov:wasDerivedFrom ?d ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL {{ ?c oa:hasTarget/oa:hasSelector/oa:exact ?exact }} }}"""
_NAMES = "SELECT ?n ?l WHERE {{ VALUES ?n {{ {nodes} }} {{ ?n rdfs:label ?l }} UNION {{ ?n skos:prefLabel ?l }} }}"


@dataclass(frozen=True)
class Summary:
    """A source document as the index lists it."""

    iri: str
    labels: dict[str, str]  # language → label
    types: tuple[str, ...]  # its stated classes other than gk:SourceDocument
    identifier: str | None = None  # the file name of its text
    sha256: str | None = None
    characters: int | None = None
    language: str | None = None  # an IRI (ISO 639-1)
    issued: str | None = None
    facts: int = 0  # claims derived from it


@dataclass(frozen=True)
class Fact:
    """A claim of the document: the fact it states in (subject, predicate, value) and the quote it rests on."""

    claim: str
    subject: Node
    predicate: Node
    value: Node
    start: int | None = None
    end: int | None = None
    exact: str | None = None
    sentence: str | None = None
    status: str | None = None

    @property
    def key(self) -> str:
        """The claim's local name: the quote's fragment id is `q-<key>`."""
        return key(self.claim)


@dataclass(frozen=True)
class Conflict:
    """One side of a disagreement: what a claim of some document says."""

    claim: str
    document: str
    fact: Fact


@dataclass(frozen=True)
class Disagreement:
    """Claims of different documents giving one single-valued property different values."""

    iri: str
    conflicts: tuple[Conflict, ...]


@dataclass(frozen=True)
class Text:
    """A document's text, or why it is not shown: a key of the page's messages ("" when shown)."""

    text: str | None
    problem: str = ""


@dataclass(frozen=True)
class View:
    """Everything a document page shows."""

    summary: Summary
    text: Text
    layout: document.Layout | None
    facts: tuple[Fact, ...]
    disagreements: tuple[Disagreement, ...]
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # IRI → label by language

    def quotes(self) -> list[tuple[str, list[Fact]]]:
        """The facts grouped by quote (claims quoting the same span together), in text order."""
        grouped: dict[tuple[int, int, str], list[Fact]] = {}
        for fact in sorted(self.facts, key=_text_order):
            grouped.setdefault((fact.start or 0, fact.end or 0, fact.exact or ""), []).append(fact)
        return [(exact, facts) for (_, _, exact), facts in grouped.items()]

    def fact(self, claim_key: str) -> Fact | None:
        """The fact of the claim whose local name is `claim_key`."""
        return self._by_key.get(claim_key)

    @cached_property
    def _by_key(self) -> dict[str, Fact]:
        """The facts by their claim's local name (the first of a name), read once: a page asks for each a few times."""
        found: dict[str, Fact] = {}
        for fact in self.facts:
            found.setdefault(fact.key, fact)
        return found


def key(claim: str) -> str:
    """The local name of a claim IRI (its last path segment)."""
    return claim.partition("#")[0].rstrip("/").rsplit("/", 1)[-1]


def quoted(page: Page) -> list[tuple[str, str]]:
    """(document IRI, claim key) of the quotes a claim's or a sentence's page leads to in their document."""
    gk = rebase_iri(str(GK), page.base)
    values = {str(p): [str(v.node) for v in vs] for p, vs in page.main.properties}
    claims = [key(str(fact.subject)) for fact in page.inbound if str(fact.predicate) == gk + "sentence"]
    if any(str(t.node) == gk + "Claim" for t in page.main.types):
        claims = [key(str(page.iri))]
    documents = values.get(str(PROV.wasDerivedFrom)) or values.get(str(OA.hasSource)) or []
    return [(d, c) for d in documents for c in sorted(set(claims))]


def summaries(select: Select, base: str, iri: str | None = None) -> list[Summary]:
    """Every source document (or the one at `iri`), by IRI, with its claims counted."""
    values = f"VALUES ?d {{ {iri_ref(iri)} }}" if iri else ""
    prefixes = _prefixes(base)
    found: dict[str, dict[str, Any]] = {}
    skipped, fields = {graph_iri("inferred", base), rebase_iri(str(GK.SourceDocument), base)}, _fields(base)
    for d, p, o, g in _rows(select, prefixes + _DOCUMENTS.format(values=values)):
        if not (p == RDF.type and {str(g), str(o)} & skipped):  # classes stated, other than the one they share
            _keep(found.setdefault(str(d), {"labels": {}, "types": set()}), p, o, fields)
    counts = {str(d): int(str(n)) for d, n in _rows(select, prefixes + _COUNTS.format(values=values))}
    return [_summary(d, props, counts.get(d, 0)) for d, props in sorted(found.items())]


def _keep(props: dict[str, Any], predicate: Node, value: Node, fields: dict[str, str]) -> None:
    """Note one property of a document: a label by language, a class, or one of `fields` (the first value)."""
    if predicate in LABELS and isinstance(value, Literal):
        props["labels"].setdefault(value.language or "", str(value))
    elif predicate == RDF.type:
        props["types"].add(str(value))
    elif str(predicate) in fields:
        props.setdefault(fields[str(predicate)], str(value))


def _summary(iri: str, props: dict[str, Any], facts: int) -> Summary:
    """A Summary from the noted properties."""
    characters = props.get("characters")
    labels = dict(sorted(props["labels"].items()))
    fields = {name: props.get(name) for name in ("identifier", "sha256", "language", "issued")}
    return Summary(iri, labels, tuple(sorted(props["types"])), **fields, characters=_int(characters), facts=facts)


def read_text(folder: Path | None, identifier: str | None, sha256: str | None) -> Text:
    """The text of `folder/identifier` when the name is a plain file name, the file is a regular file in `folder`
    (links followed; a pipe or a device would never end) and its SHA-256 is `sha256`; else no text and the reason."""
    if folder is None:
        return Text(None, "unserved")
    if not identifier or not sha256 or not NAME.fullmatch(identifier):
        return Text(None, "unnamed")
    try:
        path = (folder / identifier).resolve(strict=True)
        if path.parent != folder.resolve(strict=True) or not path.is_file():
            return Text(None, "missing")
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError:
        return Text(None, "missing")
    if len(data) > MAX_BYTES:
        return Text(None, "missing")
    if hashlib.sha256(data).hexdigest() != sha256.strip().lower():
        return Text(None, "changed")
    try:
        return Text(data.decode("utf-8"))  # as the build reads it: bytes decoded, newlines untouched
    except UnicodeDecodeError:
        return Text(None, "changed")


def view(select: Select, base: str, summary: Summary, text: Text) -> View:
    """The page of one document: its facts, the text laid out with its quotes and chrome, its disagreements."""
    prefixes, iri = _prefixes(base), iri_ref(summary.iri)
    facts = _facts(_rows(select, prefixes + _CLAIMS.format(iri=iri)))
    disagreements = _disagreements(_rows(select, prefixes + _DISAGREEMENTS.format(iri=iri)))
    chrome = [
        document.Span(_int(s) or 0, _int(e) or 0) for _, s, e in _rows(select, prefixes + _CHROME.format(iri=iri))
    ]
    laid = None
    if text.text is not None:
        quotes = [document.Span(f.start, f.end, f.key) for f in facts if f.start is not None and f.end is not None]
        laid = document.layout(text.text, quotes, chrome)
    nodes = _shown(summary, facts, disagreements)
    return View(summary, text, laid, tuple(facts), tuple(disagreements), _names(select, base, nodes))


def _facts(rows: Iterable[tuple[Any, ...]]) -> list[Fact]:
    """One fact per claim (the first row of each), in text order."""
    found: dict[str, Fact] = {}
    for c, s, p, o, start, end, exact, sentence, status in rows:
        if str(c) not in found:
            where = (_int(start), _int(end), _str(exact), _str(sentence), _str(status))
            found[str(c)] = Fact(str(c), s, p, o, *where)
    return sorted(found.values(), key=_text_order)


def _disagreements(rows: Iterable[tuple[Any, ...]]) -> list[Disagreement]:
    """The disagreements with every conflicting claim, each once, by IRI and claim."""
    found: dict[str, dict[str, Conflict]] = {}
    for x, c, d, s, p, o, exact in rows:
        conflicts = found.setdefault(str(x), {})
        conflicts.setdefault(str(c), Conflict(str(c), str(d), Fact(str(c), s, p, o, exact=_str(exact))))
    return [Disagreement(x, tuple(c for _, c in sorted(cs.items()))) for x, cs in sorted(found.items())]


def _shown(summary: Summary, facts: list[Fact], disagreements: list[Disagreement]) -> list[str]:
    """The IRIs a document page names (and so needs labels for)."""
    found = {summary.iri, *summary.types, *filter(None, [summary.language])}
    for fact in [*facts, *(c.fact for d in disagreements for c in d.conflicts)]:
        found.update(str(n) for n in (fact.subject, fact.predicate, fact.value) if isinstance(n, URIRef))
        found.update(filter(None, [fact.status]))
    found.update(x for d in disagreements for x in (d.iri, *(c.document for c in d.conflicts)))
    return sorted(found)


def _names(select: Select, base: str, nodes: list[str]) -> dict[str, dict[str, str]]:
    """The first label (in text order) of each node, by language."""
    refs = [iri_ref(n) for n in nodes if is_iriref(n)]
    if not refs:
        return {}
    names: dict[str, dict[str, str]] = {}
    rows = _rows(select, _prefixes(base) + _NAMES.format(nodes=" ".join(refs)))
    for n, label in sorted(rows, key=lambda row: (str(row[0]), str(row[1]))):
        if isinstance(label, Literal):
            names.setdefault(str(n), {}).setdefault(label.language or "", str(label))
    return names


def _text_order(fact: Fact) -> tuple[int, int, str]:
    """Facts by where their quote starts and ends, then by claim (facts with no position last)."""
    return (fact.start if fact.start is not None else 1 << 62, fact.end or 0, fact.claim)


def _rows(select: Select, query: str) -> list[tuple[Any, ...]]:
    """The rows of a SELECT, unbound values as None."""
    return [tuple(row) for row in select(query)]


def _int(node: Node | str | None) -> int | None:
    """An integer literal's value (None when absent or not a whole number)."""
    try:
        return int(str(node)) if node is not None else None
    except ValueError:
        return None


def _str(node: Node | None) -> str | None:
    """A term's string (None stays None)."""
    return None if node is None else str(node)
