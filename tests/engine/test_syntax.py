"""Diagnostics for rejected queries: one line a person can act on, the same whichever engine rejected the query.

The cases are files in syntax-cases/: a first line `# expect: KIND LINE COLUMN REGEX` (the regular expression is
searched in the message; lines and columns count from the line after the header), then the bad query. `PORT` in a
query is replaced by the port of a listener that must never be called: diagnosing parses, never evaluates.
"""

from __future__ import annotations

import random
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib.plugins.sparql import prepareQuery

from govkg import lexer
from govkg.engine.syntax import Problem, diagnose
from govkg.namespaces import PREFIXES

CASES = Path(__file__).parent / "syntax-cases"
QUERIES = Path(__file__).parents[2] / "queries"
HEADER = re.compile(r"# expect: (\w+) (\d+) (\d+) (.+)")
LEADS = {"syntax": "syntax error at line {line}, column {column}: ", "prefix": "unknown prefix `",
         "update": "this endpoint is read-only: SPARQL Update ("}  # fmt: skip


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP listener on 127.0.0.1 that the test checks was never called."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        yield server
        with pytest.raises(BlockingIOError):
            server.accept()  # a connection would be waiting here


def case(path: Path, port: int) -> tuple[str, str, int, int, str]:
    """The query of a case file (its header stripped) and what is expected of it."""
    header, query = path.read_text(encoding="utf-8").split("\n", 1)
    match = HEADER.fullmatch(header)
    assert match, f"{path.name}: bad header {header!r}"
    kind, line, column, pattern = match.groups()
    return query.replace("PORT", str(port)), kind, int(line), int(column), pattern


def assert_one_line(problem: Problem, text: str) -> None:
    """A message is one line, short, and its place (if any) lies within the text."""
    assert "\n" not in problem.message and "\r" not in problem.message
    assert len(problem.message) <= 300
    if problem.line is not None:
        lines = text.split("\n")
        assert 1 <= problem.line <= len(lines)
        assert problem.column is not None and 1 <= problem.column <= len(lines[problem.line - 1]) + 1


@pytest.mark.parametrize("path", sorted(CASES.glob("*.rq")), ids=lambda path: path.stem)
def test_case(path: Path, listener: socket.socket) -> None:
    query, kind, line, column, pattern = case(path, listener.getsockname()[1])
    problem = diagnose(query, PREFIXES)
    assert (problem.kind, problem.line, problem.column) == (kind, line, column), problem.message
    assert problem.message.startswith(LEADS[kind].format(line=line, column=column)), problem.message
    assert re.search(pattern, problem.message), problem.message
    assert_one_line(problem, query)


def test_enough_cases() -> None:
    kinds = [HEADER.fullmatch(path.read_text(encoding="utf-8").split("\n", 1)[0]) for path in CASES.glob("*.rq")]
    assert len(kinds) >= 25 and {match[1] for match in kinds if match} == {"syntax", "prefix", "update"}


def test_accepted_text_gets_the_engine_message(listener: socket.socket) -> None:
    """A text Oxigraph's parser takes (rdflib refused it, or a check beyond the grammar failed) is never run."""
    port = listener.getsockname()[1]
    query = f"SELECT ?x WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?x ?p ?o }} }} LIMIT 1"
    assert diagnose(query, PREFIXES, fallback="Expected end of text\n(at char 9)") == Problem(
        "syntax", "syntax error: Expected end of text (at char 9)", None, None
    )
    assert diagnose(query, PREFIXES).message.startswith("syntax error: the query breaks a rule beyond the grammar")


def test_oxigraph_message_without_a_check_is_not_shown() -> None:
    """Oxigraph names no check for some (a variable bound twice): its token dump is never shown."""
    problem = diagnose("SELECT * { ?s ?p ?o }", PREFIXES, fallback="error at 1:36: expected [_]")
    assert problem.message.startswith("syntax error: the query breaks a rule beyond the grammar, e.g. BIND")


def test_oxigraph_check_keeps_its_place_without_the_token_dump() -> None:
    message = "error at 1:23: expected one of Duplicated variable name in SELECT, [_]"
    assert diagnose("SELECT ?x (1 AS ?x) {}", PREFIXES, fallback=message) == Problem(
        "syntax", "syntax error at line 1, column 23: Duplicated variable name in SELECT", 1, 23
    )


def test_predeclared_prefixes_come_from_the_caller() -> None:
    problem = diagnose("SELECT * { ?s gk:p ?o ; ex:q ?r }", {"ex": "http://example.org/"})
    assert problem.message == "unknown prefix `gk:` at line 1, column 15; known: ex"


def test_long_text_gets_a_place_without_expected_tokens() -> None:
    query = "SELECT * WHERE {\n" + " ?s ?p ?o .\n" * 2000 + " ?s ?p ?o ?s\n}"
    problem = diagnose(query, PREFIXES)
    assert (problem.line, problem.column) == (2002, 11)
    assert problem.message == "syntax error at line 2002, column 11: unexpected `?s`"


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda path: path.stem)
def test_one_token_deleted(path: Path, listener: socket.socket) -> None:
    """Any competency question with one token deleted gets a placed, one-line problem, never an exception."""
    query = path.read_text(encoding="utf-8")
    spans = [(start, end) for kind, start, end in lexer.tokens(query) if kind != "comment"]
    for seed in range(3):
        start, end = random.Random(f"{path.name}:{seed}").choice(spans)
        broken = query[:start] + query[end:]
        problem = diagnose(broken, PREFIXES, fallback="the engine's message")
        assert_one_line(problem, broken)
        if problem.line is None:  # Oxigraph's parser takes it: the deletion left a query (rdflib agrees)
            assert problem.message == "syntax error: the engine's message"
            prepareQuery(broken)
