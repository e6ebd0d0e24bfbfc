"""SPARQL 1.1 Protocol, query side, on both engines: operations, misuse statuses, formats, dataset, safety."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.query import Result

from conftest import connections
from govkg.build import Build
from govkg.jsonld import context
from govkg.namespaces import graph_iri
from govkg.web import create_app

SUMMITS = "SELECT ?s WHERE { ?s a gk:Summit } ORDER BY ?s"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH gkg:asserted { ?s ?p ?o } }"
FORM = "application/x-www-form-urlencoded"


def get(client: FlaskClient, query: str, accept: str | None = None, **params: str):
    """GET /sparql?query=... with extra parameters."""
    extra = "".join(f"&{k.replace('_', '-')}={quote(v)}" for k, v in params.items())
    return client.get(f"/sparql?query={quote(query)}{extra}", headers={"Accept": accept} if accept else {})


def bindings(response) -> list[dict[str, str]]:
    """The rows of a JSON results answer as {var: value}."""
    data = json.loads(response.data)
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def test_get_post_form_and_post_direct_agree(client: FlaskClient) -> None:
    by_get = get(client, SUMMITS)
    by_form = client.post("/sparql", data={"query": SUMMITS})
    by_body = client.post("/sparql", data=SUMMITS.encode(), content_type="application/sparql-query")
    assert by_get.status_code == by_form.status_code == by_body.status_code == 200
    assert bindings(by_get) == bindings(by_form) == bindings(by_body)
    assert len(bindings(by_get)) == 4


@pytest.mark.parametrize(
    ("method", "kwargs", "status", "reason"),
    [
        ("put", {"query_string": {"query": "ASK {}"}}, 405, "Method Not Allowed"),
        ("delete", {"query_string": {"query": "ASK {}"}}, 405, "Method Not Allowed"),
        ("get", {"query_string": [("query", "ASK {}"), ("query", "SELECT * {}")]}, 400, "exactly one query"),
        ("post", {"data": "ASK {}", "content_type": "text/plain"}, 415, "text/plain"),
        ("post", {"data": "query=ASK%20%7B%7D"}, 415, "missing Content-Type"),
        (
            "post",
            {"data": "ASK {}".encode("utf-16"), "content_type": "application/sparql-query; charset=UTF-16"},
            415,
            "UTF-8",
        ),
        ("post", {"data": b"ASK { ?s ?p '\xff' }", "content_type": "application/sparql-query"}, 400, "not valid UTF-8"),
        ("post", {"data": "query=ASK%20%7B%FF%7D", "content_type": FORM}, 400, "not UTF-8"),
        ("get", {"query_string": {"query": "ASK {"}}, 400, "syntax error"),
        ("get", {"query_string": {"query": "SELECT ?x WHERE { ?x ?y }"}}, 400, "syntax error"),
        ("get", {"query_string": {"update": "CLEAR ALL"}}, 403, "read-only"),
        ("post", {"data": {"update": "CLEAR ALL"}}, 403, "read-only"),
        ("post", {"data": "CLEAR ALL", "content_type": "application/sparql-update"}, 403, "read-only"),
        ("post", {"data": "CLEAR NAMED", "content_type": "text/plain"}, 403, "read-only"),
        ("post", {"data": "update=CLEAR%20NAMED"}, 403, "read-only"),
        ("post", {"data": {"format": "json"}}, 400, "no query"),
        (
            "post",
            {"data": "ASK {}", "content_type": "application/sparql-query", "query_string": {"query": "ASK {}"}},
            400,
            "both in the URL and in the body",
        ),
        ("get", {"query_string": {"query": "ASK {}", "infer": "maybe"}}, 400, "infer"),
        ("get", {"query_string": {"query": "ASK {}", "default-graph-uri": "relative/graph"}}, 400, "absolute IRI"),
        ("get", {"query_string": {"query": "ASK {}", "format": "turtle"}}, 406, "does not suit"),
        ("get", {"query_string": {"query": "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"}}, 400, "SERVICE"),
    ],
)
def test_misuse_gets_the_protocol_status_and_one_line(
    client: FlaskClient, method: str, kwargs: dict, status: int, reason: str
) -> None:
    response = getattr(client, method)("/sparql", **kwargs)
    assert response.status_code == status
    text = response.get_data(as_text=True)
    assert reason in text and text.count("\n") == 1 and "Traceback" not in text
    assert response.mimetype == "text/plain"


def test_method_not_allowed_lists_the_allowed_methods(client: FlaskClient) -> None:
    allowed = {m.strip() for m in client.put("/sparql").headers["Allow"].split(",")}
    assert {"GET", "POST", "HEAD"} <= allowed


def test_body_too_large(app: Flask) -> None:
    response = app.test_client().post(
        "/sparql", data=b"#" * (app.config["MAX_CONTENT_LENGTH"] + 1), content_type="application/sparql-query"
    )
    assert response.status_code == 413
    assert response.get_data(as_text=True).startswith("413 ")


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_select_formats_parse_back(client: FlaskClient, fmt: str, media_type: str) -> None:
    response = get(client, SUMMITS, media_type)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
    assert "Accept" in response.headers["Vary"]
    parsed = Result.parse(io.BytesIO(response.data), format=fmt)
    assert [str(row[0]) for row in parsed] == [r["s"] for r in bindings(get(client, SUMMITS))]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_ask_formats_parse_back(client: FlaskClient, fmt: str) -> None:
    for query, expected in [("ASK { ?s a gk:Summit }", True), ("ASK { ?s a gk:Nothing }", False)]:
        response = get(client, query, format=fmt)
        assert Result.parse(io.BytesIO(response.data), format=fmt).askAnswer is expected


@pytest.mark.parametrize(
    ("fmt", "media_type", "parser"),
    [
        ("turtle", "text/turtle", "turtle"),
        ("json-ld", "application/ld+json", "json-ld"),
        ("nt", "application/n-triples", "nt"),
        ("rdfxml", "application/rdf+xml", "xml"),
        ("trig", "application/trig", "trig"),
        ("nquads", "application/n-quads", "nquads"),
    ],
)
def test_construct_formats_round_trip(
    client: FlaskClient, project_build: Build, fmt: str, media_type: str, parser: str
) -> None:
    response = get(client, CONSTRUCT, media_type)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
    if parser in ("trig", "nquads"):
        from rdflib import Dataset

        ds = Dataset()
        ds.parse(data=response.data, format=parser)
        received = Graph()
        for graph in ds.graphs():
            received += graph
    else:
        received = Graph().parse(data=response.data, format=parser)
    assert len(received) == len(project_build.graphs["asserted"])
    assert isomorphic(received, project_build.graphs["asserted"])


def test_json_ld_is_compacted_with_govkg_context(client: FlaskClient) -> None:
    document = json.loads(get(client, CONSTRUCT, "application/ld+json").data)
    assert document["@context"] == context()
    assert json.loads(client.get("/context.jsonld").data)["@context"] == context()
    assert client.get("/context.jsonld").mimetype == "application/ld+json"


def test_describe(client: FlaskClient) -> None:
    response = get(client, "DESCRIBE gkd:ai-seoul-summit-2024", "text/turtle")
    graph = Graph().parse(data=response.data, format="turtle")
    assert len(graph) > 3


def test_browser_gets_an_html_page_with_escaped_values(client: FlaskClient) -> None:
    query = 'SELECT ?x WHERE { BIND("<script>alert(1)</script>" AS ?x) }'
    response = get(client, query, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "Content-Disposition" not in response.headers
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_html_page_links_to_its_machine_twins(client: FlaskClient) -> None:
    page = get(client, SUMMITS, "text/html").get_data(as_text=True)
    assert "format=json" in page and "format=csv" in page
    assert "ai-seoul-summit-2024" in page


def test_not_acceptable(client: FlaskClient) -> None:
    response = get(client, SUMMITS, "image/png")
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.get_data(as_text=True)


def test_head_has_headers_and_no_body(client: FlaskClient) -> None:
    response = client.head(f"/sparql?query={quote(SUMMITS)}")
    assert response.status_code == 200 and response.data == b""
    assert response.mimetype == "application/sparql-results+json"


def test_cors_for_any_origin_never_with_credentials(client: FlaskClient) -> None:
    response = client.get(
        f"/sparql?query={quote(SUMMITS)}", headers={"Origin": "https://evil.example", "Cookie": "session=1"}
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://a.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()


def test_infer_false_leaves_the_inferred_graph_out(client: FlaskClient, project_build: Build) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with_inference = int(bindings(get(client, query))[0]["n"])
    without = int(bindings(get(client, query, infer="false"))[0]["n"])
    graphs = project_build.graphs
    distinct = set().union(*(set(g) for g in graphs.values()))
    asserted_only = set().union(*(set(g) for n, g in graphs.items() if n != "inferred"))
    assert (with_inference, without) == (len(distinct), len(asserted_only))
    named = "ASK { GRAPH gkg:inferred { ?s ?p ?o } }"
    assert bindings(get(client, "SELECT ?x { BIND(1 AS ?x) }"))
    assert json.loads(get(client, named).data)["boolean"] is True
    assert json.loads(get(client, named, infer="false").data)["boolean"] is False


def test_protocol_dataset_selects_stored_graphs(client: FlaskClient, project_build: Build) -> None:
    asserted, size = graph_iri("asserted"), len(project_build.graphs["asserted"])
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(bindings(get(client, count, default_graph_uri=asserted))[0]["n"]) == size
    names = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert [r["g"] for r in bindings(get(client, names, named_graph_uri=asserted))] == [asserted]
    # the protocol's dataset takes precedence over the query's FROM (SPARQL 1.1 Protocol §2.1.4)
    overridden = f"SELECT (COUNT(*) AS ?n) FROM <{graph_iri('inferred')}> WHERE {{ ?s ?p ?o }}"
    assert int(bindings(get(client, overridden, default_graph_uri=asserted))[0]["n"]) == size


def test_from_selects_a_stored_graph(client: FlaskClient, project_build: Build) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{graph_iri('entities')}> WHERE {{ ?s ?p ?o }}"
    assert int(bindings(get(client, query))[0]["n"]) == len(project_build.graphs["entities"])


@pytest.mark.parametrize(
    "template",
    [
        "ASK FROM <{iri}> {{ ?s ?p ?o }}",
        "ASK FROM NAMED <{iri}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "ASK {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}",
    ],
)
def test_from_a_file_reads_nothing(client: FlaskClient, tmp_path: Path, template: str) -> None:
    data = tmp_path / "secret.nt"
    data.write_text("<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n")
    for iri in (data.as_uri(), "file:///etc/passwd"):
        response = get(client, template.format(iri=iri))
        assert response.status_code == 200
        assert json.loads(response.data)["boolean"] is False
    response = get(client, "ASK { ?s ?p ?o }", default_graph_uri=data.as_uri())
    assert json.loads(response.data)["boolean"] is False


@pytest.mark.parametrize(
    "pattern",
    [
        "SERVICE <{url}> {{ ?s ?p ?o }}",
        "SERVICE SILENT <{url}> {{ ?s ?p ?o }}",
        "OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "?a ?b ?c MINUS {{ SERVICE <{url}> {{ ?a ?p ?o }} }}",
        "{{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SERVICE ?e {{ ?s ?p ?o }} VALUES ?e {{ <{url}> }}",
    ],
)
def test_service_is_refused_before_any_connection(client: FlaskClient, listener: socket.socket, pattern: str) -> None:
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    response = get(client, "SELECT * WHERE { " + pattern.format(url=url) + " }")
    assert response.status_code == 400
    assert "SERVICE is not allowed" in response.get_data(as_text=True)  # to anything but the allowlist
    assert connections(listener) == 0


def test_variables_and_names_called_service_are_not_refused(client: FlaskClient) -> None:
    query = "PREFIX ex: <http://example.org/> SELECT ?service WHERE { ?service ex:service ?load } LIMIT 1"
    assert get(client, query).status_code == 200


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def hasty(request: pytest.FixtureRequest, built: Path) -> Flask:
    """An app whose queries have a 0.5 s deadline."""
    return create_app({"DATASET": str(built), "ENGINE": request.param, "QUERY_TIMEOUT": 0.5})


@pytest.mark.alone
def test_deadline_gives_a_clear_error(hasty: Flask) -> None:
    started = time.monotonic()
    response = hasty.test_client().get(
        "/sparql?query=" + quote("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"), headers={"Accept": "text/csv"}
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "0.5 s deadline" in response.get_data(as_text=True)
    assert elapsed < 5
    assert hasty.test_client().get("/sparql?query=ASK%7B%7D").status_code == 200


def warm(app: Flask, workers: int = 2) -> None:
    """Start `workers` query workers first: a query that waits for a worker to open its store (the rdflib engine
    parses the whole dataset) can miss a 0.5 s deadline on that alone, whatever test ran before on the app."""
    queries = iter(f"ASK {{ ?s ?p {n} }}" for n in range(1000))  # each one new: never a cached answer
    end = time.monotonic() + 60
    while time.monotonic() < end:
        texts = [next(queries) for _ in range(workers)]
        with ThreadPoolExecutor(workers) as pool:
            codes = list(pool.map(lambda q: app.test_client().get("/sparql?query=" + quote(q)).status_code, texts))
        if codes == [200] * workers:
            return


@pytest.mark.alone
def test_other_clients_are_answered_during_a_long_query(hasty: Flask) -> None:
    warm(hasty)
    results: list[int] = []
    slow = threading.Thread(
        target=lambda: results.append(
            hasty.test_client().get("/sparql?query=" + quote("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")).status_code
        )
    )
    slow.start()
    fast = hasty.test_client().get("/sparql?query=" + quote(SUMMITS))
    slow.join(10)
    assert fast.status_code == 200 and results == [503]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 10_000 + " ?s ?p ?o " + "}" * 10_000,
        "ASK { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }",
    ],
)
def test_deeply_nested_query_is_a_400_not_a_crash(client: FlaskClient, query: str) -> None:
    response = client.post("/sparql", data=query.encode(), content_type="application/sparql-query")
    assert response.status_code == 400 and "nested deeper" in response.get_data(as_text=True)
    assert get(client, "ASK {}").status_code == 200


def test_long_chains_are_answered_on_the_query_threads(built: Path) -> None:
    """3,000 chained OPTIONALs overflow an 8 MB thread stack inside Oxigraph (a segfault, measured);
    the query workers' larger stacks answer it."""
    app = create_app({"DATASET": str(built), "QUERY_TIMEOUT": 120})
    query = "ASK { " + "OPTIONAL{<x:a><x:b>?o}" * 3_000 + " }"
    response = app.test_client().post("/sparql", data=query.encode(), content_type="application/sparql-query")
    assert response.status_code == 200 and json.loads(response.data)["boolean"] is True
