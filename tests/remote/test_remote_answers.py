"""The remote engine's reading of real stores' answers (govkg.engine.remote_answers): Virtuoso's blank nodes and
booleans, a time limit's partial answer, an answer cut at the store's row cap, long queries; Oxigraph's
cancellation notice."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode

from conftest import Oxigraph, start_oxigraph
from govkg import formats
from govkg.engine import AnswerTooLarge, Deadline, DeadlineExceeded, Engine, Source, open_engine
from govkg.engine.push import push
from govkg.engine.remote_answers import checked, parsed
from govkg.namespaces import DEFAULT_BASE
from remote.conftest import holding
from remote.stores import Store

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
JSON = "application/sparql-results+json"


@pytest.fixture
def engine(store: Store, built: Path) -> Iterator[Engine]:
    holding(store, built)
    opened = open_engine("remote", [Source.store(store.query_url)], DEFAULT_BASE)
    yield opened
    opened.close()


def test_blank_nodes_and_booleans_read_as_terms(engine: Engine) -> None:
    """Virtuoso's JSON results say `nodeID://b10000` and "1"^^xsd:boolean."""
    query = "SELECT ?s ?b WHERE { ?s owl:propertyChainAxiom ?b } ORDER BY ?s"
    _, rows = engine.rows(engine.evaluate(query), 100)
    assert rows and all(isinstance(row[1], BNode) for row in rows)
    out = io.BytesIO()
    engine.write(engine.evaluate("SELECT ?s ?v WHERE { ?s gk:singleValued ?v } ORDER BY ?s"), formats.get("json"), out)
    assert out.getvalue().count(b'"value":"true"') == 5


def test_a_long_query_is_answered(engine: Engine) -> None:
    """Sent as a URL-encoded POST (Virtuoso answers 400 to a long GET and never answers a direct POST)."""
    values = " ".join(f"<https://w3id.org/govkg/id/nothing-{n}>" for n in range(2000))
    names, rows = engine.rows(engine.evaluate(f"SELECT ?s WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}"), 10)
    assert names == ["s"] and rows == []


def test_a_time_limit_is_the_deadline_never_an_answer(engine: Engine) -> None:
    with pytest.raises(DeadlineExceeded, match=r"0\.5 s deadline"):
        engine.rows(engine.evaluate(SLOW, deadline=Deadline(0.5)), 10)
    assert engine.rows(engine.evaluate("ASK { ?s ?p ?o }"), 1)[1]


def test_virtuosos_partial_answer_at_its_own_time_limit_is_refused(virtuoso_store: Store, built: Path) -> None:
    """Virtuoso stopped by `timeout` answers 200 with an incomplete count and `X-SQL-State: S1TAT`."""
    holding(virtuoso_store, built)
    engine = open_engine("remote", [Source.store(virtuoso_store.query_url)], DEFAULT_BASE)
    body = engine.client.post([("query", SLOW), ("timeout", "300")], JSON, None)  # type: ignore[attr-defined]
    with pytest.raises(DeadlineExceeded, match="the store stopped the query at its own time limit"):
        checked(body)
    engine.close()


@pytest.mark.parametrize(("cap", "cut"), [(3, True), (100, False)])
def test_an_answer_cut_at_the_stores_row_cap_is_refused(
    virtuoso_store: Store, built: Path, cap: int, cut: bool
) -> None:
    """Virtuoso cuts an answer at `maxrows` (or its ResultSetMaxRows) and says only `X-SPARQL-MaxRows`."""
    holding(virtuoso_store, built)
    engine = open_engine("remote", [Source.store(virtuoso_store.query_url)], DEFAULT_BASE)
    query = "SELECT ?s WHERE { GRAPH ?g { ?s a gk:Summit } }"
    form = [("query", engine._prologue + query), ("maxrows", str(cap))]  # type: ignore[attr-defined]
    body = checked(engine.client.post(form, JSON, None))  # type: ignore[attr-defined]
    assert body.response.getheader("X-SPARQL-MaxRows") == (str(cap) if cut else None)
    if cut:
        with pytest.raises(AnswerTooLarge, match=f"cuts answers at {cap} rows"):
            parsed("bindings", body)
    else:
        assert 3 < len(list(parsed("bindings", body).items)) < cap
    engine.close()


@pytest.fixture(scope="module")
def hasty() -> Iterator[Oxigraph]:
    """An Oxigraph server that stops every query after a second (`--timeout-s 1`), holding the sample data."""
    server = start_oxigraph(options=("--timeout-s", "1"))
    push(server.url, [Source(Path(__file__).parents[1] / "resources" / "sample.trig")], DEFAULT_BASE)
    yield server
    server.stop()


HASTY = {"SELECT": "SELECT (COUNT(*) AS ?n)", "CONSTRUCT": "CONSTRUCT { ?a ?b ?c }"}


@pytest.mark.parametrize("form", sorted(HASTY))
def test_oxigraphs_cancellation_is_a_time_limit(hasty: Oxigraph, form: str) -> None:
    """Oxigraph appends "The SPARQL operation has been cancelled" to the 200 answer it had begun."""
    engine = open_engine("remote", [Source.store(hasty.url)], DEFAULT_BASE)
    query = HASTY[form] + " WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l FILTER(CONCAT(?c, ?f, ?i, ?l) = '-') }"
    with pytest.raises(DeadlineExceeded, match="the store stopped the query at its own time limit"):
        engine.write(engine.evaluate(query), formats.get("ntriples" if form == "CONSTRUCT" else "json"), io.BytesIO())
    engine.close()
