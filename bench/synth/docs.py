"""A document's text and its named graph (sentences, claims, selectors), as `govkg extract` makes them."""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass

from rdflib import Literal, URIRef

from govkg.extract.claims import slug
from govkg.extract.text import Span, context, sentences
from synth.terms import GK, GKD, RDF, XSD, iri, lit, term
from synth.world import Doc, Fact

BASE = "https://w3id.org/govkg/"
OA, PROV, DCT = "http://www.w3.org/ns/oa#", "http://www.w3.org/ns/prov#", "http://purl.org/dc/terms/"
TYPE, NNI = iri(RDF + "type"), XSD + "nonNegativeInteger"


@dataclass
class Told:
    """What one document adds: its text, its source graph's triples and the asserted triples."""

    text: str
    source: list[str]
    asserted: list[tuple[str, str, str]]


def tell(doc: Doc) -> Told:
    """The text of `doc` (one line per sentence) and the triples `govkg extract` would make of it."""
    text = "\n".join(doc.lines) + "\n"
    spans = sentences(text)
    starts = [s.start for s in spans]
    node = iri(BASE + "source/" + doc.stem)
    out = _document(node, doc, text)
    asserted, used, seen = [], set(), {}
    for fact in doc.facts:
        span = _locate(text, fact.quote)
        s, p, o = term(fact.s), term(fact.p), _object(fact, span, text)
        name = _name(doc.stem, fact, span, text, seen)
        number = bisect.bisect_right(starts, span.end - 1)
        used.add(number)
        out.extend(_claim(name, node, (s, p, o), span, text, f"{node[:-1]}/sentence/{number}>"))
        asserted.append((s, p, o))
    for number in sorted(used):
        out.extend(_sentence(node, number, spans[number - 1], text))
    return Told(text, out, asserted)


def _locate(text: str, quote: str) -> Span:
    """The span of a quote (`[[...]]` marks the exact part); the line it is in is unique in the text."""
    context_text = quote.replace("[[", "").replace("]]", "")
    start = text.find(context_text)
    if start < 0 or text.find(context_text, start + 1) >= 0:
        raise ValueError(f"quote not unique: {context_text!r}")
    if "[[" not in quote:
        return Span(start, start + len(quote))
    before, rest = quote.split("[[", 1)
    return Span(start + len(before), start + len(before) + len(rest.split("]]", 1)[0]))


def _object(fact: Fact, span: Span, text: str) -> str:
    """The object term; `@quote` stands for the quoted words."""
    return lit(span.text(text), lang="fr") if fact.o == "@quote" else term(fact.o)


def _name(stem: str, fact: Fact, span: Span, text: str, seen: dict[str, int]) -> str:
    """The claim IRI: document number, then slugs of subject, predicate and object (extract/claims._claim)."""
    o = Literal(span.text(text)) if fact.o == "@quote" else _slug_term(fact.o)
    name = f"{stem.split('_', 1)[0]}-{fact.s}-{slug(URIRef(term(fact.p)[1:-1]))}-{slug(o)}"
    seen[name] = seen.get(name, 0) + 1
    return iri(BASE + "claim/" + (name if seen[name] == 1 else f"{name}-{seen[name]}"))


def _slug_term(token: str) -> URIRef | Literal:
    """The rdflib term whose slug names a claim's object."""
    nt = term(token)
    return URIRef(nt[1:-1]) if nt.startswith("<") else Literal(nt[1:].split('"', 1)[0])


def _document(node: str, doc: Doc, text: str) -> list[str]:
    """File-level facts of a source document."""
    data = text.encode("utf-8")
    return [
        f"{node} {TYPE} {iri(GK + 'SourceDocument')}",
        f"{node} {iri(DCT + 'identifier')} {lit(doc.stem + '.txt')}",
        f"{node} {iri(DCT + 'format')} {lit('text/plain; charset=utf-8')}",
        f"{node} {iri(GK + 'sha256')} {lit(hashlib.sha256(data).hexdigest())}",
        f"{node} {iri(GK + 'characterCount')} {lit(str(len(text)), datatype=XSD + 'integer')}",
    ]


def _claim(claim: str, doc: str, spo: tuple[str, str, str], span: Span, text: str, sentence: str) -> list[str]:
    """The claim (WADM annotation + reification), its target and selectors (extract/claims._add_claim)."""
    target, quote, position = (f"{claim[:-1]}#{part}>" for part in ("target", "quote", "position"))
    prefix, suffix = context(text, span)
    rows = [
        (TYPE, iri(GK + "Claim")),
        (iri(RDF + "subject"), spo[0]),
        (iri(RDF + "predicate"), spo[1]),
        (iri(RDF + "object"), spo[2]),
        (iri(OA + "motivatedBy"), iri(OA + "describing")),
        (iri(OA + "hasTarget"), target),
        (iri(PROV + "wasDerivedFrom"), doc),
        (iri(PROV + "wasGeneratedBy"), iri(GKD + "editorial-extraction")),
        (iri(GK + "reviewStatus"), iri(GK + "Reviewed")),
    ]
    out = [f"{claim} {p} {o}" for p, o in rows]
    out += [
        f"{target} {TYPE} {iri(OA + 'SpecificResource')}",
        f"{target} {iri(OA + 'hasSource')} {doc}",
        f"{target} {iri(OA + 'hasSelector')} {quote}",
        f"{target} {iri(OA + 'hasSelector')} {position}",
        f"{target} {iri(GK + 'sentence')} {sentence}",
    ]
    out += [
        f"{quote} {TYPE} {iri(OA + 'TextQuoteSelector')}",
        f"{quote} {iri(OA + 'exact')} {lit(span.text(text))}",
        f"{quote} {iri(OA + 'prefix')} {lit(prefix)}",
        f"{quote} {iri(OA + 'suffix')} {lit(suffix)}",
    ]
    return out + _position(position, span)


def _position(node: str, span: Span) -> list[str]:
    """A TextPositionSelector."""
    return [
        f"{node} {TYPE} {iri(OA + 'TextPositionSelector')}",
        f"{node} {iri(OA + 'start')} {lit(str(span.start), datatype=NNI)}",
        f"{node} {iri(OA + 'end')} {lit(str(span.end), datatype=NNI)}",
    ]


def _sentence(doc: str, number: int, span: Span, text: str) -> list[str]:
    """A sentence resource with its position and text."""
    node = f"{doc[:-1]}/sentence/{number}>"
    position = f"{doc[:-1]}/sentence/{number}#position>"
    return [
        f"{node} {TYPE} {iri(GK + 'Sentence')}",
        f"{node} {iri(OA + 'hasSource')} {doc}",
        f"{node} {iri(OA + 'hasSelector')} {position}",
        f"{node} {RDF_VALUE} {lit(span.text(text))}",
        *_position(position, span),
    ]


RDF_VALUE = iri(RDF + "value")
