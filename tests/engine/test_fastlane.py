"""The fast lane (govkg.engine.fastlane) over real runners and a real engine: shapes admitted after fast runs in the
wrapped runner, run in the calling thread, barred after a slow run, bounded by its slots, closed while a run lasts."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from govkg.engine import Deadline, Engine, Source, open_engine
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


def test_no_more_than_its_slots_at_once_and_closed_while_one_lasts(engine: Engine) -> None:
    lane = FastLane(Threads(engine, 8), lambda: engine, by_text, slots=2, fast=10, admit=1, hold=0.1)
    lane.run(burn, ("0.0",), 5)  # admitted ("fast" is 10 s here)
    places: list[bool] = []

    def call(seconds: str) -> None:
        places.append(lane.run(burn, (seconds,), 5) == threading.get_ident())

    slow = [threading.Thread(target=call, args=("0.5",)) for _ in range(3)]
    for thread in slow:
        thread.start()
    time.sleep(0.25)  # the two runs in the lane have lasted past `hold`: it is closed
    call("0.0")
    for thread in slow:
        thread.join()
    assert sorted(places) == [False, False, True, True]  # 2 slots taken, the third slow one and the late one not


def test_the_lane_waits_for_its_engine(engine: Engine) -> None:
    loaded: list[Engine] = []
    lane = FastLane(Threads(engine, 2), lambda: loaded[0] if loaded else None, by_text, admit=1, fast=10)
    first = [lane.run(where, ("SELECT * { ?s ?p ?o }",), 5)[0] for _ in range(3)]
    loaded.append(engine)
    assert (
        threading.get_ident() not in first
        and lane.run(where, ("SELECT * { ?s ?p ?o }",), 5)[0] == threading.get_ident()
    )
