"""The W3C SPARQL 1.1 test suites (Protocol, Service Description, Graph Store Protocol) over real HTTP.

The manifests are read in place from ../shared/w3c-sparql11-tests next to the repository, or from
$GOVKG_W3C_TESTS. Every request of a test is replayed, in order, against a live `govkg serve` on
127.0.0.1, once per server variant (engine x dataset). govkg is read-only: the first write of a test
(a SPARQL Update, or a Graph Store PUT/POST/DELETE/PATCH) must get the one-line 403 refusal, and the
test is then counted as not applicable. When the suite is absent every test skips, or fails when
GOVKG_REQUIRE_W3C=1. The counts are printed at the end of the run by a small plugin this module registers
(not by a tests/w3c/conftest.py: every conftest is a module named `conftest`, and a second one would
shadow tests/conftest.py for the modules that `from conftest import ...`).
"""

from __future__ import annotations

import http.client
import io
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit
from urllib.request import url2pathname

import pytest
from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS
from rdflib.query import Result
from rdflib.term import Node

from conftest import start_server

pytestmark = pytest.mark.xdist_group("w3c")  # one worker keeps the tally (tests/parallel.py)

ROOT = Path(__file__).resolve().parents[2]
SUITE = Path(os.environ.get("GOVKG_W3C_TESTS") or ROOT.parent / "shared" / "w3c-sparql11-tests")
MISSING = f"W3C SPARQL 1.1 test suite not found at {SUITE}"
SD_SCHEMA = Path(__file__).resolve().parent / "sd-schema.ttl"
# Section ("W3C protocol (oxigraph, w3c-only)") -> counts ("query run", "query passed", ...).
TALLY: dict[str, Counter[str]] = {}
# How each kind of test is reported: (tally key, words).
KINDS = [
    ("query", "query tests passed"),
    ("update", "update tests not applicable (refused with 403)"),
    ("sd", "tests passed"),
    ("read", "read tests passed"),
    ("write", "write tests not applicable (refused with 403)"),
    ("updated", "update tests passed with a write token"),
    ("written", "write tests passed with a write token"),
    ("anonymous", "writes without a token refused with 401"),
]
TOKEN = "w3c-editor-token-0123456789"  # the writable servers' one token (name "w3c")

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
TEST_TYPES = {MF.ProtocolTest, MF.GraphStoreProtocolTest, MF.ServiceDescriptionTest}

REFUSAL = "403 Forbidden: this endpoint is read-only"
GSP_WRITES = {"PUT", "POST", "DELETE", "PATCH"}
FORM, UPDATE = "application/x-www-form-urlencoded", "application/sparql-update"
# hts:NoContent -> 204, from the reason phrases ("No Content").
STATUS_NAMES = {"".join(status.phrase.replace("-", " ").split()): status.value for status in HTTPStatus}
RESULTS = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml"}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "text/n3": "n3",
}
# mf:expectedFormat -> the media types that satisfy it -> rdflib's parser for each.
FORMATS = {
    "boolean": RESULTS,
    "RDF": RDF_TYPES,
    "tabular": {**RESULTS, "text/csv": "csv", "text/tab-separated-values": "tsv"},
}
RESULT_FORMS = {"boolean": "ASK", "tabular": "SELECT"}
# Every term the SPARQL 1.1 Service Description vocabulary defines (SD §3.2-3.4).
SD_CLASSES = (
    "Service",
    "Feature",
    "Language",
    "Function",
    "Aggregate",
    "EntailmentRegime",
    "EntailmentProfile",
    "GraphCollection",
    "Dataset",
    "Graph",
    "NamedGraph",
)
SD_INSTANCES = (
    "SPARQL10Query",
    "SPARQL11Query",
    "SPARQL11Update",
    "DereferencesURIs",
    "UnionDefaultGraph",
    "RequiresDataset",
    "EmptyGraphs",
    "BasicFederatedQuery",
)
SD_PROPERTIES = (
    "endpoint",
    "feature",
    "defaultEntailmentRegime",
    "defaultSupportedEntailmentProfile",
    "entailmentRegime",
    "supportedEntailmentProfile",
    "extensionFunction",
    "extensionAggregate",
    "languageExtension",
    "supportedLanguage",
    "propertyFeature",
    "defaultDataset",
    "availableGraphs",
    "resultFormat",
    "inputFormat",
    "defaultGraph",
    "namedGraph",
    "name",
    "graph",
)
SD_TERMS = frozenset(SD_CLASSES + SD_INSTANCES + SD_PROPERTIES)


@dataclass(frozen=True)
class Request:
    """One ht:Request of a manifest, with what its ht:resp expects."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    statuses: tuple[str, ...] = ()  # "200", or a class such as "2xx"
    boolean: bool | None = None
    fmt: str | None = None
    reply_headers: tuple[tuple[str, str], ...] = ()
    reply_body: str | None = None

    def header(self, name: str) -> str | None:
        """The value of a request header (case-insensitive name)."""
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


@dataclass(frozen=True)
class Case:
    """One test of a manifest: its local name and its requests, in order."""

    name: str
    requests: tuple[Request, ...]


@dataclass(frozen=True)
class Reply:
    """An HTTP response as received."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def media_type(self) -> str:
        """The Content-Type without parameters, lower-cased."""
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def __str__(self) -> str:
        return f"{self.status} [{self.headers.get('Content-Type')}] {self.body[:300]!r}"


@dataclass(frozen=True)
class Variant:
    """A server configuration: query engine, and whether the govkg graph is loaded next to the W3C data."""

    engine: str
    govkg: bool

    def __str__(self) -> str:
        return f"{self.engine}, {'w3c+govkg' if self.govkg else 'w3c-only'}"


@dataclass(frozen=True)
class Served:
    """A running server and its variant."""

    variant: Variant
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


VARIANTS = [Variant("oxigraph", False), Variant("oxigraph", True), Variant("rdflib", False)]


# --- Reading the manifests --------------------------------------------------------------------------


def items(g: Graph, head: Node | None) -> list[Node]:
    """The members of an rdf:List (none for a missing list)."""
    return list(Collection(g, head)) if head is not None else []


def file_of(iri: Node) -> Path:
    """The local file of a file: IRI."""
    return Path(url2pathname(urlsplit(str(iri)).path))


def manifest_tests(path: Path) -> list[tuple[Graph, Node]]:
    """A manifest's tests and its mf:include'd manifests' tests: mf:entries first, then tests defined but unlisted."""
    g = Graph().parse(path, format="turtle")
    manifest = g.value(predicate=RDF.type, object=MF.Manifest)
    listed = items(g, g.value(manifest, MF.entries))
    unlisted = sorted({s for s, o in g.subject_objects(RDF.type) if o in TEST_TYPES} - set(listed), key=str)
    found = [(g, test) for test in [*listed, *unlisted]]
    for included in items(g, g.value(manifest, MF.include)):
        found += manifest_tests(file_of(included))
    return found


def status_code(term: Node) -> str:
    """hts:StatusCode2xx -> "2xx"; hts:Created -> "201"; an unknown name never matches."""
    local = str(term).removeprefix(str(HTS))
    match = re.fullmatch(r"StatusCode(\d)xx", local)
    return f"{match.group(1)}xx" if match else str(STATUS_NAMES.get(local, f"unknown hts:{local}"))


def header_pairs(g: Graph, head: Node | None) -> tuple[tuple[str, str], ...]:
    """The (ht:fieldName, ht:fieldValue) pairs of an ht:headers list."""
    return tuple((str(g.value(h, HT.fieldName)), str(g.value(h, HT.fieldValue))) for h in items(g, head))


def chars(g: Graph, body: Node | None) -> str | None:
    """The cnt:chars of an ht:body."""
    return None if body is None else str(g.value(body, CNT.chars))


def request_of(g: Graph, node: Node) -> Request:
    """An ht:Request, its body encoded in its cnt:characterEncoding."""
    resp, body = g.value(node, HT.resp), g.value(node, HT.body)
    text, encoding = chars(g, body), str(g.value(body, CNT.characterEncoding) or "UTF-8") if body else "UTF-8"
    boolean, fmt = g.value(resp, MF.expectedBoolean), g.value(resp, MF.expectedFormat)
    return Request(
        str(g.value(node, HT.methodName)),
        str(g.value(node, HT.absolutePath)),
        header_pairs(g, g.value(node, HT.headers)),
        None if text is None else text.encode(encoding),
        tuple(sorted(status_code(s) for s in g.objects(resp, MF.expectedStatus))),
        None if boolean is None else bool(boolean.toPython()),
        None if fmt is None else str(fmt),
        header_pairs(g, g.value(resp, HT.headers)),
        chars(g, g.value(resp, HT.body)),
    )


def cases(manifest: str) -> list[Case]:
    """The tests of a manifest under the suite folder (none when the suite is absent)."""
    if not SUITE.is_dir():
        return []
    return [
        Case(
            str(test).rpartition("#")[2],
            tuple(request_of(g, r) for r in items(g, g.value(g.value(test, MF.action), HT.requests))),
        )
        for g, test in manifest_tests(SUITE / manifest)
    ]


def graph_args() -> list[str]:
    """`--graph IRI=FILE` for every distinct ut:graphData of the protocol manifest."""
    g = Graph().parse(SUITE / "protocol" / "manifest.ttl", format="turtle")
    pairs = sorted(
        {(str(g.value(d, RDFS.label)), file_of(g.value(d, UT.graph))) for d in g.objects(None, UT.graphData)}
    )
    return [arg for iri, file in pairs for arg in ("--graph", f"{iri}={file}")]


# --- Classifying ----------------------------------------------------------------------------------


def is_update(request: Request) -> bool:
    """Is this a SPARQL Update by the protocol (§2.2): a direct POST, a form with update=, or ?update=?"""
    media = (request.header("content-type") or "").split(";")[0].strip().lower()
    form = request.body.decode("utf-8", "replace") if media == FORM and request.body else ""
    return media == UPDATE or "update" in parse_qs(form) or "update" in parse_qs(urlsplit(request.path).query)


def is_write(request: Request) -> bool:
    """A request govkg refuses as a write: a SPARQL Update or a Graph Store PUT/POST/DELETE/PATCH."""
    return is_update(request) or (request.path.startswith("/gsp") and request.method in GSP_WRITES)


def protocol_kind(case: Case) -> str:
    """ "update" (an update-side test: named update_/bad_update_, or its first request is an update) or
    "query"."""
    if is_update(case.requests[0]) or case.name.startswith(("update_", "bad_update_")):
        return "update"
    return "query"


PROTOCOL = cases("protocol/manifest.ttl")
GSP = cases("graph-store-protocol/manifest.ttl")
SD_ENTRIES = [case.name for case in cases("service-description/manifest.ttl")]


def params(found: list[Any], ids: Callable[[Any], str] = lambda case: case.name) -> list[Any]:
    """pytest parameters, or one sentinel (which skips or fails) when the suite is absent."""
    return [pytest.param(x, id=ids(x)) for x in found] or [pytest.param(None, id="suite-missing")]


def require_suite() -> None:
    """Skip when the W3C suite is absent; fail instead when GOVKG_REQUIRE_W3C=1 (CI)."""
    if SUITE.is_dir():
        return
    if os.environ.get("GOVKG_REQUIRE_W3C") == "1":
        pytest.fail(MISSING)
    pytest.skip(MISSING)


# --- HTTP -----------------------------------------------------------------------------------------


def local_path(path: str) -> str:
    """The manifest's path on govkg: /sparql/ -> /sparql, /gsp/x -> /graph/x, /gsp?q -> /rdf-graph-store?q."""
    if path.startswith("/sparql/"):
        return "/sparql" + path.removeprefix("/sparql/")
    if path.startswith("/gsp/"):
        return "/graph/" + path.removeprefix("/gsp/")
    if path == "/gsp" or path.startswith("/gsp?"):
        return "/rdf-graph-store" + path.removeprefix("/gsp")
    raise ValueError(f"a path outside the protocols: {path}")


def send(port: int, request: Request, extra: tuple[tuple[str, str], ...] = ()) -> Reply:
    """Send exactly the request's headers (plus Host, `extra`, and Content-Length with a body) and read the reply."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest(request.method, local_path(request.path), skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", f"127.0.0.1:{port}")
        for name, value in (*request.headers, *extra):
            conn.putheader(name, value)
        if request.body is not None:
            conn.putheader("Content-Length", str(len(request.body)))
        conn.endheaders(request.body)
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()


def parse_rdf(body: bytes | str, media_type: str, base: str) -> Graph:
    """RDF in one of the RDF media types."""
    return Graph().parse(data=body, format=RDF_TYPES[media_type], publicID=base)


def check_format(request: Request, reply: Reply) -> None:
    """The reply is in a media type of mf:expectedFormat, parses as such, and gives mf:expectedBoolean."""
    fmt = request.fmt or "boolean"
    assert reply.media_type in FORMATS[fmt], f"expected a {fmt} media type {sorted(FORMATS[fmt])}, got {reply}"
    if fmt == "RDF":
        parse_rdf(reply.body, reply.media_type, "http://127.0.0.1/")
        return
    result = Result.parse(io.BytesIO(reply.body), format=FORMATS[fmt][reply.media_type])
    assert result.type == RESULT_FORMS[fmt], f"expected a {RESULT_FORMS[fmt]} result, got {reply}"
    if request.boolean is not None:
        assert result.askAnswer is request.boolean, f"expected {request.boolean}, got {reply}"


def params_of(value: str) -> tuple[str, dict[str, str]]:
    """A header value's main part and parameters, lower-cased (for Content-Type comparisons)."""
    main, *rest = [part.strip().lower() for part in value.split(";")]
    return main, dict(p.partition("=")[::2] for p in rest)


def check(request: Request, reply: Reply, base: str) -> None:
    """The reply meets the ht:resp: status (or status class), format, headers and RDF body."""
    where = f"{request.method} {request.path}"
    assert any(s in (str(reply.status), f"{reply.status // 100}xx") for s in request.statuses), (
        f"{where}: expected {request.statuses}, got {reply}"
    )
    if request.fmt or request.boolean is not None:
        check_format(request, reply)
    for name, value in request.reply_headers:
        assert params_of(reply.headers.get(name) or "") == params_of(value), f"{where}: expected {name}: {value}"
    if request.reply_body is not None:
        expected = parse_rdf(request.reply_body, params_of(dict(request.reply_headers)["content-type"])[0], base)
        assert isomorphic(parse_rdf(reply.body, reply.media_type, base), expected), f"{where}: got {reply}"


def assert_refused(request: Request, reply: Reply) -> None:
    """The write got govkg's read-only refusal: 403 and one line of text/plain starting with REFUSAL."""
    text = reply.body.decode("utf-8", "replace")
    assert (
        reply.status == 403
        and reply.media_type == "text/plain"
        and text.startswith(REFUSAL)
        and "\n" not in text.strip()
    ), f"{request.method} {request.path} is a write: expected the refusal, got {reply}"


def replay(server: Served, case: Case) -> bool:
    """Send the case's requests in order, checking each reply; stop at the first write, which must be
    refused. Returns whether the case stopped at a (refused) write."""
    for n, request in enumerate(case.requests):
        reply = send(server.port, request)
        if is_write(request) or (n == 0 and protocol_kind(case) == "update" and "/sparql" in request.path):
            assert_refused(request, reply)
            return True
        check(request, reply, server.url + local_path(request.path))
    return False


def reset(server: Served) -> None:
    """Empty the writable store (DROP ALL, with the token; the audit graph stays)."""
    request = Request("POST", "/sparql/", (("Content-Type", UPDATE),), b"DROP ALL")
    reply = send(server.port, request, (("Authorization", f"Bearer {TOKEN}"),))
    assert reply.status == 200, f"DROP ALL: {reply}"


def replay_with_token(server: Served, case: Case) -> int:
    """Send the case's requests in order with the write token, checking every reply (writes included); a
    Location header a request expects fills $LOCATION$ in the requests after it (the manifest's template).
    Returns how many replies were checked."""
    location, checked = "", 0
    for request in case.requests:
        if location:
            request = replace(request, path=request.path.replace("$LOCATION$", quote(location, safe="")))
        reply = send(server.port, request, (("Authorization", f"Bearer {TOKEN}"),))
        check(request, reply, server.url + local_path(request.path))
        location, checked = reply.headers.get("Location") or location, checked + 1
    return checked


# --- Fixtures and tally ---------------------------------------------------------------------------


class Summary:
    """A plugin printing TALLY after the run."""

    name = "govkg-w3c-summary"

    @staticmethod
    def lines() -> list[str]:
        """One line per section: "<section>: query tests passed 20/20; ..."."""
        return [
            f"{section}: "
            + "; ".join(
                f"{words} {counts[kind + ' passed']}/{counts[kind + ' run']}"
                for kind, words in KINDS
                if counts[kind + " run"]
            )
            for section, counts in TALLY.items()
        ]

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """Print the tally (only when W3C tests ran)."""
        if TALLY:
            terminalreporter.section("W3C SPARQL 1.1 test suites")
            for line in self.lines():
                terminalreporter.write_line(line)


@pytest.fixture(scope="module", autouse=True)
def summary(pytestconfig: pytest.Config) -> None:
    """Register the Summary plugin once."""
    if not pytestconfig.pluginmanager.has_plugin(Summary.name):
        pytestconfig.pluginmanager.register(Summary(), Summary.name)


@pytest.fixture(scope="module", params=VARIANTS, ids=lambda v: str(v).replace(", ", "-"))
def server(request: pytest.FixtureRequest) -> Iterator[Served | None]:
    """A live server over the manifests' graph data (and the govkg graph for one variant); None without the suite."""
    if not SUITE.is_dir():
        yield None
        return
    variant: Variant = request.param
    dataset = ["--dataset", str(request.getfixturevalue("built"))] if variant.govkg else ["--no-project"]
    live = start_server("--engine", variant.engine, *dataset, *graph_args())
    yield Served(variant, live.port)
    live.stop()


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served | None]:
    """A writable server over a scratch store seeded with the manifests' graph data, one write token."""
    if not SUITE.is_dir():
        yield None
        return
    store = tmp_path_factory.mktemp("w3c-store") / "store"
    args = ("--no-project", "--writable", "--store", str(store), *graph_args())
    live = start_server(*args, env={"GOVKG_WRITE_TOKENS": f"w3c:{TOKEN}"})
    yield Served(Variant("oxigraph", False), live.port)
    live.stop()


def counts(section: str, server: Served, kind: str) -> Counter[str]:
    """The section's counter for this server, with one more `kind` run."""
    counter = TALLY.setdefault(f"{section} ({server.variant})", Counter())
    counter[f"{kind} run"] += 1
    return counter


# --- Protocol -------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", params([c for c in PROTOCOL if protocol_kind(c) == "query"]))
def test_protocol_query(server: Served, case: Case) -> None:
    """A query test of the SPARQL 1.1 Protocol passes: every request gets the manifest's expected answer."""
    require_suite()
    counter = counts("W3C protocol", server, "query")
    assert not replay(server, case), f"{case.name} sends a write"
    counter["query passed"] += 1


@pytest.mark.parametrize("case", params([c for c in PROTOCOL if protocol_kind(c) == "update"]))
def test_update_is_refused(server: Served, case: Case) -> None:
    """An update test is not applicable to a read-only endpoint: its first update gets the 403 refusal."""
    require_suite()
    counter = counts("W3C protocol", server, "update")
    assert replay(server, case), f"{case.name} never sent its update"
    counter["update passed"] += 1


@pytest.mark.parametrize("case", params([c for c in PROTOCOL if protocol_kind(c) == "update"]))
def test_protocol_update_with_a_token(writable: Served, case: Case) -> None:
    """An update test of the SPARQL 1.1 Protocol passes against a writable store when the token is sent."""
    require_suite()
    counter = TALLY.setdefault("W3C protocol (oxigraph, writable store)", Counter())
    counter["updated run"] += 1
    assert replay_with_token(writable, case) == len(case.requests)
    counter["updated passed"] += 1


# --- Graph Store Protocol -------------------------------------------------------------------------


@pytest.mark.parametrize("case", params([c for c in GSP if not any(map(is_write, c.requests))]))
def test_gsp_read(server: Served, case: Case) -> None:
    """A Graph Store Protocol test that only reads (GET/HEAD) passes."""
    require_suite()
    counter = counts("W3C GSP", server, "read")
    assert not replay(server, case)
    counter["read passed"] += 1


@pytest.mark.parametrize("case", params([c for c in GSP if any(map(is_write, c.requests))]))
def test_gsp_write_is_refused(server: Served, case: Case) -> None:
    """A Graph Store Protocol test that writes: reads before its first write pass, and that write is refused."""
    require_suite()
    counter = counts("W3C GSP", server, "write")
    assert replay(server, case), f"{case.name} never sent its write"
    counter["write passed"] += 1


@pytest.mark.parametrize("case", params(GSP))
def test_gsp_with_a_token(writable: Served, case: Case) -> None:
    """Every Graph Store Protocol test, writes included, passes against a writable store with the token, each on an
    emptied store."""
    require_suite()
    counter = TALLY.setdefault("W3C GSP (oxigraph, writable store)", Counter())
    counter["written run"] += 1
    reset(writable)  # each test expects an empty graph store (it PUTs, then POSTs, the same triples)
    assert replay_with_token(writable, case) == len(case.requests)
    counter["written passed"] += 1


@pytest.mark.parametrize("case", params([c for c in [*PROTOCOL, *GSP] if any(map(is_write, c.requests))]))
def test_writes_without_a_token_are_refused(writable: Served, case: Case) -> None:
    """The first write of every writing test, sent without the token to the writable store: 401."""
    require_suite()
    counter = TALLY.setdefault("W3C writes without a token (oxigraph, writable store)", Counter())
    counter["anonymous run"] += 1
    request = next(r for r in case.requests if is_write(r))
    if "$LOCATION$" in request.path:
        request = replace(request, path=request.path.replace("$LOCATION$", "urn%3Ax%3Anone"))
    reply = send(writable.port, request)
    assert reply.status == 401 and "WWW-Authenticate" in reply.headers, f"{case.name}: got {reply}"
    counter["anonymous passed"] += 1


# --- Service Description --------------------------------------------------------------------------


def description(server: Served, accept: str | None) -> Graph:
    """GET /sparql (no query): 200 with an RDF media type that parses; the graph."""
    reply = send(server.port, Request("GET", "/sparql/", (("Accept", accept),) if accept else ()))
    assert reply.status == 200 and reply.media_type in RDF_TYPES, f"Accept {accept}: expected RDF, got {reply}"
    return parse_rdf(reply.body, reply.media_type, server.url + "/sparql")


def returns_rdf(graph: Graph, server: Served) -> None:
    """returns-rdf: the description is RDF (checked by `description`) and not empty."""
    assert len(graph) > 0


def has_endpoint_triple(graph: Graph, server: Served) -> None:
    """has-endpoint-triple: some ?s sd:endpoint <the URL requested>."""
    endpoints = set(graph.objects(None, SD.endpoint))
    assert URIRef(server.url + "/sparql") in endpoints, f"sd:endpoint values: {sorted(endpoints)}"


def conforms_to_schema(graph: Graph, server: Served) -> None:
    """conforms-to-schema: the SD vocabulary's shapes hold, and every sd: term used is defined by it."""
    shapes = Graph().parse(SD_SCHEMA, format="turtle")
    conforms, _, text = validate(graph, shacl_graph=shapes, ont_graph=shapes, inference="none")
    assert conforms, text
    # Terms are IRIs: a namespace written as a literal (the examples' `sh:declare`) uses no sd: term.
    used = {
        str(t).removeprefix(str(SD))
        for triple in graph
        for t in triple
        if isinstance(t, URIRef) and str(t).startswith(str(SD))
    }
    assert used <= SD_TERMS, f"undefined sd: terms: {sorted(used - SD_TERMS)}"


SD_CHECKS: dict[str, Callable[[Graph, Served], None]] = {
    "returns-rdf": returns_rdf,
    "has-endpoint-triple": has_endpoint_triple,
    "conforms-to-schema": conforms_to_schema,
}


@pytest.mark.parametrize("entry", params(SD_ENTRIES, ids=str))
def test_service_description(server: Served, entry: str) -> None:
    """A Service Description test of the manifest, with Accept: text/turtle and with no Accept header."""
    require_suite()
    counter = counts("W3C Service Description", server, "sd")
    assert entry in SD_CHECKS, f"no implementation of the Service Description test {entry!r}"
    for accept in ("text/turtle", None):
        SD_CHECKS[entry](description(server, accept), server)
    counter["sd passed"] += 1
