"""Errors a person can act on: every refusal is one line with a 4xx status that says what is wrong and where.

The cases are files under tests/web/errors/ (see its README); the limits are generated here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

CASES = sorted((Path(__file__).parent / "errors").glob("*.txt"))
HEADER = re.compile(r"# (method|status|says): (.*)")


def read_case(path: Path) -> tuple[dict[str, str], str]:
    """A case's header fields and its query text."""
    lines = path.read_text(encoding="utf-8").splitlines()
    fields = {m[1]: m[2] for line in lines if (m := HEADER.fullmatch(line))}
    return fields, "\n".join(line for line in lines if not HEADER.fullmatch(line))


def send(client: FlaskClient, method: str, query: str) -> TestResponse:
    """The query sent the way the case says."""
    if method == "GET":
        return client.get("/sparql", query_string={"query": query})
    if method == "POST-form":
        return client.post("/sparql", data={"query": query})
    return client.post("/sparql", data=query.encode("utf-8"), content_type="application/sparql-query")


def one_line(response: TestResponse, status: int) -> str:
    """The answer's reason, checked to be one line of text/plain after `<status> <phrase>: `."""
    body = response.get_data(as_text=True)
    assert response.status_code == status and response.mimetype == "text/plain", body
    assert body.endswith("\n") and body.count("\n") == 1 and "Traceback" not in body, body
    phrase = re.match(rf"{status} [A-Za-z ]+: ", body)
    assert phrase, body
    return body[phrase.end() : -1]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_error_cases(client: FlaskClient, path: Path) -> None:
    fields, query = read_case(path)
    reason = one_line(send(client, fields["method"], query), int(fields["status"]))
    assert re.search(fields["says"], reason), reason


def test_a_body_over_the_limit_names_the_limit(client: FlaskClient) -> None:
    limit = client.application.config["MAX_CONTENT_LENGTH"]
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * limit
    response = client.post("/sparql", data=query, content_type="application/sparql-query")
    assert f"larger than {limit:,} bytes (MAX_CONTENT_LENGTH)" in one_line(response, 413)


def test_a_query_over_the_length_limit_names_the_limit(client: FlaskClient) -> None:
    limit = client.application.config["MAX_QUERY_LENGTH"]
    query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * limit
    response = client.post("/sparql", data={"query": query[:900_000]})
    assert f"longer than {limit:,} characters (MAX_QUERY_LENGTH)" in one_line(response, 400)


def test_a_query_nested_too_deeply_names_the_limit(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE " + "{" * 200 + "}" * 200})
    assert "nested deeper than 128 levels" in one_line(response, 400)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_the_command_line_says_the_same(runner, built: Path, path: Path) -> None:
    fields, query = read_case(path)
    outcome = runner("query", query, "--dataset", str(built))
    assert outcome.code == 2 and outcome.stderr.count("\n") == 1
    assert re.search(fields["says"], outcome.stderr.removeprefix("govkg: error: ").rstrip("\n")), outcome.stderr
