"""The lean /sparql route answers exactly as the Flask endpoint does (status, headers, bytes), without Flask."""

from __future__ import annotations

import random
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from govkg.web import create_app
from govkg.web.lean import _params

LOOKUP = "SELECT ?p ?o WHERE { <https://w3id.org/govkg/id/ai-seoul-summit-2024> ?p ?o } ORDER BY ?p ?o"
GRAPH = "CONSTRUCT { ?s a gk:Summit } WHERE { ?s a gk:Summit }"
JSON, TURTLE = "application/sparql-results+json", "text/turtle"
FORM = "application/x-www-form-urlencoded"
# (method, query string, Accept, Content-Type, body, answered on the lean route)
CASES = [
    ("GET", urlencode({"query": LOOKUP}), JSON, None, b"", True),
    ("GET", urlencode({"query": LOOKUP, "format": "csv"}), None, None, b"", True),
    ("GET", urlencode({"query": "ASK { ?s a gk:Summit }"}), "*/*", None, b"", True),
    ("GET", urlencode({"query": GRAPH}), TURTLE, None, b"", True),
    ("GET", urlencode({"query": LOOKUP, "infer": "false"}), JSON, None, b"", True),
    ("GET", "query=" + quote("SELECT * WHERE { ?s ?p 'caf\u00e9' }"), JSON, None, b"", True),
    ("POST", "", JSON, FORM, urlencode({"query": LOOKUP}).encode(), True),
    ("POST", "", JSON, "application/sparql-query; charset=utf-8", LOOKUP.encode(), True),
    ("POST", "", JSON, "application/sparql-query; charset=latin-1", LOOKUP.encode(), True),
    ("POST", "", JSON, "application/sparql-update", b"INSERT DATA { <a:b> <a:c> <a:d> }", True),
    ("POST", "", JSON, "text/plain", b"SELECT * {}", True),
    ("GET", urlencode([("query", LOOKUP), ("query", LOOKUP)]), JSON, None, b"", True),
    ("GET", urlencode({"query": "SELECT x"}), JSON, None, b"", True),
    ("GET", urlencode({"query": LOOKUP, "update": "CLEAR ALL"}), JSON, None, b"", True),
    ("GET", urlencode({"query": LOOKUP, "format": "png"}), None, None, b"", True),
    ("GET", urlencode({"query": LOOKUP}), "image/png", None, b"", True),
    ("GET", urlencode({"query": LOOKUP, "named-graph-uri": "not an IRI"}), JSON, None, b"", True),
    ("GET", urlencode({"query": "LOAD <http://example.org/>"}), JSON, None, b"", True),
    ("GET", urlencode({"query": LOOKUP}), "text/html", None, b"", False),
    ("GET", urlencode({"query": LOOKUP}), None, None, b"", True),  # no Accept: HTML comes last in every offer
    ("GET", urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1 # service"}), JSON, None, b"", True),
    ("GET", "", TURTLE, None, b"", False),  # the service description
    ("GET", "query=%zz", JSON, None, b"", False),  # Werkzeug's own reading of a malformed escape
    ("HEAD", urlencode({"query": LOOKUP}), JSON, None, b"", False),
]


@pytest.fixture(scope="module")
def apps(built: Path) -> dict[bool, Flask]:
    """The app with the lean route and without it; the lean one counts the requests Flask sees."""
    found = {}
    for lean in (True, False):
        config = {"DATASET": str(built), "TESTING": True, "QUERY_WORKERS": 0, "RESPONSE_CACHE_BYTES": 0}
        found[lean] = app = create_app({**config, "LEAN_SPARQL": lean})
        app.config["seen"] = 0
        app.before_request(lambda app=app: app.config.update(seen=app.config["seen"] + 1))
    return found


@pytest.mark.parametrize(("method", "query", "accept", "media_type", "body", "lean"), CASES)
def test_same_answer_as_the_endpoint(
    apps: dict[bool, Flask],
    method: str,
    query: str,
    accept: str | None,
    media_type: str | None,
    body: bytes,
    lean: bool,
) -> None:
    answers = []
    for app in (apps[True], apps[False]):
        headers = {"Accept": accept} if accept else {}
        if media_type:
            headers["Content-Type"] = media_type
        seen = app.config["seen"]
        response = app.test_client().open("/sparql?" + query, method=method, headers=headers, data=body)
        flask_saw = app.config["seen"] > seen
        answers.append((response.status, _headers(response.headers.items()), response.get_data(), flask_saw))
    assert answers[0][:3] == answers[1][:3]
    assert answers[1][3] and answers[0][3] is not lean  # the lean app's Flask saw only what the route passed on


def test_untrusted_host_goes_to_flask(apps: dict[bool, Flask]) -> None:
    response = apps[True].test_client().get("/sparql", query_string={"query": LOOKUP}, headers={"Host": "evil.example"})
    assert response.status_code == 400 and b"not trusted" in response.get_data()


def test_metrics_and_route_of_lean_answers(apps: dict[bool, Flask]) -> None:
    client = apps[True].test_client()
    client.get("/sparql", query_string={"query": "SELECT x"}, headers={"Accept": JSON})
    client.get("/sparql", query_string={"query": LOOKUP}, headers={"Accept": JSON})
    text = client.get("/metrics").get_data(as_text=True)
    assert 'govkg_requests_total{method="GET",route="/sparql",status="200"}' in text
    assert 'govkg_refusals_total{reason="QuerySyntaxError"}' in text


def test_query_strings_read_as_werkzeug_reads_them() -> None:
    rng, alphabet = random.Random(20261207), "ab%+=&\\ 09AFx%2B%26%3D%zz%C3%A9%E2%80\u00e9"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        found = _params(text)
        if found is not None:  # None: the app reads it (non-ASCII, malformed escapes, not UTF-8)
            expected = MultiDict(parse_qsl(text, keep_blank_values=True, errors="strict"))
            assert list(found.items(multi=True)) == list(expected.items(multi=True)), text


def _headers(items: object) -> list[tuple[str, str]]:
    return [(k, v) for k, v in items if k != "X-Request-Id"]  # type: ignore[attr-defined]


# Requests the lean route once answered itself where Flask refuses or answers otherwise (review R1): Host values
# Werkzeug does not trust (case, port 0 or out of range, an empty port, an IPv6 literal Werkzeug cannot match),
# media types in capitals, a body shorter than its Content-Length, a Content-Length of non-ASCII digits.
# (headers, environ overrides, method, Content-Type, body)
HOSTILE = [
    ({"Host": "LOCALHOST"}, {}, "GET", None, b""),
    ({"Host": "localhost:0"}, {}, "GET", None, b""),
    ({"Host": "localhost:99999"}, {}, "GET", None, b""),
    ({"Host": "localhost:"}, {}, "GET", None, b""),
    ({"Host": "[::1]:8000"}, {}, "GET", None, b""),
    ({}, {}, "POST", "Application/Sparql-Query", LOOKUP.encode()),
    ({}, {}, "POST", "APPLICATION/X-WWW-FORM-URLENCODED; Charset=UTF-8", urlencode({"query": LOOKUP}).encode()),
    ({}, {"CONTENT_LENGTH": str(len(LOOKUP) + 10)}, "POST", "application/sparql-query", LOOKUP.encode()),
    ({}, {"CONTENT_LENGTH": "\u00b2"}, "POST", "application/sparql-query", b"ASK {}"),
    ({}, {"CONTENT_LENGTH": "\u0663"}, "POST", "application/sparql-query", b"ASK {}"),
]


@pytest.mark.parametrize(("headers", "environ", "method", "media_type", "body"), HOSTILE)
def test_hostile_requests_answered_as_flask_answers(
    apps: dict[bool, Flask],
    headers: dict[str, str],
    environ: dict[str, str],
    method: str,
    media_type: str | None,
    body: bytes,
) -> None:
    answers = []
    for app in (apps[True], apps[False]):
        sent = {"Accept": JSON, **headers, **({"Content-Type": media_type} if media_type else {})}
        path = "/sparql" + ("?" + urlencode({"query": LOOKUP}) if method == "GET" else "")
        response = app.test_client().open(path, method=method, headers=sent, data=body, environ_overrides=environ)
        answers.append((response.status, _headers(response.headers.items()), response.get_data()))
    assert answers[0] == answers[1]
