"""`govkg serve` for real: the development server and production mode (waitress or granian, query worker
processes)."""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from email.message import Message
from pathlib import Path
from urllib.parse import quote

import pytest
from process_tree import descendants

from conftest import start_server
from govkg.cli.serve import SERVERS

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s a gk:Summit }"


def fetch(url: str) -> tuple[int, Message, bytes]:
    """GET a URL on loopback (the headers by any case of their names: granian sends them in lower case)."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


@pytest.mark.parametrize("kind", SERVERS)
def test_production_mode_serves_with_warm_workers(built: Path, kind: str) -> None:
    server = start_server("--dataset", str(built), "--production", "--server", kind, "--workers", "2", "--threads", "2")
    try:
        status, headers, body = fetch(f"{server.url}/sparql?query={quote(QUERY)}")
        assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
        assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "4"
        assert headers.get("Server") == "govkg"
        assert len(headers["X-Request-Id"]) == 32
        # The fork server, and the two query workers it forked, started before the first query (under granian,
        # in its one worker process: one pool for every request).
        at_least = 3 + (kind == "granian")
        assert len(_tree(server.process.pid, at_least=at_least)) >= at_least
    finally:
        server.stop()


@pytest.mark.alone
@pytest.mark.parametrize("kind", SERVERS)
def test_sigterm_drains_in_flight_answers_then_exits(built: Path, kind: str) -> None:
    server = start_server("--dataset", str(built), "--production", "--server", kind, "--workers", "1")
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d a ?f }"  # about a second, then done
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(fetch, f"{server.url}/sparql?query={quote(slow)}&format=csv")
        time.sleep(0.3)
        server.process.send_signal(signal.SIGTERM)
        status, _, body = answer.result(timeout=60)
    assert status == 200 and body.startswith(b"n\r\n")
    assert server.process.wait(timeout=30) == 0
    assert '"status": 200' in server.stop()  # the drained answer is in the access log
    with pytest.raises(OSError):
        fetch(server.url + "/health")


def test_granian_dies_with_the_server_and_states_a_bad_setting_in_one_line(built: Path) -> None:
    server = start_server("--dataset", str(built), "--production", "--server", "granian", "--workers", "1")
    assert fetch(server.url + "/health")[0] == 200
    tree = _tree(server.process.pid, at_least=3)
    server.process.kill()  # no chance to drain or clean up: granian's worker, its fork server and workers go too
    server.stop()
    end = time.monotonic() + 10
    while time.monotonic() < end and any(_running(pid) for pid in tree):
        time.sleep(0.1)
    assert not [pid for pid in tree if _running(pid)]
    with pytest.raises(RuntimeError, match=r"govkg: error: PUBLIC_URL or MAX_URI_LENGTH: not an http\(s\) base URL"):
        start_server("--dataset", str(built), "--production", "--server", "granian", "--public-url", "ftp://x")


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _tree(pid: int, at_least: int, seconds: float = 20) -> list[int]:
    """The processes below `pid`, waiting up to `seconds` for `at_least` of them."""
    deadline = time.monotonic() + seconds
    while True:
        found = descendants(pid)
        if len(found) >= at_least or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_engine_and_timeout_flags(built: Path) -> None:
    server = start_server("--dataset", str(built), "--engine", "rdflib", "--timeout", "0.5")
    try:
        assert json.loads(fetch(server.url + "/health")[2])["engine"] == "rdflib"
        try:
            fetch(f"{server.url}/sparql?query={quote('SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }')}")
            raise AssertionError("expected 503")
        except urllib.error.HTTPError as error:
            assert error.code == 503 and b"0.5 s deadline" in error.read()
    finally:
        server.stop()


def test_environment_configures_the_server(built: Path) -> None:
    server = start_server(env={"GOVKG_DATASET": str(built), "GOVKG_ENGINE": "rdflib"})
    try:
        assert json.loads(fetch(server.url + "/health")[2])["engine"] == "rdflib"
    finally:
        server.stop()
    assert os.environ.get("GOVKG_ENGINE") is None
