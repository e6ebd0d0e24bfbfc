"""Checked external identifiers -> the link graph: one evidenced link per verified reference row.

Inputs (under `data/`): `reference/wikidata-links.csv`, the project's table of checked Wikidata QIDs and DBpedia
names with their evidence and confidence, and `links.tsv`, which ties each reference row to a govkg entity and
says how they relate. Only `verified` rows become links; `likely` and `unknown` rows stay unlinked (a wrong link
spreads to everyone who joins on it). States are also linked to their ISO 3166-1 code's page on ISO's Online
Browsing Platform, derived from the code the entity carries.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from govkg.errors import GovkgError
from govkg.namespaces import GK, GKD, GRAPH, LINK, REFERENCE, bind_prefixes
from govkg.targets import BY_NAME

__all__ = [
    "LINKS_FILE",
    "MAPPING_FILE",
    "REFERENCE_FILE",
    "REVIEWED_FILE",
    "LinkError",
    "Mapping",
    "ReferenceRow",
    "link_graph",
    "read_mapping",
    "read_reference",
]

REFERENCE_FILE = Path("reference") / "wikidata-links.csv"
MAPPING_FILE = Path("links.tsv")
REVIEWED_FILE = Path("links-reviewed.tsv")
LINKS_FILE = Path("links.ttl")
REFERENCE_NODE = REFERENCE["wikidata-links"]
REVIEWED_NODE = REFERENCE["links-reviewed"]
RELATIONS = {"owl:sameAs": OWL.sameAs, "skos:exactMatch": SKOS.exactMatch, "skos:closeMatch": SKOS.closeMatch}
CONFIDENCES = ("verified", "likely", "unknown")
ISO = BY_NAME["iso3166"]
REFERENCE_COLUMNS = ("label", "wikidata_qid", "dbpedia_resource", "confidence", "evidence")
# The reference table's identifier columns, and the external graph each one names a resource of.
ID_COLUMNS = {"wikidata": "wikidata_qid", "dbpedia": "dbpedia_resource"}


class LinkError(GovkgError):
    """A reference or mapping row that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class ReferenceRow:
    """One row of the reference table (`line` counts the header as line 1, as RFC 7111 does)."""

    line: int
    label: str
    ids: dict[str, str]  # target name -> identifier ('' when none)
    confidence: str
    evidence: str


@dataclass(frozen=True)
class Mapping:
    """One row of links.tsv: this govkg entity is described by that reference row, with this relation."""

    line: int
    entity: str
    reference: str
    relation: str
    comment: str


def read_reference(path: Path) -> dict[str, ReferenceRow]:
    """The reference table by label; LinkError on a missing column, a bad confidence or identifier, a repeated label."""
    reader = csv.DictReader(io.StringIO(_text(path)))
    missing = set(REFERENCE_COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise LinkError(f"{path}: missing columns {', '.join(sorted(missing))}")
    rows: dict[str, ReferenceRow] = {}
    for number, record in enumerate(reader, start=2):
        row = _reference_row(path, number, record)
        if row.label in rows:
            raise LinkError(f"{path}:{number}: label {row.label!r} already on line {rows[row.label].line}")
        rows[row.label] = row
    return rows


def _reference_row(path: Path, line: int, record: dict[str, str]) -> ReferenceRow:
    """Check one reference row."""
    values = {k: (record.get(k) or "").strip() for k in REFERENCE_COLUMNS}
    if values["confidence"] not in CONFIDENCES:
        raise LinkError(f"{path}:{line}: confidence {values['confidence']!r} is not one of {', '.join(CONFIDENCES)}")
    ids = {name: values[column] for name, column in ID_COLUMNS.items()}
    for name, identifier in ids.items():
        if identifier and not BY_NAME[name].pattern.fullmatch(identifier):
            raise LinkError(f"{path}:{line}: {identifier!r} is not a {name} identifier")
    return ReferenceRow(line, values["label"], ids, values["confidence"], values["evidence"])


def read_mapping(path: Path, reference: dict[str, ReferenceRow]) -> list[Mapping]:
    """The rows of links.tsv (comment lines skipped); LinkError on an unknown reference label or relation."""
    mappings = []
    for number, line in enumerate(_text(path).splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line.startswith("entity\t"):
            continue
        cells = [*line.split("\t"), "", ""][:4]
        mapping = Mapping(number, *(c.strip() for c in cells))
        if mapping.reference not in reference:
            raise LinkError(f"{path}:{number}: no reference row labelled {mapping.reference!r}")
        if mapping.relation not in RELATIONS:
            raise LinkError(f"{path}:{number}: relation {mapping.relation!r} is not one of {', '.join(RELATIONS)}")
        mappings.append(mapping)
    return mappings


def _text(path: Path) -> str:
    """A UTF-8 file's text; LinkError naming the file otherwise."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LinkError(f"{path}: cannot read ({error.__class__.__name__})") from None


def link_graph(data: Path, entities: Graph) -> Graph:
    """The link graph for the project's `data/` folder (the content of data/links.ttl)."""
    reference = read_reference(data / REFERENCE_FILE)
    mappings = read_mapping(data / MAPPING_FILE, reference)
    graph = bind_prefixes(Graph())
    _describe_reference(graph, data / REFERENCE_FILE)
    for mapping in mappings:
        entity = GKD[mapping.entity]
        if (entity, RDF.type, None) not in entities:
            raise LinkError(f"{data / MAPPING_FILE}:{mapping.line}: no entity {mapping.entity!r} in entities.ttl")
        row = reference[mapping.reference]
        if row.confidence == "verified":
            _add_reference_links(graph, entity, mapping, row)
    for state, code in sorted(_iso_codes(entities)):
        _add_iso_link(graph, state, code)
    if (data / REVIEWED_FILE).is_file():
        _add_reviewed(graph, data / REVIEWED_FILE, entities)
    return graph


def _add_reviewed(graph: Graph, path: Path, entities: Graph) -> None:
    """Links accepted on review: rows of a `govkg link` candidates file whose decision names a relation."""
    accepted = 0
    for number, cells in _tsv_rows(path):
        decision = cells.get("decision", "")
        if decision in ("", "reject"):
            continue
        if decision not in RELATIONS:
            raise LinkError(f"{path}:{number}: decision {decision!r} is not reject or one of {', '.join(RELATIONS)}")
        entity, target = GKD[cells.get("entity", "")], cells.get("candidate", "")
        if (entity, RDF.type, None) not in entities:
            raise LinkError(f"{path}:{number}: no entity {cells.get('entity')!r} in entities.ttl")
        name = _target_of(path, number, target)
        record = _add_link(
            graph,
            entity,
            RELATIONS[decision],
            URIRef(target),
            LINK[f"{cells['entity']}/{name}"],
            "reviewed",
            _review_evidence(cells),
        )
        graph.add((record, PROV.wasDerivedFrom, REVIEWED_NODE))
        graph.add((record, GK.referenceRow, Literal(number, datatype=XSD.positiveInteger)))
        accepted += 1
    if accepted:
        graph.add((REVIEWED_NODE, RDF.type, GK.ReferenceFile))
        graph.add((REVIEWED_NODE, RDFS.label, Literal("Liens acceptés après relecture", lang="fr")))
        graph.add((REVIEWED_NODE, RDFS.label, Literal("Links accepted on review", lang="en")))
        graph.add((REVIEWED_NODE, DCTERMS.identifier, Literal(path.name)))
        graph.add((REVIEWED_NODE, GK.sha256, Literal(hashlib.sha256(path.read_bytes()).hexdigest())))


def _tsv_rows(path: Path) -> Iterable[tuple[int, dict[str, str]]]:
    """The data rows of a tab-separated file with a header line, as (line number, cells by column)."""
    lines = _text(path).splitlines()
    header = lines[0].split("\t") if lines else []
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() and not line.startswith("#"):
            yield number, dict(zip(header, (c.strip() for c in line.split("\t")), strict=False))


def _target_of(path: Path, line: int, target: str) -> str:
    """The name of the external graph `target` is an item of; LinkError if it is none of them."""
    for name in ID_COLUMNS:
        if BY_NAME[name].holds(target):
            return name
    raise LinkError(f"{path}:{line}: {target!r} is not a Wikidata item or DBpedia resource IRI")


def _review_evidence(cells: dict[str, str]) -> str:
    """What a reviewed link rests on: the reconciliation's scores, and the review."""
    return (
        f"reconciled against {cells.get('endpoint', '?')}: score {cells.get('score', '?')} (label "
        f"{cells.get('label', '?')}, type {cells.get('type', '?')}, country {cells.get('country', '?')}); "
        f"item label {cells.get('candidate_label', '')!r}; accepted on review"
    )


def _describe_reference(graph: Graph, path: Path) -> None:
    """The reference table as a resource: what it is and which bytes the links were made from."""
    node = REFERENCE_NODE
    graph.add((node, RDF.type, GK.ReferenceFile))
    graph.add((node, RDFS.label, Literal("Identifiants Wikidata et DBpedia vérifiés", lang="fr")))
    graph.add((node, RDFS.label, Literal("Checked Wikidata and DBpedia identifiers", lang="en")))
    graph.add((node, DCTERMS.identifier, Literal(path.name)))
    graph.add((node, GK.sha256, Literal(hashlib.sha256(path.read_bytes()).hexdigest())))
    graph.add(
        (
            node,
            DCTERMS.description,
            Literal(
                "The project's table of external identifiers for the entities the corpus mentions, each checked "
                "against public Wikidata-derived datasets or recorded look-ups; shipped as "
                "data/reference/wikidata-links.csv.",
                lang="en",
            ),
        )
    )


def _add_reference_links(graph: Graph, entity: URIRef, mapping: Mapping, row: ReferenceRow) -> None:
    """One link per identifier the row gives, each with its evidence record."""
    for name, identifier in row.ids.items():
        if identifier:
            item = URIRef(BY_NAME[name].iri(identifier))
            record = _add_link(
                graph,
                entity,
                RELATIONS[mapping.relation],
                item,
                LINK[f"{mapping.entity}/{name}"],
                row.confidence,
                row.evidence,
            )
            graph.add((record, PROV.wasDerivedFrom, REFERENCE_NODE))
            graph.add((record, GK.referenceRow, Literal(row.line, datatype=XSD.positiveInteger)))
            if mapping.comment:
                graph.add((record, RDFS.comment, Literal(mapping.comment, lang="en")))


def _iso_codes(entities: Graph) -> Iterable[tuple[URIRef, str]]:
    """(state, ISO 3166-1 alpha-2 code) for every state that carries one."""
    for state in entities.subjects(RDF.type, GK.State):
        code = entities.value(state, GK.iso3166Alpha2)
        if isinstance(state, URIRef) and code is not None and ISO.pattern.fullmatch(str(code)):
            yield state, str(code)


def _add_iso_link(graph: Graph, state: URIRef, code: str) -> None:
    """rdfs:seeAlso the code's page on ISO's Online Browsing Platform, derived from the entity's own code."""
    slug = str(state).removeprefix(str(GKD))
    record = _add_link(
        graph,
        state,
        RDFS.seeAlso,
        URIRef(ISO.iri(code)),
        LINK[f"{slug}/iso3166"],
        "derived",
        f"ISO 3166-1 alpha-2 code {code}, the entity's gk:iso3166Alpha2 (data/entities.ttl); "
        f"the page of that code on ISO's Online Browsing Platform",
    )
    graph.add((record, PROV.wasDerivedFrom, GRAPH["entities"]))


def _add_link(
    graph: Graph, subject: URIRef, predicate: URIRef, target: URIRef, record: URIRef, confidence: str, evidence: str
) -> URIRef:
    """The link triple and its gk:Link record (a reified statement with confidence and evidence)."""
    graph.add((subject, predicate, target))
    for p, o in [
        (RDF.type, GK.Link),
        (RDF.subject, subject),
        (RDF.predicate, predicate),
        (RDF.object, target),
        (GK.confidence, Literal(confidence)),
        (GK.evidence, Literal(evidence)),
    ]:
        graph.add((record, p, o))
    return record
