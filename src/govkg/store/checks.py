"""The check every write passes: the project's SHACL shapes, unchanged, over the would-be data, for the nodes the
change touches (what it adds or removes triples about or pointing at, and the facts its statement records are
about). The inferred and audit graphs are left out, as the build leaves the inferred graph out of its validation."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph

from govkg import validate
from govkg.namespaces import graph_iri
from govkg.store.durable import Check, Delta
from govkg.store.errors import ChangeRefused
from govkg.terms import to_rdflib

__all__ = ["MAX_FOCUS", "shapes_check"]

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDF_SUBJECT = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject")
RDF_OBJECT = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#object")
MAX_FOCUS = 500  # nodes validated for one change; a change touching more is refused (send it in parts)


def shapes_check(shapes: Graph, ontology: Graph, base: str) -> Check:
    """A check for DurableStore.apply: ChangeRefused (422, with the report's lines) if a touched node does not
    conform. The ontology's class hierarchy is part of the data validated, as in the build (a store that does not
    hold the ontology gets the project's)."""
    left_out = {graph_iri("inferred", base), graph_iri("audit", base)}

    def check(before: ox.Store, after: ox.Store, delta: Delta) -> None:
        focus = [str(n.value) for n in _focus(after, delta)]  # pySHACL reads focus nodes as text (IRIs or CURIEs)
        if not focus:
            return
        if len(focus) > MAX_FOCUS:
            raise ChangeRefused(f"the change touches {len(focus)} resources: at most {MAX_FOCUS} at once", status=413)
        # Only what the change breaks counts: the would-be data is validated first, and only when it reports
        # something is the data before the change validated too, to leave out what was reported already (the
        # store keeps derived integer datatypes as xsd:integer, oxigraph/oxigraph#526, which the shapes'
        # datatype checks report on data no change touched).
        new = _violations(_graph(after, left_out, ontology), shapes, focus)
        if new:
            known = set(_violations(_graph(before, left_out, ontology), shapes, focus))
            new = [line for line in new if line not in known]
        if new:
            count = f" ({len(new)} violations; the first)" if len(new) > 1 else ""
            raise ChangeRefused(f"the change does not conform to the shapes{count}: {new[0]}", status=422, report=new)

    return check


def _graph(store: ox.Store, left_out: set[str], ontology: Graph) -> Graph:
    """The data to validate, with no prefix bound: pySHACL reads a focus node's text as a prefixed name when its
    prefix is bound, so `<schema:x>` would be checked as https://schema.org/x, another node."""
    data = Graph(bind_namespaces="none")
    for triple in ontology:
        data.add(triple)
    for quad in store:
        if getattr(quad.graph_name, "value", None) in left_out or _has_triple_term(quad):
            continue  # rdflib (and so pySHACL) has no RDF 1.2 triple terms
        data.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return data


def _has_triple_term(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.Triple) or isinstance(quad.object, ox.Triple)


def _violations(data: Graph, shapes: Graph, focus: list[str]) -> list[str]:
    report = validate.validate(data, shapes, focus)
    return [f"focus {v.focus}, path {v.path}, {v.constraint}: {v.message}" for v in report.violations]


def _focus(after: ox.Store, delta: Delta) -> list[ox.NamedNode]:
    """The nodes to validate: the subjects and objects of the changed triples, what points at them, and the
    subjects and objects of the statement records among them (a removed claim leaves its fact unsourced)."""
    touched: set[ox.NamedNode | ox.BlankNode] = set()
    for quad in delta.added | delta.removed:
        touched.update(_nodes((quad.subject, quad.object)))
    touched = {n for n in touched if not _is_class(after, n)}  # a class's instances are not what changed
    around = set(touched)
    for node in touched:
        around.update(_nodes(q.subject for q in after.quads_for_pattern(None, None, node, None)))
        for predicate in (RDF_SUBJECT, RDF_OBJECT):
            around.update(_nodes(q.object for q in after.quads_for_pattern(node, predicate, None, None)))
    for quad in delta.removed:
        if quad.predicate in (RDF_SUBJECT, RDF_OBJECT):
            around.update(_nodes((quad.object,)))
    # pySHACL takes IRIs as focus nodes; a blank node is validated as part of the IRI node that holds it.
    return sorted((n for n in around if isinstance(n, ox.NamedNode)), key=str)


def _is_class(store: ox.Store, node: ox.NamedNode | ox.BlankNode) -> bool:
    """Whether a node is used as a class (the object of an rdf:type)."""
    return next(iter(store.quads_for_pattern(None, RDF_TYPE, node, None)), None) is not None


def _nodes(terms: Iterable[object]) -> set[ox.NamedNode | ox.BlankNode]:
    return {t for t in terms if isinstance(t, ox.NamedNode | ox.BlankNode)}
