"""The whole synthetic dataset: the named graphs govkg builds, grown unit by unit to a target size."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from synth import story
from synth.docs import BASE, tell
from synth.rl import Reasoner
from synth.terms import GK, GKD, RDF, XSD, iri, lit
from synth.world import Doc, Entity, World

ROOT = Path(__file__).resolve().parents[2]
RDFS, SKOS = "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2004/02/skos/core#"
LANGUAGE = "<http://id.loc.gov/vocabulary/iso639-1/fr>"
EXTRACTION = [
    f"{iri(GKD + 'editorial-extraction')} {iri(RDF + 'type')} {iri(GK + 'Extraction')}",
    f"{iri(GKD + 'editorial-extraction')} {iri(RDFS + 'label')} {lit('extraction éditoriale des faits', 'fr')}",
    f"{iri(GKD + 'editorial-extraction')} {iri(RDFS + 'label')} {lit('editorial extraction of the facts', 'en')}",
]


@dataclass
class Dataset:
    """Named graphs as N-Triples lines (`<s> <p> <o>`), plus the documents' texts for the project form."""

    reasoner: Reasoner
    graphs: dict[str, set[str]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    described: int = 0

    def size(self) -> int:
        """Triples in every graph, the inferred one included."""
        return sum(len(g) for g in self.graphs.values()) + len(self.reasoner.inferred)

    def put(self, graph: str, lines: list[str]) -> None:
        """Add lines to a named graph."""
        self.graphs.setdefault(graph, set()).update(lines)


def ontology_triples(root: Path = ROOT) -> list[tuple[str, str, str]]:
    """The ontology files' triples, blank nodes relabelled in reading order (so the output is stable)."""
    labels: dict[str, str] = {}
    out = []
    for path in sorted((root / "ontology").glob("*.ttl")):
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            terms = [_stable(t, labels) for t in (quad.subject, quad.predicate, quad.object)]
            out.append((terms[0], terms[1], terms[2]))
    return out


def _stable(node: object, labels: dict[str, str]) -> str:
    """N-Triples form of a term; blank nodes numbered by first appearance."""
    if isinstance(node, ox.BlankNode):
        return labels.setdefault(node.value, f"_:o{len(labels) + 1}")
    return str(node)


def generate(triples: int, seed: int = 0) -> tuple[Dataset, World]:
    """A dataset of about `triples` triples (±2 %), the same for the same arguments."""
    ontology = ontology_triples()
    data = Dataset(Reasoner(ontology, BASE))
    data.put("ontology", [" ".join(t) for t in ontology])
    data.put("entities", EXTRACTION)
    data.reasoner.add([tuple(line.split(" ", 2)) for line in EXTRACTION])  # type: ignore[misc]
    world = World(random.Random(seed), scale=max(1, triples // 25_000))
    breadth = min(60, max(8, int(triples**0.5 / 5)))
    unit_sizes: list[int] = []
    while (remaining := triples - data.size()) > 20:
        before = data.size()
        if not unit_sizes or remaining > 1.5 * sum(unit_sizes) / len(unit_sizes):
            _add(
                data,
                world,
                story.unit(world, world.rng.randint(breadth // 2, breadth * 3 // 2), world.rng.randint(3, 8)),
            )
            unit_sizes.append(data.size() - before)
        else:
            _add(data, world, story.filler(world))
    return data, world


def _add(data: Dataset, world: World, doc: Doc) -> None:
    """Tell a document: its source graph, asserted facts, new entities and their links; reason over them."""
    told = tell(doc)
    data.texts[doc.stem] = told.text
    data.put(f"source/{doc.stem}", told.source)
    entities = list(world.entities.values())[data.described :]
    data.described = len(world.entities)
    described = [line for e in entities for line in describe(e)] + _doc_entity(doc)
    data.put("entities", described)
    data.put("links", [line for e in entities if e.link for line in link(e)])
    data.put("asserted", [" ".join(t) for t in told.asserted])
    data.reasoner.add(told.asserted + [tuple(line.split(" ", 2)) for line in described])  # type: ignore[misc]


def describe(entity: Entity) -> list[str]:
    """An entity's lines in the entities graph: class, labels, aliases, ISO codes."""
    node = iri(GKD + entity.slug)
    prefix, local = entity.cls.split(":")
    cls = GK + local if prefix == "gk" else "https://schema.org/" + local
    out = [
        f"{node} {iri(RDF + 'type')} {iri(cls)}",
        f"{node} {iri(RDFS + 'label')} {lit(entity.fr, 'fr')}",
        f"{node} {iri(RDFS + 'label')} {lit(entity.en, 'en')}",
    ]
    out += [f"{node} {iri(SKOS + 'altLabel')} {lit(text, lang)}" for text, lang in entity.alt]
    out += [f"{node} {iri(SKOS + 'prefLabel')} {lit(text, lang)}" for text, lang in entity.pref]
    for name, code in zip(("iso3166Alpha2", "iso3166Alpha3", "iso3166Numeric"), entity.codes or (), strict=False):
        out.append(f"{node} {iri(GK + name)} {lit(code)}")
    return out


def _doc_entity(doc: Doc) -> list[str]:
    """A source document's description in the entities graph (its class, language and labels)."""
    node = iri(BASE + "source/" + doc.stem)
    return [
        f"{node} {iri(RDF + 'type')} {iri('https://schema.org/' + doc.cls.split(':')[1])}",
        f"{node} <http://purl.org/dc/terms/language> {LANGUAGE}",
        f"{node} {iri(RDFS + 'label')} {lit(doc.fr, 'fr')}",
        f"{node} {iri(RDFS + 'label')} {lit(doc.en, 'en')}",
    ]


def link(entity: Entity) -> list[str]:
    """owl:sameAs to a Wikidata item, with its gk:Link record (the links graph)."""
    node, item = iri(GKD + entity.slug), iri(f"http://www.wikidata.org/entity/Q{entity.link}")
    record, same = iri(f"{BASE}link/{entity.slug}/wikidata"), iri("http://www.w3.org/2002/07/owl#sameAs")
    return [
        f"{node} {same} {item}",
        f"{record} {iri(RDF + 'type')} {iri(GK + 'Link')}",
        f"{record} {iri(RDF + 'subject')} {node}",
        f"{record} {iri(RDF + 'predicate')} {same}",
        f"{record} {iri(RDF + 'object')} {item}",
        f"{record} <http://www.w3.org/ns/prov#wasDerivedFrom> {iri(BASE + 'reference/wikidata-links')}",
        f"{record} {iri(GK + 'confidence')} {lit('verified')}",
        f"{record} {iri(GK + 'evidence')} {lit('synthetic reference row')}",
        f"{record} {iri(GK + 'referenceRow')} {lit(str(entity.link), datatype=XSD + 'positiveInteger')}",
    ]
