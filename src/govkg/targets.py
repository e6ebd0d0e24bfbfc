"""The external graphs govkg links into, in one table: links, VoID, pages, reconciliation and federation read it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib.namespace import OWL, RDFS, SKOS

from govkg.namespaces import DBR, SCHEMA, WD

__all__ = [
    "BY_NAME",
    "ENDPOINTS",
    "IDENTITY_PREDICATES",
    "LINK_PREDICATES",
    "TARGETS",
    "Target",
    "site_of",
    "target_of",
]

# The properties of a link from a govkg entity to a resource of another graph.
LINK_PREDICATES = (OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch, RDFS.seeAlso, SCHEMA.sameAs)
IDENTITY_PREDICATES = LINK_PREDICATES[:3]  # those saying the resource is (nearly) the same thing


@dataclass(frozen=True)
class Target:
    """An external graph: its name and title, its site, the URI space of its resources, the shape of their
    local identifiers, its public SPARQL endpoint (if any), and what its resources are called (en, fr)."""

    name: str
    title: str
    site: str
    space: str
    pattern: re.Pattern[str]
    endpoint: str | None
    resource: dict[str, str]

    def iri(self, identifier: str) -> str:
        """The IRI of a resource of this graph from its local identifier."""
        return self.space + identifier

    def holds(self, iri: str) -> bool:
        """Is `iri` a well-formed resource IRI of this graph?"""
        return iri.startswith(self.space) and bool(self.pattern.fullmatch(iri[len(self.space) :]))


# Wikidata items are http://www.wikidata.org/entity/Q<n>; DBpedia resources are named by their English Wikipedia
# title; ISO's Online Browsing Platform has a page per ISO 3166-1 alpha-2 code.
TARGETS = (
    Target("wikidata", "Wikidata", "http://www.wikidata.org/", str(WD), re.compile(r"Q[1-9][0-9]*"),
           "https://query.wikidata.org/sparql", {"en": "Wikidata item", "fr": "élément Wikidata"}),
    Target("dbpedia", "DBpedia", "http://dbpedia.org/", str(DBR), re.compile(r"[^\s<>\"{}|\\^`#?]+"),
           "https://dbpedia.org/sparql", {"en": "DBpedia resource", "fr": "ressource DBpedia"}),
    Target("iso3166", "ISO Online Browsing Platform: ISO 3166-1 codes", "https://www.iso.org/",
           "https://www.iso.org/obp/ui/#iso:code:3166:", re.compile(r"[A-Z]{2}"), None,
           {"en": "ISO 3166-1 code page", "fr": "page de code ISO 3166-1"}),
)  # fmt: skip
BY_NAME = {t.name: t for t in TARGETS}
ENDPOINTS = tuple(t.endpoint for t in TARGETS if t.endpoint)  # the default federation allowlist


def target_of(iri: str) -> Target | None:
    """The external graph `iri` is a resource of, if any (by URI space, then by site)."""
    for target in TARGETS:
        if iri.startswith(target.space):
            return target
    return next((t for t in TARGETS if iri.startswith(t.site)), None)


def site_of(iri: str) -> Target | None:
    """The external graph whose site `iri` is on (VoID linksets point at sites)."""
    return next((t for t in TARGETS if t.site == iri), None)
