"""Shared fixtures: the repository root, one in-memory build per session, a CLI runner."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import redirect_stderr
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from flask import Flask
from flask.testing import FlaskClient

from govkg import cli
from govkg.build import DATASET_FILE, Build, build, write
from govkg.engine import FILE_ENGINES
from govkg.web import create_app
from parallel import (  # noqa: F401 - hooks: how the suite shares the machine (see parallel.py)
    claim_port,
    pytest_collection_modifyitems,
    pytest_runtest_protocol,
    pytest_sessionfinish,
    pytest_terminal_summary,
    pytest_testnodedown,
    pytest_xdist_auto_num_workers,
)
from remote.fixtures import oxigraph_store, store, virtuoso_store  # noqa: F401 - real stores for any test
from remote.stores import free_port

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root (a govkg project)."""
    return ROOT


@pytest.fixture(scope="session")
def project_build() -> Build:
    """The project built once per test session."""
    return build(ROOT)


@dataclass
class Outcome:
    """What a CLI invocation returned and printed."""

    code: int
    stdout: bytes
    stderr: str


class _Stdout(io.TextIOWrapper):
    """A text stdout whose .buffer collects bytes."""


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Outcome]:
    """Run `govkg` in-process like click's CliRunner: returns exit code, stdout bytes, stderr text."""

    def run(*args: str) -> Outcome:
        out, err = io.BytesIO(), io.StringIO()
        wrapper = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
        monkeypatch.setattr(sys, "stdout", wrapper)
        with redirect_stderr(err):
            code = cli.main(list(args))
        wrapper.flush()
        monkeypatch.undo()
        return Outcome(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture(scope="session")
def built(project_build: Build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's built dataset written once per session; returns the path of govkg.nq."""
    out = tmp_path_factory.mktemp("build")
    write(project_build, out)
    return out / DATASET_FILE


_apps: dict[str, Flask] = {}


@pytest.fixture(params=sorted(FILE_ENGINES))
def app(request: pytest.FixtureRequest, built: Path) -> Flask:
    """The web app over the built dataset, once per engine (flaskr's `app` fixture)."""
    engine = request.param
    if engine not in _apps:
        _apps[engine] = create_app({"DATASET": str(built), "ENGINE": engine, "TESTING": True})
    return _apps[engine]


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of `app`."""
    return app.test_client()


@dataclass
class LiveServer:
    """A `govkg serve` subprocess listening on 127.0.0.1."""

    process: subprocess.Popen[bytes]
    port: int
    log: IO[bytes]  # what the server writes to stderr (a file: a pipe nobody reads would fill up and block it)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stderr(self) -> str:
        """What the server has written to stderr so far (its JSON log lines, one per request)."""
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def stop(self) -> str:
        """Stop the server; return what it wrote to stderr."""
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        text = self.stderr()
        self.log.close()
        return text


class PortTaken(RuntimeError):
    """The port picked was taken before the server bound it (another xdist worker picked it too)."""


def start_server(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> LiveServer:
    """Start `govkg serve ARGS` on a free port and wait until /health answers 200 (on another port if the one
    picked was taken in the meantime)."""
    for _ in range(2):
        try:
            return _start_server(args, env, timeout)
        except PortTaken:
            pass
    return _start_server(args, env, timeout)


def _start_server(args: tuple[str, ...], env: dict[str, str] | None, timeout: float) -> LiveServer:
    port = free_port()
    command = [sys.executable, "-m", "govkg.cli", "--root", str(ROOT), "serve", "--port", str(port), *args]
    log = tempfile.TemporaryFile()  # noqa: SIM115 - it lives as long as the server; stop() closes it
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, env={**os.environ, **(env or {})})
    server = LiveServer(process, port, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = server.stop()
            raise (PortTaken if "Address already in use" in said else RuntimeError)(f"govkg serve exited: {said}")
        try:
            with urllib.request.urlopen(server.url + "/health", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"govkg serve did not answer within {timeout} s: {server.stop()}")


@pytest.fixture(scope="session")
def live(built: Path) -> Iterator[LiveServer]:
    """A live `govkg serve` (default engine) over the built dataset, for real HTTP clients."""
    server = start_server("--dataset", str(built))
    yield server
    server.stop()


@dataclass
class Oxigraph:
    """A real `oxigraph serve` (in-memory, read-write) on 127.0.0.1: a second SPARQL server for tests."""

    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        """Its SPARQL query endpoint."""
        return f"http://127.0.0.1:{self.port}/query"

    def load(self, turtle: str) -> None:
        """Add Turtle data to its default graph (Graph Store Protocol POST)."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/store?default",
            data=turtle.encode("utf-8"),
            headers={"Content-Type": "text/turtle"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status in (200, 201, 204)

    def stop(self) -> None:
        """Stop the server."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_oxigraph(turtle: str = "", timeout: float = 30, options: Sequence[str] = ()) -> Oxigraph:
    """Start `oxigraph serve OPTIONS` (the `oxigraph` PyPI package) on a free loopback port, loaded with `turtle`."""
    port = free_port()
    binary = Path(sys.executable).parent / "oxigraph"
    process = subprocess.Popen(
        [str(binary if binary.exists() else "oxigraph"), "serve", "--bind", f"127.0.0.1:{port}", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Oxigraph(process, port)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                raise RuntimeError("oxigraph serve did not start") from None
            time.sleep(0.1)
    if turtle:
        server.load(turtle)
    return server


@pytest.fixture
def oxigraph() -> Iterator[Callable[[str], Oxigraph]]:
    """A factory of real Oxigraph SPARQL servers on 127.0.0.1, each stopped after the test."""
    started: list[Oxigraph] = []

    def start(turtle: str = "") -> Oxigraph:
        started.append(start_oxigraph(turtle))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP socket listening on 127.0.0.1 that never answers: the kernel queues any connection made to it, so
    `connections(listener)` after a request tells whether anything tried to connect, without waiting."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.setblocking(False)
    yield sock
    sock.close()


def connections(listener: socket.socket) -> int:
    """How many connections wait in the listener's queue (taking them out)."""
    count = 0
    while True:
        try:
            listener.accept()[0].close()
        except BlockingIOError:
            return count
        count += 1
