"""Queries of a shape seen to be fast are answered in the server (govkg.engine.fastlane) with the same bytes as the
query workers give; other queries, and every query with FAST_LANE_SLOTS = 0, still go to the workers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from govkg.engine.fastlane import FastLane
from govkg.web import create_app

PEOPLE = ["alice", "bob", "carol", "dave", "erin", "frank"]
DATA = "".join(
    f'<urn:p:{p}> <urn:knows> <urn:p:{q}> .\n<urn:p:{p}> <urn:name> "{p}" .\n' for p in PEOPLE for q in PEOPLE
)
LOOKUP = "SELECT ?p ?o WHERE {{ <urn:p:{}> ?p ?o }} # {}"
FILTERED = "SELECT ?o WHERE {{ <urn:p:{}> ?p ?o FILTER(isIRI(?o)) }} # {}"


def serve(data: Path, slots: int) -> Flask:
    return create_app({"DATA": [str(data)], "QUERY_WORKERS": 1, "FAST_LANE_SLOTS": slots, "RESPONSE_CACHE_BYTES": 0})


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, Flask]]:
    data = tmp_path_factory.mktemp("lane") / "people.nt"
    data.write_text(DATA, encoding="utf-8")
    pair = serve(data, 2), serve(data, 0)
    yield pair
    for app in pair:
        app.extensions["govkg"].runner.close()


def answers(app: Flask, template: str) -> list[bytes]:
    client, found = app.test_client(), []
    for n, person in enumerate(PEOPLE * 2):
        reply = client.get("/sparql", query_string={"query": template.format(person, n), "format": "json"})
        assert reply.status_code == 200
        found.append(reply.data)
    return found


def lane_of(app: Flask) -> FastLane:
    runner = app.extensions["govkg"].runner
    assert isinstance(runner, FastLane)
    for _ in range(200):  # the server loads its own copy in the background
        if runner.engine() is not None:
            return runner
        time.sleep(0.05)
    raise AssertionError("the fast lane's engine did not load")


def test_fast_shapes_are_answered_in_the_server_with_the_workers_bytes(apps: tuple[Flask, Flask]) -> None:
    laned, plain = apps
    lane = lane_of(laned)
    before = lane.answered
    assert answers(laned, LOOKUP) == answers(plain, LOOKUP)
    assert lane.answered - before >= len(PEOPLE)  # the first runs went to the worker, the rest not


def test_other_shapes_still_go_to_the_workers(apps: tuple[Flask, Flask]) -> None:
    laned, plain = apps
    lane = lane_of(laned)
    before = lane.answered
    assert answers(laned, FILTERED) == answers(plain, FILTERED)
    assert lane.answered == before


def test_no_lane_without_slots(apps: tuple[Flask, Flask]) -> None:
    assert not isinstance(apps[1].extensions["govkg"].runner, FastLane)
