"""The map: TopoJSON outlines decoded and projected (govkg.pages.pictures.geo), on a small topology and on the
vendored world-atlas file, and the states' codes and roles (govkg.pages.pictures.worldmap) over the sample."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from pictures_sample import BASE, ID, sample_select

from govkg.engine import FILE_ENGINES
from govkg.pages.pictures import geo, worldmap

ATLAS = (
    Path(__file__).parents[2] / "src" / "govkg" / "web" / "static" / "vendor" / "world-atlas" / "countries-110m.json"
)
# Quantized (scale 0.5, translate -20, -10) and delta-encoded: arc 0 runs (0,0)→(10,0)→(10,10) in degrees, arc 1
# back to (0,0) along two more corners; "002" shares arc 0 reversed; "003" crosses the antimeridian (179 → -179).
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.5], "translate": [-20, -10]},
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "id": "001", "properties": {"name": "Square"}, "arcs": [[0, 1]]},
                {"type": "MultiPolygon", "id": "002", "properties": {"name": "Twin"}, "arcs": [[[~0, 2]]]},
                {"type": "Polygon", "id": "003", "properties": {"name": "Across"}, "arcs": [[3]]},
                {"type": "Polygon", "properties": {"name": "No code"}, "arcs": [[4]]},
                {"type": "Polygon", "id": "010", "properties": {"name": "Far south"}, "arcs": [[5]]},
            ],
        }
    },
    "arcs": [
        [[40, 20], [20, 0], [0, 20]],
        [[60, 40], [-20, 0], [0, -20]],
        [[40, 20], [10, 10], [10, 10]],
        [[398, 20], [4, 0], [0, 4], [-4, 0], [0, -4]],
        [[0, 0], [2, 0], [0, 2], [-2, 0]],
        [[0, -150], [10, 0], [0, 4], [-10, 0]],
    ],
}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> geo.Atlas:
    path = tmp_path_factory.mktemp("atlas") / "countries.json"
    path.write_text(json.dumps(TOPOLOGY))
    return geo.atlas(path)


def points(path: str) -> list[list[tuple[float, float]]]:
    """The absolute points of each subpath of path data written as M x,y l dx,dy ... z."""
    rings = []
    for part in re.findall(r"M([^l]+)l([^z]*)z", path):
        x, y = map(float, part[0].split(","))
        ring = [(x, y)]
        for move in part[1].split():
            dx, dy = map(float, move.split(","))
            x, y = x + dx, y + dy
            ring.append((x, y))
        rings.append(ring)
    return rings


def test_natural_earth_projection() -> None:
    assert geo.natural_earth(0, 0) == (0, 0)
    x, _ = geo.natural_earth(180, 0)
    assert math.isclose(x, math.pi * 0.8707)
    assert geo.natural_earth(-30, -40) == tuple(-v for v in geo.natural_earth(30, 40))
    assert geo.natural_earth(180, 60)[0] < x  # meridians curve in towards the poles


def test_outlines_are_decoded_joined_and_projected(small: geo.Atlas) -> None:
    by_id = small.by_id()
    assert sorted(by_id) == ["001", "002", "003"]  # no code: no outline; Antarctica-like rings left out
    assert small.width == geo.WIDTH and small.height > 0
    square = points(by_id["001"].path)
    assert len(square) == 1 and len(square[0]) == 4  # four corners (the closing one is the z)
    corners = sorted(square[0])
    assert corners[0][0] < corners[-1][0]
    twin = points(by_id["002"].path)[0]
    assert any(math.dist(p, q) < 0.2 for p in twin for q in square[0])  # shares the reversed arc's corners


def test_a_ring_across_the_antimeridian_is_cut_in_two(small: geo.Atlas) -> None:
    pieces = points(small.by_id()["003"].path)
    assert len(pieces) == 2
    xs = sorted(min(x for x, _ in piece) for piece in pieces)
    assert xs[0] < 1 and xs[1] > small.width - 5  # one piece at each edge, none spanning the map


def test_the_vendored_world_atlas() -> None:
    found = geo.atlas(ATLAS)
    by_id = found.by_id()
    assert {"250", "826", "410", "840", "156", "036"} <= set(by_id) and "702" not in by_id  # Singapore: too small
    assert by_id["250"].name == "France" and all(re.fullmatch(r"\d{3}", i) for i in by_id)
    assert 150 < len(found.outlines) < 200 and 400 < found.height < 500
    assert sum(len(o.path) for o in found.outlines) < 100_000
    for outline in found.outlines:
        for ring in points(outline.path):
            xs = [x for x, _ in ring]
            assert max(xs) - min(xs) < found.width / 2, outline.name  # no ring crosses the map


@pytest.fixture(scope="module", params=sorted(FILE_ENGINES))
def world(request: pytest.FixtureRequest) -> worldmap.WorldMap:
    return worldmap.world(sample_select(request.param), BASE)


def test_states_with_their_codes(world: worldmap.WorldMap) -> None:
    states = {s.iri.removeprefix(ID): s for s in world.states}
    assert sorted(states) == ["atlantis", "lemuria", "mu"]
    assert (states["atlantis"].numeric, states["atlantis"].numeric_from) == ("250", "graph")
    assert (states["lemuria"].numeric, states["lemuria"].numeric_from) == ("392", "pycountry")  # from JP
    assert (states["mu"].numeric, states["mu"].numeric_from, states["mu"].role) == ("", "", None)
    assert set(world.by_numeric()) == {"250", "392"}


def test_roles_in_order_and_the_actors_that_are_not_states(world: worldmap.WorldMap) -> None:
    states = {s.iri.removeprefix(ID): s for s in world.states}
    assert states["atlantis"].roles == {"host": (ID + "summit",), "adopter": (ID + "adoption-pact-a",)}
    assert list(states["lemuria"].roles) == ["host", "committed", "launcher", "supporter"]
    assert states["lemuria"].roles["committed"] == (ID + "commitment-x",)
    assert states["lemuria"].role == "host"
    assert world.roles == ["host", "adopter", "committed", "launcher", "supporter"]
    others = {r: [a.iri.removeprefix(ID) for a in actors] for r, actors in world.others_by_role()}
    assert others == {"adopter": ["union"], "signatory": ["acme", "zeta"]}  # acme's inferred commitment is no role
    assert world.names[ID + "summit"].labels["fr"] == "Grand sommet"
