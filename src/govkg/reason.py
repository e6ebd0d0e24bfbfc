"""OWL 2 RL closure with owlrl, kept apart from the asserted triples."""

from __future__ import annotations

from collections.abc import Iterable

import owlrl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from govkg.errors import GovkgError

__all__ = ["InconsistencyError", "closure"]

ERROR_TYPE = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")
ERROR_TEXT = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


class InconsistencyError(GovkgError):
    """The OWL RL closure found a contradiction."""


def closure(inputs: Iterable[Graph], base: str) -> Graph:
    """Triples OWL 2 RL entails from `inputs` that none of them states, about resources under `base`."""
    merged = Graph()
    for graph in inputs:
        merged += graph
    full = Graph()
    full += merged
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(full)
    _raise_on_errors(full)
    inferred = Graph()
    for triple in full:
        if triple not in merged and _keep(triple, base):
            inferred.add(triple)
    return inferred


def _raise_on_errors(graph: Graph) -> None:
    """owlrl records contradictions as error-message nodes rather than raising (owlrl Closure.py)."""
    messages = sorted(str(m) for node in graph.subjects(RDF.type, ERROR_TYPE) for m in graph.objects(node, ERROR_TEXT))
    if messages:
        raise InconsistencyError("; ".join(messages))


def _keep(triple: tuple, base: str) -> bool:
    """Keep entailments about the project's own resources; drop tautologies and vocabulary echoes."""
    s, p, o = triple
    if isinstance(s, (BNode, Literal)) or isinstance(o, BNode) or not str(s).startswith(base):
        return False
    if str(s).startswith(base + "ontology"):
        return False
    if p == OWL.sameAs and s == o:
        return False
    return not (p == RDF.type and o in _TRIVIAL_TYPES)
