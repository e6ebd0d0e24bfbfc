"""Why an inferred fact holds: the OWL 2 RL rule, the ontology axiom and the premises it follows from.

The build keeps the OWL 2 RL closure in its own named graph (`govkg.reason`) but not the derivations. This module
finds one again for a fact of that graph, backwards: for each rule the ontology's axioms allow (property chains,
inverses, sub-properties, equivalent and symmetric and transitive properties, sub-classes, equivalent classes,
domains and ranges), it looks for premises the dataset holds, and justifies a premise that is itself only inferred
the same way, a bounded number of steps deep, so every justified fact ends in stated facts (and their quotes).
Facts are read around one node at a time through the `select` callable and kept, so any engine answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import OWL, RDF
from rdflib.term import Node

from govkg.pages.description import is_iriref

__all__ = ["MAX_DEPTH", "RULES", "Axioms", "Facts", "Premise", "Step", "axioms", "fetcher", "justify", "justify_all"]

Select = Callable[[str], list[list[Node | None]]]
Triple = tuple[Node, Node, Node]
Candidate = tuple[str, tuple[Node, ...], list[Triple]]  # a rule, the axiom's terms, the premises
Fetch = Callable[[list[URIRef]], list[tuple[Triple, bool]]]  # the facts around nodes, each stated or not

MAX_DEPTH = 6  # rule steps from an inferred fact down to stated ones (a type through four sub-classes needs 4)
MAX_PATHS = 3  # paths through a property chain tried per fact
# The OWL 2 RL rules (W3C OWL 2 Profiles §4.3) this module applies, by the name the pages and the twin use.
RULES = {
    "chain": "prp-spo2",
    "inverse": "prp-inv",
    "subproperty": "prp-spo1",
    "equivalent-property": "prp-eqp",
    "symmetric": "prp-symp",
    "transitive": "prp-trp",
    "subclass": "cax-sco",
    "equivalent-class": "cax-eqc",
    "domain": "prp-dom",
    "range": "prp-rng",
}
# The axioms read from the dataset: (kind, pattern binding ?a and, for two-place axioms, ?b).
_AXIOMS = {
    "inverse": f"?a <{OWL.inverseOf}> ?b",
    "subproperty": "?a <http://www.w3.org/2000/01/rdf-schema#subPropertyOf> ?b",
    "equivalent-property": f"?a <{OWL.equivalentProperty}> ?b",
    "subclass": "?a <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?b",
    "equivalent-class": f"?a <{OWL.equivalentClass}> ?b",
    "domain": "?a <http://www.w3.org/2000/01/rdf-schema#domain> ?b",
    "range": "?a <http://www.w3.org/2000/01/rdf-schema#range> ?b",
    "symmetric": f"?a a <{OWL.SymmetricProperty}> BIND(?a AS ?b)",
    "transitive": f"?a a <{OWL.TransitiveProperty}> BIND(?a AS ?b)",
}
_AXIOM_QUERY = "SELECT ?k ?a ?b WHERE {{ {union} FILTER(isIRI(?a) && isIRI(?b)) }}".format(
    union=" UNION ".join(f'{{ {pattern} BIND("{kind}" AS ?k) }}' for kind, pattern in _AXIOMS.items())
)
# The cells of every property chain's RDF list, put back in order in Python.
_CHAINS = (
    f"SELECT ?p ?cell ?first ?rest WHERE {{ ?p <{OWL.propertyChainAxiom}> ?list . "
    f"?list <{RDF.rest}>* ?cell . ?cell <{RDF.first}> ?first ; <{RDF.rest}> ?rest }}"
)
# The facts around some nodes, in which graphs; a record's rdf:subject or rdf:object says nothing of the node.
_AROUND = (
    "SELECT ?s ?p ?o ?g WHERE {{ VALUES ?n {{ {nodes} }} "
    "{{ GRAPH ?g {{ ?n ?p ?o }} BIND(?n AS ?s) }} UNION {{ GRAPH ?g {{ ?s ?p ?n }} BIND(?n AS ?o) "
    "FILTER(?p != <{subject}> && ?p != <{object}>) }} }}"
)


@dataclass(frozen=True)
class Axioms:
    """The ontology's axioms the rules use, indexed by what they conclude."""

    pairs: dict[str, dict[Node, tuple[Node, ...]]]  # kind → concluded term → the terms it follows from, sorted
    chains: dict[Node, tuple[tuple[Node, ...], ...]]  # property → the chains implying it

    def given(self, kind: str, term: Node) -> tuple[Node, ...]:
        """The terms an axiom of `kind` links to `term` (its sub-properties, inverses, domain properties, …)."""
        return self.pairs.get(kind, {}).get(term, ())


@dataclass(frozen=True)
class Step:
    """An inferred fact, the rule (a key of RULES) and the axiom's terms it follows by, and its premises."""

    fact: Triple
    rule: str
    axiom: tuple[Node, ...]
    premises: tuple[Premise, ...]

    @property
    def owl2rl(self) -> str:
        """The name OWL 2 RL gives the rule (prp-spo2, cax-sco, …)."""
        return RULES[self.rule]

    @property
    def height(self) -> int:
        """Rule steps down to the deepest stated premise."""
        return 1 + max((p.step.height for p in self.premises if p.step), default=0)

    @property
    def size(self) -> int:
        """Rule steps in the whole justification."""
        return 1 + sum(p.step.size for p in self.premises if p.step)


@dataclass(frozen=True)
class Premise:
    """A fact a step uses: stated (step None) or itself inferred by `step`."""

    fact: Triple
    step: Step | None


@dataclass
class Facts:
    """The facts around nodes, read on demand by `fetch` and kept in `known` (node → fact → stated?)."""

    fetch: Fetch
    known: dict[Node, dict[Triple, bool]] = field(default_factory=dict)

    def load(self, nodes: Iterable[Node]) -> None:
        """Read the facts around the IRIs among `nodes` not read yet, in one go."""
        missing = sorted({n for n in nodes if isinstance(n, URIRef) and n not in self.known})
        if not missing:
            return
        found: dict[Node, dict[Triple, bool]] = {n: {} for n in missing}
        for fact, stated in self.fetch(missing):
            for node in {fact[0], fact[2]} & found.keys():
                found[node][fact] = found[node].get(fact, False) or stated
        self.known.update(found)

    def around(self, node: Node) -> dict[Triple, bool]:
        """The facts with `node` as subject or object."""
        self.load([node])
        return self.known.get(node, {})

    def status(self, fact: Triple) -> bool | None:
        """True when a graph other than the closure states `fact`, False when only the closure does, else None."""
        return self.around(fact[0] if isinstance(fact[0], URIRef) else fact[2]).get(fact)

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        """The values of `predicate` for `subject`."""
        return sorted((o for s, p, o in self.around(subject) if s == subject and p == predicate), key=str)

    def subjects(self, predicate: Node, value: Node) -> list[Node]:
        """The subjects having `value` for `predicate`."""
        return sorted((s for s, p, o in self.around(value) if o == value and p == predicate), key=str)


def axioms(select: Select) -> Axioms:
    """The axioms the dataset's ontologies state."""
    pairs: dict[str, dict[Node, set[Node]]] = {}
    for kind, a, b in _rows(select, _AXIOM_QUERY):
        for concluded, given in _directions(str(kind), a, b):
            pairs.setdefault(str(kind), {}).setdefault(concluded, set()).add(given)
    frozen = {kind: {t: tuple(sorted(g, key=str)) for t, g in terms.items()} for kind, terms in pairs.items()}
    return Axioms(frozen, _chains(_rows(select, _CHAINS)))


def _directions(kind: str, a: Node, b: Node) -> list[tuple[Node, Node]]:
    """(concluded term, term it follows from) of one axiom: `a ⊑ b` concludes b from a; equivalences and inverses
    work both ways; a domain or range axiom concludes its class from its property."""
    if kind in ("inverse", "equivalent-property", "equivalent-class"):
        return [(a, b), (b, a)]
    return [(b, a)]


def _chains(rows: list[tuple[Node, ...]]) -> dict[Node, tuple[tuple[Node, ...], ...]]:
    """Each property's chains, from the cells of their RDF lists (first cell: the one no other cell's rest is)."""
    cells: dict[Node, dict[Node, tuple[Node, Node]]] = {}
    for prop, cell, first, rest in rows:
        cells.setdefault(prop, {})[cell] = (first, rest)
    chains: dict[Node, list[tuple[Node, ...]]] = {}
    for prop, found in cells.items():
        rests = {rest for _, rest in found.values()}
        for head in sorted((c for c in found if c not in rests), key=str):
            members: list[Node] = []
            cell = head
            while cell in found and len(members) <= len(found):
                members.append(found[cell][0])
                cell = found[cell][1]
            if cell == RDF.nil:
                chains.setdefault(prop, []).append(tuple(members))
    return {p: tuple(c) for p, c in chains.items()}


def fetcher(select: Select, inferred_graph: str) -> Fetch:
    """A Fetch reading the facts around nodes from the dataset (`inferred_graph`: the closure's graph IRI)."""

    def fetch(nodes: list[URIRef]) -> list[tuple[Triple, bool]]:
        refs = " ".join(f"<{n}>" for n in nodes if is_iriref(str(n)))
        query = _AROUND.format(nodes=refs, subject=RDF.subject, object=RDF.object)
        return [((s, p, o), str(g) != inferred_graph) for s, p, o, g in _rows(select, query)]

    return fetch


def justify(fact: Triple, facts: Facts, given: Axioms, depth: int = MAX_DEPTH) -> Step | None:
    """The shallowest justification of `fact` from stated facts within `depth` steps, or None."""
    return _Search(facts, given).best(fact, depth)


def justify_all(found: Iterable[Triple], facts: Facts, given: Axioms) -> dict[Triple, Step | None]:
    """The justification of each fact, by one search (facts justifying each other's premises are justified once)."""
    search = _Search(facts, given)
    return {fact: search.best(fact, MAX_DEPTH) for fact in found}


class _Search:
    """One search over the same facts and axioms, remembering what it found for each fact and depth."""

    def __init__(self, facts: Facts, given: Axioms) -> None:
        self.facts, self.given = facts, given
        self.found: dict[tuple[Triple, int], Step | None] = {}

    def best(self, fact: Triple, depth: int) -> Step | None:
        """The justification of `fact` of least height, then size."""
        key = (fact, depth)
        if key not in self.found:  # depth falls on every step, so a fact cannot wait on itself
            steps = [s for s in (self._step(fact, c, depth) for c in self._candidates(fact)) if s]
            self.found[key] = min(steps, key=lambda s: (s.height, s.size), default=None)
        return self.found[key]

    def _step(self, fact: Triple, candidate: Candidate, depth: int) -> Step | None:
        """The step when each premise is stated or justified within the remaining depth."""
        rule, axiom, premises = candidate
        made = []
        for premise in premises:
            stated = self.facts.status(premise)
            sub = None if stated or depth <= 1 else self.best(premise, depth - 1)
            if stated is None or (not stated and sub is None):
                return None
            made.append(Premise(premise, sub))
        return Step(fact, rule, axiom, tuple(made))

    def _candidates(self, fact: Triple) -> list[Candidate]:
        """Every rule instance concluding `fact` whose premises the facts around it may hold."""
        s, p, o = fact
        if p == RDF.type:
            return self._typing(s, o)
        given = self.given.given
        found: list[Candidate] = [("inverse", (p, q), [(o, q, s)]) for q in given("inverse", p)]
        for kind in ("subproperty", "equivalent-property"):
            found += [(kind, (q, p), [(s, q, o)]) for q in given(kind, p)]
        found += [("symmetric", (p,), [(o, p, s)]) for _ in given("symmetric", p)]
        for _ in given("transitive", p):
            found += [("transitive", (p,), [(s, p, x), (x, p, o)]) for x in self.facts.objects(s, p) if x != o]
        for chain in self.given.chains.get(p, ()):
            found += [("chain", chain, path) for path in self._paths(s, chain, o)]
        return found

    def _typing(self, s: Node, cls: Node) -> list[Candidate]:
        """Rule instances concluding `s rdf:type cls`: a sub-class or equivalent class, a domain, a range."""
        given, facts = self.given.given, self.facts
        found: list[Candidate] = []
        for kind in ("subclass", "equivalent-class"):
            found += [(kind, (c, cls), [(s, RDF.type, c)]) for c in given(kind, cls)]
        for q in given("domain", cls):
            found += [("domain", (q, cls), [(s, q, x)]) for x in facts.objects(s, q)[:MAX_PATHS]]
        for q in given("range", cls):
            found += [("range", (q, cls), [(x, q, s)]) for x in facts.subjects(q, s)[:MAX_PATHS]]
        return found

    def _paths(self, start: Node, chain: tuple[Node, ...], end: Node) -> list[list[Triple]]:
        """Up to MAX_PATHS paths from `start` to `end` following the chain's properties, as their facts."""
        prop, rest = chain[0], chain[1:]
        if not rest:
            return [[(start, prop, end)]] if self.facts.status((start, prop, end)) is not None else []
        found: list[list[Triple]] = []
        for node in self.facts.objects(start, prop):
            found += [[(start, prop, node), *tail] for tail in self._paths(node, rest, end)]
            if len(found) >= MAX_PATHS:
                break
        return found[:MAX_PATHS]


def _rows(select: Select, query: str) -> list[tuple[Node, ...]]:
    """The rows of a SELECT whose variables are all bound."""
    return [tuple(t for t in row if t is not None) for row in select(query) if None not in row]
