"""govkg.engine.push's batches: N-Triples cut at line ends, every blank node in the first piece (the push itself
runs against real stores in tests/remote/test_push.py and tests/cli/test_push.py)."""

from __future__ import annotations

import pyoxigraph as ox

from govkg.engine.push import batches

EX = "https://example.org/"
TRIPLES = [ox.Triple(ox.NamedNode(f"{EX}s{n}"), ox.NamedNode(f"{EX}p"), ox.Literal("x" * 50)) for n in range(200)]
BLANK = [
    ox.Triple(ox.NamedNode(f"{EX}s{n}"), ox.NamedNode(f"{EX}list"), ox.BlankNode("b0")) for n in range(0, 200, 20)
] + [ox.Triple(ox.BlankNode("b0"), ox.NamedNode(f"{EX}first"), ox.Literal(str(n))) for n in range(30)]


def test_pieces_are_cut_at_line_ends_and_read_back_whole() -> None:
    pieces = list(batches(TRIPLES, 1000))
    assert len(pieces) > 10 and all(len(p) <= 1000 and p.endswith(b"\n") for p in pieces)
    assert [q.triple for p in pieces for q in ox.parse(p, format=ox.RdfFormat.N_TRIPLES)] == TRIPLES


def test_every_blank_node_travels_in_the_first_piece() -> None:
    pieces = list(batches(TRIPLES[::2] + BLANK + TRIPLES[1::2], 500))
    assert len(pieces[0]) > 500 and pieces[0].count(b"_:b0") == len(BLANK)
    assert not any(b"_:" in p for p in pieces[1:]) and sum(p.count(b"\n") for p in pieces) == 200 + len(BLANK)


def test_a_line_longer_than_a_piece_is_a_piece() -> None:
    long = ox.Triple(ox.NamedNode(f"{EX}s"), ox.NamedNode(f"{EX}p"), ox.Literal("y" * 5000))
    pieces = list(batches([TRIPLES[0], long, TRIPLES[1]], 1000))
    assert len(pieces) == 3 and len(pieces[1]) > 5000
