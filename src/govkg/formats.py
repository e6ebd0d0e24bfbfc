"""The one table of formats: name ↔ rdflib plugin ↔ media type ↔ file suffix."""

from __future__ import annotations

from dataclasses import dataclass

from govkg.errors import GovkgError

__all__ = ["ALIASES", "FORMATS", "Format", "FormatError", "by_suffix", "get", "names"]


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


def names(*kinds: str) -> list[str]:
    """Format names of the given kinds, for CLI choices."""
    return [n for n, f in FORMATS.items() if f.kind in kinds]
