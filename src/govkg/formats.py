"""The one table of formats: name ↔ rdflib plugin ↔ media type ↔ file suffix."""

from __future__ import annotations

from dataclasses import dataclass

from govkg.errors import GovkgError

__all__ = ["ALIASES", "FORMATS", "SHORT_NAMES", "Format", "FormatError", "by_suffix", "for_answer", "get", "names"]


class FormatError(GovkgError):
    """An unknown or unsuitable format name."""


@dataclass(frozen=True)
class Format:
    """A serialisation format known to govkg."""

    name: str
    rdflib: str
    media_type: str
    suffix: str
    kind: str  # "graph" (triples), "dataset" (quads) or "results" (SELECT/ASK)
    oxigraph: str = ""  # pyoxigraph RdfFormat / QueryResultsFormat member, when it writes this format natively


FORMATS: dict[str, Format] = {
    f.name: f
    for f in [
        Format("turtle", "turtle", "text/turtle", ".ttl", "graph", "TURTLE"),
        Format("json-ld", "json-ld", "application/ld+json", ".jsonld", "graph"),
        Format("nt", "nt", "application/n-triples", ".nt", "graph", "N_TRIPLES"),
        Format("rdfxml", "xml", "application/rdf+xml", ".rdf", "graph", "RDF_XML"),
        Format("trig", "trig", "application/trig", ".trig", "dataset", "TRIG"),
        Format("nquads", "nquads", "application/n-quads", ".nq", "dataset", "N_QUADS"),
        Format("json", "json", "application/sparql-results+json", ".srj", "results", "JSON"),
        Format("xml", "xml", "application/sparql-results+xml", ".srx", "results", "XML"),
        Format("csv", "csv", "text/csv", ".csv", "results", "CSV"),
        Format("tsv", "tsv", "text/tab-separated-values", ".tsv", "results", "TSV"),
        Format("table", "txt", "text/plain", ".txt", "results"),
    ]
}

ALIASES = {"ttl": "turtle", "jsonld": "json-ld", "ntriples": "nt", "xml-rdf": "rdfxml", "rdf": "rdfxml", "nq": "nquads"}


# The short names clients send, per kind of answer, and the formats each allows (Accept picks among several).
# N3 is a superset of Turtle and N-Triples, so either answers it (W3C Notation3 §2).
_RESULTS: dict[str, tuple[str, ...]] = {
    "json": ("json",),
    "srj": ("json",),
    "sparql-results+json": ("json",),
    "xml": ("xml",),
    "srx": ("xml",),
    "sparql-results+xml": ("xml",),
    "csv": ("csv",),
    "tsv": ("tsv",),
    "html": ("html",),
}
_GRAPH: dict[str, tuple[str, ...]] = {
    "turtle": ("turtle",),
    "ttl": ("turtle",),
    "n3": ("turtle", "nt"),
    "nt": ("nt",),
    "ntriples": ("nt",),
    "n-triples": ("nt",),
    "json-ld": ("json-ld",),
    "jsonld": ("json-ld",),
    "json": ("json-ld",),
    "rdfxml": ("rdfxml",),
    "rdf+xml": ("rdfxml",),
    "rdf": ("rdfxml",),
    "xml": ("rdfxml",),
    "xml-rdf": ("rdfxml",),
    "trig": ("trig",),
    "nquads": ("nquads",),
    "nq": ("nquads",),
    "n-quads": ("nquads",),
    "html": ("html",),
}
SHORT_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "results": _RESULTS,
    "graph": _GRAPH,
    "dataset": _GRAPH,
    "index": {"json": ("json",), "html": ("html",)},
}


def get(name: str, kinds: tuple[str, ...] = ("graph", "dataset", "results")) -> Format:
    """Look up a format by name or alias, restricted to `kinds`."""
    fmt = FORMATS.get(ALIASES.get(name, name))
    if fmt is None or fmt.kind not in kinds:
        allowed = ", ".join(n for n, f in FORMATS.items() if f.kind in kinds)
        raise FormatError(f"unknown format {name!r} (choose from {allowed})")
    return fmt


def by_suffix(suffix: str) -> Format:
    """The RDF format of a file suffix such as '.ttl'."""
    for fmt in FORMATS.values():
        if fmt.suffix == suffix and fmt.kind != "results":
            return fmt
    raise FormatError(f"unknown RDF file suffix {suffix!r}")


def for_answer(name: str, kind: str) -> Format:
    """The format a short name or format name stands for in an answer of `kind` ('results' or 'graph'), the first
    when it allows several (`n3`: Turtle); FormatError if it suits no format of that kind."""
    allowed = SHORT_NAMES[kind].get(name.lower(), (name,))
    kinds = ("results",) if kind == "results" else ("graph", "dataset")
    return get(allowed[0], kinds)


def names(*kinds: str) -> list[str]:
    """Format names of the given kinds, for CLI choices."""
    return [n for n, f in FORMATS.items() if f.kind in kinds]
