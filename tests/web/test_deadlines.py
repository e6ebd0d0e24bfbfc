"""Deadlines that stop the work: every runaway query (tests/web/runaway/*.rq) is answered 503 with Retry-After
within its deadline + 1 s, on the development and the production servers, its worker process killed and replaced,
while fast queries from other clients keep being answered in under a second."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email.message import Message
from pathlib import Path

import pytest
from process_tree import cpu_seconds, descendants

from conftest import LiveServer, start_server

pytestmark = pytest.mark.alone  # every case times the server (tests/parallel.py)

TIMEOUT = 2.0  # the servers' query deadline here
RUNAWAY = sorted(Path(__file__).with_name("runaway").glob("*.rq"))
FAST = "ASK { ?s a ?class }"
# Slow enough (~0.1 s) for every worker to be busy at once, and never answered in the server (no shape: a COUNT).
WARM = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?s ?q ?r }"


@pytest.fixture(scope="module")
def development(built: Path) -> Iterator[LiveServer]:
    """The development server with a 2 s deadline and enough workers for every runaway query at once, plus fast
    ones."""
    yield from _started(built, [])


@pytest.fixture(scope="module")
def production(built: Path) -> Iterator[LiveServer]:
    """The production server, likewise (the cases that take longest run on it only)."""
    yield from _started(built, ["--production"])


@pytest.fixture(scope="module")
def granian(built: Path) -> Iterator[LiveServer]:
    """The production server on granian, likewise (its one worker process holds the query workers)."""
    yield from _started(built, ["--production", "--server", "granian"])


@pytest.fixture(params=["development", "production", "granian"])
def server(request: pytest.FixtureRequest) -> LiveServer:
    """Each kind of server."""
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def _started(built: Path, mode: list[str]) -> Iterator[LiveServer]:
    live = start_server(
        "--dataset", str(built), "--timeout", str(TIMEOUT), "--workers", str(len(RUNAWAY) + 2), *mode,
        env={"GOVKG_QUERY_MEMORY": "1000000000", "GOVKG_RESPONSE_CACHE_BYTES": "0"},
    )  # fmt: skip
    end, size = time.monotonic() + 60, len(RUNAWAY) + 2
    while health(live)["workers"]["started"] < size and time.monotonic() < end:
        # Workers start when queries need them: as many fast queries at once as there are workers start them all,
        # so that nothing timed below waits for a worker to open its store.
        with ThreadPoolExecutor(size) as pool:
            list(pool.map(lambda _: ask(live, WARM), range(size)))
    assert health(live)["workers"]["started"] >= size
    yield live
    live.stop()


def ask(
    server: LiveServer, query: str, accept: str = "text/csv", timeout: float = 30
) -> tuple[int, float, Message, str]:
    """POST a query; (status, seconds, headers, body)."""
    request = urllib.request.Request(
        server.url + "/sparql",
        data=query.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body, status, headers = response.read(), response.status, response.headers
    except urllib.error.HTTPError as error:
        body, status, headers = error.read(), error.code, error.headers
    return status, time.monotonic() - started, headers, body.decode("utf-8", "replace")


def health(server: LiveServer) -> dict:
    """The /health body (whatever its status)."""
    try:
        with urllib.request.urlopen(server.url + "/health", timeout=10) as response:
            return json.loads(response.read())  # type: ignore[no-any-return]
    except urllib.error.HTTPError as error:
        return json.loads(error.read())  # type: ignore[no-any-return]


def accept_for(case: Path) -> str:
    return "application/ld+json" if "construct" in case.name else "text/csv"


def assert_stopped_on_time(status: int, seconds: float, headers: Message, body: str) -> None:
    assert status == 503, body
    assert headers.get("Retry-After") == "1"
    assert seconds < TIMEOUT + 1, f"answered after {seconds:.2f} s"
    assert body.count("\n") == 1 and ("deadline" in body or "memory limit" in body), body


def fast_queries_while(server: LiveServer, busy_seconds: float, after: float = 0.0) -> list[tuple[int, float]]:
    """Fast queries, one after another, from `after` seconds on for `busy_seconds`: (status, seconds) of each."""
    time.sleep(after)
    answers, end = [], time.monotonic() + busy_seconds
    while time.monotonic() < end:
        status, seconds, _, _ = ask(server, FAST)
        answers.append((status, seconds))
        time.sleep(0.05)
    return answers


@pytest.mark.parametrize("case", RUNAWAY, ids=[c.stem for c in RUNAWAY])
def test_a_runaway_query_is_stopped_on_time_while_others_are_answered(production: LiveServer, case: Path) -> None:
    server = production
    before = sum(health(server)["workers"]["restarts"].values())
    with ThreadPoolExecutor(2) as pool:
        runaway = pool.submit(ask, server, case.read_text(encoding="utf-8"), accept_for(case))
        fast = pool.submit(fast_queries_while, server, TIMEOUT)
        assert_stopped_on_time(*runaway.result())
        answers = fast.result()
    assert answers and all(status == 200 and seconds < 1 for status, seconds in answers), answers
    assert sum(health(server)["workers"]["restarts"].values()) == before + 1  # its worker was killed


def test_every_runaway_query_at_once_with_fast_queries(server: LiveServer) -> None:
    with ThreadPoolExecutor(len(RUNAWAY) + 1) as pool:
        runaways = [pool.submit(ask, server, c.read_text(encoding="utf-8"), accept_for(c)) for c in RUNAWAY]
        # Ten runaway queries landing at the same instant (their workers allocating gigabytes at once) can hold
        # up a query sent in that same instant for about a second on two cores (docs/reliability.md); the fast
        # queries here start once the runaway ones are running, and go on until past their deadline.
        fast = pool.submit(fast_queries_while, server, TIMEOUT, 0.5)
        for runaway in runaways:
            assert_stopped_on_time(*runaway.result())
        answers = fast.result()
    assert answers and all(status == 200 and seconds < 1 for status, seconds in answers), answers


def test_ten_timeouts_in_a_row_leave_the_server_idle_and_answering(production: LiveServer) -> None:
    server = production
    query = (RUNAWAY[0].parent / "cartesian-count.rq").read_text(encoding="utf-8")
    for _ in range(10):
        assert_stopped_on_time(*ask(server, query))
    time.sleep(2)  # CPU back to idle within 2 s of the answer (replacement workers started meanwhile)
    used = cpu_seconds(server.process.pid)
    time.sleep(3)
    share = (cpu_seconds(server.process.pid) - used) / 3
    assert share < 0.05, f"the server's processes used {share:.0%} of a CPU while idle"
    status, seconds, _, _ = ask(server, FAST)
    assert status == 200 and seconds < 1


def test_the_federation_path_is_isolated_too(server: LiveServer) -> None:
    """rdflib's evaluator (queries that mention SERVICE) holds the interpreter lock in a catastrophic regex:
    it runs in a worker process like every other query, so the server itself never freezes."""
    regex = (RUNAWAY[0].parent / "regex-catastrophic-federated.rq").read_text(encoding="utf-8")
    with ThreadPoolExecutor(3) as pool:
        runaways = [pool.submit(ask, server, regex) for _ in range(2)]
        status, seconds, _, _ = pool.submit(ask, server, FAST).result()
        assert status == 200 and seconds < 1
        for runaway in runaways:
            assert_stopped_on_time(*runaway.result())


def test_health_says_busy_when_no_worker_is_free(built: Path) -> None:
    live = start_server("--dataset", str(built), "--timeout", str(TIMEOUT), "--workers", "1")
    try:
        assert health(live)["status"] == "ok"
        query = (RUNAWAY[0].parent / "cartesian-count.rq").read_text(encoding="utf-8")
        with ThreadPoolExecutor(1) as pool:
            runaway = pool.submit(ask, live, query)
            time.sleep(TIMEOUT / 2)
            with pytest.raises(urllib.error.HTTPError) as busy:
                urllib.request.urlopen(live.url + "/health", timeout=10)
            assert busy.value.code == 503 and json.loads(busy.value.read())["status"] == "busy"
            status, _, _, body = ask(live, FAST)  # waits for the worker, then answers
            assert status == 200, body
            assert_stopped_on_time(*runaway.result())
        assert health(live)["status"] == "ok"
    finally:
        live.stop()


def test_a_query_over_the_memory_limit_is_stopped_and_named(built: Path) -> None:
    live = start_server("--dataset", str(built), "--workers", "1", env={"GOVKG_QUERY_MEMORY": "300000000"})
    try:
        query = (RUNAWAY[0].parent / "cartesian-order-by.rq").read_text(encoding="utf-8")
        status, _, headers, body = ask(live, query)
        assert status == 503 and headers.get("Retry-After") == "1"
        assert body == "503 Service Unavailable: query used more than the 300 MB memory limit and was stopped; " \
            "narrow the query or add a LIMIT\n"  # fmt: skip
        assert health(live)["workers"]["restarts"] == {"memory": 1}
        assert ask(live, FAST)[0] == 200
    finally:
        live.stop()


def test_no_worker_outlives_the_server(built: Path) -> None:
    live = start_server("--dataset", str(built), "--workers", "2")
    assert ask(live, FAST)[0] == 200
    tree = descendants(live.process.pid)
    assert tree, "the query ran in a worker process"
    live.process.kill()  # no chance to clean up
    live.stop()
    end = time.monotonic() + 10
    while time.monotonic() < end and any(Path(f"/proc/{pid}").exists() for pid in tree):
        time.sleep(0.1)
    assert not [pid for pid in tree if _alive(pid)]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
