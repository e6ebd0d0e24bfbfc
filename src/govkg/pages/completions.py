"""What the query editor completes: govkg's prefixes, and the classes and properties of its ontology and of its
VoID partitions (those the data uses), each with its labels."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from rdflib import Literal
from rdflib.term import Node

from govkg.namespaces import PREFIXES, rebase_iri

__all__ = ["completions", "declared"]

Select = Callable[[str], list[list[Node | None]]]
# rdf:type of a declared term → what the editor completes it as.
KINDS = {
    "http://www.w3.org/2002/07/owl#Class": "classes",
    "http://www.w3.org/2000/01/rdf-schema#Class": "classes",
    "http://www.w3.org/2002/07/owl#ObjectProperty": "properties",
    "http://www.w3.org/2002/07/owl#DatatypeProperty": "properties",
    "http://www.w3.org/2002/07/owl#AnnotationProperty": "properties",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property": "properties",
}


def declared(select: Select) -> dict[str, set[str]]:
    """ "classes" / "properties" → the IRIs the loaded ontologies declare as such."""
    values = " ".join(f"<{kind}>" for kind in KINDS)
    found: dict[str, set[str]] = {kind: set() for kind in KINDS.values()}
    for term, kind in select(f"SELECT DISTINCT ?t ?k WHERE {{ VALUES ?k {{ {values} }} ?t a ?k FILTER(isIRI(?t)) }}"):
        found[KINDS[str(kind)]].add(str(term))
    return found


def labels(select: Select, iris: Iterable[str]) -> dict[str, dict[str, str]]:
    """IRI → language → rdfs:label (one per language)."""
    values = " ".join(f"<{iri}>" for iri in sorted(set(iris)))
    rows = select(
        f"SELECT ?t ?l WHERE {{ VALUES ?t {{ {values} }} ?t <http://www.w3.org/2000/01/rdf-schema#label> ?l }} "
        "ORDER BY ?t ?l"
    )
    found: dict[str, dict[str, str]] = {}
    for iri, text in rows:
        language = text.language if isinstance(text, Literal) and text.language else ""
        found.setdefault(str(iri), {}).setdefault(language or "", str(text))
    return found


def completions(select: Select, used: Mapping[str, Iterable[str]], base: str) -> dict[str, Any]:
    """The editor's completion lists: `used` maps "classes" / "properties" to the IRIs the VoID partitions count;
    the ontologies' declared terms are added; each term comes with its labels."""
    terms = declared(select)
    for kind, iris in used.items():
        terms[kind].update(iris)
    names = labels(select, set().union(*terms.values())) if any(terms.values()) else {}
    lists = {kind: [{"iri": iri, "label": names.get(iri, {})} for iri in sorted(iris)] for kind, iris in terms.items()}
    return {"prefixes": {prefix: rebase_iri(ns, base) for prefix, ns in PREFIXES.items()}, **lists}
