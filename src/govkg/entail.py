"""A semi-naive OWL 2 RL reasoner for the rules an ontology like govkg's triggers (sub-classes, sub-properties,
domains, ranges, inverses, property chains), giving the same entailments and contradictions as owlrl's naive
fixpoint for data about individuals; `supports` says when a graph stays within those rules (else use owlrl)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from owlrl.AxiomaticTriples import OWLRL_Datatypes_Disjointness
from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

__all__ = ["Entailment", "closure", "supports"]

Triple = tuple[Node, Node, Node]
Entailment = tuple[set[Triple], list[str]]  # (every triple, stated and entailed; the contradictions found)

SCHEMA = {RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.inverseOf, OWL.propertyChainAxiom}
DECLARATIONS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.Ontology}
DECLARATIONS |= {OWL.NamedIndividual, RDF.Property}  # owlrl's scm-op reads rdf:Property as a declaration too
NEUTRAL = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo, OWL.versionIRI}
DATATYPES = frozenset(OWL_RL_Datatypes)


def supports(triples: Iterable[Triple], base: str) -> bool:
    """Whether owlrl would entail nothing else about `base` resources: no OWL or RDFS term beyond SCHEMA,
    DECLARATIONS and NEUTRAL, no schema statement about a resource whose entailments the build keeps, and every
    property chain a well-formed list."""
    cells: dict[Node, dict[Node, list[Node]]] = {RDF.first: defaultdict(list), RDF.rest: defaultdict(list)}
    heads = []
    for s, p, o in triples:
        if not _supported(s, p, o, base):
            return False
        if p in cells:
            cells[p][s].append(o)
        if p == OWL.propertyChainAxiom:
            heads.append(o)
    return all(_well_formed(head, cells) for head in heads)


def _supported(s: Node, p: Node, o: Node, base: str) -> bool:
    if _vocabulary(p, (str(OWL), str(RDFS))) and p not in SCHEMA | NEUTRAL | {RDF.type}:
        return False
    if any(_vocabulary(t, (str(OWL),)) and t not in DECLARATIONS for t in (s, o)):
        return False
    if p == RDF.first and _special(o):  # a chain through rdf:type or rdfs:subClassOf would read owlrl's axiomatic
        return False  # triples (x rdf:type owl:Thing, C rdfs:subClassOf C), which closure does not make
    schema = p in SCHEMA or (p == RDF.type and o in DECLARATIONS)
    return not (schema and any(_kept(t, base) or _special(t) for t in (s, o) if t not in DECLARATIONS))


def _well_formed(node: Node, cells: dict[Node, dict[Node, list[Node]]]) -> bool:
    """A list rdflib's Graph.items reads as closure does: one rdf:first and one rdf:rest a cell, no cycle."""
    seen = set()
    while node != RDF.nil:
        if node in seen or any(len(cells[p].get(node, ())) != 1 for p in cells):
            return False
        seen.add(node)
        node = cells[RDF.rest][node][0]
    return True


def _vocabulary(term: Node, spaces: tuple[str, ...]) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(spaces)


def _special(term: Node) -> bool:
    """A term OWL RL has rules for (as opposed to rdf:Statement or rdf:value, plain classes and properties)."""
    return _vocabulary(term, (str(OWL), str(RDFS))) or term in (RDF.type, RDF.first, RDF.rest, RDF.nil)


def _kept(term: Node, base: str) -> bool:
    """A resource whose entailments reason.closure keeps (one under `base`, outside the ontology)."""
    return isinstance(term, URIRef) and str(term).startswith(base) and not str(term).startswith(base + "ontology")


class _Schema:
    """The ontology's axioms as lookup tables, with sub-class and sub-property links followed to the top."""

    def __init__(self, triples: set[Triple]) -> None:
        by_p: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        for s, p, o in triples:
            if p in SCHEMA or p in (RDF.first, RDF.rest):
                by_p[p].append((s, o))
        self.supers_c = _reach(by_p[RDFS.subClassOf])
        self.supers_p = _reach(by_p[RDFS.subPropertyOf])
        self.inverse: dict[Node, set[Node]] = defaultdict(set)
        for a, b in by_p[OWL.inverseOf]:
            self.inverse[a].add(b)
            self.inverse[b].add(a)
        self.domain, self.range = _table(by_p[RDFS.domain]), _table(by_p[RDFS.range])
        first, rest = dict(by_p[RDF.first]), dict(by_p[RDF.rest])
        self.chains = [(p, _items(head, first, rest)) for p, head in by_p[OWL.propertyChainAxiom]]

    def local(self, s: Node, p: Node, o: Node) -> Iterable[Triple]:
        """What one triple entails on its own (cax-sco, prp-spo1, prp-inv, prp-dom, prp-rng)."""
        if p == RDF.type:
            return [(s, p, c) for c in self.supers_c.get(o, ())]
        return [
            *((s, q, o) for q in self.supers_p.get(p, ())),
            *((o, q, s) for q in self.inverse.get(p, ())),
            *((s, RDF.type, c) for c in self.domain.get(p, ())),
            *((o, RDF.type, c) for c in self.range.get(p, ())),
        ]


def _reach(pairs: list[tuple[Node, Node]]) -> dict[Node, set[Node]]:
    """Every strict ancestor of each node along the (sub, super) pairs (scm-sco, scm-spo)."""
    parents = _table(pairs)
    out: dict[Node, set[Node]] = {}
    for node in parents:
        seen, todo = set(), list(parents[node])
        while todo:
            nxt = todo.pop()
            if nxt not in seen:
                seen.add(nxt)
                todo.extend(parents.get(nxt, ()))
        out[node] = seen
    return out


def _table(pairs: Iterable[tuple[Node, Node]]) -> dict[Node, set[Node]]:
    out: dict[Node, set[Node]] = defaultdict(set)
    for a, b in pairs:
        out[a].add(b)
    return out


def _items(head: Node, first: dict[Node, Node], rest: dict[Node, Node]) -> list[Node]:
    """The members of the RDF collection at `head` (well-formed: `supports` checked it)."""
    items: list[Node] = []
    while head in first and len(items) < len(first):
        items.append(first[head])
        head = rest.get(head, RDF.nil)
    return items


def closure(triples: set[Triple]) -> Entailment:
    """Every triple OWL 2 RL entails (for `supports`-ed input), and owlrl's contradiction messages."""
    schema, facts = _Schema(triples), set(triples)
    index: dict[Node, dict[Node, set[Node]]] = defaultdict(lambda: defaultdict(set))
    for s, p, o in facts:
        index[p][s].add(o)
    errors, used, seeds = _datatypes(triples)
    todo = list(facts) + [t for t in seeds if _add(t, facts, index)]
    while todo:  # semi-naive: only what the last round added is joined again
        derived = [t for s, p, o in todo for t in schema.local(s, p, o)]
        touched = {p for _, p, _ in todo}
        derived += [t for p, chain in schema.chains if touched & set(chain) for t in _chain(p, chain, index)]
        todo = [t for t in derived if _add(t, facts, index)]
    errors |= _disjoint(facts, used)  # owlrl drops generalised triples (a blank node predicate) at the end
    return {t for t in facts if not isinstance(t[1], BNode)}, sorted(errors)


def _add(t: Triple, facts: set[Triple], index: dict[Node, dict[Node, set[Node]]]) -> bool:
    if t in facts or isinstance(t[1], Literal):  # owlrl never stores a triple with a literal predicate
        return False
    facts.add(t)
    index[t[1]][t[0]].add(t[2])
    return True


def _chain(p: Node, chain: list[Node], index: dict[Node, dict[Node, set[Node]]]) -> list[Triple]:
    """prp-spo2: (x p y) for every path x chain[0] … chain[-1] y."""
    if not chain:
        return []
    ends = {(x, y) for x, ys in index[chain[0]].items() for y in ys}
    for q in chain[1:]:
        ends = {(x, z) for x, y in ends for z in index[q].get(y, ())}
    return [(x, p, y) for x, y in ends]


def _datatypes(triples: set[Triple]) -> tuple[set[str], set[Node], list[Triple]]:
    """owlrl's one-time datatype rules: dt-not-type messages, the datatypes in use, dt-type2 and subsumptions."""
    literals = {o for _, _, o in triples if isinstance(o, Literal) and o.datatype in DATATYPES}
    errors = {
        f"Lexical value of the literal '{lt}' does not match its datatype ({lt.datatype})"
        for lt in literals
        if not _valid(lt)
    }
    stated = {(s, o) for s, p, o in triples if p == RDF.type and o in DATATYPES}
    typed: list[tuple[Node, Node]] = [(lt, lt.datatype) for lt in literals if lt.datatype is not None]
    typed += [(s, o) for s, o in stated if s not in literals]
    seeds: list[Triple] = [(lt, RDF.type, dt) for lt, dt in typed if isinstance(lt, Literal)]
    seeds += [(r, RDF.type, sub) for r, dt in typed for sub in OWL_Datatype_Subsumptions.get(dt, ())]
    used = {dt for _, dt in typed} | {dt for _, dt in stated} | {t[2] for t in seeds}
    return errors, used, seeds


def _valid(lt: Literal) -> bool:
    try:
        AltXSDToPYTHON.get(lt.datatype, str)(str(lt))
    except ValueError:
        return False
    return True


def _disjoint(facts: set[Triple], used: set[Node]) -> set[str]:
    """cax-dw over owlrl's datatype disjointness axioms (stated only between datatypes in use)."""
    types: dict[Node, set[Node]] = defaultdict(set)
    for s, p, o in facts:
        if p == RDF.type and o in used:
            types[s].add(o)
    return {
        f"Disjoint classes {c1} and {c2} have a common individual {x}"
        for c1, _, c2 in OWLRL_Datatypes_Disjointness
        if c1 in used and c2 in used
        for x, found in types.items()
        if c1 in found and c2 in found
    }
