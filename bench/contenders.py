"""The servers the runner compares, each started on a free 127.0.0.1 port over the same data file and timed from
spawn to its first answer: govkg's production server, the Oxigraph server in memory and on disk, rdflib-endpoint."""

from __future__ import annotations

import contextlib
import functools
import http.client
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import rss
import servers
from servers import HOST, Server

PROBE = "ASK { ?s ?p ?o }"  # true once the data is there: the first answer counted by time to first answer
READY_SECONDS = 900.0  # rdflib-endpoint parses 1M triples in minutes on a busy 2-core machine
LOADED = (200, 201, 204)


@dataclass
class Started:
    """A running server, with its time from spawn to first answer and the one-off work done before the spawn."""

    server: Server
    ttfa: float
    prepare: float = 0.0
    note: str = ""


@dataclass(frozen=True)
class Options:
    """What every starter may need: the data, a scratch folder, the sampler to register with, govkg's extra flags."""

    data: Path
    scratch: Path
    sampler: rss.Sampler
    govkg_args: tuple[str, ...] = ()


def answers(port: int, endpoint: str) -> bool:
    """Whether the server answers the probe with true."""
    path = f"{endpoint}?query={quote(PROBE)}"
    with contextlib.suppress(OSError, http.client.HTTPException):
        status, body = servers.request(port, "GET", path, headers={"Accept": "application/sparql-results+json"})
        return status == 200 and b"true" in body
    return False


def listening(port: int, endpoint: str) -> bool:
    """Whether the server answers the probe at all (an empty store answers false)."""
    path = f"{endpoint}?query={quote(PROBE)}"
    with contextlib.suppress(OSError, http.client.HTTPException):
        return servers.request(port, "GET", path, headers={"Accept": "application/sparql-results+json"})[0] == 200
    return False


def wait(server: Server, ready: Callable[[int, str], bool], seconds: float = READY_SECONDS) -> None:
    """Poll every 20 ms until `ready`; fail with the log's tail if the process exits or time runs out."""
    end = time.monotonic() + seconds
    while not ready(server.port, server.endpoint):
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited: {server.log.read_text(errors='replace')[-2000:]}")
        if time.monotonic() > end:
            raise RuntimeError(f"{server.name} gave no answer within {seconds:g} s")
        time.sleep(0.02)


def launch(name: str, argv: list[str], endpoint: str, options: Options, env: dict[str, str] | None = None) -> Server:
    """Spawn the server (`{port}` in argv: a free port) in its own process group; start sampling its memory."""
    port = servers.free_port()
    server = servers.spawn(name, [part.replace("{port}", str(port)) for part in argv], port, endpoint, env)
    options.sampler.watch(name, server.process.pid)
    return server


def first_answer(server: Server, spawned: float, before: Callable[[Server], None] | None = None) -> float:
    """Seconds from spawn to the probe's first true (after `before`, e.g. loading the data, if given)."""
    try:
        if before is not None:
            wait(server, listening)
            before(server)
        wait(server, answers)
    except BaseException:
        servers.stop(server)
        raise
    return time.monotonic() - spawned


@functools.cache
def serve_flag() -> str:
    """`--data` where `govkg serve` has it (any RDF), else `--dataset` (a built dataset)."""
    done = subprocess.run([servers.tool("govkg"), "serve", "--help"], capture_output=True, text=True, check=False)
    return "--data" if "--data " in done.stdout or "--data\n" in done.stdout else "--dataset"


def start_govkg(options: Options, name: str = "govkg", server_args: tuple[str, ...] = ()) -> Started:
    """govkg serve --production as shipped (its default server and workers), response cache off."""
    flag = serve_flag()
    argv = [servers.tool("govkg"), "--root", str(servers.ROOT), "serve", "--production", "--host", HOST]
    argv += ["--port", "{port}", flag, str(options.data), *server_args, *options.govkg_args]
    spawned = time.monotonic()
    server = launch(name, argv, "/sparql", options, {"GOVKG_RESPONSE_CACHE_BYTES": "0"})
    return Started(server, first_answer(server, spawned), note=f"{flag}, response cache off")


def start_govkg_granian(options: Options) -> Started:
    """The same on granian (`--server granian`)."""
    return start_govkg(options, "govkg-granian", ("--server", "granian"))


def start_govkg_remote(options: Options) -> Started:
    """govkg serve --production --store URL over an in-memory Oxigraph server (bench/remote.py launch: the store is
    the front end's child, so CPU and memory count both); the push counts in its time to first answer."""
    argv = [sys.executable, str(servers.BENCH / "remote.py"), "launch", "--data", str(options.data)]
    argv += ["--port", "{port}", "--", *options.govkg_args]
    spawned = time.monotonic()
    server = launch("govkg-remote", argv, "/sparql", options, {"GOVKG_RESPONSE_CACHE_BYTES": "0"})
    return Started(server, first_answer(server, spawned), note="oxigraph serve + govkg push + --store, cache off")


def start_oxigraph_memory(options: Options) -> Started:
    """oxigraph serve in memory with the union default graph; the data POSTed to /store counts in its TTFA."""
    argv = [servers.tool("oxigraph"), "serve", "--bind", f"{HOST}:{{port}}", "--union-default-graph"]
    spawned = time.monotonic()
    server = launch("oxigraph-mem", argv, "/query", options)
    return Started(server, first_answer(server, spawned, lambda s: post(s, options.data)), note="POST /store")


def post(server: Server, data: Path) -> None:
    """POST the N-Quads file to the Oxigraph server's /store."""
    body = data.read_bytes()
    status, answer = servers.request(server.port, "POST", "/store", body, {"Content-Type": "application/n-quads"})
    if status not in LOADED:
        raise RuntimeError(f"oxigraph refused the data: {status} {answer[:200]!r}")


def start_oxigraph_disk(options: Options) -> Started:
    """`oxigraph load` into a fresh folder (timed as preparation), then `serve-read-only` over it."""
    location = options.scratch / "oxigraph-disk"
    begun = time.monotonic()
    load = [servers.tool("oxigraph"), "load", "--location", str(location), "--file", str(options.data)]
    done = subprocess.run(load, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"oxigraph load failed: {done.stderr[-500:]}")
    prepare = time.monotonic() - begun
    argv = [servers.tool("oxigraph"), "serve-read-only", "--location", str(location), "--bind", f"{HOST}:{{port}}"]
    spawned = time.monotonic()
    server = launch("oxigraph-disk", [*argv, "--union-default-graph"], "/query", options)
    return Started(server, first_answer(server, spawned), prepare, "oxigraph load, then serve-read-only")


def start_rdflib_endpoint(options: Options) -> Started:
    """rdflib-endpoint serve: an rdflib Dataset with default_union=True, so its default graph is the union too."""
    argv = [servers.tool("rdflib-endpoint"), "serve", "--host", HOST, "--port", "{port}", str(options.data)]
    spawned = time.monotonic()
    server = launch("rdflib-endpoint", argv, "/", options)
    return Started(server, first_answer(server, spawned), note="rdflib Dataset(default_union=True), uvicorn")


STARTERS: dict[str, Callable[[Options], Started]] = {
    "govkg": start_govkg,
    "govkg-granian": start_govkg_granian,
    "govkg-remote": start_govkg_remote,
    "oxigraph-mem": start_oxigraph_memory,
    "oxigraph-disk": start_oxigraph_disk,
    "rdflib-endpoint": start_rdflib_endpoint,
}
TOOLS = {
    "govkg": "govkg",
    "govkg-granian": "govkg",
    "govkg-remote": "govkg",
    "oxigraph-mem": "oxigraph",
    "oxigraph-disk": "oxigraph",
    "rdflib-endpoint": "rdflib-endpoint",
}


def installed(name: str) -> bool:
    """Whether the server's command is installed (next to this Python or on PATH)."""
    return shutil.which(servers.tool(TOOLS[name])) is not None
