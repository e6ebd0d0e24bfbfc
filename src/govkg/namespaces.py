"""The project's namespaces and the prefix map bound on every graph."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

__all__ = [
    "CLAIM",
    "DBO",
    "DBR",
    "DEFAULT_BASE",
    "GK",
    "GKD",
    "GRAPH",
    "ISO639",
    "LINK",
    "OA",
    "ONTOLOGY_IRI",
    "ORG",
    "PREFIXES",
    "REFERENCE",
    "SCHEMA",
    "SH",
    "SOURCE",
    "TIME",
    "VANN",
    "WD",
    "WDT",
    "bind_prefixes",
    "graph_iri",
    "rebase_iri",
]

DEFAULT_BASE = "https://w3id.org/govkg/"

GK = Namespace(DEFAULT_BASE + "ontology#")
GKD = Namespace(DEFAULT_BASE + "id/")
GRAPH = Namespace(DEFAULT_BASE + "graph/")
SOURCE = Namespace(DEFAULT_BASE + "source/")
CLAIM = Namespace(DEFAULT_BASE + "claim/")
LINK = Namespace(DEFAULT_BASE + "link/")
REFERENCE = Namespace(DEFAULT_BASE + "reference/")
ONTOLOGY_IRI = DEFAULT_BASE + "ontology"

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
TIME = Namespace("http://www.w3.org/2006/time#")
SH = Namespace("http://www.w3.org/ns/shacl#")
VANN = Namespace("http://purl.org/vocab/vann/")
ISO639 = Namespace("http://id.loc.gov/vocabulary/iso639-1/")
# External graphs govkg links to (their own, published IRI schemes).
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
DBR = Namespace("http://dbpedia.org/resource/")
DBO = Namespace("http://dbpedia.org/ontology/")

PREFIXES: dict[str, str] = {
    "gk": str(GK),
    "gkd": str(GKD),
    "gkg": str(GRAPH),
    "gks": str(SOURCE),
    "gkc": str(CLAIM),
    "gkl": str(LINK),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "oa": str(OA),
    "time": str(TIME),
    "sh": str(SH),
    "vann": str(VANN),
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "void": "http://rdfs.org/ns/void#",
    "wd": str(WD),
    "wdt": str(WDT),
    "dbr": str(DBR),
    "dbo": str(DBO),
}


def bind_prefixes(graph: Graph, base: str = DEFAULT_BASE) -> Graph:
    """Bind govkg's prefix map on `graph`, rebased on `base`; return the graph."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, rebase_iri(iri, base), override=True, replace=True)
    return graph


def rebase_iri(iri: str, base: str) -> str:
    """Return `iri` with the default base replaced by `base` (other IRIs unchanged)."""
    if base != DEFAULT_BASE and iri.startswith(DEFAULT_BASE):
        return base + iri[len(DEFAULT_BASE) :]
    return iri


def graph_iri(name: str, base: str = DEFAULT_BASE) -> str:
    """IRI of the named graph `name` (e.g. 'asserted', 'source/000_x') under `base`."""
    return f"{base}graph/{name}"
