"""Start and stop the servers under test: govkg (gunicorn) and the Oxigraph server, on free loopback ports."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATASET = ROOT / "build" / "govkg.nq"
HOST = "127.0.0.1"


@dataclass
class Server:
    """A running server: its name, port, SPARQL endpoint path and process (the leader of its own group)."""

    name: str
    port: int
    endpoint: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        """The SPARQL endpoint URL."""
        return f"http://{HOST}:{self.port}{self.endpoint}"


def tool(name: str) -> str:
    """A console script of the running virtualenv (next to its python), else whatever PATH finds."""
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else name


def free_port() -> int:
    """A TCP port on the loopback interface that nobody listens on right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def spawn(name: str, argv: list[str], port: int, endpoint: str, env: dict[str, str] | None = None) -> Server:
    """Start a process in a new session (its own process group), logging to a temporary file; `env` adds variables."""
    log = Path(tempfile.mkstemp(prefix=f"bench-{name}-", suffix=".log")[1])
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
        )
    return Server(name, port, endpoint, process, log)


def stop(server: Server) -> None:
    """Terminate the server's whole process group (gunicorn workers too); kill it if it lingers; drop its log."""
    _terminate(server)  # even when the leader has exited: its workers may live on in the group
    server.log.unlink(missing_ok=True)


def _terminate(server: Server) -> None:
    """SIGTERM the process group, then SIGKILL after 15 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()


def request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """One request on a fresh connection: (status, body)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_ready(server: Server, path: str, seconds: float = 60.0) -> None:
    """Poll `path` until it answers 200; stop the server and fail if it dies or time runs out."""
    try:
        _poll(server, path, seconds)
    except BaseException:
        stop(server)
        raise


def _poll(server: Server, path: str, seconds: float) -> None:
    """Poll `path` until it answers 200."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited: {server.log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if request(server.port, "GET", path)[0] == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} not ready after {seconds:g} s: {server.log.read_text(errors='replace')[-2000:]}")


def start_govkg(dataset: Path = DATASET, workers: int = 2, threads: int = 8) -> Server:
    """govkg in production mode (gunicorn gthread, `workers` processes of `threads` threads)."""
    port = free_port()
    argv = [
        tool("govkg"),
        "--root",
        str(ROOT),
        "serve",
        "--port",
        str(port),
        "--dataset",
        str(dataset),
        "--production",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
    ]
    server = spawn("govkg", argv, port, "/sparql")
    wait_ready(server, "/health")
    return server


def start_oxigraph(dataset: Path = DATASET) -> Server:
    """The Oxigraph server, in memory, union default graph, loaded with the dataset through /store."""
    port = free_port()
    argv = [tool("oxigraph"), "serve", "--bind", f"{HOST}:{port}", "--union-default-graph"]
    server = spawn("oxigraph", argv, port, "/query")
    wait_ready(server, "/query?query=ASK%7B%7D")
    try:
        load(server, dataset)
    except BaseException:
        stop(server)
        raise
    return server


def load(server: Server, dataset: Path) -> None:
    """POST the N-Quads dataset to the Oxigraph server's /store."""
    status, body = request(server.port, "POST", "/store", dataset.read_bytes(), {"Content-Type": "application/n-quads"})
    if status not in (200, 201, 204):
        raise RuntimeError(f"oxigraph refused the dataset: {status} {body[:200]!r}")


def cpu_seconds(server: Server) -> float:
    """CPU time (user + system) used so far by the live processes of the server's process group."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == server.process.pid:
                total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit and SIGINT into KeyboardInterrupt (even if inherited as ignored),
    so `finally` blocks stop the servers."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    signal.signal(signal.SIGINT, signal.default_int_handler)


@contextlib.contextmanager
def running(*starters: tuple[str, dict[str, object]]) -> Iterator[dict[str, Server]]:
    """Start servers by name ('govkg', 'oxigraph') with keyword options; stop them all on any exit."""
    factories: dict[str, Callable[..., Server]] = {"govkg": start_govkg, "oxigraph": start_oxigraph}
    started: dict[str, Server] = {}
    try:
        for name, options in starters:
            started[name] = factories[name](**options)
        yield started
    finally:
        for server in started.values():
            stop(server)


def dataset_or_exit(path: Path) -> Path:
    """The dataset path, or exit with a hint when it has not been built."""
    if not path.is_file():
        sys.exit(f"no dataset at {path}: run '{tool('govkg')} build' in {ROOT}")
    return path
