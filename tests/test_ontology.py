"""The ontology: bilingual labels and definitions, metadata, OWL RL consistency, every used term declared."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from govkg.build import Build
from govkg.load import parse_files
from govkg.namespaces import GK, ONTOLOGY_IRI
from govkg.reason import closure

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology(root: Path) -> Graph:
    return parse_files((root / "ontology").glob("*.ttl"))


def _terms(ontology: Graph) -> list[URIRef]:
    return sorted({s for t in TERM_TYPES for s in ontology.subjects(RDF.type, t) if isinstance(s, URIRef)})


def test_every_term_has_french_and_english_label_and_definition(ontology: Graph) -> None:
    terms = _terms(ontology)
    assert len(terms) > 80
    for term in terms:
        for prop in (RDFS.label, SKOS.definition):
            langs = {o.language for o in ontology.objects(term, prop)}
            assert {"fr", "en"} <= langs, (term, prop)


def test_ontology_metadata(ontology: Graph) -> None:
    header = URIRef(ONTOLOGY_IRI)
    assert (header, RDF.type, OWL.Ontology) in ontology
    for prop in (OWL.versionIRI, DCTERMS.license, DCTERMS.description, OWL.versionInfo):
        assert ontology.value(header, prop) is not None, prop


def test_ontology_is_consistent_under_owl_rl(ontology: Graph) -> None:
    inferred = closure([ontology], "https://w3id.org/govkg/")  # raises InconsistencyError on a contradiction
    assert not list(inferred.subjects(RDF.type, OWL.Nothing))


def test_every_class_and_property_used_in_the_data_is_declared(project_build: Build, ontology: Graph) -> None:
    declared = set(_terms(ontology))
    builtin = {RDF.type, RDF.subject, RDF.predicate, RDF.object, RDF.value, RDFS.label, RDFS.comment}
    used_classes, used_properties = set(), set()
    for name in ("entities", "asserted"):
        graph = project_build.graphs[name]
        used_classes |= set(graph.objects(None, RDF.type))
        used_properties |= set(graph.predicates())
    gk_terms = {t for t in used_classes | used_properties if str(t).startswith(str(GK))}
    assert gk_terms <= declared, gk_terms - declared
    assert {p for p in used_properties if p not in builtin and "skos" not in p and "iso" not in p} - declared == set()
