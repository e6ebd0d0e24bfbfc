"""Turn one document's annotation rows into sourced claims: the document, its sentences, its claims."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD
from rdflib.term import Node

from govkg.extract import text as textmod
from govkg.extract.annotations import CHROME, QUOTE, AnnotationError, Row, parse_term
from govkg.extract.text import QuoteError, Span
from govkg.namespaces import CLAIM, GK, GKD, OA, SOURCE, bind_prefixes

__all__ = ["Claim", "Document", "claims_for", "document_graph", "slug"]

EXTRACTION = GKD["editorial-extraction"]
LANGUAGE = "fr"  # a document's language unless its annotation file says otherwise (#@ language: en)
ISO639 = "http://id.loc.gov/vocabulary/iso639-1/"


@dataclass(frozen=True)
class Claim:
    """A fact as one document states it, pinned to a span of that document."""

    iri: URIRef
    doc: URIRef
    subject: Node
    predicate: URIRef
    obj: Node
    span: Span
    comment: str
    review: str = ""  # "" for an editor's fact, "machine …" for one the extractor proposed (annotations.Row)

    @property
    def triple(self) -> tuple[Node, URIRef, Node]:
        """The plain (subject, predicate, object) the claim states."""
        return (self.subject, self.predicate, self.obj)


@dataclass(frozen=True)
class Document:
    """A source text with its IRI and sentence segmentation."""

    path: Path
    iri: URIRef
    text: str
    sentences: list[Span]
    meta: dict[str, str] = field(default_factory=dict)  # the annotation file's `#@ key: value` lines

    @classmethod
    def read(cls, path: Path, meta: dict[str, str] | None = None) -> Document:
        """Read a UTF-8 source file (with what its annotation file says of it)."""
        text = path.read_bytes().decode("utf-8")
        return cls(path, SOURCE[path.stem], text, textmod.sentences(text), dict(meta or {}))

    @property
    def language(self) -> str:
        """The document's language code."""
        return self.meta.get("language", LANGUAGE)

    @property
    def ingestion(self) -> URIRef | None:
        """The ingestion activity that proposed this document's machine rows, if it was ingested."""
        return GKD[f"ingestion-{self.path.stem.replace('_', '-')}"] if "ingested" in self.meta else None

    def sentence_iri(self, index: int) -> URIRef:
        """IRI of sentence number `index` (1-based)."""
        return URIRef(f"{self.iri}/sentence/{index}")


def claims_for(doc: Document, rows: list[Row]) -> tuple[list[Claim], list[Span]]:
    """Resolve every row's quote; return the claims and the page-chrome spans."""
    claims: list[Claim] = []
    chrome = [_locate(doc, row) for row in rows if row.subject == CHROME]
    seen: dict[str, int] = {}
    for row in rows:
        if row.subject == CHROME:
            continue
        claim = _claim(doc, row, seen)
        if any(claim.span.overlaps(c) for c in chrome):
            raise AnnotationError(f"{row.where()}: quote lies in page chrome")
        claims.append(claim)
    return claims, chrome


def _locate(doc: Document, row: Row) -> Span:
    """Locate a row's quote, turning a QuoteError into an AnnotationError naming the row."""
    try:
        return textmod.locate(doc.text, row.quote)
    except QuoteError as error:
        raise AnnotationError(f"{row.where()}: {error}") from None


def _claim(doc: Document, row: Row, seen: dict[str, int]) -> Claim:
    """Build the claim of one row, with a readable slug unique within the document."""
    where = row.where()
    span = _locate(doc, row)
    s, p, o = (parse_term(t, doc.iri, where) for t in (row.subject, row.predicate, row.obj))
    if row.obj == QUOTE:
        o = Literal(span.text(doc.text), lang=doc.language)
    if not isinstance(p, URIRef):
        raise AnnotationError(f"{where}: predicate must be an IRI")
    name = f"{doc.path.stem.split('_', 1)[0]}-{slug(s)}-{slug(p)}-{slug(o)}"
    seen[name] = seen.get(name, 0) + 1
    if seen[name] > 1:
        name = f"{name}-{seen[name]}"
    return Claim(CLAIM[name], doc.iri, s, p, o, span, row.comment, row.review)


def slug(term: Node) -> str:
    """A short readable slug for a term: an IRI's local name, or a literal's words."""
    if isinstance(term, Literal):
        ascii_text = unicodedata.normalize("NFKD", str(term)).encode("ascii", "ignore").decode()
        words = re.sub(r"[^0-9a-z]+", "-", ascii_text.lower()).strip("-")
        if len(words) <= 40:
            return words or "x"
        return words[:32].rstrip("-") + "-" + hashlib.sha1(str(term).encode()).hexdigest()[:6]
    local = re.split(r"[#/]", str(term))[-1]
    return re.sub(r"[^0-9A-Za-z-]+", "-", local).strip("-").lower()


def document_graph(doc: Document, claims: list[Claim], chrome: list[Span]) -> Graph:
    """The named graph of one source: the document, the sentences used, the claims and selectors."""
    g = bind_prefixes(Graph())
    _describe_document(g, doc, chrome)
    used: set[int] = set()
    for claim in claims:
        used.update(_add_claim(g, doc, claim))
    for index in sorted(used):
        _add_sentence(g, doc, index)
    return g


def _describe_document(g: Graph, doc: Document, chrome: list[Span]) -> None:
    """File-level facts: identifier, checksum, size, page-chrome spans."""
    g.add((doc.iri, RDF.type, GK.SourceDocument))
    g.add((doc.iri, DCTERMS.identifier, Literal(doc.path.name)))
    g.add((doc.iri, DCTERMS.format, Literal("text/plain; charset=utf-8")))
    g.add((doc.iri, GK.sha256, Literal(hashlib.sha256(doc.path.read_bytes()).hexdigest())))
    g.add((doc.iri, GK.characterCount, Literal(len(doc.text))))
    if "language" in doc.meta:
        g.add((doc.iri, DCTERMS.language, URIRef(ISO639 + doc.language)))
    if doc.ingestion is not None:
        _describe_ingestion(g, doc, doc.ingestion)
        name = doc.meta.get("title") or doc.meta.get("source") or doc.path.name
        g.add((doc.iri, RDFS.label, Literal(f"document ingéré : {name}", lang="fr")))
        g.add((doc.iri, RDFS.label, Literal(f"ingested document: {name}", lang="en")))
    for number, span in enumerate(chrome, 1):
        node = URIRef(f"{doc.iri}/chrome/{number}")
        g.add((doc.iri, GK.boilerplate, node))
        _add_position(g, node, span)
        g.add((node, RDF.value, Literal(span.text(doc.text))))


def _describe_ingestion(g: Graph, doc: Document, activity: URIRef) -> None:
    """The activity that proposed the document's machine rows: extractor and model versions, and when."""
    extractor, model, ended = (part.strip() for part in ([*doc.meta["ingested"].split(";"), "", ""])[:3])
    g.add((activity, RDF.type, GK.Extraction))
    g.add((activity, RDFS.label, Literal(f"ingestion du document {doc.path.stem}", lang="fr")))
    g.add((activity, RDFS.label, Literal(f"ingestion of document {doc.path.stem}", lang="en")))
    g.add((activity, PROV.used, doc.iri))
    g.add((activity, GK.extractorVersion, Literal(extractor)))
    g.add((activity, GK.modelVersion, Literal(model)))
    if ended:
        g.add((activity, PROV.endedAtTime, Literal(ended, datatype=XSD.dateTime)))


def _add_claim(g: Graph, doc: Document, claim: Claim) -> list[int]:
    """Add one claim (WADM annotation + RDF reification); return its sentence numbers."""
    c, target = claim.iri, URIRef(f"{claim.iri}#target")
    quote, position = URIRef(f"{claim.iri}#quote"), URIRef(f"{claim.iri}#position")
    s, p, o = claim.triple
    for triple in [
        (c, RDF.type, GK.Claim),
        (c, RDF.subject, s),
        (c, RDF.predicate, p),
        (c, RDF.object, o),
        (c, OA.motivatedBy, OA.describing),
        (c, OA.hasTarget, target),
        (c, PROV.wasDerivedFrom, doc.iri),
        (c, PROV.wasGeneratedBy, doc.ingestion if claim.review and doc.ingestion else EXTRACTION),
        (c, GK.reviewStatus, GK.MachineProposed if claim.review else GK.Reviewed),
        (target, RDF.type, OA.SpecificResource),
        (target, OA.hasSource, doc.iri),
        (target, OA.hasSelector, quote),
        (target, OA.hasSelector, position),
    ]:
        g.add(triple)
    if claim.comment:
        g.add((c, RDFS.comment, Literal(claim.comment, lang="en")))
    prefix, suffix = textmod.context(doc.text, claim.span)
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(claim.span.text(doc.text))))
    g.add((quote, OA.prefix, Literal(prefix)))
    g.add((quote, OA.suffix, Literal(suffix)))
    _add_position(g, position, claim.span)
    numbers = [doc.sentences.index(s) + 1 for s in textmod.containing(doc.sentences, claim.span)]
    for number in numbers:
        g.add((target, GK.sentence, doc.sentence_iri(number)))
    return numbers


def _add_position(g: Graph, node: URIRef, span: Span) -> None:
    """A TextPositionSelector for `span` (WADM §4.2.5)."""
    g.add((node, RDF.type, OA.TextPositionSelector))
    g.add((node, OA.start, Literal(span.start, datatype=XSD.nonNegativeInteger)))
    g.add((node, OA.end, Literal(span.end, datatype=XSD.nonNegativeInteger)))


def _add_sentence(g: Graph, doc: Document, number: int) -> None:
    """A sentence resource with its position and text."""
    iri, span = doc.sentence_iri(number), doc.sentences[number - 1]
    selector = URIRef(f"{iri}#position")
    g.add((iri, RDF.type, GK.Sentence))
    g.add((iri, OA.hasSource, doc.iri))
    g.add((iri, OA.hasSelector, selector))
    g.add((iri, RDF.value, Literal(span.text(doc.text))))
    _add_position(g, selector, span)
