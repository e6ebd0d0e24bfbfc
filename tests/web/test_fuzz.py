"""Hostile input, fuzzed with hypothesis: generated and mutated SPARQL, the HTTP layer (methods, headers, media
types, encodings, repeated parameters), the update and upload paths, and the reconciliation API.

Whatever comes in: no 500, no hang (every request is bounded by a 2 s query deadline), errors are one line of
text with no stack trace, file path or remote body, and HTML pages escape every value. The runs are bounded
(`max_examples`) and reproducible: each test has a fixed seed (`SEED`), and hypothesis's example database is off.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from govkg.web import create_app

SEED = 20261206
QUERIES = sorted((Path(__file__).resolve().parents[2] / "queries").glob("*.rq"))
FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ALLOWED = {200, 204, 400, 401, 403, 404, 405, 406, 413, 414, 415, 422, 429, 503}
HEADER_CHARS = string.ascii_letters + string.digits + string.punctuation + " \t"  # what a header value may hold
LEAKS = re.compile(r"Traceback|File \"|/site-packages/|/work/|\.py\b|line \d+, in ")


@pytest.fixture(scope="module")
def fuzz_app(built: Path) -> Flask:
    """The app with a 2 s deadline, so no generated query can hang the run."""
    return create_app({"DATASET": str(built), "TESTING": True, "QUERY_TIMEOUT": 2, "RESPONSE_CACHE_BYTES": 0})


@pytest.fixture
def fuzz(fuzz_app: Flask) -> FlaskClient:
    return fuzz_app.test_client()


def check(response: TestResponse) -> None:
    """What every answer must satisfy, whatever the input."""
    body = response.get_data(as_text=True)
    assert response.status_code in ALLOWED, (response.status_code, body[:500])
    if response.status_code >= 400 and response.mimetype == "text/plain" and body:  # (HEAD: no body)
        assert body.count("\n") == 1 and body.startswith(str(response.status_code)), body[:500]
    assert not LEAKS.search(body) or response.status_code < 400, body[:500]


# --- SPARQL from a small grammar ------------------------------------------------------------------------------

iris = st.sampled_from(["gk:Summit", "gkd:france", "rdfs:label", "<urn:x:a>", "<http://example.org/p>", "a"])
variables = st.sampled_from(["?s", "?p", "?o", "?x", "?n", "$y"])
literals = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.text(string.printable, max_size=20).map(lambda t: json.dumps(t)),
    st.text(max_size=12).map(lambda t: '"' + t.replace("\\", "").replace('"', "") + '"@fr'),
    st.sampled_from(['"1"^^xsd:integer', '"x"^^<urn:dt>', "true", "1.5e3", '"""multi\nline"""']),
)
terms = st.one_of(iris, variables, literals)


def _expressions() -> st.SearchStrategy[str]:
    leaf = st.one_of(variables, literals)
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "=", "!=", "<", "&&", "||"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(st.sampled_from(["STR", "STRLEN", "UCASE", "ABS", "BOUND", "isIRI", "LANG"]), inner).map(
                lambda t: f"{t[0]}({t[1]})"
            ),
            st.tuples(inner, inner).map(lambda t: f"CONCAT({t[0]}, {t[1]})"),
            st.tuples(inner, st.sampled_from(['"^a"', '"(a+)+$"', '"["', '"."'])).map(
                lambda t: f"REGEX(STR({t[0]}), {t[1]})"
            ),
        ),
        max_leaves=6,
    )


def _patterns() -> st.SearchStrategy[str]:
    triple = st.tuples(st.one_of(iris, variables), st.one_of(iris, variables), terms).map(" ".join)
    path = st.tuples(variables, st.sampled_from(["rdfs:label*", "(a|^a)+", "!rdf:type", "gk:x/gk:y?"]), variables)
    leaf = st.one_of(triple, path.map(" ".join))
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.tuples(inner, inner).map(lambda t: f"{t[0]} . {t[1]}"),
            inner.map(lambda p: f"OPTIONAL {{ {p} }}"),
            st.tuples(inner, inner).map(lambda t: f"{{ {t[0]} }} UNION {{ {t[1]} }}"),
            st.tuples(inner, inner).map(lambda t: f"{t[0]} MINUS {{ {t[1]} }}"),
            _expressions().map(lambda e: f"FILTER({e})"),
            st.tuples(_expressions(), variables).map(lambda t: f"BIND({t[0]} AS {t[1]})"),
            st.tuples(variables, st.lists(literals, max_size=4)).map(lambda t: f"VALUES {t[0]} {{ {' '.join(t[1])} }}"),
            inner.map(lambda p: f"{{ SELECT * WHERE {{ {p} }} LIMIT 5 }}"),
            inner.map(lambda p: f"GRAPH ?g {{ {p} }}"),
        ),
        max_leaves=5,
    )


queries = st.tuples(
    st.sampled_from(["SELECT *", "SELECT DISTINCT ?s", "SELECT (COUNT(*) AS ?c)", "ASK", "CONSTRUCT { ?s ?p ?o }"]),
    _patterns(),
    st.sampled_from(["", " LIMIT 3", " ORDER BY ?s LIMIT 10", " OFFSET 2 LIMIT 1", " GROUP BY ?s"]),
).map(lambda t: f"{t[0]} WHERE {{ {t[1]} }}{t[2]}")


@seed(SEED)
@FUZZ
@given(query=queries, fmt=st.sampled_from(["json", "xml", "csv", "tsv", "html", "turtle", "json-ld", ""]))
def test_generated_queries(fuzz: FlaskClient, query: str, fmt: str) -> None:
    check(fuzz.get("/sparql", query_string={"query": query, **({"format": fmt} if fmt else {})}))


def _mutations() -> st.SearchStrategy[str]:
    originals = [p.read_text(encoding="utf-8") for p in QUERIES]

    def mutate(args: tuple[int, int, int, str, int]) -> str:
        which, start, length, insert, how = args
        text = originals[which % len(originals)]
        start %= max(1, len(text))
        end = min(len(text), start + length)
        if how == 0:
            return text[:start] + text[end:]  # cut
        if how == 1:
            return text[:start] + insert + text[start:]  # insert
        return text[:start] + text[start:end] * 3 + text[end:]  # repeat a span

    return st.tuples(
        st.integers(0, 10**6),
        st.integers(0, 10**6),
        st.integers(0, 40),
        st.text(string.printable + "«é\u202e\x00", max_size=12),
        st.integers(0, 2),
    ).map(mutate)


@seed(SEED + 1)
@FUZZ
@given(query=_mutations())
def test_mutated_real_queries(fuzz: FlaskClient, query: str) -> None:
    check(fuzz.post("/sparql", data=query.encode("utf-8", "surrogatepass"), content_type="application/sparql-query"))


@seed(SEED + 2)
@FUZZ
@given(value=st.text(min_size=1, max_size=40))
def test_html_escapes_every_value(fuzz: FlaskClient, value: str) -> None:
    literal = json.dumps("<script>alert(1)</script>" + value)
    response = fuzz.get("/sparql", query_string={"query": f"SELECT ?x WHERE {{ BIND({literal} AS ?x) }}"},
                        headers={"Accept": "text/html"})  # fmt: skip
    check(response)
    if response.status_code == 200:
        assert "<script>" not in response.get_data(as_text=True)


# --- The HTTP layer -------------------------------------------------------------------------------------------

paths = st.sampled_from(
    ["/sparql", "/", "/health", "/ready", "/metrics", "/.well-known/void", "/download/", "/download/govkg.ttl",
     "/rdf-graph-store", "/graph/asserted", "/reconcile", "/reconcile/suggest/entity", "/reconcile/preview",
     "/id/france", "/id/", "/context.jsonld", "/%2e%2e/etc/passwd", "/sparql/../../x", "/graph/%00"]
)  # fmt: skip
media = st.one_of(
    st.sampled_from(["application/sparql-query", "application/sparql-update", "application/x-www-form-urlencoded",
                     "text/turtle", "application/ld+json", "application/rdf+xml", "multipart/form-data", "*/*",
                     "text/html;q=0.1, application/json;q=0", "application/sparql-results+json; charset=latin-1"]),
    st.text(HEADER_CHARS, max_size=30),
)  # fmt: skip
params = st.lists(
    st.tuples(
        st.sampled_from(["query", "format", "output", "results", "default-graph-uri", "named-graph-uri", "infer",
                         "graph", "default", "queries", "prefix", "id", "update"]),
        st.one_of(st.sampled_from(["ASK {}", "json", "html", "true", "gk:", "urn:x", "{}"]), st.text(max_size=20)),
    ),
    max_size=6,
)  # fmt: skip


@seed(SEED + 3)
@FUZZ
@given(
    method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"]),
    path=paths,
    pairs=params,
    accept=media,
    ctype=media,
    body=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(lambda t: t.encode("utf-8"))),
    encoding=st.sampled_from([None, "gzip", "br", "identity", "x-bogus"]),
)
def test_http_layer(
    fuzz: FlaskClient, method: str, path: str, pairs: list, accept: str, ctype: str, body: bytes, encoding: str | None
) -> None:
    query = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in pairs)
    headers = {"Accept": accept, "Content-Type": ctype, **({"Content-Encoding": encoding} if encoding else {})}
    check(fuzz.open(path + ("?" + query if query else ""), method=method, data=body, headers=headers))


# --- Updates and uploads (refused on a read-only endpoint, whatever their form) ---------------------------------

updates = st.one_of(
    st.sampled_from(["INSERT DATA { <a:> <a:> <a:> }", "LOAD <file:///etc/passwd>", "CLEAR ALL", "DROP GRAPH <x:>",
                     "DELETE WHERE { ?s ?p ?o }", "WITH <g:> INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }"]),
    st.text(max_size=80),
)  # fmt: skip


@seed(SEED + 4)
@FUZZ
@given(update=updates, how=st.sampled_from(["form", "body", "put", "post-graph", "delete-graph"]))
def test_update_and_upload_paths(fuzz: FlaskClient, update: str, how: str) -> None:
    if how == "form":
        response = fuzz.post("/sparql", data={"update": update})
    elif how == "body":
        response = fuzz.post("/sparql", data=update.encode(), content_type="application/sparql-update")
    else:
        method = {"put": "PUT", "post-graph": "POST", "delete-graph": "DELETE"}[how]
        response = fuzz.open("/rdf-graph-store?graph=urn:x:g", method=method, data=update.encode(),
                             content_type="text/turtle")  # fmt: skip
    check(response)
    assert response.status_code in (400, 403, 405, 415), response.get_data(as_text=True)


# --- The reconciliation API ----------------------------------------------------------------------------------

json_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.text(max_size=30), st.floats(allow_nan=False)
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12,
)
batches = st.dictionaries(
    st.text(max_size=8),
    st.one_of(
        json_values,
        st.fixed_dictionaries(
            {"query": st.text(max_size=40)},
            optional={"type": st.text(max_size=20), "limit": json_values, "properties": json_values},
        ),
    ),
    max_size=5,
)


@seed(SEED + 5)
@FUZZ
@given(batch=st.one_of(batches, json_values), name=st.sampled_from(["queries", "extend"]))
def test_reconciliation_api(fuzz: FlaskClient, batch: object, name: str) -> None:
    check(fuzz.post("/reconcile", data={name: json.dumps(batch)}))


@seed(SEED + 6)
@FUZZ
@given(
    kind=st.sampled_from(["entity", "type", "property", "x"]), prefix=st.text(max_size=30), cursor=st.text(max_size=5)
)
def test_reconciliation_suggest(fuzz: FlaskClient, kind: str, prefix: str, cursor: str) -> None:
    check(fuzz.get(f"/reconcile/suggest/{kind}", query_string={"prefix": prefix, "cursor": cursor}))


@pytest.fixture(scope="module")
def writable_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """A writable app over a scratch store, with one token."""
    store = tmp_path_factory.mktemp("fuzz-store") / "store"
    return create_app({"PROJECT": False, "WRITABLE": True, "STORE": str(store), "WRITE_TOKENS": f"fuzz:{TOKEN}",
                       "TESTING": True, "QUERY_WORKERS": 1, "RESPONSE_CACHE_BYTES": 0})  # fmt: skip


TOKEN = "fuzz-token-0123456789abcdef"
WRITE_STATUSES = {200, 201, 400, 403, 404, 405, 413, 415, 422}


@seed(SEED + 7)
@settings(FUZZ, max_examples=40)
@given(
    update=updates,
    how=st.sampled_from(["form", "body", "put", "post-graph", "delete-graph"]),
    media=st.sampled_from(["text/turtle", "application/rdf+xml", "application/ld+json", "application/n-triples"]),
)
def test_writes_with_a_token(writable_app: Flask, update: str, how: str, media: str) -> None:  # fmt: skip
    """With the token, any update or upload is applied or refused with its own 4xx, never a 500."""
    client, auth = writable_app.test_client(), {"Authorization": f"Bearer {TOKEN}"}
    if how == "form":
        response = client.post("/sparql", data={"update": update}, headers=auth)
    elif how == "body":
        response = client.post("/sparql", data=update.encode(), content_type="application/sparql-update", headers=auth)
    else:
        method = {"put": "PUT", "post-graph": "POST", "delete-graph": "DELETE"}[how]
        response = client.open("/rdf-graph-store?graph=urn:x:g", method=method, data=update.encode(),
                               content_type=media, headers=auth)  # fmt: skip
    check(response)
    assert response.status_code in WRITE_STATUSES, response.get_data(as_text=True)
