"""`govkg serve --data FILE...` (and the DATA setting): any RDF file served as a plain SPARQL endpoint, its triples in
the default graph that queries see with the named graphs, as `oxigraph serve --union-default-graph` serves it."""

from __future__ import annotations

import gzip
import json
import os
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask, url_for

from conftest import LiveServer, Outcome, start_server
from govkg.engine import FILE_ENGINES
from govkg.namespaces import graph_iri
from govkg.web import ConfigError, create_app
from govkg.web.site import NAV

EX = "http://example.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
PEOPLE = f"""@prefix foaf: <{FOAF}> . @prefix ex: <{EX}> .
ex:alice a foaf:Person ; foaf:name "Alice"@en , "Alicia"@fr ; foaf:knows ex:bob , [ foaf:name "Anon" ] .
ex:bob a foaf:Person ; foaf:name "Bob" ; foaf:age 42 .
"""
# One file per format (name → suffix), each also stating its own name, so every format is seen to arrive.
TRIPLES = {"nt": ".nt", "turtle": ".ttl", "rdfxml": ".rdf", "jsonld": ".jsonld", "nt-gz": ".nt.gz", "ttl-gz": ".ttl.gz"}
QUADS = {"nquads": ".nq", "trig": ".trig", "nq-gz": ".nq.gz"}
WRITERS = {".nt": "N_TRIPLES", ".ttl": "TURTLE", ".rdf": "RDF_XML", ".jsonld": "JSON_LD", ".nq": "N_QUADS"}
WRITERS[".trig"] = "TRIG"
# Queries whose answers hold no blank node (their labels differ between loaders) and no duplicate (rdflib's union
# default graph is a set; Oxigraph's may repeat a triple stated in several graphs).
QUERIES = [
    "SELECT DISTINCT ?s ?name WHERE { ?s <http://xmlns.com/foaf/0.1/name> ?name FILTER(isIRI(?s)) }",
    "SELECT DISTINCT ?f WHERE { ?s <http://example.org/format> ?f }",
    "SELECT DISTINCT ?g ?f WHERE { GRAPH ?g { ?s <http://example.org/format> ?f } }",
    "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a <http://xmlns.com/foaf/0.1/Person> }",
    "SELECT DISTINCT ?o WHERE { <http://example.org/alice> <http://xmlns.com/foaf/0.1/knows> ?o FILTER(isIRI(?o)) }",
    "ASK { <http://example.org/bob> <http://xmlns.com/foaf/0.1/age> 42 }",
]


def _triples(name: str) -> list[ox.Quad]:
    """The people, and a triple naming the format of the file that states it."""
    people = list(ox.parse(PEOPLE, format=ox.RdfFormat.TURTLE))
    return [*people, ox.Quad(ox.NamedNode(EX + name), ox.NamedNode(EX + "format"), ox.Literal(name))]


def _quads(name: str) -> list[ox.Quad]:
    """The file's triples in a named graph and in the default graph."""
    graph = ox.NamedNode(f"{EX}graph/{name}")
    return [*_triples(name), *(ox.Quad(q.subject, q.predicate, q.object, graph) for q in _triples(name))]


def _write(folder: Path, name: str, suffix: str, quads: list[ox.Quad]) -> Path:
    """A file in the format its suffix names, gzipped when it ends in .gz."""
    plain = suffix.removesuffix(".gz")
    data = ox.serialize(quads, format=getattr(ox.RdfFormat, WRITERS[plain]))
    assert data is not None
    path = folder / f"{name}{suffix}"
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The same people in every format govkg reads, gzipped ones included."""
    folder = tmp_path_factory.mktemp("data")
    made = [_write(folder, name, suffix, _triples(name)) for name, suffix in TRIPLES.items()]
    return made + [_write(folder, name, suffix, _quads(name)) for name, suffix in QUADS.items()]


def _oxigraph(files: list[Path]) -> ox.Store:
    """The files loaded as `oxigraph load` loads them: a triples file into the default graph."""
    store = ox.Store()
    for path in files:
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        plain = path.name.removesuffix(".gz").rsplit(".", 1)[1]
        store.load(data, format=ox.RdfFormat.from_extension(plain))
    return store


def _expected(store: ox.Store, query: str) -> object:
    """Oxigraph's own answer over its union default graph, as a sorted table of N-Triples strings."""
    result = store.query(query, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return sorted(tuple(str(row[n]) for n in names) for row in result)


def _answer(app: Flask, query: str) -> object:
    """govkg's answer, as a sorted table of N-Triples strings (from SPARQL Results JSON)."""
    body = app.test_client().get("/sparql", query_string={"query": query, "format": "json"}).get_json()
    if "boolean" in body:
        return body["boolean"]
    return sorted(tuple(_nt(row[n]) for n in body["head"]["vars"]) for row in body["results"]["bindings"])


def _nt(term: dict[str, str]) -> str:
    """A SPARQL Results JSON term in N-Triples."""
    if term["type"] == "uri":
        return f"<{term['value']}>"
    if "xml:lang" in term:
        return str(ox.Literal(term["value"], language=term["xml:lang"]))
    return str(ox.Literal(term["value"], datatype=ox.NamedNode(term["datatype"]) if "datatype" in term else None))


@pytest.fixture(scope="module", params=FILE_ENGINES)
def served(request: pytest.FixtureRequest, files: list[Path]) -> Flask:
    """The app over every file (queries on threads: nothing here needs a killable deadline)."""
    return create_app({"DATA": [str(f) for f in files], "ENGINE": request.param, "QUERY_WORKERS": 0})


@pytest.mark.parametrize("query", QUERIES)
def test_answers_equal_oxigraphs_own_over_its_union_default_graph(served: Flask, files: list[Path], query: str) -> None:
    assert _answer(served, query) == _expected(_oxigraph(files), query)


def test_every_format_arrives(served: Flask) -> None:
    found = _answer(served, QUERIES[1])
    assert found == sorted((str(ox.Literal(name)),) for name in [*TRIPLES, *QUADS])


def test_triples_are_in_no_named_graph_and_quads_keep_theirs(served: Flask) -> None:
    assert list(served.extensions["govkg"].graphs) == sorted(f"{EX}graph/{name}" for name in QUADS)


def test_infer_false_is_the_whole_dataset_when_nothing_is_inferred(served: Flask) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    every, told = (served.test_client().get("/sparql", query_string={"query": query, "infer": i}) for i in "tf")
    assert every.get_data() == told.get_data()


def test_every_page_of_the_menu_answers_on_foreign_data(served: Flask) -> None:
    with served.test_request_context():
        paths = [url_for(endpoint, **values) for endpoint, values, _ in NAV]
    client = served.test_client()
    assert {path: client.get(path).status_code for path in paths} == dict.fromkeys(paths, 200)
    assert client.get("/search", query_string={"q": "Alice"}).status_code == 200


def test_void_counts_the_default_graph(served: Flask) -> None:
    void = served.test_client().get("/.well-known/void", headers={"Accept": "application/n-triples"}).get_data()
    statement = (ox.NamedNode("https://w3id.org/govkg/dataset"), ox.NamedNode("http://rdfs.org/ns/void#triples"))
    stated = [
        int(q.object.value)
        for q in ox.parse(void, format=ox.RdfFormat.N_TRIPLES)
        if (q.subject, q.predicate) == statement
    ]
    distinct = _answer(served, "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert isinstance(distinct, list) and stated == [len(distinct)]


@pytest.fixture(scope="module")
def data_server(files: list[Path]) -> Iterator[LiveServer]:
    """A live `govkg serve --data` over every file, one worker process."""
    server = start_server("--workers", "1", "--data", *map(str, files))
    yield server
    server.stop()


def test_a_live_server_answers_over_http_like_oxigraph(data_server: LiveServer, files: list[Path]) -> None:
    query = QUERIES[0]
    url = f"{data_server.url}/sparql?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    rows = sorted(tuple(_nt(row[n]) for n in body["head"]["vars"]) for row in body["results"]["bindings"])
    assert rows == _expected(_oxigraph(files), query)


def test_the_generation_follows_the_file(tmp_path: Path) -> None:
    path = tmp_path / "people.ttl"
    path.write_text(PEOPLE, encoding="utf-8")
    before = create_app({"DATA": [str(path)], "QUERY_WORKERS": 0}).extensions["govkg"].generation
    path.write_text(PEOPLE + f"<{EX}carol> a <{FOAF}Person> .\n", encoding="utf-8")
    assert create_app({"DATA": [str(path)], "QUERY_WORKERS": 0}).extensions["govkg"].generation != before


def test_govkg_data_names_the_files(tmp_path: Path, files: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVKG_DATA", f"{files[0]} {files[-1]}")
    app = create_app({"QUERY_WORKERS": 0})
    assert _answer(app, QUERIES[1]) == sorted((str(ox.Literal(n)),) for n in ("nt", "nq-gz"))


def test_data_needs_no_project(tmp_path: Path, files: list[Path], runner: Callable[..., Outcome]) -> None:
    outcome = runner("--root", str(tmp_path), "serve", "--data", str(files[0]), "--get", "/health")
    assert outcome.code == 0 and "building" not in outcome.stderr
    assert not (tmp_path / "build").exists()


# Six levels of ten nested entities: 30 MB of one literal from 400 bytes (Oxigraph expands any depth: nine, 30 GB).
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY l0 "lollollollollollollollollollol"> '
    + " ".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 7))
    + ' ]><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
    + '<rdf:Description rdf:about="http://example.org/s"><ex:p>&l6;</ex:p></rdf:Description></rdf:RDF>'
).encode()
BAD = {
    "missing.nt": (None, "no such file"),
    "laughs.rdf": (LAUGHS, "RDF/XML declaring entities refused: limit on input amplification factor"),
    "laughs.rdf.gz": (gzip.compress(LAUGHS), "RDF/XML declaring entities refused: limit on input amplification"),
    "deep.jsonld": (b"[" * 100_000 + b"]" * 100_000, "maximum recursion depth exceeded"),
    "people.owl": (PEOPLE.encode(), "unknown RDF file suffix '.owl'"),
    "people": (PEOPLE.encode(), "unknown RDF file suffix '(none)'"),
    "plain.ttl.gz": (PEOPLE.encode(), "not a gzip file (its name ends in .gz)"),
    "cut.ttl.gz": (gzip.compress(PEOPLE.encode())[:60], "Compressed file ended before the end-of-stream marker"),
    "broken.nt": (b"<http://a> <http://b> .\n", "Parser error at line 1"),
    "broken.ttl.gz": (gzip.compress(b"<http://a> <http://b> ."), "Parser error at line 1"),
}


@pytest.mark.parametrize("name", BAD)
def test_a_file_that_cannot_be_served_is_one_line_and_exit_2(
    tmp_path: Path, name: str, runner: Callable[..., Outcome]
) -> None:
    data, reason = BAD[name]
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    outcome = runner("--root", str(tmp_path), "serve", "--data", str(path), "--get", "/health")
    assert outcome.code == 2
    assert outcome.stderr.startswith(f"govkg: error: {path}: {reason}") and outcome.stderr.count("\n") == 1
    with pytest.raises(ConfigError, match="^" + str(path)):
        create_app({"DATA": [str(path)], "QUERY_WORKERS": 0})


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_fifo_or_a_folder_is_refused_at_once(tmp_path: Path, kind: str, runner: Callable[..., Outcome]) -> None:
    path = tmp_path / f"people.{kind}.ttl"
    if kind == "fifo":
        os.mkfifo(path)  # opened for reading, it would wait for a writer forever
    else:
        path.mkdir()
    outcome = runner("--root", str(tmp_path), "serve", "--data", str(path), "--get", "/health")
    assert (outcome.code, outcome.stderr) == (2, f"govkg: error: {path}: not a regular file\n")


def test_a_file_changed_while_served_is_not_exported_as_the_served_data(tmp_path: Path) -> None:
    path = tmp_path / "people.ttl"
    path.write_text(PEOPLE, encoding="utf-8")
    app = create_app({"DATA": [str(path)], "QUERY_WORKERS": 0})
    client = app.test_client()
    assert client.get("/download/govkg.nt").status_code == 200
    path.write_text(PEOPLE + f"<{EX}carol> a <{FOAF}Person> .\n", encoding="utf-8")
    assert _answer(app, QUERIES[3]) == [('"2"^^<http://www.w3.org/2001/XMLSchema#integer>',)]  # still what was loaded
    changed = client.get("/download/govkg.ttl")  # another format: not made yet for this generation
    assert changed.status_code == 500 and changed.mimetype == "text/plain"
    assert changed.get_data(as_text=True) == (
        f"500 Internal Server Error: {path} changed after the server loaded them; restart the server to serve them\n"
    )


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_infer_false_leaves_out_only_the_inferred_graph(tmp_path: Path, engine: str) -> None:
    """Triples in the default graph stay in the dataset of `infer=false`, beside every named graph but `inferred`."""
    inferred = graph_iri("inferred", "https://w3id.org/govkg/")
    data = tmp_path / "mixed.nq"
    data.write_text(
        f"<urn:a> <urn:p> <urn:b> .\n<urn:c> <urn:p> <urn:d> <urn:g> .\n<urn:e> <urn:p> <urn:f> <{inferred}> .\n",
        encoding="utf-8",
    )
    app = create_app({"DATA": [str(data)], "ENGINE": engine, "QUERY_WORKERS": 0})
    query = "SELECT ?s WHERE { ?s <urn:p> ?o } ORDER BY ?s"
    client = app.test_client()
    every, told = (
        client.get("/sparql", query_string={"query": query, "infer": i, "format": "csv"}).get_data(as_text=True)
        for i in ("true", "false")
    )
    assert every.split() == ["s", "urn:a", "urn:c", "urn:e"] and told.split() == ["s", "urn:a", "urn:c"]
