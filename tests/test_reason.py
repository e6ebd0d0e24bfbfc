"""OWL RL closure: kept in its own graph, answers inverses, super-properties and property chains."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF

from govkg.build import Build
from govkg.namespaces import DEFAULT_BASE, GK, GKD
from govkg.reason import InconsistencyError, closure


def test_inferred_graph_is_separate_from_asserted(project_build: Build) -> None:
    inferred, asserted = project_build.graphs["inferred"], project_build.graphs["asserted"]
    assert len(inferred) > 0
    assert not set(inferred) & set(asserted)


def test_property_chain_makes_signatories_of_the_act_signers_of_the_instrument(project_build: Build) -> None:
    inferred = project_build.graphs["inferred"]
    signers = set(inferred.subjects(GK.signs, GKD["frontier-ai-safety-commitments"]))
    assert len(signers) == 16
    assert (GKD.france, GK.adopts, GKD["seoul-declaration"]) in inferred


def test_signers_commit_to_each_commitment_of_the_instrument(project_build: Build) -> None:
    inferred = project_build.graphs["inferred"]
    assert (GKD.xai, GK.commitsTo, GKD["commitment-halt-if-risks-above-thresholds"]) in inferred


def test_inverse_and_super_properties_answer(project_build: Build) -> None:
    inferred = project_build.graphs["inferred"]
    assert (GKD["seoul-declaration"], GK.endorsedBy, GKD["european-union"]) in inferred
    assert (GKD["seoul-declaration"], GK.refersTo, GKD["oecd-ai-principles"]) in inferred
    asserted = project_build.graphs["asserted"]
    assert (GKD["seoul-statement-of-intent"], GK.annexedTo, GKD["seoul-declaration"]) in asserted
    assert (GKD["seoul-declaration"], GK.hasAnnex, GKD["seoul-statement-of-intent"]) in inferred


def test_subclass_typing_is_inferred(project_build: Build) -> None:
    assert (GKD.openai, RDF.type, GK.Actor) in project_build.graphs["inferred"]


def test_tautologies_are_left_out(project_build: Build) -> None:
    inferred = project_build.graphs["inferred"]
    assert not [t for t in inferred if t[1] == OWL.sameAs and t[0] == t[2]]
    assert not list(inferred.subjects(RDF.type, OWL.Thing))


def test_inconsistency_is_an_error() -> None:
    g = Graph()
    g.add((GK.A, OWL.disjointWith, GK.B))
    g.add((GKD.x, RDF.type, GK.A))
    g.add((GKD.x, RDF.type, GK.B))
    with pytest.raises(InconsistencyError):
        closure([g], DEFAULT_BASE)


def test_closure_only_keeps_resources_under_the_base() -> None:
    g = Graph()
    g.add((GK.p, OWL.inverseOf, GK.q))
    g.add((GKD.a, GK.p, GKD.b))
    inferred = closure([g], DEFAULT_BASE)
    assert (GKD.b, GK.q, GKD.a) in inferred
    assert all(str(s).startswith(DEFAULT_BASE + "id/") for s in inferred.subjects())


def test_adopters_commit_to_the_commitments_of_the_declaration(project_build: Build) -> None:
    inferred = project_build.graphs["inferred"]
    commitment = GKD["commitment-involve-international-stakeholders"]
    assert (GKD.france, GK.commitsTo, commitment) in inferred
    assert len(set(inferred.objects(commitment, GK.committedBy))) == 11
