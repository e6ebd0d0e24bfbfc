"""Operations: liveness and readiness, Prometheus metrics, request ids, and one JSON log line per request."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from conftest import start_server


def samples(client: FlaskClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The app's metrics, by sample name and labels."""
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert "no-store" in response.headers["Cache-Control"]
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for s in family.samples
    }


def test_requests_are_counted_by_route_and_status(client: FlaskClient) -> None:
    before = samples(client)
    key = ("govkg_requests_total", (("method", "GET"), ("route", "/health"), ("status", "200")))
    client.get("/health")
    client.get("/health")
    after = samples(client)
    assert after[key] == before.get(key, 0) + 2
    assert after[("govkg_request_seconds_count", (("route", "/health"),))] >= 2


def test_refusals_and_timeouts_are_counted_by_reason(client: FlaskClient) -> None:
    before = samples(client)
    client.get("/sparql", query_string={"query": "SELECT ?x WHERE {"})
    client.post("/sparql", data={"update": "CLEAR ALL"})
    after = samples(client)
    for reason in ("QuerySyntaxError", "http_403"):
        key = ("govkg_refusals_total", (("reason", reason),))
        assert after[key] == before.get(key, 0) + 1, reason
    assert ("govkg_query_timeouts_total", ()) in after


def test_the_workers_are_reported(client: FlaskClient) -> None:
    client.get("/sparql", query_string={"query": "ASK {}"})
    found = samples(client)
    size = client.application.config["QUERY_WORKERS"]
    assert (
        found[("govkg_query_workers", (("state", "busy"),))] + found[("govkg_query_workers", (("state", "free"),))]
        == size
    )
    assert found[("govkg_query_workers_started_total", ())] >= 1
    assert ("govkg_query_worker_restarts_total", (("reason", "deadline"),)) in found


def test_every_response_has_a_request_id(client: FlaskClient) -> None:
    ids = {client.get(path).headers["X-Request-Id"] for path in ("/health", "/nope", "/sparql?query=ASK{}")}
    assert len(ids) == 3 and all(re.fullmatch("[0-9a-f]{32}", i) for i in ids)
    assert client.get("/health", headers={"X-Request-Id": "trace-42.a"}).headers["X-Request-Id"] == "trace-42.a"
    wild = client.get("/health", headers={"X-Request-Id": "<script>" + "x" * 100}).headers["X-Request-Id"]
    assert re.fullmatch("[0-9a-f]{32}", wild)  # an id that is not tame is replaced, never echoed


def test_ready_once_a_worker_answers(client: FlaskClient) -> None:
    response = client.get("/ready")
    assert response.status_code == 200 and response.get_json()["status"] == "ready"
    assert response.get_json()["triples"] > 0


def test_health_reports_the_workers(client: FlaskClient) -> None:
    body = client.get("/health").get_json()
    assert body["status"] == "ok" and set(body["workers"]) == {"size", "busy", "started", "restarts"}


def test_the_server_logs_one_json_line_per_request(built: Path) -> None:
    server = start_server("--dataset", str(built))
    try:
        with urllib.request.urlopen(server.url + "/sparql?query=ASK%7B%7D", timeout=10) as response:
            rid = response.headers["X-Request-Id"]
    finally:
        log = server.stop()
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    ours = [line for line in lines if line.get("request_id") == rid]
    assert len(ours) == 1, log
    assert ours[0]["logger"] == "govkg.access" and ours[0]["route"] == "/sparql" and ours[0]["status"] == 200
    assert ours[0]["method"] == "GET" and ours[0]["ms"] >= 0 and ours[0]["time"].endswith("Z")
