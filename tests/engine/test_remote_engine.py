"""The remote engine over a real Oxigraph server on 127.0.0.1: what it refuses before sending, limits, deadlines,
and a store that goes down (the conformance suite covers the answers)."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Oxigraph, connections, start_oxigraph
from govkg import federation, formats
from govkg.engine import (
    AnswerTooLarge,
    CheckedBuffer,
    Deadline,
    DeadlineExceeded,
    Engine,
    EngineError,
    QuerySyntaxError,
    Source,
    UpdateRefused,
    open_engine,
)
from govkg.engine.push import push
from govkg.engine.remote_http import StoreDown
from govkg.namespaces import DEFAULT_BASE

SAMPLE = Path(__file__).parents[1] / "resources" / "sample.trig"
EVERYTHING = "SELECT * WHERE { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture(scope="module")
def server() -> Iterator[Oxigraph]:
    started = start_oxigraph()
    push(started.url, [Source(SAMPLE)], DEFAULT_BASE)
    yield started
    started.stop()


@pytest.fixture(scope="module")
def engine(server: Oxigraph) -> Iterator[Engine]:
    opened = open_engine("remote", [Source.store(server.url)], DEFAULT_BASE)
    yield opened
    opened.close()


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("DEFINE sql:log-enable 3 SELECT * WHERE { ?s ?p ?o }", QuerySyntaxError),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", UpdateRefused),
        ("SELECT * WHERE { ?s ?p ?o ", QuerySyntaxError),
    ],
)
def test_what_is_not_standard_sparql_1_1_is_refused_here(engine: Engine, text: str, error: type) -> None:
    with pytest.raises(error):
        engine.evaluate(text)
    assert engine.graphs()  # the store still holds its data


def test_service_is_refused_and_the_store_calls_nobody(engine: Engine, listener: socket.socket) -> None:
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    with pytest.raises(federation.ServiceRefused):
        engine.evaluate(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
    assert connections(listener) == 0


def test_from_a_graph_that_is_not_stored_reads_nothing(engine: Engine) -> None:
    answer = engine.evaluate("SELECT * FROM <http://127.0.0.1:9/x> FROM NAMED <file:///etc/passwd> { ?s ?p ?o }")
    assert engine.rows(answer, 10)[1] == []


def test_the_row_limit_holds(engine: Engine) -> None:
    with pytest.raises(AnswerTooLarge, match="limit of 5 rows"):
        engine.write(engine.evaluate(EVERYTHING), formats.get("json"), io.BytesIO(), max_rows=5)
    assert engine.rows(engine.evaluate("ASK { ?s ?p ?o }"), 1)[1]  # the connection pool still works


def test_the_byte_limit_holds(engine: Engine) -> None:
    deadline = Deadline(30)
    with pytest.raises(AnswerTooLarge, match="limit of 200 bytes"):
        answer = engine.evaluate(EVERYTHING, deadline=deadline)
        out = CheckedBuffer(deadline, 200)
        try:
            engine.write(answer, formats.get("json"), out)
        except EngineError:
            raise out.error or AssertionError("not stopped by the buffer") from None


def test_a_passed_deadline_stops_a_slow_query(engine: Engine) -> None:
    deadline = Deadline(0.3)
    with pytest.raises(DeadlineExceeded):
        engine.rows(engine.evaluate(SLOW, deadline=deadline), 10)


def test_a_store_that_is_down_is_one_line() -> None:
    server = start_oxigraph()
    push(server.url, [Source(SAMPLE)], DEFAULT_BASE)
    engine = open_engine("remote", [Source.store(server.url)], DEFAULT_BASE)
    server.stop()
    with pytest.raises(StoreDown, match="unavailable") as caught:
        engine.evaluate("ASK { ?s ?p ?o }")
    assert "\n" not in str(caught.value)
    with pytest.raises(StoreDown):
        open_engine("remote", [Source.store(server.url)], DEFAULT_BASE)


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/q", "http://user:pw@127.0.0.1/q", "http://127.0.0.1:99999/q"])
def test_a_bad_store_url_is_refused(url: str) -> None:
    with pytest.raises(EngineError, match="store URL"):
        open_engine("remote", [Source.store(url)], DEFAULT_BASE)


def test_a_file_is_not_a_store() -> None:
    with pytest.raises(EngineError, match="one store"):
        open_engine("remote", [Source(SAMPLE)], DEFAULT_BASE)


def test_the_generation_follows_a_new_push(server: Oxigraph, engine: Engine, tmp_path: Path) -> None:
    other = start_oxigraph()
    try:
        push(other.url, [Source(SAMPLE)], DEFAULT_BASE)
        remote = open_engine("remote", [Source.store(other.url)], DEFAULT_BASE)
        first = remote.generation
        changed = tmp_path / "changed.trig"
        changed.write_text(SAMPLE.read_text(encoding="utf-8") + "<urn:g> { <urn:a> <urn:b> <urn:c> . }\n", "utf-8")
        push(other.url, [Source(changed)], DEFAULT_BASE)
        assert open_engine("remote", [Source.store(other.url)], DEFAULT_BASE).generation != first
        assert "urn:g" in open_engine("remote", [Source.store(other.url)], DEFAULT_BASE).graphs()
        remote.close()
    finally:
        other.stop()
    assert first == engine.generation
