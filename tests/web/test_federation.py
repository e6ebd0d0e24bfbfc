"""SPARQL 1.1 Federated Query over HTTP, the CLI and a live server: govkg joined with a local Wikidata-shaped
Oxigraph through its owl:sameAs links; every SERVICE not allowlisted refused with 400 before any I/O."""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from conftest import ROOT, Outcome, Oxigraph, connections, start_oxigraph, start_server
from govkg import federation as federate
from govkg.engine import FILE_ENGINES
from govkg.engine.guard import MAX_SERVICES
from govkg.engine.rdflib_engine import RdflibEngine
from govkg.namespaces import DEFAULT_BASE, WD
from govkg.pages.service import SD
from govkg.web import DEFAULTS, ConfigError, create_app
from govkg.web.state import policy as federation

QUERY = """SELECT ?entity ?item ?label ?population WHERE {{
  GRAPH gkg:links {{ ?entity owl:sameAs ?item }}
  SERVICE <{url}> {{ ?item rdfs:label ?label ; wdt:P1082 ?population }}
}} ORDER BY ?entity ?item"""


def links() -> list[tuple[str, str]]:
    """The (entity, Wikidata item) owl:sameAs pairs of the project's link file."""
    graph = Graph().parse(ROOT / "data" / "links.ttl")
    pairs = sorted((str(s), str(o)) for s, o in graph.subject_objects(OWL.sameAs) if str(o).startswith(str(WD)))
    assert len(pairs) >= 10, "the project links at least ten entities to Wikidata"
    return pairs


def sample(pairs: list[tuple[str, str]]) -> dict[str, tuple[str, int]]:
    """A Wikidata-shaped fact (label, population) for every linked item but one, and for two unlinked items."""
    items = [*sorted({item for _, item in pairs})[1:], str(WD.Q1), str(WD.Q2)]
    return {item: (f"Item {item.rsplit('/', 1)[1]}", 1000 + n) for n, item in enumerate(items)}


@pytest.fixture(scope="module")
def wikidata() -> Iterator[tuple[Oxigraph, dict[str, tuple[str, int]], list[tuple[str, str]]]]:
    """A real Oxigraph server holding the sample, its facts and the links they were made for."""
    pairs = links()
    facts = sample(pairs)
    turtle = "".join(
        f'<{item}> <{RDFS.label}> "{label}"@en ; <http://www.wikidata.org/prop/direct/P1082> {pop} .\n'
        for item, (label, pop) in facts.items()
    )
    server = start_oxigraph(turtle)
    yield server, facts, pairs
    server.stop()


def expected(facts: dict[str, tuple[str, int]], pairs: list[tuple[str, str]]) -> list[tuple[str, str, str, int]]:
    """The joined rows, computed from the sample and the link file alone."""
    return sorted((entity, item, *facts[item]) for entity, item in pairs if item in facts)


def rows(data: bytes) -> list[tuple[str, str, str, int]]:
    """The rows of a JSON results answer, checking that labels and populations kept their types."""
    found = []
    for row in json.loads(data)["results"]["bindings"]:
        assert row["label"]["xml:lang"] == "en" and row["population"]["datatype"] == str(XSD.integer)
        found.append(
            (row["entity"]["value"], row["item"]["value"], row["label"]["value"], int(row["population"]["value"]))
        )
    return found


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


DEAD = f"http://127.0.0.1:{closed_port()}/sparql"  # allowlisted, but nothing listens there


@pytest.fixture(scope="module", params=sorted(FILE_ENGINES))
def federated(request: pytest.FixtureRequest, built: Path, wikidata) -> Flask:
    """An app per engine allowing SERVICE to the sample server (and to a dead endpoint)."""
    return create_app(
        {
            "DATASET": str(built),
            "ENGINE": request.param,
            "SERVICE_ALLOWLIST": [wikidata[0].url, DEAD],
            "TESTING": True,
            "RESPONSE_CACHE_BYTES": 0,
        }
    )


def ask(app: Flask, text: str, accept: str = "application/sparql-results+json"):
    return app.test_client().post(
        "/sparql", data=text.encode(), content_type="application/sparql-query", headers={"Accept": accept}
    )


def test_a_federated_join_through_same_as_links(federated: Flask, wikidata) -> None:
    server, facts, pairs = wikidata
    response = ask(federated, QUERY.format(url=server.url))
    assert response.status_code == 200, response.get_data(as_text=True)
    found = rows(response.data)
    assert found == expected(facts, pairs)
    assert 0 < len(found) < len(pairs)  # one linked item is missing from the sample: an inner join
    assert response.headers["Cache-Control"] == "no-store"  # remote data: no cache may keep it


def test_silent_keeps_the_local_solutions_and_a_failure_is_a_502(federated: Flask) -> None:
    local = "SELECT ?entity WHERE { GRAPH gkg:links { ?entity owl:sameAs ?item } } ORDER BY ?entity"
    silent = local.replace("} }", f"}} SERVICE SILENT <{DEAD}> {{ ?item rdfs:label ?label }} }}")
    bindings = [json.loads(ask(federated, text).data)["results"]["bindings"] for text in (silent, local)]
    assert bindings[0] == bindings[1] and bindings[0]
    response = ask(federated, silent.replace("SILENT", ""))
    text = response.get_data(as_text=True)
    assert response.status_code == 502 and response.mimetype == "text/plain" and text.count("\n") == 1
    assert text.startswith(f"502 Bad Gateway: SERVICE {federate.normalise(DEAD)}: cannot connect")


def test_the_service_description_names_the_allowed_endpoints(federated: Flask, wikidata) -> None:
    sd = Graph().parse(
        data=federated.test_client().get("/sparql", headers={"Accept": "text/turtle"}).data, format="turtle"
    )
    service = next(sd.subjects(RDF.type, SD.Service))
    assert SD.BasicFederatedQuery in set(sd.objects(service, SD.feature))
    assert set(sd.objects(service, RDFS.seeAlso)) == {URIRef(wikidata[0].url), URIRef(DEAD)}
    assert "SERVICE may call only the endpoints" in str(sd.value(service, RDFS.comment))


# {url} is the listener; every query must be a 400 with its reason (the allowlist is the default: Wikidata's
# and DBpedia's endpoints).
NOT_ALLOWED = "SERVICE is not allowed to <{url}>"
VARIABLE = "SERVICE is not allowed with a variable endpoint (?e)"
REFUSALS = {
    "plain": ("SERVICE <{url}> {{ ?s ?p ?o }}", NOT_ALLOWED),
    "silent": ("SERVICE SILENT <{url}> {{ ?s ?p ?o }}", NOT_ALLOWED),
    "optional": ("?a ?b ?c OPTIONAL {{ SERVICE <{url}> {{ ?a ?p ?o }} }}", NOT_ALLOWED),
    "subquery": ("{{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}", NOT_ALLOWED),
    "minus": ("?a ?b ?c MINUS {{ SERVICE <{url}> {{ ?a ?p ?o }} }}", NOT_ALLOWED),
    "filter exists": ("?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", NOT_ALLOWED),
    "filter not exists": ("?s ?p ?o FILTER NOT EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", NOT_ALLOWED),
    "union": ("{{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", NOT_ALLOWED),
    "graph": ("GRAPH ?g {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", NOT_ALLOWED),
    "nested": (
        "SERVICE <https://query.wikidata.org/sparql> {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SERVICE is not allowed inside another SERVICE",
    ),
    "variable with values": ("SERVICE ?e {{ ?s ?p ?o }} VALUES ?e {{ <{url}> }}", VARIABLE),
    "variable with bind": ("BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }}", VARIABLE),
    "second after an allowed one": (
        "SERVICE <https://query.wikidata.org/sparql> {{ ?s ?p ?o }} SERVICE <{url}> {{ ?s ?p ?o }}",
        NOT_ALLOWED,
    ),
    "localhost": ("SERVICE <{url_localhost}> {{ ?s ?p ?o }}", "SERVICE is not allowed to <{url_localhost}>"),
    "localhost.": ("SERVICE <{url_localhost_dot}> {{ ?s ?p ?o }}", "SERVICE is not allowed to <{url_localhost_dot}>"),
    "hex address": ("SERVICE <{url_hex}> {{ ?s ?p ?o }}", "SERVICE is not allowed to <{url_hex}>"),
    "decimal address": ("SERVICE <{url_decimal}> {{ ?s ?p ?o }}", "SERVICE is not allowed to <{url_decimal}>"),
    "octal address": ("SERVICE <{url_octal}> {{ ?s ?p ?o }}", "SERVICE is not allowed to <{url_octal}>"),
    "short address": ("SERVICE <{url_short}> {{ ?s ?p ?o }}", "SERVICE is not allowed to <{url_short}>"),
    "ipv4-mapped ipv6": (
        "SERVICE <http://[::ffff:127.0.0.1]:{port}/> {{ ?s ?p ?o }}",
        "SERVICE is not allowed to <http://[::ffff:127.0.0.1]:{port}/>",
    ),
    "ipv4-mapped ipv6 in hex": (
        "SERVICE <http://[::ffff:7f00:1]:{port}/> {{ ?s ?p ?o }}",
        "SERVICE is not allowed to <http://[::ffff:7f00:1]:{port}/>",
    ),
    "subquery in a group": ("{{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}", NOT_ALLOWED),
    "silent in a subquery in optional": (
        "?a ?b ?c OPTIONAL {{ SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?a ?p ?o }} }} }}",
        NOT_ALLOWED,
    ),
    "ipv6 loopback": (
        "SERVICE <http://[::1]:{port}/> {{ ?s ?p ?o }}",
        "SERVICE is not allowed to <http://[::1]:{port}/>",
    ),
    "metadata address": (
        "SERVICE <http://169.254.169.254/latest/meta-data/> {{ ?s ?p ?o }}",
        "SERVICE is not allowed to <http://169.254.169.254/latest/meta-data/>",
    ),
    "private 10": (
        "SERVICE <http://10.0.0.1/sparql> {{ ?s ?p ?o }}",
        "SERVICE is not allowed to <http://10.0.0.1/sparql>",
    ),
    "private 192.168": (
        "SERVICE <http://192.168.1.1/sparql> {{ ?s ?p ?o }}",
        "SERVICE is not allowed to <http://192.168.1.1/sparql>",
    ),
    "file": ("SERVICE <file:///etc/passwd> {{ ?s ?p ?o }}", "SERVICE is not allowed to <file:///etc/passwd>"),
    "ftp": ("SERVICE <ftp://127.0.0.1:{port}/> {{ ?s ?p ?o }}", "SERVICE is not allowed to <ftp://127.0.0.1:{port}/>"),
    "prefixed name": ("SERVICE loop:sparql {{ ?s ?p ?o }}", "SERVICE is not allowed to <{url}/sparql>"),
    "relative iri": ("SERVICE <sparql> {{ ?s ?p ?o }}", f"SERVICE is not allowed to <{DEFAULT_BASE}sparql>"),
    "wikidata over http": (
        "SERVICE <http://query.wikidata.org/sparql> {{ ?s ?p ?o }}",
        "SERVICE is not allowed to <http://query.wikidata.org/sparql>",
    ),
    # Forms a token scan missed and embedded Oxigraph executes (measured): they must reach rdflib instead,
    # whose parser reads the glued word as one token, where a query must start over (no SelectQuery fits).
    "after true": ("?s ?p trueSERVICE <{url}> {{ ?a ?b ?c }}", "syntax error: Expected SelectQuery, found '?'"),
    "after a number": ("?s ?p 1SERVICE <{url}> {{ ?a ?b ?c }}", "syntax error: Expected SelectQuery, found 'SERVICE'"),
    "less-than taken for an iri": (
        "?s ?p ?o BIND(1 AS ?a) FILTER(?a<?b&&?a='x>' || true) SERVICE <{url}> {{ ?s ?p ?o }} #'\n",
        NOT_ALLOWED,
    ),
}


@pytest.mark.parametrize(("pattern", "reason"), REFUSALS.values(), ids=REFUSALS.keys())
def test_a_service_not_allowlisted_is_a_400_before_any_io(
    client: FlaskClient, listener: socket.socket, pattern: str, reason: str
) -> None:
    port = listener.getsockname()[1]
    urls = {
        f"url{suffix}": f"http://{host}:{port}/sparql"
        for suffix, host in [
            ("", "127.0.0.1"),
            ("_localhost", "localhost"),
            ("_localhost_dot", "localhost."),
            ("_hex", "0x7f000001"),
            ("_decimal", "2130706433"),
            ("_octal", "0177.0.0.1"),
            ("_short", "127.1"),
        ]
    }
    text = f"PREFIX loop: <{urls['url']}/> SELECT * WHERE {{ {pattern.format(port=port, **urls)} }}"
    response = client.get("/sparql?query=" + quote(text))
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and body.count("\n") == 1, body
    assert body.startswith(f"400 Bad Request: {reason.format(port=port, **urls)}"), body
    assert connections(listener) == 0


@pytest.mark.parametrize("engine", sorted(FILE_ENGINES))
def test_names_that_merely_contain_service_still_go_to_the_default_engine(
    built: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Threads (QUERY_WORKERS 0): the spy below sees the evaluations of this process only.
    client = create_app({"DATASET": str(built), "ENGINE": engine, "QUERY_WORKERS": 0}).test_client()
    calls: list[str] = []
    real = RdflibEngine.evaluate

    def spy(engine: RdflibEngine, text: str, *args: object) -> object:
        calls.append(text)
        return real(engine, text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(RdflibEngine, "evaluate", spy)
    text = "SELECT ?service ?s WHERE { ?service a gk:Summit . OPTIONAL { ?s a sd:Service } } LIMIT 1"
    response = client.get("/sparql?query=" + quote(text))
    assert response.status_code == 200 and json.loads(response.data)["results"]["bindings"]
    assert "no-store" not in response.headers.get("Cache-Control", "")  # not taken for a federated query
    state = client.application.extensions["govkg"]
    assert calls == ([text] if state.engine.kind == "rdflib" else [])  # Oxigraph's app kept it on Oxigraph


@pytest.mark.alone
def test_many_service_clauses_are_a_400_at_once(client: FlaskClient) -> None:
    # Once untimed (another query, so no cached answer): the app's first query waits for a query worker to start.
    client.get("/sparql?query=" + quote(f"SELECT * WHERE {{ {'SERVICE <https://x.org/> { ?t ?p ?o } ' * 200} }}"))
    clauses = " ".join(f"SERVICE <https://query.wikidata.org/sparql> {{ ?s{n} ?p ?o }}" for n in range(200))
    started = time.monotonic()
    response = client.get("/sparql?query=" + quote(f"SELECT * WHERE {{ {clauses} }}"))
    assert time.monotonic() - started < 0.5
    assert response.status_code == 400 and response.get_data(as_text=True) == (
        f"400 Bad Request: SERVICE may occur at most {MAX_SERVICES} times in a query (counting every word with "
        "'service' in it, strings and IRIs included, but not variables or prefixed names)\n"
    )


@pytest.mark.alone
def test_a_federated_query_stops_at_the_deadline(built: Path, listener: socket.socket) -> None:
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"  # connections wait there, unanswered
    app = create_app(
        {"DATASET": str(built), "SERVICE_ALLOWLIST": [url], "QUERY_TIMEOUT": 1, "SERVICE_READ_TIMEOUT": 60}
    )
    started = time.monotonic()
    response = ask(app, f"SELECT * WHERE {{ ?s a gk:State SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}")
    assert response.status_code == 503 and "1 s deadline" in response.get_data(as_text=True)
    assert time.monotonic() - started < 5
    assert connections(listener) == 1  # it did call the allowlisted endpoint: SILENT does not hide a deadline


def test_without_an_allowlist_every_service_is_refused(built: Path) -> None:
    app = create_app({"DATASET": str(built), "SERVICE_ALLOWLIST": []})
    response = ask(app, "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }")
    assert response.status_code == 400
    assert response.get_data(as_text=True) == (
        "400 Bad Request: SERVICE is not allowed: this server calls no remote endpoint\n"
    )
    sd = Graph().parse(data=app.test_client().get("/sparql", headers={"Accept": "text/turtle"}).data, format="turtle")
    assert (None, SD.feature, SD.BasicFederatedQuery) not in sd
    service = next(sd.subjects(SD.endpoint, None))
    assert any("SERVICE is refused" in str(c) for c in sd.objects(service, RDFS.comment))
    assert ask(app, "ASK { ?s ?p 'public service' }").status_code == 200  # a mere mention is not refused


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"SERVICE_ALLOWLIST": ["https://query.wikidata.org/sparql", "ftp://x/"]}, "SERVICE_ALLOWLIST: not an http"),
        ({"SERVICE_ALLOWLIST": 42}, "SERVICE_ALLOWLIST must be a list"),
        ({"SERVICE_READ_TIMEOUT": 0}, "SERVICE_READ_TIMEOUT must be positive"),
        ({"SERVICE_CONNECT_TIMEOUT": "soon"}, "SERVICE_CONNECT_TIMEOUT must be a number"),
        ({"SERVICE_MAX_BYTES": -1}, "SERVICE_MAX_BYTES must be positive"),
        ({"SERVICE_MAX_TOTAL_BYTES": 0}, "SERVICE_MAX_TOTAL_BYTES must be positive"),
        ({"SERVICE_MAX_TOTAL_BYTES": "lots"}, "SERVICE_MAX_TOTAL_BYTES must be a number"),
        ({"SERVICE_MAX_REQUESTS": -5}, "SERVICE_MAX_REQUESTS must be positive"),
    ],
)
def test_bad_federation_settings_are_one_line_errors(config: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        create_app({"PROJECT": False, **config})


def test_the_allowlist_may_come_from_the_environment_as_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVKG_SERVICE_ALLOWLIST", "https://query.wikidata.org/sparql HTTP://127.0.0.1:80/q")
    monkeypatch.setenv("GOVKG_SERVICE_READ_TIMEOUT", "3")
    monkeypatch.setenv("GOVKG_SERVICE_MAX_TOTAL_BYTES", "1000")
    monkeypatch.setenv("GOVKG_SERVICE_MAX_REQUESTS", "7")
    app = Flask("config-only")
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("GOVKG")  # as create_app reads it
    policy = federation(app.config)
    assert policy.allowlist == {"https://query.wikidata.org/sparql", "http://127.0.0.1/q"}
    assert policy.limits.read_timeout == 3
    assert (policy.max_total_bytes, policy.max_requests) == (1000, 7)
    defaults = federation(DEFAULTS)
    assert (defaults.max_total_bytes, defaults.max_requests) == (32_000_000, 100)


@pytest.mark.parametrize(
    ("config", "query", "reason"),
    [
        (
            {"SERVICE_MAX_REQUESTS": 1},
            "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} SERVICE <{url}> {{ ?s ?p ?x }} }}",
            "the query needs more than 1 SERVICE requests",
        ),
        (
            {"SERVICE_MAX_TOTAL_BYTES": 100},
            "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
            "the query reads more than 100 bytes from SERVICE endpoints",
        ),
    ],
    ids=["requests", "bytes"],
)
def test_a_query_past_its_remote_budget_is_a_400(wikidata, config: dict, query: str, reason: str) -> None:
    """The query asks for too much, whatever the endpoint: a client error, which SILENT does not hide."""
    url = wikidata[0].url
    app = create_app({"PROJECT": False, "SERVICE_ALLOWLIST": [url], "RESPONSE_CACHE_BYTES": 0, **config})
    response = ask(app, query.format(url=url))
    assert response.status_code == 400 and response.get_data(as_text=True) == f"400 Bad Request: {reason}\n"


def test_a_foreign_rdflib_evaluation_hook_stops_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    from rdflib.plugins.sparql import CUSTOM_EVALS

    monkeypatch.setitem(CUSTOM_EVALS, "plugin", lambda ctx, part: None)
    with pytest.raises(ConfigError, match="CUSTOM_EVALS holds plugin"):
        create_app({"PROJECT": False})


def test_the_cli_federates_with_allow_service(runner: Callable[..., Outcome], built: Path, wikidata) -> None:
    server, facts, pairs = wikidata
    outcome = runner(
        "query",
        QUERY.format(url=server.url),
        "--dataset",
        str(built),
        "--allow-service",
        server.url,
        "--format",
        "json",
    )
    assert outcome.code == 0, outcome.stderr
    assert rows(outcome.stdout) == expected(facts, pairs)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--no-federation"], "SERVICE is not allowed: this server calls no remote endpoint"),
        ([], "SERVICE is not allowed to <http://127.0.0.1:9/sparql>"),
        (["--allow-service", "ftp://127.0.0.1/"], "--allow-service: not an http or https endpoint IRI"),
    ],
)
def test_the_cli_refuses_service_it_may_not_call(
    runner: Callable[..., Outcome], built: Path, args: list[str], message: str
) -> None:
    outcome = runner("query", QUERY.format(url="http://127.0.0.1:9/sparql"), "--dataset", str(built), *args)
    assert outcome.code == 2 and outcome.stderr.count("\n") == 1 and message in outcome.stderr


def test_serve_takes_the_allowlist_from_its_flags(runner: Callable[..., Outcome], built: Path) -> None:
    outcome = runner("serve", "--dataset", str(built), "--allow-service", "gopher://x/", "--get", "/health")
    assert outcome.code == 2 and "SERVICE_ALLOWLIST: not an http or https endpoint IRI" in outcome.stderr
    outcome = runner(
        "serve",
        "--dataset",
        str(built),
        "--no-federation",
        "--get",
        "/sparql?" + urlencode({"query": QUERY.format(url="https://query.wikidata.org/sparql")}),
    )
    assert outcome.code == 1 and outcome.stdout.startswith(b"400 Bad Request: SERVICE is not allowed: this server")


def test_a_live_server_federates_over_http(built: Path, wikidata) -> None:
    server, facts, pairs = wikidata
    live = start_server("--dataset", str(built), "--allow-service", server.url)
    try:
        request = urllib.request.Request(
            live.url + "/sparql?" + urlencode({"query": QUERY.format(url=server.url)}),
            headers={"Accept": "application/sparql-results+json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert rows(response.read()) == expected(facts, pairs)
    finally:
        live.stop()
