"""Canonical blank node labels for a dataset: W3C RDF Dataset Canonicalization (RDFC-1.0, by pyoxigraph), and colour
refinement where RDFC-1.0 would take too long.

RDFC-1.0's deep hashing (Hash N-Degree Quads, §4.8) runs for blank nodes whose first-degree hash is shared and is
exponential in the size of the groups such look-alikes form ("dataset poisoning": a cycle of 1,000 took minutes and
one of 10,000 crashed pyoxigraph). Such a dataset gets labels from colour refinement instead: each blank node's colour
is refined from its quads and its neighbours' colours until stable, and a tie is broken by singling out one node of
the smallest class (whichever, when the class's nodes are interchangeable, as in lists and twins) and refining again.
Very large look-alike groups, where even that would be slow, keep the order in which their nodes first appear.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox

__all__ = ["MAX_LOOKALIKES", "MAX_REFINED", "canonical_quads", "tractable"]

MAX_LOOKALIKES = 5  # look-alike blank nodes in one group RDFC-1.0 is given: measured worst case about 20 ms
MAX_REFINED = 500  # blank nodes colour refinement is given (each tie broken costs a refinement: quadratic)


def canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The distinct quads, blank nodes relabelled canonically over them all (`_:c14n0`, … by RDFC-1.0; `_:b0`, … by
    colour refinement when RDFC-1.0 would take too long, see the module's note), in no particular order."""
    plain: set[ox.Quad] = set()
    blank: dict[ox.Quad, None] = {}  # in the order given
    for q in quads:
        if any(isinstance(t, ox.BlankNode) for t in _terms(q)):
            blank[q] = None
        else:
            plain.add(q)
    if not blank:
        return list(plain)
    if not tractable(blank):
        return [*plain, *_refined(list(blank))]
    ds = ox.Dataset(blank)  # RDFC-1.0 §4.4: the labels depend only on the quads that mention blank nodes
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return [*plain, *ds]


def _refined(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The quads with their blank nodes labelled `b0`, `b1`, … in the order of their refined colours (or, past
    MAX_REFINED blank nodes, in the order they first appear)."""
    mentions: dict[Any, list[ox.Quad]] = defaultdict(list)
    for q in quads:
        for node in dict.fromkeys(t for t in _terms(q) if isinstance(t, ox.BlankNode)):
            mentions[node].append(q)
    order = list(mentions) if len(mentions) > MAX_REFINED else sorted(mentions, key=_colours(mentions).__getitem__)
    labels = {node: ox.BlankNode(f"b{n}") for n, node in enumerate(order)}
    return [ox.Quad(*(labels.get(t, t) for t in _terms(q))) for q in quads]


def _colours(mentions: dict[Any, list[ox.Quad]]) -> dict[Any, str]:
    """A distinct colour per blank node: refined, then ties broken one node at a time."""
    colours = _refine(dict.fromkeys(mentions, ""), mentions)
    while len(set(colours.values())) < len(colours):
        classes = Counter(colours.values())
        tied = min((size, colour) for colour, size in classes.items() if size > 1)[1]
        chosen = next(node for node in mentions if colours[node] == tied)
        colours[chosen] = _digest(tied + "!")
        colours = _refine(colours, mentions)
    return colours


def _refine(colours: dict[Any, str], mentions: dict[Any, list[ox.Quad]]) -> dict[Any, str]:
    """Colours refined from each node's quads, its neighbours named by colour, until no class splits."""
    while True:
        refined = {node: _digest(colours[node] + "|" + "|".join(sorted(_shape(q, node, colours) for q in found)))
                   for node, found in mentions.items()}  # fmt: skip
        if len(set(refined.values())) == len(set(colours.values())):
            return colours
        colours = refined


def _shape(q: ox.Quad, node: Any, colours: dict[Any, str]) -> str:
    """A quad as seen from `node`: itself as `_:a`, other blank nodes by colour."""
    return " ".join(
        "_:a" if t == node else f"_:{colours[t]}" if isinstance(t, ox.BlankNode) else str(t) for t in _terms(q)
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def tractable(quads: Iterable[ox.Quad]) -> bool:
    """Will RDFC-1.0 label these blank nodes quickly? Its deep hashing (Hash N-Degree Quads, RDFC-1.0 §4.8) runs only
    for blank nodes whose first-degree hash is shared, and explores the groups such look-alikes form by sharing quads:
    exponential in a group's size (a clique of 8 takes seconds, a cycle of 1000 minutes: RDFC-1.0's "dataset
    poisoning")."""
    quads = list(quads)
    lookalikes = _lookalikes(quads)
    links: dict[ox.BlankNode, set[ox.BlankNode]] = defaultdict(set)
    for q in quads:
        group = {t for t in _terms(q) if t in lookalikes}
        for node in group:
            links[node] |= group
    return all(len(group) <= MAX_LOOKALIKES for group in _groups(lookalikes, links))


def _lookalikes(quads: list[ox.Quad]) -> set[Any]:
    """Blank nodes whose first-degree hash is shared (RDFC-1.0 §4.6: its quads, itself as _:a, others as _:z)."""
    mentions: dict[Any, list[ox.Quad]] = defaultdict(list)
    for q in quads:
        for node in {t for t in _terms(q) if isinstance(t, ox.BlankNode)}:
            mentions[node].append(q)
    signatures = {node: tuple(sorted(_first_degree(q, node) for q in found)) for node, found in mentions.items()}
    counts = Counter(signatures.values())
    return {node for node, signature in signatures.items() if counts[signature] > 1}


def _first_degree(q: ox.Quad, node: ox.BlankNode) -> str:
    return " ".join("_:a" if t == node else "_:z" if isinstance(t, ox.BlankNode) else str(t) for t in _terms(q))


def _groups(nodes: set[Any], links: dict[Any, set[Any]]) -> Iterator[set[Any]]:
    """The connected groups of `nodes`."""
    seen: set[Any] = set()
    for start in nodes:
        if start in seen:
            continue
        group, stack = {start}, [start]
        while stack:
            new = links[stack.pop()] - group
            group |= new
            stack.extend(new)
        seen |= group
        yield group


def _terms(q: ox.Quad) -> tuple[Any, ...]:
    return (q.subject, q.predicate, q.object, q.graph_name)
