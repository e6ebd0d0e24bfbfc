"""JSON-LD is read with govkg's bundled context only: no @context or @import is ever fetched."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from govkg import jsonld
from govkg.engine import FILE_ENGINES, EngineError, Source, open_engine
from govkg.load import LoadError, parse_file
from govkg.namespaces import DEFAULT_BASE

DOC = {"@id": "https://w3id.org/govkg/id/japan", "rdfs:label": {"@value": "Japon", "@language": "fr"}}
EXPECTED = Graph().parse(
    data='<https://w3id.org/govkg/id/japan> <http://www.w3.org/2000/01/rdf-schema#label> "Japon"@fr .', format="nt"
)


class Recorder(http.server.BaseHTTPRequestHandler):
    """A loopback server that serves a context and records every request it gets."""

    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Recorder.hits.append(self.path)
        body = json.dumps({"@context": {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def remote() -> Iterator[str]:
    """The URL of a context on a loopback server whose requests are recorded."""
    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Recorder.hits = []
    yield f"http://127.0.0.1:{server.server_port}/context.jsonld"
    server.shutdown()
    server.server_close()


def write(tmp_path: Path, context: object) -> Path:
    path = tmp_path / "doc.jsonld"
    path.write_text(json.dumps({"@context": context, **DOC}), encoding="utf-8")
    return path


@pytest.mark.parametrize("base", [DEFAULT_BASE, "http://127.0.0.1:8000/"])
def test_govkg_context_is_inlined_not_fetched(tmp_path: Path, base: str) -> None:
    data = json.dumps({"@context": [jsonld.context_url(base)], **DOC})
    bundled = json.loads(jsonld.bundle(data, base))
    assert bundled["@context"] == [jsonld.context(base)]
    assert isomorphic(parse_file(write(tmp_path, jsonld.context_url(DEFAULT_BASE))), EXPECTED)


@pytest.mark.parametrize(
    "context",
    [
        "REMOTE",
        ["REMOTE"],
        {"@import": "REMOTE"},
        {"label": {"@id": "rdfs:label", "@context": "REMOTE"}},
        "file:///etc/passwd",
        "context.jsonld",
        {"@context": "REMOTE"},
        [{"rdfs": "x:"}, "REMOTE"],
    ],
)
def test_any_other_context_is_refused_before_any_request(tmp_path: Path, remote: str, context: object) -> None:
    context = json.loads(json.dumps(context).replace("REMOTE", remote))
    with pytest.raises(LoadError, match="refused") as caught:
        parse_file(write(tmp_path, context))
    assert "\n" not in str(caught.value)
    assert Recorder.hits == []


@pytest.mark.parametrize("where", ["top", "graph"])
def test_a_node_typed_as_json_cannot_smuggle_a_context(tmp_path: Path, remote: str, where: str) -> None:
    node = {"@context": remote, "@type": "@json", **DOC}
    document = node if where == "top" else {"@graph": [node]}
    path = tmp_path / "smuggle.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(LoadError, match="refused"):
        parse_file(path)
    assert Recorder.hits == []


def test_rdflib_alone_would_have_fetched_it(remote: str) -> None:
    """The hazard the guard exists for: rdflib's own parser dereferences the context."""
    Graph().parse(data=json.dumps({"@context": remote, **DOC}), format="json-ld")
    assert Recorder.hits == ["/context.jsonld"]


@pytest.mark.parametrize("engine", sorted(FILE_ENGINES))
def test_engines_load_jsonld_graphs_without_fetching(tmp_path: Path, remote: str, engine: str) -> None:
    good = open_engine(engine, [Source(write(tmp_path, jsonld.context_url()), "http://example.org/g")], DEFAULT_BASE)
    assert good.graphs() == {"http://example.org/g": 1}
    bad = tmp_path / "bad.jsonld"
    bad.write_text(json.dumps({"@context": remote, **DOC}))
    with pytest.raises(EngineError, match="refused"):
        open_engine(engine, [Source(bad, "http://example.org/g")], DEFAULT_BASE)
    assert Recorder.hits == []


def test_json_literals_and_plain_contexts_are_left_alone() -> None:
    document = {
        "@context": {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
        "@id": "http://example.org/x",
        "http://example.org/p": {"@value": {"@context": "http://elsewhere.example/"}, "@type": "@json"},
    }
    assert json.loads(jsonld.bundle(json.dumps(document))) == document


@pytest.mark.parametrize("data", [b"{not json", b"\xff\xfe", b'{"@context": {"@import": 3}}'])
def test_malformed_input_is_a_one_line_error(data: bytes) -> None:
    with pytest.raises(jsonld.JsonLdError) as caught:
        jsonld.bundle(data)
    assert "\n" not in str(caught.value)
