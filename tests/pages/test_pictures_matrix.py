"""The signatory matrix (govkg.pages.pictures.matrix) and the network (govkg.pages.pictures.network, .layout) over
the sample on both engines."""

from __future__ import annotations

import math

import pytest
from pictures_sample import BASE, ID, Select, sample_select

from govkg.engine import FILE_ENGINES
from govkg.namespaces import GK
from govkg.pages.pictures import layout, matrix, network


@pytest.fixture(scope="module", params=sorted(FILE_ENGINES))
def select(request: pytest.FixtureRequest) -> Select:
    return sample_select(request.param)


@pytest.fixture(scope="module")
def model(select: Select) -> matrix.Matrix:
    return matrix.matrix(select, BASE)


def cells(model: matrix.Matrix) -> set[tuple[str, str, str, str | None]]:
    """(actor, instrument, kind, via) of every cell, with local names."""
    short = lambda iri: iri.removeprefix(ID) if iri else None  # noqa: E731
    return {(short(c.actor), short(c.column), c.kind, short(c.via)) for c in model.cells}  # type: ignore[misc]


def test_every_kind_of_cell_and_nothing_inferred(model: matrix.Matrix) -> None:
    assert cells(model) == {
        ("atlantis", "pact", "adopted", "adoption-pact-a"),
        ("union", "pact", "adopted", "adoption-pact-a"),
        ("acme", "pledge", "signed", "signature-pledge-a"),
        ("zeta", "pledge", "signed", "signature-pledge-a"),
        ("lemuria", "network", "committed", "commitment-x"),
        ("lemuria", "plan", "supports", None),
        ("mu", "network", "member", None),
        ("zeta", "pact", "endorsed", None),
    }  # acme's inferred commitment and atlantis's inferred endorsement are not cells


def test_cells_lead_to_their_quotes(model: matrix.Matrix) -> None:
    adopted = next(c for c in model.cells if c.actor == ID + "atlantis")
    assert adopted.claims == (BASE + "claim/a-adopter-atlantis",)
    quote = model.quotes[adopted.claims[0]]
    assert (quote.prefix, quote.exact, quote.suffix) == ("adopted by ", "Atlantis", " and the Union")
    assert quote.source == BASE + "source/doc-a"
    assert model.names[ID + "adoption-pact-a"].iri == ID + "adoption-pact-a"
    assert model.names[str(GK.State)].labels["fr"] == "État souverain"


def test_kinds_are_the_stated_classes(model: matrix.Matrix) -> None:
    assert model.kinds() == {str(GK.State): 3, str(GK.Company): 2, str(GK.SupranationalUnion): 1}
    assert matrix.token(str(GK.SupranationalUnion)) == "SupranationalUnion"


def french(model: matrix.Matrix) -> object:
    return lambda iri: model.names[iri].labels.get("fr") or model.names[iri].labels["en"]


def test_arranged_by_name_ignoring_accents(model: matrix.Matrix) -> None:
    view = matrix.arrange(model, None, "name", french(model))  # type: ignore[arg-type]
    names = [french(model)(a) for a in view.actors]  # type: ignore[operator]
    assert names == ["Acme", "Atlantide", "Éclair", "Lemuria", "Mu", "Union of the Seas"]
    assert view.kind is None and view.sort == "name"
    assert view.columns[:2] == [ID + "pact", ID + "network"]  # most shared first (3 marks, 2 marks)
    assert view.kinds == ["adopted", "signed", "committed", "member", "supports", "endorsed"]


def test_filtered_by_kind_and_sorted_by_count(model: matrix.Matrix) -> None:
    view = matrix.arrange(model, "State", "count", french(model))  # type: ignore[arg-type]
    assert view.kind == str(GK.State)
    assert view.actors == [ID + "lemuria", ID + "atlantis", ID + "mu"]  # 2 instruments, then 1 by name
    assert set(view.columns) == {ID + "network", ID + "plan", ID + "pact"}
    assert view.grid[(ID + "lemuria", ID + "plan")][0].kind == "supports"
    same = matrix.arrange(model, str(GK.State), "count", french(model))  # type: ignore[arg-type]
    assert same.actors == view.actors
    fallback = matrix.arrange(model, "Nonsense", "sideways", french(model))  # type: ignore[arg-type]
    assert (fallback.kind, fallback.sort, len(fallback.actors)) == (None, "name", 6)


def test_the_csv_table(model: matrix.Matrix) -> None:
    table = matrix.table(model)
    assert table[0][:4] == ["actor", "actor_en", "actor_fr", "relation"]
    row = next(r for r in table if r[0] == ID + "zeta" and r[3] == "signed")
    assert row[1:3] == ["Zeta", "Éclair"] and row[4] == ID + "pledge" and row[7] == ID + "signature-pledge-a"
    assert len(table) == len(model.cells) + 1


def test_the_network(select: Select, model: matrix.Matrix) -> None:
    found = network.network(select, BASE, model)
    groups = {n.iri.removeprefix(ID): n.group for n in found.nodes}
    assert groups["summit"] == groups["forum"] == "event" and groups["pact"] == "instrument"
    assert groups["atlantis"] == groups["network"] == "actor"
    links = {(k.source.removeprefix(ID), k.relation.rsplit("#")[-1].rsplit("/")[-1], k.target.removeprefix(ID))
             for k in found.links}  # fmt: skip
    assert ("summit", "location", "atlantis") in links and ("plan", "launchedBy", "lemuria") in links
    assert ("atlantis", "adopted", "pact") in links and ("mu", "member", "network") in links
    assert not any(k.source == ID + "acme" and k.relation == "committed" for k in found.links)
    assert all(0 < n.x < network.SIZE[0] and 0 < n.y < network.SIZE[1] for n in found.nodes)
    assert found.names[str(GK.launchedBy)].labels["fr"] == "lancé par"
    pairs = {(a.iri, b.iri) for a, b, _ in found.edges}
    assert len(pairs) == len(found.edges) and all(a < b for a, b in pairs)


def test_network_labels_keep_clear_of_each_other(select: Select, model: matrix.Matrix) -> None:
    found = network.network(select, BASE, model)
    boxes = [network._box(n.label, 6.2 * 8) for n in found.nodes]
    assert all(b[0] >= 0 and b[2] <= network.SIZE[0] for b in boxes)
    assert sum(network._overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]) == 0


def test_the_layout_is_deterministic_and_pulls_linked_nodes_together() -> None:
    nodes = [f"n{i}" for i in range(12)]
    edges = [(f"n{i}", f"n{i + 1}") for i in range(5)] + [(f"n{i}", f"n{i + 1}") for i in range(6, 11)]
    first = layout.force(nodes, edges, (600.0, 400.0), (20.0, 20.0))
    assert first == layout.force(list(reversed(nodes)), edges, (600.0, 400.0), (20.0, 20.0))
    assert all(20 <= x <= 580 and 20 <= y <= 380 for x, y in first.values())
    distance = lambda a, b: math.dist(first[a], first[b])  # noqa: E731
    linked = sum(distance(a, b) for a, b in edges) / len(edges)
    apart = sum(distance(f"n{i}", f"n{j}") for i in range(6) for j in range(6, 12)) / 36
    assert linked < apart / 2
    assert layout.force([], [], (10.0, 10.0)) == {}
