"""The SPARQL 1.1 Service Description of the endpoint (SD §3): what it supports, its dataset and graph sizes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, VOID

from govkg.namespaces import GK, bind_prefixes
from govkg.pages.void import FORMAT_IRIS, FORMATS_NS, Counts

__all__ = ["ENT", "PROFILE", "SD", "service_description"]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ENT = Namespace("http://www.w3.org/ns/entailment/")
PROFILE = Namespace("http://www.w3.org/ns/owl-profile/")


READ_ONLY = "Read-only: SPARQL Update and LOAD are refused"
WRITABLE = (
    "Writable with a bearer token (SPARQL 1.1 Update and the Graph Store Protocol), each change checked with the "
    "SHACL shapes against its would-be result and recorded in the audit graph; LOAD is refused"
)


def service_description(
    endpoint: str,
    counts: Counts,
    inferred: str,
    dataset: str,
    services: Sequence[str] = (),
    limits: Mapping[str, float] | None = None,
    writable: bool = False,
) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint (SD §3), stating only what it supports;
    `services` are the endpoints SERVICE may call (SD §3.3 sd:BasicFederatedQuery when there are any);
    `limits` maps gk: limit properties (gk:queryTimeout, gk:maxResultRows, ...) to their values; `writable`:
    SPARQL 1.1 Update is supported (with a token)."""
    g = bind_prefixes(Graph())
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("ent", ENT)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.supportedLanguage, SD.SPARQL10Query))
    if writable:
        g.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    for name in FORMAT_IRIS:
        g.add((service, SD.resultFormat, FORMATS_NS[FORMAT_IRIS[name]]))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    if services:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    for remote_endpoint in services:
        g.add((service, RDFS.seeAlso, URIRef(remote_endpoint)))
    g.add((service, SD.defaultEntailmentRegime, ENT["OWL-RDF-Based"]))
    g.add((service, SD.defaultSupportedEntailmentProfile, PROFILE.RL))
    federation = (
        "SERVICE may call only the endpoints given as rdfs:seeAlso (exactly those IRIs; no redirects, "
        "with time and size limits), FROM"
        if services
        else "SERVICE is refused, FROM"
    )
    g.add(
        (
            service,
            RDFS.comment,
            Literal(
                f"{WRITABLE if writable else READ_ONLY}, {federation} and FROM NAMED select stored graphs "
                "and are never dereferenced, so the service reads no RDF input (no sd:inputFormat). The default graph "
                "is the union of every named graph, including the OWL 2 RL closure (restricted to the dataset's own "
                "resources) in the inferred graph; add infer=false to a request to leave that graph out.",
                lang="en",
            ),
        )
    )
    g.add((service, SD.defaultDataset, _dataset(g, counts, inferred, URIRef(dataset))))
    for name, value in (limits or {}).items():
        g.add((service, GK[name], Literal(value if isinstance(value, int) else Decimal(str(value)))))
    return g


def _dataset(g: Graph, counts: Counts, inferred: str, dataset: URIRef) -> URIRef:
    """The sd:Dataset node: the union default graph and one sd:NamedGraph per stored graph."""
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode("defaultGraph")
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(counts.triples)))
    for name, triples in sorted(counts.graphs.items()):
        node, graph = BNode(f"named{len(g)}"), BNode(f"graph{len(g)}")
        g.add((dataset, SD.namedGraph, node))
        g.add((node, RDF.type, SD.NamedGraph))
        g.add((node, SD.name, URIRef(name)))
        g.add((node, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(triples)))
        regime = ENT["OWL-RDF-Based"] if name == inferred else ENT.Simple
        g.add((node, SD.entailmentRegime, regime))
        if name == inferred:
            g.add((node, SD.supportedEntailmentProfile, PROFILE.RL))
    return dataset
