"""rdflib's SPARQLStore and SPARQLUpdateStore against a live `govkg serve` on 127.0.0.1: queries and the graph API
read through the endpoint, writes are refused; each operation is a cell of the client matrix (client_kit.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from client_kit import READ_ONLY, Expected, cell, own_triples, sorted_rows
from client_kit import expected_answers as expected_answers  # the fixture `expected`
from client_kit import matrix as matrix  # autouse fixture: the matrix is printed
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from rdflib.plugins.stores import sparqlconnector
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore

from conftest import LiveServer
from govkg.namespaces import GK

pytestmark = pytest.mark.xdist_group("clients")  # one worker fills the client matrix (tests/parallel.py)


@dataclass
class Watch:
    """The statuses rdflib's SPARQL connector receives, noted in the list of the current matrix cell."""

    seen: list[int] = field(default_factory=list)

    def fresh(self) -> list[int]:
        """A new list for the next cell."""
        self.seen = []
        return self.seen


@pytest.fixture
def watch(monkeypatch: pytest.MonkeyPatch) -> Watch:
    """Watch the HTTP statuses rdflib's SPARQL connector receives during the test (its urlopen, wrapped)."""
    notes = Watch()

    def watched(request: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            response = urlopen(request, *args, **kwargs)
        except HTTPError as error:
            notes.seen.append(error.code)
            raise
        notes.seen.append(response.status)
        return response

    monkeypatch.setattr(sparqlconnector, "urlopen", watched)
    return notes


def store_operations(expected: Expected) -> dict[str, Callable[[Graph], None]]:
    """What is checked through a store: SPARQL queries and the graph API (triples, __contains__)."""
    absent = (expected.resource, RDF.type, URIRef(str(GK) + "NoSuchClass"))

    def select(graph: Graph) -> None:
        result = graph.query(expected.queries["SELECT"])
        assert [str(v) for v in result.vars or ()] == expected.variables and sorted_rows(result) == expected.rows

    def ask(graph: Graph) -> None:
        assert graph.query(expected.queries["ASK"]).askAnswer is expected.ask

    def construct(graph: Graph) -> None:
        answer = graph.query(expected.queries["CONSTRUCT"]).graph
        assert answer is not None and isomorphic(answer, expected.construct)

    def triples(graph: Graph) -> None:
        answer = Graph()
        for triple in graph.triples((expected.resource, None, None)):
            answer.add(triple)
        assert own_triples(answer, expected.resource) == expected.own

    def contains(graph: Graph) -> None:
        present = next(iter(expected.union.triples((expected.resource, None, None))))
        assert (present in graph) is True and (absent in graph) is (absent in expected.union)

    return {"SELECT": select, "ASK": ask, "CONSTRUCT": construct, "triples": triples, "__contains__": contains}


STORE_CASES = [
    pytest.param(op, fmt, method, id=f"{op}-{fmt}-{method}")
    for op in ("SELECT", "ASK", "CONSTRUCT", "triples", "__contains__")
    for fmt in ("xml", "json")
    for method in ("GET", "POST", "POST_FORM")
    if not (op == "CONSTRUCT" and fmt == "json")
]


@pytest.mark.parametrize(("op", "fmt", "method"), STORE_CASES)
def test_sparqlstore(live: LiveServer, expected: Expected, watch: Watch, op: str, fmt: str, method: str) -> None:
    """rdflib's SPARQLStore answers queries and its graph API over the endpoint (returnFormat xml, its default, or
    json; a json store asks for SPARQL results only, so it cannot take a CONSTRUCT)."""
    store = SPARQLStore(live.url + "/sparql", returnFormat=fmt, method=method)  # type: ignore[arg-type]
    try:
        with cell("SPARQLStore", op, fmt, method, watch.fresh()) as entry:
            store_operations(expected)[op](Graph(store=store))  # each operation asserts its answer
    finally:
        store.close()
    assert entry.ok and entry.responses and set(entry.responses) == {200}, entry.responses


def test_sparqlupdatestore_reads_and_is_refused_updates(live: LiveServer, expected: Expected, watch: Watch) -> None:
    """SPARQLUpdateStore reads like SPARQLStore; its writes (update, graph.add) get 403 and the read-only message."""
    url = live.url + "/sparql"
    store = SPARQLUpdateStore(url, url)
    try:
        graph = Graph(store=store)
        for op in ("SELECT", "__contains__"):
            with cell("SPARQLUpdateStore", op, "xml", "GET", watch.fresh()):
                store_operations(expected)[op](graph)
        triple = (URIRef("urn:x:s"), URIRef("urn:x:p"), URIRef("urn:x:o"))
        writes: dict[str, Callable[[], object]] = {
            "INSERT DATA": lambda: store.update("INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }"),
            "graph.add": lambda: Graph(store=store, identifier=URIRef("urn:x:g")).add(triple),
        }
        for label, write in writes.items():
            with cell("SPARQLUpdateStore", "UPDATE", label, "POST", watch.fresh()) as entry:
                with pytest.raises(HTTPError) as caught:
                    write()
                assert caught.value.code == 403 and entry.responses == [403]
                assert READ_ONLY in caught.value.read().decode("utf-8")
    finally:
        store.close()
