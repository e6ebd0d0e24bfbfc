"""The network: actors, events and instruments as nodes; as links, the facts the sources state between them (the
asserted graph) and the matrix's cells (an actor adopted, signed, committed to… an instrument); placed by a
deterministic force layout."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace

from govkg.namespaces import GK
from govkg.pages.description import iri_ref
from govkg.pages.pictures.layout import force
from govkg.pages.pictures.matrix import Matrix
from govkg.pages.pictures.names import Named, Select, named, rebased, rows

__all__ = ["GROUPS", "MAX_NODES", "SIZE", "Link", "Network", "Node", "most_linked", "network"]

# The classes whose members are nodes, and the group each gives (the first found, in this order, wins).
GROUPS = {
    str(GK.Instrument): "instrument",
    str(GK.Event): "event",
    str(GK.SummitSeries): "event",
    str(GK.Actor): "actor",
}
SIZE = (1100.0, 760.0)  # the drawing's box
# Nodes drawn at most, the most linked first: the layout costs the square of the nodes per round (200 take 3 s
# once per data generation; 2,000 would take minutes), and more would not read in the box anyway.
MAX_NODES = 200
MARGIN = (80.0, 30.0)  # room for the labels of the outermost nodes
LABEL_CHAR = 6.2  # mean advance of an 11 px character
LABEL_CHARS = 24  # labels are cut to this many characters
Box = tuple[float, float, float, float]
_NODES = "SELECT DISTINCT ?n ?c WHERE {{ ?n a ?c FILTER(isIRI(?n) && ?c IN ({classes})) }}"
_FACTS = "SELECT DISTINCT ?a ?p ?b WHERE {{ GRAPH {asserted} {{ ?a ?p ?b }} FILTER(isIRI(?a) && isIRI(?b)) }}"


@dataclass(frozen=True)
class Link:
    """A fact between two nodes: a property of the graph, or a kind of matrix cell (`kind`)."""

    source: str
    target: str
    relation: str
    kind: bool = False


@dataclass(frozen=True)
class Node:
    """A node: its group, position and radius, and where its label goes (its anchor: start, middle or end)."""

    iri: str
    group: str
    x: float
    y: float
    r: float
    label: tuple[float, float, str] = (0.0, 0.0, "middle")


@dataclass(frozen=True)
class Network:
    """The nodes, the links between them, and the names of nodes and properties."""

    nodes: tuple[Node, ...]
    links: tuple[Link, ...]
    names: dict[str, Named] = field(default_factory=dict)

    @property
    def edges(self) -> list[tuple[Node, Node, list[Link]]]:
        """The pairs of linked nodes (in either direction) with their links, to draw once each."""
        at = {n.iri: n for n in self.nodes}
        pairs: dict[tuple[str, str], list[Link]] = {}
        for link in self.links:
            pairs.setdefault(tuple(sorted((link.source, link.target))), []).append(link)  # type: ignore[arg-type]
        return [(at[a], at[b], found) for (a, b), found in sorted(pairs.items())]


def network(select: Select, base: str, cells: Matrix) -> Network:
    """Query the dataset for the nodes and facts, add the matrix's cells, and lay the nodes out."""
    groups: dict[str, str] = {}
    classes = rebased(GROUPS, base)
    query = _NODES.format(classes=", ".join(iri_ref(c) for c in classes))
    for node, cls in sorted(rows(select, query), key=lambda r: list(classes).index(r[1] or "")):
        if node and cls:
            groups.setdefault(node, classes[cls])
    facts = rows(select, _FACTS.format(asserted=iri_ref(base + "graph/asserted")))
    links = {Link(a, b, p) for a, p, b in facts if a in groups and b in groups and a != b and p}
    links |= {Link(c.actor, c.column, c.kind, True) for c in cells.cells if c.actor in groups and c.column in groups}
    ordered = most_linked(tuple(sorted(links, key=lambda k: (k.source, k.target, k.relation))), MAX_NODES)
    degree = Counter(n for k in ordered for n in (k.source, k.target))
    where = force(list(degree), [(k.source, k.target) for k in ordered], SIZE, MARGIN)
    nodes = [Node(n, groups[n], *where[n], round(4 + 2 * math.sqrt(degree[n]), 1)) for n in sorted(degree)]
    names = named(select, base, {*degree, *(k.relation for k in ordered if not k.kind)})
    return Network(_labelled(nodes, names, degree), ordered, names)


def most_linked(links: tuple[Link, ...], most: int) -> tuple[Link, ...]:
    """The links between the `most` nodes with the most links (then by IRI), in their order."""
    degree = Counter(n for k in links for n in (k.source, k.target))
    if len(degree) <= most:
        return links
    kept = set(sorted(degree, key=lambda n: (-degree[n], n))[:most])
    return tuple(k for k in links if k.source in kept and k.target in kept)


def _labelled(nodes: list[Node], names: dict[str, Named], degree: Counter[str]) -> tuple[Node, ...]:
    """The nodes with their labels placed below, above, right or left of them, whichever overlaps least the labels
    placed before (the most linked nodes first) and the other nodes; the widest of the labels in any language."""
    boxes: list[Box] = [(n.x - n.r, n.y - n.r, n.x + n.r, n.y + n.r) for n in nodes]
    placed: dict[str, tuple[float, float, str]] = {}
    for node in sorted(nodes, key=lambda n: (-degree[n.iri], n.iri)):
        found = names.get(node.iri)
        width = LABEL_CHAR * min(LABEL_CHARS, max((len(t) for t in (found.short if found else {}).values()), default=8))
        own = (node.x - node.r, node.y - node.r, node.x + node.r, node.y + node.r)
        options = [(_box(spot, width), spot) for spot in _spots(node)]
        box, spot = min(options, key=lambda o: sum(_overlap(o[0], b) for b in boxes if b != own) + _outside(o[0]))
        boxes.append(box)
        placed[node.iri] = spot
    return tuple(replace(n, label=placed[n.iri]) for n in nodes)


def _spots(node: Node) -> list[tuple[float, float, str]]:
    """Where a label may go: (x, baseline, anchor) below, above, right and left of the node."""
    x, y, r = node.x, node.y, node.r
    return [(x, y + r + 11, "middle"), (x, y - r - 4, "middle"), (x + r + 3, y + 4, "start"), (x - r - 3, y + 4, "end")]


def _box(spot: tuple[float, float, str], width: float) -> Box:
    """The box a label of `width` takes at a spot."""
    x, y, anchor = spot
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return left, y - 10, left + width, y + 2


def _overlap(a: Box, b: Box) -> float:
    """The area two boxes share."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _outside(box: Box) -> float:
    """How much of a box lies outside the drawing (weighed heavily: a label cut off is unreadable)."""
    inside = _overlap(box, (0.0, 0.0, *SIZE))
    return 10 * ((box[2] - box[0]) * (box[3] - box[1]) - inside)
