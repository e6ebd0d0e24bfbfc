"""What every picture knows of the things it draws: labels in each language, a short name, and the classes the
data states for them (the entities graph; not the superclasses the reasoner adds)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from rdflib import Literal, URIRef
from rdflib.term import Node

from govkg.namespaces import PREFIXES, rebase_iri
from govkg.pages.description import iri_ref

__all__ = ["Labels", "Named", "Select", "cell", "named", "prefixed", "rebased", "rows", "values"]

Select = Callable[[str], list[list[Node | None]]]
Labels = dict[str, str]  # language tag → text
V = TypeVar("V")

_LABELS = (
    "SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {nodes} }} "
    "{{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?o BIND(1 AS ?p) }} "
    "UNION {{ ?s <http://www.w3.org/2004/02/skos/core#altLabel> ?o BIND(2 AS ?p) }} }}"
)
_CLASSES = "SELECT ?s ?c WHERE {{ VALUES ?s {{ {nodes} }} GRAPH {entities} {{ ?s a ?c }} }}"


@dataclass(frozen=True)
class Named:
    """A thing's labels by language, its shortest name by language (label or alias) and its stated classes."""

    iri: str
    labels: Labels
    short: Labels
    classes: tuple[str, ...] = ()


def prefixed(select: Select, base: str, *names: str) -> Select:
    """`select` with PREFIX lines for govkg's prefixes `names` before each query, rebased on `base`: the data's
    ontology IRIs follow the configured base IRI like its entities."""
    head = "".join(f"PREFIX {p}: <{rebase_iri(PREFIXES[p], base)}>\n" for p in names)
    return lambda query: select(head + query)


def rebased(table: dict[str, V], base: str) -> dict[str, V]:
    """A table keyed by govkg IRIs with its keys rebased on `base`."""
    return {rebase_iri(key, base): value for key, value in table.items()}


def values(iris: Iterable[str]) -> str:
    """A VALUES body of the IRIs, each checked to be a valid IRIREF (ValueError otherwise)."""
    return " ".join(iri_ref(iri) for iri in sorted(set(iris)))


def cell(term: Node | None) -> str | None:
    """A cell of a row as text (an IRI or a literal's lexical form), None when unbound."""
    return None if term is None else str(term)


def rows(select: Select, query: str) -> list[tuple[str | None, ...]]:
    """The rows of a SELECT as text cells."""
    return [tuple(cell(term) for term in row) for row in select(query)]


def named(select: Select, base: str, iris: Iterable[str]) -> dict[str, Named]:
    """Labels, short names and stated classes of `iris` (IRIs that cannot be put in a query are left out)."""
    wanted = sorted({i for i in iris if _usable(i)})
    if not wanted:
        return {}
    labels: dict[str, dict[int, dict[str, list[str]]]] = {i: {1: {}, 2: {}} for i in wanted}
    for s, p, o in select(_LABELS.format(nodes=values(wanted))):
        if isinstance(o, Literal) and o.language and s is not None and p is not None:
            labels[str(s)][int(str(p))].setdefault(o.language, []).append(str(o))
    classes: dict[str, list[str]] = {i: [] for i in wanted}
    query = _CLASSES.format(nodes=values(wanted), entities=iri_ref(base + "graph/entities"))
    for s, c in select(query):
        if isinstance(c, URIRef) and s is not None:
            classes[str(s)].append(str(c))
    return {i: _named(i, labels[i], sorted(classes[i])) for i in wanted}


def _named(iri: str, found: dict[int, dict[str, list[str]]], classes: list[str]) -> Named:
    """A Named from the labels (1) and aliases (2) found by language."""
    main = {lang: min(texts) for lang, texts in found[1].items()}
    short = {
        lang: min((*found[1].get(lang, ()), *texts), key=lambda t: (len(t), t)) for lang, texts in found[2].items()
    }
    return Named(iri, main, {**main, **short}, tuple(classes))


def _usable(iri: str) -> bool:
    """Can the IRI be put in query text?"""
    try:
        iri_ref(iri)
    except ValueError:
        return False
    return True
