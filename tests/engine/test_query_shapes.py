"""The shape of a simple query (govkg.engine.shapes): constants and comments out, everything else kept; no shape
for a query that can scan without yielding rows. Cases: tests/engine/shape-cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from govkg.engine.shapes import MAX_LENGTH, shape

CASES = Path(__file__).parent / "shape-cases"
SIMPLE = [b.split("\n=> ") for b in CASES.joinpath("simple.txt").read_text("utf-8").split("\n\n")]
SIMPLE[0][0] = SIMPLE[0][0].split("\n", 1)[1]  # the file's own comment line
NONE = [line for line in CASES.joinpath("none.txt").read_text("utf-8").splitlines() if not line.startswith("#")]


@pytest.mark.parametrize(("query", "expected"), SIMPLE, ids=[q[:40] for q, _ in SIMPLE])
def test_a_simple_query_has_its_shape(query: str, expected: str) -> None:
    assert shape(query) == expected.strip()


@pytest.mark.parametrize("query", NONE)
def test_other_queries_have_none(query: str) -> None:
    assert shape(query) is None


def test_constants_do_not_change_the_shape() -> None:
    lookup = "SELECT ?p ?o WHERE {{ {} ?p ?o }} # request {}"
    shapes = {shape(lookup.format(c, n)) for n, c in enumerate(["gkd:france", "<urn:x>", "gkd:china", ":a"])}
    assert len(shapes) == 1 and None not in shapes


def test_variables_and_structure_do() -> None:
    assert shape("SELECT ?a { ?a ?b ?c }") != shape("SELECT ?a { ?a ?b ?c . ?c ?d ?e }")


def test_a_long_query_has_none() -> None:
    assert shape("SELECT ?s { " + "?s ?p ?o . " * (MAX_LENGTH // 10) + "}") is None


@pytest.mark.parametrize("end", ["\r", "\x0b", "\x0c"])  # \x0b, \x0c: control characters, refused
def test_a_comment_ends_where_sparql_ends_it(end: str) -> None:
    """SPARQL ends a comment at CR as at LF: what follows is read (here a FILTER), so the query has no shape."""
    found = shape(f"SELECT ?s WHERE {{ ?s ?p ?o #{end} FILTER(STR(?o) = '3') }}")
    assert found is None
