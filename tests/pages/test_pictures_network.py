"""The network picture's bound (govkg.pages.pictures.network.most_linked): on a large graph only the most linked
nodes are laid out, since the force layout costs the square of the nodes on every round."""

from __future__ import annotations

from collections import Counter

from govkg.pages.pictures.network import MAX_NODES, Link, most_linked

ID = "https://w3id.org/govkg/id/"


def test_a_large_graph_keeps_the_links_between_its_most_linked_nodes() -> None:
    hub = [Link(ID + "hub", f"{ID}spoke-{i:04}", "p") for i in range(3000)]
    pairs = [Link(f"{ID}spoke-{i:04}", f"{ID}spoke-{i + 1:04}", "q") for i in range(0, 600, 2)]
    kept = most_linked(tuple(hub + pairs), MAX_NODES)
    nodes = Counter(n for k in kept for n in (k.source, k.target))
    assert len(nodes) == MAX_NODES and nodes[ID + "hub"] == MAX_NODES - 1
    assert all(k in hub + pairs for k in kept) and any(k.relation == "q" for k in kept)  # spokes linked twice first
    assert min(int(n[-4:]) for n in nodes if n != ID + "hub") == 0


def test_a_small_graph_is_drawn_whole() -> None:
    links = tuple(Link(f"{ID}a{i}", f"{ID}b{i}", "p") for i in range(MAX_NODES // 2))
    assert most_linked(links, MAX_NODES) is links
