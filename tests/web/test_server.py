"""`govkg serve` for real: the development server and production mode (gunicorn, several workers)."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

from conftest import start_server

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s a gk:Summit }"


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """GET a URL on loopback."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def test_production_mode_runs_several_workers(built: Path) -> None:
    server = start_server("--dataset", str(built), "--production", "--workers", "2", "--threads", "2")
    try:
        status, headers, body = fetch(f"{server.url}/sparql?query={quote(QUERY)}")
        assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
        assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "4"
        assert "gunicorn" in headers.get("Server", "")
        assert len(_children(server.process.pid, at_least=2)) >= 2  # gunicorn boots its workers one by one
    finally:
        server.stop()


def _children(pid: int, at_least: int, seconds: float = 20) -> list[Path]:
    """The processes whose parent is `pid`, waiting up to `seconds` for `at_least` of them."""
    deadline = time.monotonic() + seconds
    while True:
        found = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _parent(p) == pid]
        if len(found) >= at_least or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _parent(proc: Path) -> int:
    """The parent pid of a /proc entry (0 when it vanished)."""
    try:
        return int((proc / "stat").read_text().split(") ")[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


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
