"""The OWL 2 RL entailments govkg's ontology gives (what `govkg build` puts in the inferred graph), computed
incrementally: class and property hierarchies, domains, ranges, inverses and two-step property chains."""

from __future__ import annotations

from collections import defaultdict

from synth.terms import RDF

OWL, RDFS = "http://www.w3.org/2002/07/owl#", "http://www.w3.org/2000/01/rdf-schema#"
TYPE = f"<{RDF}type>"
TRIVIAL = {f"<{OWL}Thing>", f"<{RDFS}Resource>", f"<{OWL}NamedIndividual>"}
Triple = tuple[str, str, str]


def _closure(pairs: dict[str, set[str]]) -> dict[str, set[str]]:
    """Reflexive-transitive closure of a `sub → supers` relation."""
    out: dict[str, set[str]] = {}
    for start in pairs:
        seen, todo = {start}, [start]
        while todo:
            for up in pairs.get(todo.pop(), ()):
                if up not in seen:
                    seen.add(up)
                    todo.append(up)
        out[start] = seen
    return out


class Reasoner:
    """Forward chaining over triples of N-Triples terms; `inferred` keeps what govkg's reason._keep keeps."""

    def __init__(self, ontology: list[Triple], base: str) -> None:
        self.base, self.known = base, set()
        self.inferred: set[Triple] = set()
        self.asserted: set[Triple] = set()
        by: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for s, p, o in ontology:
            by[p][s].add(o)
        sub_class, sub_prop = dict(by[f"<{RDFS}subClassOf>"]), dict(by[f"<{RDFS}subPropertyOf>"])
        for s, os in by[f"<{OWL}equivalentClass>"].items():
            for o in os:
                sub_class.setdefault(s, set()).add(o)
                sub_class.setdefault(o, set()).add(s)
        self.supers, self.superprops = _closure(sub_class), _closure(sub_prop)
        self.domain, self.range = by[f"<{RDFS}domain>"], by[f"<{RDFS}range>"]
        self.inverse: dict[str, set[str]] = defaultdict(set)
        for s, os in by[f"<{OWL}inverseOf>"].items():
            for o in os:
                self.inverse[s].add(o)
                self.inverse[o].add(s)
        self.chains = _chains(by)
        self.by_object: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.by_subject: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.add(ontology)

    def add(self, triples: list[Triple]) -> None:
        """Add asserted triples and everything they entail."""
        todo = []
        for triple in triples:
            self.asserted.add(triple)
            self.inferred.discard(triple)
            if triple not in self.known:
                self.known.add(triple)
                todo.append(triple)
        while todo:
            for new in self._consequences(todo.pop()):
                if new not in self.known:
                    self.known.add(new)
                    todo.append(new)
                    if self._keep(new):
                        self.inferred.add(new)

    def _consequences(self, triple: Triple) -> list[Triple]:
        """One step of the rules cax-sco, prp-spo1, prp-inv, prp-dom, prp-rng and prp-spo2."""
        s, p, o = triple
        if p == TYPE:
            return [(s, TYPE, c) for c in self.supers.get(o, ())]
        out: list[Triple] = []
        for q in self.superprops.get(p, {p}):
            out.append((s, q, o))
            out.extend((o, inv, s) for inv in self.inverse.get(q, ()) if o.startswith(("<", "_:")))
            out.extend((s, TYPE, c) for c in self.domain.get(q, ()))
            out.extend((o, TYPE, c) for c in self.range.get(q, ()) if o.startswith(("<", "_:")))
        out.extend(self._chain(s, p, o))
        return out

    def _chain(self, s: str, p: str, o: str) -> list[Triple]:
        """Two-step chains: (s p1 x), (x p2 o) ⇒ (s r o); indexes the links they join on."""
        out: list[Triple] = []
        for first, second, result in self.chains.get(p, ()):
            if p == first:
                self.by_object[p][o].add(s)
                out.extend((s, result, end) for end in self.by_subject[second].get(o, ()))
            if p == second:
                self.by_subject[p][s].add(o)
                out.extend((start, result, o) for start in self.by_object[first].get(s, ()))
        return out

    def _keep(self, triple: Triple) -> bool:
        """govkg's reason._keep: entailments about the project's own resources, no tautologies."""
        s, p, o = triple
        if not s.startswith("<" + self.base) or s.startswith(f"<{self.base}ontology") or o.startswith("_:"):
            return False
        return not (p == TYPE and o in TRIVIAL)


def _chains(by: dict[str, dict[str, set[str]]]) -> dict[str, list[tuple[str, str, str]]]:
    """Two-step owl:propertyChainAxiom lists, indexed by both of their properties."""
    first, rest = by[f"<{RDF}first>"], by[f"<{RDF}rest>"]
    out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for result, heads in by[f"<{OWL}propertyChainAxiom>"].items():
        for head in heads:
            (p1,), (tail,) = first[head], rest[head]
            (p2,) = first[tail]
            for p in {p1, p2}:
                out[p].append((p1, p2, result))
    return out
