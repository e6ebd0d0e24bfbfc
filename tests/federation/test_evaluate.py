"""Federation: the allowlist check over the parsed query, the text sent for a SERVICE, and bound joins that
give exactly what the same pattern gives over the remote's data held locally (against a real Oxigraph)."""

from __future__ import annotations

import json
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph
import pytest
from pyparsing import ParserElement
from rdflib import RDF, BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql import CUSTOM_EVALS, prepareQuery
from rdflib.query import Result
from test_client import Peer, answer

from conftest import Oxigraph, connections, start_oxigraph
from govkg import federation
from govkg.engine import Deadline, DeadlineExceeded, Engine, EngineError, Pool, Selection, Source, guard, open_engine
from govkg.federation import client as remote
from govkg.federation.policy import services
from govkg.federation.text import TEXT, remote_query, sparql
from govkg.namespaces import DEFAULT_BASE, PREFIXES
from govkg.terms import to_rdflib as term

ALLOWED = frozenset({"https://query.wikidata.org/sparql"})
LOCAL = r"""@prefix ex: <http://example.org/> .
ex:a a ex:E ; ex:same <http://remote.example/i1> ; ex:name "Alpha" .
ex:b a ex:E ; ex:same <http://remote.example/i2> , <http://remote.example/i3> ; ex:name "Beta \"q\"\nline\\"@en .
ex:c a ex:E ; ex:name "Gamma"@en .
ex:d a ex:E ; ex:same _:local .
ex:e a ex:E ; ex:same <http://remote.example/i1> .
"""
REMOTE = r"""@prefix ex: <http://example.org/> .
<http://remote.example/i1> ex:label "One"@en , "Un"@fr ; ex:alias "Alpha" , "Alpha"@en .
<http://remote.example/i2> ex:label "Two"@en ; ex:pop 2 .
<http://remote.example/i3> ex:alias "Beta \"q\"\nline\\"@en .
<http://remote.example/i4> ex:label "Four"@en .
_:x ex:label "Blank"@en .
"""
# Each query with {S} for the remote pattern: SERVICE <endpoint> here, GRAPH <urn:remote> in the oracle.
SHAPES = {
    "join": "SELECT * WHERE { ?e ex:same ?i . {S} { ?i ex:label ?l } }",
    "optional around": "SELECT * WHERE { ?e a ex:E OPTIONAL { ?e ex:same ?i {S} { ?i ex:label ?l } } }",
    "optional inside": "SELECT * WHERE { ?e ex:same ?i {S} { ?i ex:label ?l OPTIONAL { ?i ex:pop ?p } } }",
    "optional service": "SELECT * WHERE { ?e ex:same ?i OPTIONAL { {S} { ?i ex:pop ?p } } }",
    "some unbound": "SELECT * WHERE { ?e a ex:E OPTIONAL { ?e ex:same ?i } {S} { ?i ex:label ?l } }",
    "minus": 'SELECT ?e ?i WHERE { ?e ex:same ?i MINUS { {S} { ?i ex:label "Two"@en } } }',
    "not exists": "SELECT ?e WHERE { ?e a ex:E FILTER NOT EXISTS { ?e ex:same ?i {S} { ?i ex:label ?l } } }",
    "union": "SELECT * WHERE { { ?e ex:same ?i } UNION { {S} { ?i ex:label ?l } } }",
    "service first": "SELECT * WHERE { {S} { ?i ex:alias ?n } ?e ex:same ?i }",
    "aggregate": "SELECT ?i (COUNT(*) AS ?n) WHERE { ?e ex:same ?i {S} { ?i ex:label ?l } } GROUP BY ?i",
    "literal values": "SELECT * WHERE { ?e ex:name ?n {S} { ?i ex:alias ?n } }",
    "two services": "SELECT * WHERE { ?e ex:same ?i {S} { ?i ex:label ?l } {S} { ?i ex:alias ?a } }",
    "filter inside": 'SELECT * WHERE { ?e ex:same ?i {S} { ?i ex:label ?l FILTER(lang(?l) = "fr") } }',
    "subquery": "SELECT * WHERE { ?e a ex:E { SELECT ?e ?l WHERE { ?e ex:same ?i {S} { ?i ex:label ?l } } } }",
    "ask": "ASK { ?e ex:same ?i {S} { ?i ex:pop 2 } }",
}
PREFIX = "PREFIX ex: <http://example.org/> "


@pytest.fixture(scope="module")
def server() -> Iterator[Oxigraph]:
    """A real Oxigraph endpoint holding REMOTE."""
    started = start_oxigraph(REMOTE)
    yield started
    started.stop()


@pytest.fixture(scope="module")
def local() -> Dataset:
    ds = Dataset(default_union=True)
    ds.parse(data=LOCAL, format="turtle")
    return ds


@pytest.fixture(scope="module")
def local_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """LOCAL in a file, for engines."""
    path = tmp_path_factory.mktemp("local") / "local.ttl"
    path.write_text(LOCAL, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run(local_file: Path) -> Callable[..., Result]:
    """Evaluate a query on the rdflib engine over LOCAL, SERVICE calling the policy's endpoints (none without)."""

    def evaluate(text: str, policy: federation.Policy | None = None) -> Result:
        engine = open_engine("rdflib", [Source(local_file, "urn:local")], DEFAULT_BASE, federation=policy)
        result: Result = engine.evaluate(text).result
        return result

    return evaluate


@pytest.fixture(scope="module")
def oracle() -> Dataset:
    """The local data in the default graph and the remote data in <urn:remote>."""
    ds = Dataset()
    ds.default_graph.parse(data=LOCAL, format="turtle")
    ds.graph(URIRef("urn:remote")).parse(data=REMOTE, format="turtle")
    return ds


@pytest.fixture
def requests(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The queries sent to remote endpoints during the test (remote.post still does the work)."""
    sent: list[str] = []
    real = remote.post

    def spy(endpoint: str, text: str, limits: remote.Limits, **options: object) -> bytes:
        sent.append(text)
        return real(endpoint, text, limits, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(remote, "post", spy)
    return sent


def solutions(result: Result) -> Counter | bool:
    """A result as a multiset of rows (blank nodes made anonymous), or the boolean of an ASK."""
    if result.type == "ASK":
        return bool(result.askAnswer)
    return Counter(
        tuple(sorted((str(k), "_:" if isinstance(v, BNode) else v) for k, v in row.asdict().items())) for row in result
    )  # type: ignore[union-attr]


@pytest.mark.parametrize("batch", [2, 100])
@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_a_service_gives_what_the_same_pattern_gives_over_the_remote_data(
    server: Oxigraph,
    local: Dataset,
    oracle: Dataset,
    requests: list[str],
    shape: str,
    batch: int,
    run: Callable[..., Result],
) -> None:
    policy = federation.Policy(frozenset({server.url}), batch=batch)
    got = run(PREFIX + shape.replace("{S}", f"SERVICE <{server.url}>"), policy)
    expected = oracle.query(PREFIX + shape.replace("{S}", "GRAPH <urn:remote>"))
    assert solutions(got) == solutions(expected)
    assert expected.type == "ASK" or len(expected) > 0
    assert requests and all(text.count("SERVICE") == 0 for text in requests)


# A blank node for ?i (ex:d) costs a request only when the group might leave ?i unbound ("optional inside").
@pytest.mark.parametrize(
    ("shape", "sent"),
    [
        ("join", 1),
        ("optional around", 1),
        ("optional service", 1),
        ("optional inside", 1),
        ("some unbound", 2),
        ("literal values", 1),
        ("service first", 1),
        ("two services", 2),
    ],
)
def test_joins_send_their_solutions_in_one_values_block(
    server: Oxigraph, local: Dataset, requests: list[str], shape: str, sent: int, run: Callable[..., Result]
) -> None:
    run(PREFIX + SHAPES[shape].replace("{S}", f"SERVICE <{server.url}>"), federation.policy([server.url]))
    assert len(requests) == sent


def test_a_bound_join_sends_complete_distinct_values_rows(
    server: Oxigraph, local: Dataset, requests: list[str], run: Callable[..., Result]
) -> None:
    run(PREFIX + SHAPES["join"].replace("{S}", f"SERVICE <{server.url}>"), federation.policy([server.url]))
    (text,) = requests
    assert text.endswith(
        "VALUES (?i) {\n(<http://remote.example/i1>)\n(<http://remote.example/i2>)\n(<http://remote.example/i3>)\n}"
    )  # i1 twice in the data, once here; the blank node left out
    assert "PREFIX ex: <http://example.org/>" in text and "UNDEF" not in text


def test_silent_gives_one_empty_solution_when_the_endpoint_fails(
    local: Dataset, closed: str, run: Callable[..., Result]
) -> None:
    text = PREFIX + f"SELECT ?e ?l WHERE {{ ?e ex:same ?i SERVICE SILENT <{closed}> {{ ?i ex:label ?l }} }}"
    rows = solutions(run(text, federation.policy([closed])))
    assert rows == Counter(solutions(local.query(PREFIX + "SELECT ?e WHERE { ?e ex:same ?i }")))
    with pytest.raises(federation.FederationError, match="cannot connect: connection refused"):
        run(text.replace("SILENT", ""), federation.policy([closed]))


@pytest.fixture
def closed() -> str:
    """An endpoint on a loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/query"


@pytest.mark.parametrize("kind", ["rdflib", "oxigraph"])
def test_a_deadline_is_never_silenced(local_file: Path, listener: socket.socket, kind: str) -> None:
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/query"  # accepts, never answers
    engine = open_engine(kind, [Source(local_file, "urn:local")], DEFAULT_BASE, federation=federation.policy([url]))
    text = PREFIX + f"SELECT * WHERE {{ ?e ex:same ?i SERVICE SILENT <{url}> {{ ?i ex:label ?l }} }}"
    with pytest.raises(DeadlineExceeded):
        engine.evaluate(text, Selection(), Deadline(0.5))


def test_requests_per_query_are_bounded(server: Oxigraph, local: Dataset, run: Callable[..., Result]) -> None:
    text = PREFIX + SHAPES["not exists"].replace("{S}", f"SERVICE <{server.url}>")  # one request per solution
    assert run(text, federation.Policy(frozenset({server.url}), max_requests=2))
    with pytest.raises(federation.FederationError, match="more than 1 SERVICE requests"):
        run(text, federation.Policy(frozenset({server.url}), max_requests=1))


REFUSED = {
    "not allowlisted": ("SELECT * WHERE { SERVICE <http://127.0.0.1/> { ?s ?p ?o } }", "to <http://127.0.0.1/>"),
    "variable": (
        "SELECT * WHERE { SERVICE ?e { ?s ?p ?o } VALUES ?e { <https://query.wikidata.org/sparql> } }",
        "variable endpoint (?e)",
    ),
    "bound variable": (
        "SELECT * WHERE { BIND(<https://query.wikidata.org/sparql> AS ?e) SERVICE ?e { ?s ?p ?o } }",
        "variable endpoint",
    ),
    "relative": ("SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }", "to <sparql>"),
    "prefixed": (
        "PREFIX x: <http://10.0.0.1/> SELECT * WHERE { SERVICE x:sparql { ?s ?p ?o } }",
        "to <http://10.0.0.1/sparql>",
    ),
    "deep in a filter": (
        "SELECT * WHERE { ?s ?p ?o FILTER(?o = 1 || EXISTS { { SELECT * WHERE { OPTIONAL { "
        "SERVICE <file:///etc/passwd> { ?s ?p ?o } } } } }) }",
        "to <file:///etc/passwd>",
    ),
    "in a projection": (
        "SELECT (EXISTS { SERVICE <http://169.254.169.254/> { } } AS ?x) WHERE { }",
        "to <http://169.254.169.254/>",
    ),
    "in order by": ("SELECT * WHERE { ?s ?p ?o } ORDER BY (EXISTS { SERVICE <http://[::1]/> { } })", "<http://[::1]/>"),
    "second of two": (
        "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } "
        "SERVICE <http://192.168.0.1/> { ?s ?p ?o } }",
        "to <http://192.168.0.1/>",
    ),
}


@pytest.mark.parametrize(("text", "reason"), REFUSED.values(), ids=REFUSED.keys())
def test_check_refuses_before_evaluation(text: str, reason: str) -> None:
    algebra = prepareQuery(text, initNs=PREFIXES).algebra
    with pytest.raises(federation.ServiceRefused, match=r"^SERVICE is not allowed") as caught:
        federation.check(algebra, ALLOWED)
    assert reason in str(caught.value) and "\n" not in str(caught.value)


def test_an_empty_allowlist_refuses_every_service() -> None:
    algebra = prepareQuery("SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { } }").algebra
    federation.check(algebra, ALLOWED)
    with pytest.raises(federation.ServiceRefused, match="calls no remote endpoint"):
        federation.check(algebra, frozenset())


def test_a_service_inside_a_service_is_refused() -> None:
    """rdflib's parser recursed without end on it; now it parses, and the allowlist check refuses it."""
    text = "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { SERVICE <http://127.0.0.1/> { } } }"
    with pytest.raises(federation.ServiceRefused, match=r"^SERVICE is not allowed inside another SERVICE$"):
        federation.check(prepareQuery(text).algebra, ALLOWED)
    with pytest.raises(federation.ServiceRefused, match=r"^SERVICE is not allowed inside another SERVICE$"):
        allowing(ALLOWED).evaluate(text)


def allowing(endpoints: frozenset[str]) -> Engine:
    """An rdflib engine over no data whose SERVICE may call `endpoints`."""
    return open_engine("rdflib", [], DEFAULT_BASE, federation=federation.policy(endpoints))


def test_deep_nesting_is_a_syntax_error_that_does_not_mention_service() -> None:
    with pytest.raises(EngineError) as caught:
        allowing(ALLOWED).evaluate("SELECT * WHERE " + "{" * 2000 + "}" * 2000)
    assert str(caught.value) == "syntax error: the query is nested too deeply for the parser"


CLAUSE = "SERVICE <https://query.wikidata.org/sparql> {{ ?s{n} ?p ?o }} "


@pytest.mark.alone
def test_more_service_clauses_than_the_limit_are_refused_before_parsing() -> None:
    """Each clause cost rdflib's parser a search of the whole query: 200 clauses took minutes."""
    guard.check_services("SELECT * WHERE { " + "".join(CLAUSE.format(n=n) for n in range(guard.MAX_SERVICES)) + "}")
    started = time.monotonic()
    with pytest.raises(EngineError, match=f"^SERVICE may occur at most {guard.MAX_SERVICES} times in a query"):
        allowing(ALLOWED).evaluate("SELECT * WHERE { " + "".join(CLAUSE.format(n=n) for n in range(200)) + "}")
    assert time.monotonic() - started < 0.2


def test_service_clauses_cost_no_search_of_the_whole_query(monkeypatch: pytest.MonkeyPatch) -> None:
    """rdflib's postParse searched the whole query once per SERVICE clause: 8 clauses in 100 KB cost 15 s
    more than none (measured). No text pyparsing searches may now be as long as the query."""
    searched: list[int] = []
    real = ParserElement.scan_string  # what search_string runs

    def spy(self: ParserElement, text: str, *args: object, **options: object) -> object:
        searched.append(len(text))
        return real(self, text, *args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(ParserElement, "scan_string", spy)
    text = "SELECT * WHERE { " + "".join(CLAUSE.format(n=n) for n in range(guard.MAX_SERVICES)) + "}"
    assert len(services(prepareQuery(text).algebra).__next__()[TEXT]) < 60
    assert searched and max(searched) < 60 < len(text)


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("https://query.wikidata.org/sparql", "https://query.wikidata.org/sparql"),
        ("HTTPS://Query.Wikidata.ORG:443/sparql#x", "https://query.wikidata.org/sparql"),
        ("http://127.0.0.1:80", "http://127.0.0.1/"),
        ("http://[::1]:8080/q?a=b", "http://[::1]:8080/q?a=b"),
        ("https://dbpedia.org:8443/sparql", "https://dbpedia.org:8443/sparql"),
    ],
)
def test_normalise(given: str, normal: str) -> None:
    assert federation.normalise(given) == normal


@pytest.mark.parametrize(
    "given",
    ["file:///etc/passwd", "ftp://x/", "sparql", "http://user@x/", "http:///x", "http://x:99999/", "https://x/a b"],
)
def test_normalise_refuses_what_is_not_an_endpoint(given: str) -> None:
    with pytest.raises(ValueError, match=r"not an http or https endpoint IRI|Port"):
        federation.normalise(given)


def test_each_service_keeps_its_own_text() -> None:
    """rdflib's own service_string is the first SERVICE clause's text for every clause."""
    text = (
        "PREFIX ex: <http://example.org/> SELECT * WHERE { # SERVICE <http://comment/> { ?z ?z ?z }\n"
        "?s ?p 'SERVICE <http://string/> { }' . SERVICE SILENT ex:one # { a comment\n { ?s ex:p ?o } "
        "FILTER(?o < 3 && ?s != '}') SERVICE <http://two/> { ?a ?b '{' } }"
    )
    found = [(str(s.term), s[TEXT]) for s in services(prepareQuery(text).algebra)]
    assert sorted(found) == [
        ("http://example.org/one", "SERVICE SILENT ex:one # { a comment\n { ?s ex:p ?o }"),
        ("http://two/", "SERVICE <http://two/> { ?a ?b '{' }"),
    ]


def test_values_blocks_parse_back_to_the_same_terms() -> None:
    terms = [
        URIRef("http://example.org/a?b=c&d"),
        Literal('say "hi"\n\\ ok\r'),
        Literal("fr", lang="fr-CA"),
        Literal("2", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")),
        Literal("é\t☃"),
    ]
    rows = [[sparql(t) or "" for t in terms]]
    text = remote_query("SERVICE <http://x/> { }", None, [Variable(n) for n in "abcde"], rows)
    parsed = pyoxigraph.Store().query(text)  # as a remote reads it (rdflib ignores a trailing VALUES)
    assert [tuple(term(s[v]) for v in "abcde") for s in parsed] == [tuple(terms)]


def test_values_leave_out_what_cannot_be_written() -> None:
    assert sparql(BNode()) is None
    assert sparql(URIRef("http://x/ >")) is None
    assert sparql(None) is None


def test_service_outside_an_active_policy_is_refused_without_connecting(listener: socket.socket) -> None:
    """rdflib's own SERVICE (urlopen, no timeout, redirects) never runs: govkg's hook refuses first."""
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    text = f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
    with pytest.raises(federation.ServiceRefused, match="no federation policy is active"):
        list(Graph().query(text))
    with (
        federation.active(federation.policy(["https://query.wikidata.org/sparql"])),
        pytest.raises(federation.ServiceRefused, match="not allowed to"),
    ):
        list(Graph().query(text))  # checked again at evaluation
    assert connections(listener) == 0


def test_foreign_evaluation_hooks_are_refused(
    monkeypatch: pytest.MonkeyPatch, local: Dataset, run: Callable[..., Result]
) -> None:
    federation.check_hooks()

    def intruder(ctx: object, part: object) -> None:
        raise NotImplementedError

    monkeypatch.setitem(CUSTOM_EVALS, "intruder", intruder)
    with pytest.raises(federation.HookError, match=r"intruder \(test_evaluate\..*intruder\)"):
        federation.check_hooks()
    with pytest.raises(federation.HookError, match="CUSTOM_EVALS holds intruder"):
        run("ASK {}")


CROSS = 3000  # rows on each side of a cross join: 9 million pairs


@pytest.fixture(scope="module")
def crowd() -> Iterator[Oxigraph]:
    """A real Oxigraph endpoint holding CROSS triples."""
    started = start_oxigraph(
        "".join(f"<http://remote.example/r{n}> <http://example.org/v> {n} .\n" for n in range(CROSS))
    )
    yield started
    started.stop()


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """CROSS local triples in a file."""
    data = tmp_path_factory.mktemp("crowded") / "local.nt"
    data.write_text(
        "".join(f'<http://example.org/l{n}> <http://example.org/w> "{n}" .\n' for n in range(CROSS)), encoding="utf-8"
    )
    return data


CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE {{ ?l <http://example.org/w> ?w SERVICE <{url}> {{ ?r ?v ?x }} }}"


def test_a_cross_join_stops_at_the_deadline_and_frees_its_thread(crowd: Oxigraph, crowded: Path) -> None:
    """The join streams and checks the deadline as it compares rows: the pool's one thread is free again
    (it took the next job within that job's own deadline) instead of building 9 million solutions."""
    policy = federation.Policy(frozenset({crowd.url}), max_rows=CROSS * CROSS)
    engine = open_engine("rdflib", [Source(crowded, "urn:local")], DEFAULT_BASE, federation=policy)
    pool = Pool(1)
    text = CROSS_JOIN.format(url=crowd.url)
    with pytest.raises(DeadlineExceeded):
        pool.run(lambda deadline: engine.evaluate(text, Selection(), deadline), 0.5)
    assert pool.run(lambda deadline: "free", 2) == "free"


def test_the_solutions_joins_give_are_capped(crowd: Oxigraph, local: Dataset, run: Callable[..., Result]) -> None:
    text = CROSS_JOIN.format(url=crowd.url).replace("<http://example.org/w> ?w", "ex:same ?i")
    expected = CROSS * len(list(local.triples((None, URIRef("http://example.org/same"), None))))
    (row,) = run(PREFIX + text, federation.Policy(frozenset({crowd.url}), max_rows=expected))
    assert int(row[0]) == expected  # type: ignore[index]
    with pytest.raises(
        federation.FederationError, match=f"^the query's SERVICE joins give more than {expected - 1} solutions$"
    ):
        run(PREFIX + text, federation.Policy(frozenset({crowd.url}), max_rows=expected - 1))


def test_a_bound_join_streams_its_solutions(server: Oxigraph, local: Dataset, run: Callable[..., Result]) -> None:
    text = PREFIX + SHAPES["join"].replace("{S}", f"SERVICE <{server.url}>") + " LIMIT 1"
    assert len(run(text, federation.Policy(frozenset({server.url}), max_rows=1))) == 1


@pytest.fixture
def sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every answer read from a remote endpoint during the test."""
    read: list[int] = []
    real = remote.post

    def spy(endpoint: str, text: str, limits: remote.Limits, **options: object) -> bytes:
        read.append(len(body := real(endpoint, text, limits, **options)))  # type: ignore[arg-type]
        return body

    monkeypatch.setattr(remote, "post", spy)
    return read


def test_the_bytes_a_query_reads_from_remotes_are_capped(
    server: Oxigraph, local: Dataset, sizes: list[int], run: Callable[..., Result]
) -> None:
    text = PREFIX + SHAPES["two services"].replace("{S}", f"SERVICE <{server.url}>")
    expected = solutions(run(text, federation.policy([server.url])))
    assert len(sizes) == 2
    budget = sum(sizes)
    assert solutions(run(text, federation.Policy(frozenset({server.url}), max_total_bytes=budget))) == expected
    for silent in ("", "SILENT "):  # a budget is the query's limit, not the endpoint's failure: never silenced
        with pytest.raises(
            federation.FederationError, match=f"^the query reads more than {budget - 1} bytes from SERVICE"
        ):
            run(
                text.replace("SERVICE ", "SERVICE " + silent),
                federation.Policy(frozenset({server.url}), max_total_bytes=budget - 1),
            )


def test_a_remote_binds_only_the_variables_of_its_group(local: Dataset, run: Callable[..., Result]) -> None:
    """A remote answering an extra variable (?n, which the query binds elsewhere) must not set it."""
    rows = [
        {
            "e": {"type": "uri", "value": "http://example.org/a"},
            "o": {"type": "literal", "value": "1"},
            "n": {"type": "literal", "value": "injected"},
        }
    ]
    peer = Peer(
        answer("200 OK", json.dumps({"head": {"vars": ["e", "o", "n"]}, "results": {"bindings": rows}}).encode())
    )
    text = (
        PREFIX + f"SELECT ?e ?o ?n WHERE {{ ?e a ex:E SERVICE <{peer.url()}> {{ ?e ex:p ?o }} "
        "OPTIONAL { ?e ex:name ?n } }"
    )
    try:
        got = [tuple(row) for row in run(text, federation.policy([peer.url()]))]  # type: ignore[arg-type]
    finally:
        peer.shutdown()
        peer.server_close()
    name = local.value(URIRef("http://example.org/a"), URIRef("http://example.org/name"))
    assert got == [(URIRef("http://example.org/a"), Literal("1"), name)] and name == Literal("Alpha")


SERVICE_FORMS = {
    "plain": "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "lower case": "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "codepoint escape": "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "after true": "SELECT * WHERE {{ ?s ?p trueSERVICE <{url}> {{ ?a ?b ?c }} }}",
    "in a projection": "SELECT (EXISTS {{ SERVICE <{url}> {{ }} }} AS ?x) WHERE {{ }}",
}


@pytest.mark.parametrize("text", SERVICE_FORMS.values(), ids=SERVICE_FORMS.keys())
def test_the_oxigraph_engine_never_calls_an_endpoint_itself(
    local_file: Path, listener: socket.socket, text: str
) -> None:
    """Every form of SERVICE goes to the evaluator that obeys the allowlist, which refuses it (or, for `trueSERVICE`,
    which only Oxigraph reads as two words, cannot parse it): embedded Oxigraph never calls out."""
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    engine = open_engine("oxigraph", [Source(local_file, "urn:local")], DEFAULT_BASE)
    with pytest.raises((federation.ServiceRefused, EngineError), match=r"^SERVICE is not allowed|^syntax error"):
        engine.rows(engine.evaluate(text.format(url=url)), 100)
    assert connections(listener) == 0


def test_the_oxigraph_engine_still_answers_names_and_iris_with_service(local_file: Path) -> None:
    engine = open_engine("oxigraph", [Source(local_file, "urn:local")], DEFAULT_BASE)
    text = (
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> SELECT ?service WHERE { "
        "?service a ?t FILTER(?t != sd:Service && ?t != <http://example.org/service>) }"
    )
    rows = engine.rows(engine.evaluate(text), 100)[1]
    assert len(rows) == len(set(Graph().parse(data=LOCAL, format="turtle").subjects(predicate=RDF.type)))
