"""Country outlines from world-atlas's TopoJSON (Natural Earth data): arcs decoded (quantized, delta-encoded),
rings assembled from arcs, projected with the Natural Earth I projection into SVG path data; read once per
process. world-atlas names countries by their ISO 3166-1 numeric code."""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Atlas", "Outline", "atlas", "natural_earth"]

WIDTH = 1000.0  # the drawing's width; the height follows from the projection
STEP = 0.6  # the least distance between two points of an outline, in units of the drawing
SOUTH = -60.0  # rings wholly south of this latitude (Antarctica) are left out: a fifth of the height, no state
Point = tuple[float, float]


@dataclass(frozen=True)
class Outline:
    """A country: its ISO 3166-1 numeric code and name as world-atlas gives them, and its SVG path data."""

    id: str
    name: str
    path: str


@dataclass(frozen=True)
class Atlas:
    """Every outline with a code, and the size of the drawing."""

    outlines: tuple[Outline, ...]
    width: float
    height: float

    def by_id(self) -> dict[str, Outline]:
        """The outlines by numeric code."""
        return {o.id: o for o in self.outlines}


def natural_earth(lon: float, lat: float) -> Point:
    """The Natural Earth I projection (Šavrič, Jenny, Patterson, Petrovič and Hurni, 2011) of a point in degrees."""
    lam, phi = math.radians(lon), math.radians(lat)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)))
    return x, y


@functools.lru_cache(maxsize=2)
def atlas(path: Path) -> Atlas:
    """The outlines of world-atlas's `countries` object in the file at `path` (kept for the process)."""
    topology = json.loads(path.read_text("utf-8"))
    arcs = _arcs(topology)
    shapes = [
        (str(g["id"]), str(g.get("properties", {}).get("name", "")), list(_rings(g, arcs)))
        for g in topology["objects"]["countries"]["geometries"]
        if g.get("id") is not None
    ]
    points = [natural_earth(*p) for _, _, rings in shapes for ring in rings for p in ring]
    left, top = min(x for x, _ in points), max(y for _, y in points)
    scale = WIDTH / (max(x for x, _ in points) - left)
    height = (top - min(y for _, y in points)) * scale

    def place(p: Point) -> Point:
        x, y = natural_earth(*p)
        return (x - left) * scale, (top - y) * scale

    outlines = tuple(Outline(i, n, _path(rings, place)) for i, n, rings in shapes if rings)
    return Atlas(outlines, WIDTH, round(height, 1))


def _arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """The arcs in degrees: delta-decoded and de-quantized by the topology's transform (TopoJSON §2.1.2)."""
    transform = topology.get("transform")
    decoded = []
    for arc in topology["arcs"]:
        if transform is None:
            decoded.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _rings(geometry: dict[str, Any], arcs: list[list[Point]]) -> Iterator[list[Point]]:
    """The rings of a Polygon or MultiPolygon, each the concatenation of its arcs (a negative index ~i is arc i
    reversed; each arc after the first starts where the last ended, so its first point is dropped)."""
    polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}
    for polygon in polygons.get(geometry["type"], []):
        for ring in polygon:
            points: list[Point] = []
            for index in ring:
                arc = arcs[index] if index >= 0 else arcs[~index][::-1]
                points.extend(arc[1:] if points else arc)
            if points and max(lat for _, lat in points) > SOUTH:
                yield from _split(points)


def _split(ring: list[Point]) -> list[list[Point]]:
    """A ring that crosses the antimeridian as its pieces on either side (each clipped to -180..180 and moved
    back); any other ring as it is."""
    unwrapped = [ring[0]]
    for lon, lat in ring[1:]:
        unwrapped.append((lon + 360 * round((unwrapped[-1][0] - lon) / 360), lat))
    if all(-180 <= lon <= 180 for lon, _ in unwrapped):
        return [ring]
    pieces = []
    for turn in (-360, 0, 360):
        piece = _clip(_clip(unwrapped, turn - 180, True), turn + 180, False)
        if len(piece) > 2:
            pieces.append([(lon - turn, lat) for lon, lat in piece])
    return pieces


def _clip(ring: list[Point], meridian: float, east: bool) -> list[Point]:
    """The part of a ring east (or west) of a meridian (Sutherland and Hodgman, 1974)."""
    inside = (lambda p: p[0] >= meridian) if east else (lambda p: p[0] <= meridian)
    out: list[Point] = []
    for before, point in zip(ring[-1:] + ring[:-1], ring, strict=True):
        if inside(point) != inside(before):
            t = (meridian - before[0]) / (point[0] - before[0])
            out.append((meridian, before[1] + t * (point[1] - before[1])))
        if inside(point):
            out.append(point)
    return out


def _path(rings: list[list[Point]], place: Any) -> str:
    """SVG path data of the rings in relative moves, to a tenth of a unit, points closer than STEP to the last one
    kept dropped (the outline stays within a pixel)."""
    parts = []
    for ring in rings:
        kept = [_tenths(place(ring[0]))]
        for p in ring[1:]:
            x, y = _tenths(place(p))
            if math.hypot(x - kept[-1][0], y - kept[-1][1]) >= STEP * 10:
                kept.append((x, y))
        if kept[-1] == kept[0]:
            kept.pop()  # a ring ends where it starts; "z" closes it
        if len(kept) > 2:
            moves = [f"{_num(b[0] - a[0])},{_num(b[1] - a[1])}" for a, b in itertools.pairwise(kept)]
            parts.append(f"M{_num(kept[0][0])},{_num(kept[0][1])}l" + " ".join(moves) + "z")
    return "".join(parts)


def _tenths(p: Point) -> tuple[int, int]:
    """A point in tenths of a unit."""
    return round(p[0] * 10), round(p[1] * 10)


def _num(tenths: int) -> str:
    """Tenths of a unit written short ("12.3", "-.5", "4")."""
    text = f"{abs(tenths) / 10:.1f}".removesuffix(".0").removeprefix("0")
    return ("-" if tenths < 0 else "") + (text or "0")
