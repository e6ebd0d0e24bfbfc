"""A deterministic force-directed layout (Fruchterman and Reingold, 1991): nodes repel each other, edges pull their
ends together, a weak pull keeps separate parts near the centre; the start comes from a seeded generator, so the
same graph always gets the same picture."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

__all__ = ["force"]

Point = tuple[float, float]
Moves = dict[str, list[float]]  # node → its move this round (x, y)
SPREAD = 1.3  # the ideal distance between nodes, relative to an even spread over the box
GRAVITY = 0.03


def force(
    nodes: Sequence[str],
    edges: Sequence[tuple[str, str]],
    size: Point,
    margin: Point = (40.0, 40.0),
    iterations: int = 250,
    seed: int = 13,
) -> dict[str, Point]:
    """Positions of `nodes` inside a `size` box (within `margin` (x, y) of its edges); `edges` name pairs of
    nodes."""
    order = sorted(set(nodes))
    if not order:
        return {}
    rng = random.Random(seed)
    aspect = size[0] / size[1]  # start in a box of the drawing's shape, so the result fills it
    where = {n: [rng.uniform(-aspect, aspect), rng.uniform(-1.0, 1.0)] for n in order}
    links = [(a, b) for a, b in sorted(set(edges)) if a in where and b in where and a != b]
    k = SPREAD * math.sqrt(4.0 * aspect / len(order))  # the ideal distance in that box
    for step in range(iterations):
        moves = _repulsion(order, where, k)
        _attraction(links, where, moves, k)
        heat = 0.1 * (1.0 - step / iterations) + 0.002
        for n in order:
            # a weak pull to the centre keeps parts that no edge joins together; flattened to the box's shape
            dx, dy = moves[n][0] - GRAVITY * where[n][0], moves[n][1] - GRAVITY * aspect * where[n][1]
            length = math.hypot(dx, dy) or 1.0
            where[n][0] += dx / length * min(length, heat)
            where[n][1] += dy / length * min(length, heat)
    return _fit(where, size, margin)


def _repulsion(order: list[str], where: dict[str, list[float]], k: float) -> Moves:
    """Every pair pushes apart with force k²/d."""
    moves = {n: [0.0, 0.0] for n in order}
    for i, a in enumerate(order):
        ax, ay = where[a]
        for b in order[i + 1 :]:
            dx, dy = ax - where[b][0], ay - where[b][1]
            d2 = dx * dx + dy * dy or 1e-6
            f = k * k / d2  # (k²/d) along the unit vector (dx/d, dy/d)
            moves[a][0] += dx * f
            moves[a][1] += dy * f
            moves[b][0] -= dx * f
            moves[b][1] -= dy * f
    return moves


def _attraction(links: list[tuple[str, str]], where: dict[str, list[float]], moves: Moves, k: float) -> None:
    """Each edge pulls its ends together with force d²/k."""
    for a, b in links:
        dx, dy = where[a][0] - where[b][0], where[a][1] - where[b][1]
        d = math.hypot(dx, dy) or 1e-6
        f = d / k  # (d²/k) along the unit vector
        moves[a][0] -= dx * f
        moves[a][1] -= dy * f
        moves[b][0] += dx * f
        moves[b][1] += dy * f


def _fit(where: dict[str, list[float]], size: Point, margin: Point) -> dict[str, Point]:
    """The positions scaled into the box, `margin` (x, y) from its edges."""
    xs, ys = [p[0] for p in where.values()], [p[1] for p in where.values()]
    spans = (max(xs) - min(xs) or 1.0, max(ys) - min(ys) or 1.0)
    return {
        n: (
            round(margin[0] + (x - min(xs)) / spans[0] * (size[0] - 2 * margin[0]), 1),
            round(margin[1] + (y - min(ys)) / spans[1] * (size[1] - 2 * margin[1]), 1),
        )
        for n, (x, y) in where.items()
    }
