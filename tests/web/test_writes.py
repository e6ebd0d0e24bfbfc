"""Authenticated, validated, durable writes (`govkg serve --writable --store DIR`): tokens, the shapes gate,
atomic and durable commits that survive SIGKILL, the audit graph, and reads that follow every write."""

from __future__ import annotations

import json
import random
import shutil
import signal
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib.compare import isomorphic

from conftest import LiveServer, start_server
from govkg import load
from govkg.build import build
from govkg.web import ConfigError, create_app

TOKEN = "alice-secret-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
AUDIT = "https://w3id.org/govkg/graph/audit"


@pytest.fixture
def scratch(tmp_path: Path) -> Flask:
    """A writable app over an empty store (no project data), with one token."""
    return create_app(
        {"PROJECT": False, "WRITABLE": True, "STORE": str(tmp_path / "store"), "WRITE_TOKENS": f"alice:{TOKEN}",
         "TESTING": True, "QUERY_WORKERS": 2, "RESPONSE_CACHE_BYTES": 0}
    )  # fmt: skip


def update(client: FlaskClient, text: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    response = client.post("/sparql", data=text.encode(), content_type="application/sparql-update", headers=headers)
    return response.status_code, response.get_data(as_text=True)


def rows(client: FlaskClient, query: str) -> list[str]:
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True).splitlines()[1:]


def test_writes_need_a_token(scratch: Flask) -> None:
    client = scratch.test_client()
    text = "INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 1 } }"
    status, body = update(client, text)
    assert status == 401 and body.count("\n") == 1
    assert client.post("/sparql", data=text, content_type="application/sparql-update").headers["WWW-Authenticate"]
    assert update(client, text, {"Authorization": "Bearer not-the-token-at-all"})[0] == 403
    assert update(client, text, {"Cookie": f"token={TOKEN}"})[0] == 401  # never a cookie
    assert rows(client, "SELECT * WHERE { GRAPH <urn:x:g> { ?s ?p ?o } }") == []
    status, body = update(client, text, AUTH)
    assert status == 200 and json.loads(body)["change"] == 1
    assert rows(client, "SELECT ?o WHERE { GRAPH <urn:x:g> { ?s ?p ?o } }") == ["1"]  # the workers follow


def test_each_write_leaves_an_audit_record(scratch: Flask) -> None:
    client = scratch.test_client()
    update(client, "INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 1 } }", AUTH)
    update(client, "DELETE DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 1 } }", AUTH)
    found = rows(
        client,
        f"PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?n ?who ?added ?removed WHERE {{ GRAPH <{AUDIT}> {{ "
        "?c gk:changeNumber ?n ; prov:wasAssociatedWith ?who ; gk:triplesAdded ?added ; gk:triplesRemoved ?removed ; "
        "gk:digestBefore ?before ; gk:digestAfter ?after ; prov:endedAtTime ?t } } ORDER BY ?n",
    )
    assert found == [
        "1,https://w3id.org/govkg/editor/alice,1,0",
        "2,https://w3id.org/govkg/editor/alice,0,1",
    ]


def test_the_audit_and_built_graphs_cannot_be_written(scratch: Flask) -> None:
    status, body = update(scratch.test_client(), f"INSERT DATA {{ GRAPH <{AUDIT}> {{ <urn:x:a> <urn:x:b> 1 }} }}", AUTH)
    assert status == 403 and "cannot be written" in body


def test_load_and_service_are_refused_in_updates(scratch: Flask) -> None:
    client = scratch.test_client()
    assert update(client, "LOAD <http://127.0.0.1:9/data.ttl>", AUTH)[0] == 403
    text = "INSERT { GRAPH <urn:x:g> { ?s ?p ?o } } WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert update(client, text, AUTH)[0] == 403


def test_a_bad_update_is_a_400_and_changes_nothing(scratch: Flask) -> None:
    client = scratch.test_client()
    status, body = update(client, "INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> }", AUTH)
    assert status == 400 and body.count("\n") == 1
    assert rows(client, "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }") == []


def test_a_fact_without_provenance_is_refused_with_the_report(scratch: Flask) -> None:
    client = scratch.test_client()
    fact = (
        "PREFIX gkd: <https://w3id.org/govkg/id/> INSERT DATA { GRAPH <urn:x:edits> { "
        'gkd:testland a gk:State ; rdfs:label "Testlande"@fr , "Testland"@en ; gk:iso3166Alpha2 "TL" ; '
        'gk:iso3166Alpha3 "TLD" ; gk:iso3166Numeric "999" ; gk:participatesIn gkd:s . '
        'gkd:s a gk:Session ; rdfs:label "séance"@fr , "session"@en . } }'
    )
    status, body = update(client, fact, AUTH)
    assert status == 422 and body.count("\n") == 1, body
    assert "focus https://w3id.org/govkg/id/" in body and "sh:" in body
    assert rows(client, "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }") == []  # nothing changed
    statement = (
        "PREFIX gkd: <https://w3id.org/govkg/id/> PREFIX gkc: <https://w3id.org/govkg/claim/> "
        "PREFIX prov: <http://www.w3.org/ns/prov#> INSERT DATA { GRAPH <urn:x:edits> { "
        "gkc:e1 a gk:EditorStatement ; rdf:subject gkd:testland ; rdf:predicate gk:participatesIn ; "
        "rdf:object gkd:s ; prov:wasAttributedTo gkd:editor-alice ; "
        'prov:generatedAtTime "2026-12-06T10:00:00Z"^^xsd:dateTime ; '
        'rdf:value "On the official list of participants."@en . gkd:editor-alice a gk:Editor ; rdfs:label "Alice" . } }'
    )
    status, body = update(client, fact.replace(" } }", "") + statement.split("{ GRAPH <urn:x:edits> {", 1)[1], AUTH)
    assert status == 200, body


def test_graph_store_writes(scratch: Flask) -> None:
    client = scratch.test_client()

    def send(method: str, body: str, media: str = "text/turtle", headers: dict[str, str] | None = AUTH) -> int:
        response = client.open("/rdf-graph-store?graph=urn:x:h", method=method, data=body, content_type=media,
                               headers=headers)  # fmt: skip
        return response.status_code

    assert send("PUT", "<urn:x:s> <urn:x:p> 1 .") == 201  # created
    assert send("PUT", "<urn:x:s> <urn:x:p> 2 .") == 200  # replaced
    assert send("POST", '<urn:x:s> <urn:x:q> "x" .', "application/n-triples") == 200  # merged
    assert sorted(rows(client, "SELECT ?o WHERE { GRAPH <urn:x:h> { ?s ?p ?o } }")) == ["2", "x"]
    assert send("DELETE", "") == 200
    assert send("DELETE", "") == 404
    assert send("PUT", "x", "text/plain") == 415
    assert send("PUT", "<a", "text/turtle") == 400
    assert send("PUT", "<urn:x:s> <urn:x:p> 1 .", headers=None) == 401


@pytest.mark.parametrize(
    "payload",
    [
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="urn:x:s">'
        '<p xmlns="urn:x:">&e;</p></rdf:Description></rdf:RDF>',
    ],
)
def test_uploads_fetch_and_read_nothing(scratch: Flask, payload: str) -> None:
    client = scratch.test_client()
    response = client.put(
        "/rdf-graph-store?graph=urn:x:h", data=payload, content_type="application/rdf+xml", headers=AUTH
    )
    assert response.status_code in (200, 201, 400)
    assert not any("root:" in row for row in rows(client, "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }"))


@pytest.mark.parametrize(
    "context",
    ["http://127.0.0.1:9/context.jsonld", "file:///etc/passwd", {"@import": "http://127.0.0.1:9/c.jsonld"}],
    ids=["remote", "file", "import"],
)
def test_remote_jsonld_contexts_are_refused(scratch: Flask, context: object) -> None:
    body = json.dumps({"@context": context, "@id": "urn:x:s", "urn:x:p": 1})
    response = scratch.test_client().put(
        "/rdf-graph-store?graph=urn:x:h", data=body, content_type="application/ld+json", headers=AUTH
    )
    assert response.status_code == 400 and response.get_data(as_text=True).count("\n") == 1


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "lollollollollollollollollollol">'
    + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 7))
    + ']><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="urn:x:s">'
    + '<p xmlns="urn:x:">&l6;</p></rdf:Description></rdf:RDF>'
)
BOMBS = {
    "laughs": (LAUGHS, "application/rdf+xml", "declaring entities refused: limit on input amplification"),
    "deep": ("[" * 100_000 + "]" * 100_000, "application/ld+json", "maximum recursion depth exceeded"),
}


@pytest.mark.parametrize("name", BOMBS)
def test_an_entity_bomb_or_a_deep_json_upload_is_a_400(scratch: Flask, name: str) -> None:
    body, media_type, reason = BOMBS[name]
    response = scratch.test_client().put(
        "/rdf-graph-store?graph=urn:x:h", data=body, content_type=media_type, headers=AUTH
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and reason in text and text.count("\n") == 1


def test_a_writable_server_needs_a_store_and_tokens(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="store folder"):
        create_app({"PROJECT": False, "WRITABLE": True, "WRITE_TOKENS": f"alice:{TOKEN}"})
    with pytest.raises(ConfigError, match="write tokens"):
        create_app({"PROJECT": False, "WRITABLE": True, "STORE": str(tmp_path / "s")})
    with pytest.raises(ConfigError, match="a token of 16"):
        create_app({"PROJECT": False, "WRITABLE": True, "STORE": str(tmp_path / "s"), "WRITE_TOKENS": "alice:short"})


@pytest.mark.long
def test_writes_survive_sigkill_whole_or_not_at_all(tmp_path: Path) -> None:
    """200 writes of three triples each, the server killed with SIGKILL at random moments and restarted on the same
    store: every acknowledged write is there after, and no write is there in part."""
    store, chooser = tmp_path / "store", random.Random(20261206)
    acknowledged: list[int] = []
    server = _writable(store)
    kills, next_kill = 0, chooser.randint(10, 40)
    try:
        for n in range(200):
            if n == next_kill:
                server.process.send_signal(signal.SIGKILL)  # maybe while a write is being committed
                server.stop()
                server, kills, next_kill = _writable(store), kills + 1, n + chooser.randint(10, 40)
            if _write(server, n):
                acknowledged.append(n)
        found = _written(server)
    finally:
        server.stop()
    assert kills >= 5
    assert set(acknowledged) <= set(found)
    assert all(count == 3 for count in found.values()), {n: c for n, c in found.items() if c != 3}


def _writable(store: Path) -> LiveServer:
    return start_server(
        "--no-project", "--writable", "--store", str(store), env={"GOVKG_WRITE_TOKENS": f"alice:{TOKEN}"}
    )


def _write(server: LiveServer, n: int) -> bool:
    text = f"INSERT DATA {{ GRAPH <urn:x:g> {{ <urn:x:s{n}> <urn:x:a> {n} ; <urn:x:b> {n} ; <urn:x:c> {n} }} }}"
    request = urllib.request.Request(
        server.url + "/sparql", data=text.encode(), method="POST",
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError):
        return False


def _written(server: LiveServer) -> dict[int, int]:
    query = "SELECT ?s (COUNT(*) AS ?n) WHERE { GRAPH <urn:x:g> { ?s ?p ?o } } GROUP BY ?s"
    request = urllib.request.Request(
        server.url + "/sparql?query=" + urllib.request.quote(query), headers={"Accept": "text/csv"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        lines = response.read().decode().splitlines()[1:]
    return {int(s.removeprefix("urn:x:s")): int(n) for s, n in (line.split(",") for line in lines)}


EDIT = """PREFIX gkd: <https://w3id.org/govkg/id/> PREFIX gkc: <https://w3id.org/govkg/claim/>
PREFIX prov: <http://www.w3.org/ns/prov#>
INSERT DATA { GRAPH <https://w3id.org/govkg/graph/edits> {
  gkd:canada gk:participatesIn gkd:ai-action-summit-2025 .
  gkc:edit-canada-participates a gk:EditorStatement ;
    rdf:subject gkd:canada ; rdf:predicate gk:participatesIn ; rdf:object gkd:ai-action-summit-2025 ;
    prov:wasAttributedTo gkd:editor-alice ; prov:generatedAtTime "2026-12-06T10:00:00Z"^^xsd:dateTime ;
    rdf:value "Canada's delegation is on the summit's official list of participants."@en .
  gkd:editor-alice a gk:Editor ; rdfs:label "Alice" . } }"""


@pytest.mark.long
def test_edits_round_trip_through_pull_and_build(built: Path, root: Path, tmp_path: Path, runner: Any) -> None:
    """A project store: built graphs are refused, the editors' graph is written (with an editor's statement), and
    `govkg pull` + `govkg build` give a dataset holding the same edits."""
    store = tmp_path / "store"
    app = create_app({"DATASET": str(built), "WRITABLE": True, "STORE": str(store), "WRITE_TOKENS": f"alice:{TOKEN}",
                      "ROOT": str(root), "QUERY_WORKERS": 1, "RESPONSE_CACHE_BYTES": 0})  # fmt: skip
    client = app.test_client()
    status, body = update(client, EDIT.replace("graph/edits", "graph/asserted"), AUTH)
    assert status == 403 and "graph/edits" in body
    unsourced = EDIT.replace("gkc:edit-canada-participates a gk:EditorStatement", "gkc:x a gk:Thing")
    status, body = update(client, unsourced, AUTH)
    assert status == 422, body  # the fact without its statement
    status, body = update(client, EDIT, AUTH)
    assert status == 200, body
    project = tmp_path / "project"
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(root / folder, project / folder)
    outcome = runner("--root", str(project), "pull", "--store", str(store))
    assert outcome.code == 0, outcome.stderr
    pulled = load.edits(project / "data" / load.EDITS_FILE)
    assert set(pulled) == {"edits"} and len(pulled["edits"]) == 10
    built_again = build(project)
    assert built_again.report.conforms
    assert isomorphic(built_again.graphs["edits"], pulled["edits"])


@pytest.mark.long
def test_the_inferred_graph_follows_a_write(built: Path, root: Path, tmp_path: Path) -> None:
    """OWL RL consequences of a hand-written fact land in the inferred graph with the write (the build's
    reasoner, for the resources the change touches)."""
    app = create_app({"DATASET": str(built), "WRITABLE": True, "STORE": str(tmp_path / "store"), "ROOT": str(root),
                      "WRITE_TOKENS": f"alice:{TOKEN}", "QUERY_WORKERS": 1, "RESPONSE_CACHE_BYTES": 0})  # fmt: skip
    client = app.test_client()
    ask = (
        "SELECT ?p WHERE { GRAPH <https://w3id.org/govkg/graph/inferred> { gkd:ai-action-summit-2025 ?p gkd:canada } }"
    )
    assert rows(client, ask) == []
    status, body = update(client, EDIT, AUTH)
    assert status == 200, body
    # gk:participant is gk:participatesIn's inverse, a sub-property of schema:attendee
    assert sorted(rows(client, ask)) == ["https://schema.org/attendee", "https://w3id.org/govkg/ontology#participant"]


def test_a_load_hidden_from_a_token_scan_is_refused(scratch: Flask) -> None:
    """`?a<?b&&?c='x>` reads as an IRI to a token scan, which would then miss what follows: refused anyway."""
    text = (
        "INSERT { <urn:x:s> <urn:x:p> ?c } WHERE { BIND(1 AS ?a) BIND(2 AS ?b) BIND('q' AS ?c) "
        "FILTER(?a<?b&&?c='x>y') } ; LOAD <http://127.0.0.1:9/internal> INTO GRAPH <urn:x:loaded>"
    )
    status, body = update(scratch.test_client(), text, AUTH)
    assert status == 403 and "LOAD" in body


def test_iris_that_look_like_prefixed_names_are_checked_as_themselves(scratch: Flask) -> None:
    fact = (
        'INSERT DATA { GRAPH <urn:x:edits> { <schema:testland> a gk:State ; rdfs:label "T"@fr , "T"@en ; '
        'gk:iso3166Alpha2 "TL" ; gk:iso3166Alpha3 "TLD" ; gk:iso3166Numeric "999" ; gk:participatesIn <prov:s> . '
        '<prov:s> a gk:Session ; rdfs:label "s"@fr , "s"@en . } }'
    )
    assert update(scratch.test_client(), fact, AUTH)[0] == 422


def test_blank_nodes_and_triple_terms_are_committed_as_checked(scratch: Flask) -> None:
    client = scratch.test_client()
    text = "INSERT DATA { GRAPH <urn:x:a> { <urn:x:s> <urn:x:p> _:b } GRAPH <urn:x:b> { _:b <urn:x:q> 1 } }"
    assert update(client, text, AUTH)[0] == 200
    join = "SELECT ?v WHERE { GRAPH <urn:x:a> { <urn:x:s> <urn:x:p> ?b } GRAPH <urn:x:b> { ?b <urn:x:q> ?v } }"
    assert rows(client, join) == ["1"]
    assert update(client, "INSERT DATA { GRAPH <urn:x:a> { <urn:x:s> <urn:x:r> 2 } }", AUTH)[0] == 200
    assert rows(client, join) == ["1"]  # the link between the graphs survives a later change to one of them
    quoted = "INSERT DATA { GRAPH <urn:x:t> { <urn:x:s> <urn:x:says> <<( <urn:x:a> <urn:x:b> <urn:x:c> )>> } }"
    assert update(client, quoted, AUTH)[0] == 200
    assert rows(client, "SELECT ?o WHERE { GRAPH <urn:x:t> { ?s ?p ?o } }") != []


def test_an_empty_upload_changes_nothing_and_bad_graph_names_are_400(scratch: Flask) -> None:
    client = scratch.test_client()
    assert client.put("/rdf-graph-store?default", data="<urn:x:s> <urn:x:p> 1 .", content_type="text/turtle",
                      headers=AUTH).status_code == 200  # fmt: skip
    assert client.post("/rdf-graph-store", data="@prefix ex: <urn:x:> .", content_type="text/turtle",
                       headers=AUTH).status_code == 201  # fmt: skip
    assert client.get("/rdf-graph-store?default", headers={"Accept": "application/n-triples"}).data.strip()
    for path in ("/rdf-graph-store?graph=relative", "/graph/a%20b"):
        response = client.put(path, data="<urn:x:s> <urn:x:p> 1 .", content_type="text/turtle", headers=AUTH)
        assert response.status_code == 400, path


def test_form_queries_still_work_on_a_writable_server(scratch: Flask) -> None:
    response = scratch.test_client().post("/sparql", data={"query": "ASK {}"})
    assert response.status_code == 200 and response.get_json()["boolean"] is True
