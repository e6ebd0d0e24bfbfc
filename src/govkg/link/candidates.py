"""Reconciliation: propose external items for entities without a link, scored by label, type and country.

For each entity, one SELECT to the external graph's SPARQL endpoint finds the items whose label or alias is one
of the entity's labels (French, English, with and without a leading article); the items are then scored:
70 points for the label (govkg.reconcile.match: accents, case, punctuation and articles do not count), 20 for a type
compatible with the entity's class (-20 for an item typed otherwise), 10 for the entity's country (-10 for
another). Candidates are written for review, never asserted: an accepted one is copied into
data/links-reviewed.tsv. Answers are cached by (endpoint, query), so a rerun sends no request.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from govkg.federation import client
from govkg.link.coverage import linkable_classes
from govkg.link.profiles import Entity, Profile, query
from govkg.link.reference import LinkError
from govkg.namespaces import GK, GKD, bind_prefixes
from govkg.reconcile import match

__all__ = ["HEADER", "Cache", "Candidate", "entities", "propose", "score", "tsv"]

HEADER = (
    "entity",
    "entity_label",
    "class",
    "candidate",
    "candidate_label",
    "score",
    "label",
    "type",
    "country",
    "endpoint",
    "decision",
)
SEPARATOR = "\u001f"  # between GROUP_CONCAT'ed labels: a control character no label holds
NAMES = bind_prefixes(Graph()).namespace_manager


@dataclass(frozen=True)
class Candidate:
    """A proposed external item with its score and the evidence behind it."""

    entity: Entity
    item: str
    label: str
    score: int
    label_score: float
    type_match: int  # 1 compatible type, 0 unknown, -1 another type
    country_match: int  # 1 same country, 0 unknown, -1 another country

    def row(self, endpoint: str) -> tuple[str, ...]:
        """The candidate as a row of the review file."""
        signs = {1: "yes", 0: "unknown", -1: "no"}
        return (
            str(self.entity.iri).removeprefix(str(GKD)),
            self.entity.labels[0],
            NAMES.normalizeUri(self.entity.cls),
            self.item,
            self.label,
            str(self.score),
            f"{self.label_score:.2f}",
            signs[self.type_match],
            signs[self.country_match],
            endpoint,
            "",
        )


class Cache:
    """Answers of the external endpoint on disk, one JSON file per (endpoint, query); counts what it did."""

    def __init__(self, folder: Path | None, refresh: bool = False) -> None:
        self.folder, self.refresh, self.sent, self.reused = folder, refresh, 0, 0

    def select(self, endpoint: str, query: str, limits: client.Limits) -> list[dict[str, str]]:
        """The rows of a SELECT, as plain strings: from the cache when it holds them (and no refresh is asked),
        else from the endpoint."""
        path = self._path(endpoint, query)
        cached = self._read(path) if path is not None and not self.refresh else None
        if cached is not None:
            self.reused += 1
            return cached
        _, answer = client.select(endpoint, query, limits)
        self.sent += 1
        rows = [{name: str(value) for name, value in row.items()} for row in answer]
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                json.dumps({"endpoint": endpoint, "query": query, "rows": rows}, ensure_ascii=False), encoding="utf-8"
            )
        return rows

    @staticmethod
    def _read(path: Path) -> list[dict[str, str]] | None:
        """The rows a cache file holds; None when there is none or it is unreadable (then the endpoint is asked)."""
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            return None
        return [{str(k): str(v) for k, v in r.items()} for r in rows]

    def _path(self, endpoint: str, query: str) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / (hashlib.sha256(f"{endpoint}\n{query}".encode()).hexdigest() + ".json")


def entities(graph: Graph, links: Graph, ontology: Graph, profile: Profile, only: Iterable[str] = ()) -> list[Entity]:
    """The linkable entities to reconcile: the given slugs, else every one without a link into the profile's graph."""
    wanted = {GKD[slug] for slug in only}
    linkable = linkable_classes(ontology)
    found = []
    for iri, cls in sorted(graph.subject_objects(RDF.type)):
        if cls not in linkable or not isinstance(iri, URIRef) or not isinstance(cls, URIRef):
            continue
        linked = any(str(o).startswith(profile.item_space) for o in links.objects(iri, None))
        if (iri in wanted) if wanted else not linked:
            found.append(
                Entity(
                    iri,
                    _labels(graph, iri),
                    cls,
                    _types(ontology, cls, profile),
                    _countries(graph, links, iri, profile),
                )
            )
    missing = wanted - {e.iri for e in found}
    if missing:
        raise LinkError(f"not a linkable entity: {', '.join(sorted(str(m).removeprefix(str(GKD)) for m in missing))}")
    return found


def _labels(graph: Graph, iri: URIRef) -> tuple[str, ...]:
    """English, then French, then alternative labels."""
    ordered = sorted(graph.objects(iri, RDFS.label), key=lambda lit: (getattr(lit, "language", "") != "en", str(lit)))
    return tuple(dict.fromkeys(str(o) for o in [*ordered, *graph.objects(iri, SKOS.altLabel)]))


def _types(ontology: Graph, cls: URIRef, profile: Profile) -> tuple[str, ...]:
    """External classes compatible with `cls`: those of the nearest mapped class up its superclasses."""
    for ancestor in [cls, *ontology.transitive_objects(cls, RDFS.subClassOf)]:
        if ancestor in profile.classes:
            return profile.classes[ancestor]  # type: ignore[index]
    return ()


def _countries(graph: Graph, links: Graph, iri: URIRef, profile: Profile) -> frozenset[str]:
    """The external items of the entity's countries (gk:country, through the link graph)."""
    return frozenset(
        str(o)
        for country in graph.objects(iri, GK.country)
        for o in links.objects(country, None)
        if str(o).startswith(profile.item_space) and (country, OWL.sameAs, o) in links
    )


def score(entity: Entity, row: dict[str, str]) -> Candidate:
    """Score one item found for `entity`."""
    labels = [label for label in row.get("labels", "").split(SEPARATOR) if label]
    names = [name for name in row.get("names", "").split(SEPARATOR) if name]  # the labels or aliases that matched
    label_score = max((match.best(label, entity.labels) for label in [*labels, *names]), default=0.0)
    typed = row.get("classes", "0").strip() not in ("", "0")  # a count of the item's classes (a remote may send junk)
    type_match = 1 if row.get("typeMatch") else (-1 if entity.types and typed else 0)
    countries = set(row.get("countries", "").split())
    country_match = 0 if not entity.countries or not countries else (1 if entity.countries & countries else -1)
    total = round(70 * label_score + 20 * type_match + 10 * country_match)
    return Candidate(
        entity,
        row["item"],
        _pick(labels or names, entity),
        max(0, min(100, total)),
        label_score,
        type_match,
        country_match,
    )


def _pick(labels: list[str], entity: Entity) -> str:
    """The item's label closest to the entity's."""
    return max(labels, key=lambda label: (match.best(label, entity.labels), label), default="")


def propose(
    found: list[Entity],
    profile: Profile,
    endpoint: str,
    cache: Cache,
    limits: client.Limits,
    minimum: int = 50,
    per_entity: int = 3,
) -> list[Candidate]:
    """The best candidates (at least `minimum` points, at most `per_entity` each) for every entity."""
    proposals = []
    for entity in found:
        scored = sorted(
            (score(entity, row) for row in cache.select(endpoint, query(entity, profile), limits) if row.get("item")),
            key=lambda c: (-c.score, c.item),
        )
        proposals += [c for c in scored if c.score >= minimum][:per_entity]
    return proposals


def tsv(candidates: list[Candidate], endpoint: str) -> str:
    """The review file: one candidate a row, an empty decision column for the reviewer."""
    rows = [HEADER, *(c.row(endpoint) for c in candidates)]
    return "".join("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in row) + "\n" for row in rows)
