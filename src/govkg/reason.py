"""OWL 2 RL closure, kept apart from the asserted triples: govkg.entail's semi-naive rules where they cover the
input (the same entailments, in a fraction of the time), owlrl's naive fixpoint otherwise."""

from __future__ import annotations

from collections.abc import Iterable

import owlrl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from govkg import entail
from govkg.errors import GovkgError

__all__ = ["InconsistencyError", "closure", "owl_rl"]

ERROR_TYPE = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")
ERROR_TEXT = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


class InconsistencyError(GovkgError):
    """The OWL RL closure found a contradiction."""


def closure(inputs: Iterable[Graph], base: str) -> Graph:
    """Triples OWL 2 RL entails from `inputs` that none of them states, about resources under `base`."""
    merged: set[entail.Triple] = set()
    for graph in inputs:
        merged.update(graph)
    full, messages = entail.closure(merged) if entail.supports(merged, base) else owl_rl(merged)
    if messages:
        raise InconsistencyError("; ".join(messages))
    inferred = Graph()
    for triple in full:
        if triple not in merged and _keep(triple, base):
            inferred.add(triple)
    return inferred


def owl_rl(triples: set[entail.Triple]) -> entail.Entailment:
    """owlrl's closure of `triples` and the contradictions it records (as error-message nodes, owlrl Closure.py)."""
    full = Graph()
    for triple in triples:
        full.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(full)
    messages = sorted(str(m) for node in full.subjects(RDF.type, ERROR_TYPE) for m in full.objects(node, ERROR_TEXT))
    return set(full), messages


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
