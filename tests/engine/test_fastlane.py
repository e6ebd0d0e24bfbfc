"""The fast lane (govkg.engine.fastlane) over real runners and a real engine: shapes admitted after fast runs in the
wrapped runner, run in the calling thread, barred after a slow run, bounded by its slots, closed while a run lasts."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from govkg.engine import Deadline, DeadlineExceeded, Engine, Source, open_engine
from govkg.engine.fastlane import FastLane, timed
from govkg.engine.runner import Threads

DATA = "<urn:a> <urn:p> <urn:b> .\n<urn:b> <urn:p> <urn:c> .\n"


def where(engine: Engine, deadline: Deadline, query: str) -> tuple[int, int]:
    """The thread a query ran in, and how many rows it had."""
    return threading.get_ident(), len(engine.rows(engine.evaluate(query), 100)[1])


def burn(engine: Engine, deadline: Deadline, query: str) -> int:
    """A job that spends `query` seconds of CPU."""
    end = time.thread_time() + float(query)
    while time.thread_time() < end:
        pass
    return threading.get_ident()


def by_text(job: Any, args: Sequence[Any]) -> str | None:
    """Every job of a function shares a key, but for a query saying "none"."""
    return None if "none" in str(args[0]) else job.__name__


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    path = tmp_path / "data.nt"
    path.write_text(DATA, encoding="utf-8")
    return open_engine("oxigraph", [Source(path)], "https://example.org/")


@pytest.fixture
def lane(engine: Engine) -> FastLane:
    return FastLane(Threads(engine, 4), lambda: engine, by_text, slots=2, fast=0.05, admit=3, hold=0.2)


def test_a_shape_is_run_here_after_fast_runs_there(lane: FastLane) -> None:
    here = threading.get_ident()
    before = [lane.run(where, ("SELECT * { ?s ?p ?o }",), 5) for _ in range(3)]
    after = lane.run(where, ("SELECT * { ?s ?p ?o }",), 5)
    assert all(thread != here for thread, _ in before) and after[0] == here
    assert {rows for _, rows in [*before, after]} == {2} and lane.answered == 1


def test_a_job_without_a_key_never_runs_here(lane: FastLane) -> None:
    threads = {lane.run(where, ("SELECT * { ?s ?p ?o } # none",), 5)[0] for _ in range(5)}
    assert threading.get_ident() not in threads and lane.answered == 0


def test_a_slow_run_bars_the_shape(lane: FastLane) -> None:
    for _ in range(3):
        lane.run(burn, ("0.001",), 5)
    assert lane.run(burn, ("0.06",), 5) == threading.get_ident()  # admitted, so here: and found slow
    assert lane.run(burn, ("0.001",), 5) != threading.get_ident()


def test_a_slow_run_in_a_worker_keeps_the_shape_out(lane: FastLane) -> None:
    for seconds in ("0.001", "0.001", "0.06", "0.001", "0.001", "0.001"):
        lane.run(burn, (seconds,), 5)
    assert lane.run(burn, ("0.001",), 5) != threading.get_ident()


def test_the_timed_job_reports_its_cpu(engine: Engine) -> None:
    value, cpu = timed(engine, Deadline(5), burn, "0.02")
    assert value == threading.get_ident() and 0.02 <= cpu < 1


def admitted(engine: Engine, slots: int) -> FastLane:
    lane = FastLane(Threads(engine, 8), lambda: engine, by_text, slots=slots, fast=10, admit=1, hold=0.1)
    lane.run(burn, ("0.0",), 5)  # admitted ("fast" is 10 s here)
    return lane


def in_lane(lane: FastLane, seconds: str, places: list[bool]) -> threading.Thread:
    """Run `burn` on a new thread; `places` gets whether it ran in the lane."""
    thread = threading.Thread(target=lambda: places.append(lane.run(burn, (seconds,), 5) == threading.get_ident()))
    thread.start()
    return thread


def test_no_more_than_its_slots_at_once(engine: Engine) -> None:
    lane, places = admitted(engine, 2), []
    for thread in [in_lane(lane, "0.3", places) for _ in range(3)]:
        thread.join()
    assert sorted(places) == [False, True, True]


def test_closed_while_a_run_lasts_and_open_again_after(engine: Engine) -> None:
    lane, places = admitted(engine, 2), []
    slow = in_lane(lane, "0.5", places)
    time.sleep(0.25)  # the run in the lane has lasted past `hold`
    in_lane(lane, "0.0", places).join()
    slow.join()
    in_lane(lane, "0.0", places).join()
    assert places == [False, True, True]  # the late one went to a thread of the runner; then the lane was open


def test_a_busy_server_sends_every_query_on(engine: Engine) -> None:
    lane, places = admitted(engine, 1), []
    slow = in_lane(lane, "0.3", places)
    time.sleep(0.05)
    in_lane(lane, "0.0", places).join()  # two queries in the server, one slot: not even its shape is looked at
    slow.join()
    assert places == [False, True]


def test_the_lane_waits_for_its_engine(engine: Engine) -> None:
    loaded: list[Engine] = []
    lane = FastLane(Threads(engine, 2), lambda: loaded[0] if loaded else None, by_text, admit=1, fast=10)
    first = [lane.run(where, ("SELECT * { ?s ?p ?o }",), 5)[0] for _ in range(3)]
    loaded.append(engine)
    assert (
        threading.get_ident() not in first
        and lane.run(where, ("SELECT * { ?s ?p ?o }",), 5)[0] == threading.get_ident()
    )


def late(engine: Engine, deadline: Deadline, query: str) -> int:
    """A job that fails as a query past its deadline does."""
    if query == "late":
        raise DeadlineExceeded("query exceeded the 1 s deadline")
    return threading.get_ident()


def test_a_run_that_fails_in_a_worker_bars_the_shape(lane: FastLane) -> None:
    for text in ("fast", "fast", "late", "fast", "fast", "fast"):
        with contextlib.suppress(DeadlineExceeded):
            lane.run(late, (text,), 5)
    assert lane.run(late, ("fast",), 5) != threading.get_ident()
