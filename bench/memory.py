"""Memory and start-up: peak RSS/PSS of each server's whole process tree and its time to first answer.

Starts govkg's production server and the Oxigraph server (in memory, the data POSTed to /store) one after the
other on the same data file, times each from spawn to the first answered query, runs a few queries, and prints
the peak resident (RSS) and proportional (PSS, shared pages divided among their users) memory of the process
group, sampled every 50 ms, then each process's own figures.

    python bench/memory.py                                  # the corpus (build/govkg.nq)
    python bench/memory.py --data big.nq --workers 2        # any N-Quads file
    python bench/memory.py --disk                           # govkg on on-disk stores (DATA_CACHE), made first
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import servers

MIB = 1024 * 1024
QUERIES = sorted((servers.BENCH / "queries").glob("*.rq"))
ACCEPT = {"CONSTRUCT": "text/turtle", "DESCRIBE": "text/turtle"}


@dataclass
class Peak:
    """The largest summed RSS and PSS of a process group seen so far (bytes)."""

    rss: int = 0
    pss: int = 0
    done: threading.Event = field(default_factory=threading.Event)


def rollup(pid: int) -> dict[str, int]:
    """A process's Rss and Pss in bytes (/proc/PID/smaps_rollup), and its peak RSS (VmHWM)."""
    figures = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss"):
                figures[name] = int(rest.split()[0]) * 1024
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                figures["HWM"] = int(line.split()[1]) * 1024
    return figures


def group(leader: int) -> dict[int, str]:
    """The live processes of a process group: pid → command line (shortened)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) == leader:
                cmd = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found[int(stat.parent.name)] = cmd.strip()[:70]
    return found


def watch(leader: int, peak: Peak) -> None:
    """Sample the group's summed RSS and PSS until told to stop, keeping the peaks."""
    while not peak.done.wait(0.05):
        figures = [rollup(pid) for pid in group(leader)]
        peak.rss = max(peak.rss, sum(f.get("Rss", 0) for f in figures))
        peak.pss = max(peak.pss, sum(f.get("Pss", 0) for f in figures))


def ask(server: servers.Server, query: str) -> tuple[int, bytes]:
    """GET a query (the Accept header follows its form)."""
    form = next((k for k in ACCEPT if k in query.upper()), "")
    accept = ACCEPT.get(form, "application/sparql-results+json")
    path = server.endpoint + "?" + urllib.parse.urlencode({"query": query})
    return servers.request(server.port, "GET", path, headers={"Accept": accept})


def first_answer(server: servers.Server, query: str, started: float, seconds: float = 300) -> float:
    """Seconds from `started` to the first 200 answer to `query` (polled every 20 ms)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited: {server.log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(OSError):
            if ask(server, query)[0] == 200:
                return time.monotonic() - started
        time.sleep(0.02)
    raise RuntimeError(f"{server.name}: no answer within {seconds:g} s")


def start(name: str, data: Path, workers: int) -> tuple[servers.Server, float]:
    """Spawn a server; the monotonic time it was spawned at (the Oxigraph server gets the data POSTed)."""
    port, started = servers.free_port(), time.monotonic()
    if name == "oxigraph":
        argv = [servers.tool("oxigraph"), "serve", "--bind", f"{servers.HOST}:{port}", "--union-default-graph"]
        server = servers.spawn(name, argv, port, "/query")
        first_answer(server, "ASK {}", started)
        servers.load(server, data)
        return server, started
    argv = [servers.tool("govkg"), "--root", str(servers.ROOT), "serve", "--port", str(port), "--dataset", str(data)]
    argv += ["--production", "--workers", str(workers)]
    return servers.spawn(name, argv, port, "/sparql"), started


def measure(name: str, data: Path, workers: int, rounds: int, queries: list[str]) -> None:
    """Start one server, time its first answer, run the queries, print its memory."""
    server, started = start(name, data, workers)
    peak = Peak()
    sampler = threading.Thread(target=watch, args=(server.process.pid, peak), daemon=True)
    sampler.start()
    try:
        first = first_answer(server, queries[0], started)
        cpu = servers.cpu_seconds(server)
        for _ in range(rounds):
            for query in queries:
                status, body = ask(server, query)
                assert status == 200, (name, status, body[:200])
        time.sleep(0.2)
        peak.done.set()
        sampler.join()
        print(f"{name}: first answer {first:.2f} s ({cpu:.2f} s CPU); peak RSS {peak.rss / MIB:.0f} MiB, ", end="")
        print(f"PSS {peak.pss / MIB:.0f} MiB")
        for pid, cmd in sorted(group(server.process.pid).items()):
            f = rollup(pid)
            mib = {k: f.get(k, 0) / MIB for k in ("Rss", "Pss", "HWM")}
            print(f"  {pid:>7} RSS {mib['Rss']:6.0f}  PSS {mib['Pss']:6.0f}  HWM {mib['HWM']:6.0f} MiB  {cmd}")
    finally:
        peak.done.set()
        servers.stop(server)


def main() -> None:
    """Measure each server named on the command line in turn."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=servers.DATASET, help="an N-Quads file (default: the corpus)")
    parser.add_argument("--workers", type=int, default=2, help="govkg's query workers (default: 2)")
    parser.add_argument("--rounds", type=int, default=3, help="times each query is asked (default: 3)")
    parser.add_argument("--query", action="append", type=Path, help="a query file (default: bench/queries/*.rq)")
    parser.add_argument("--server", action="append", choices=["govkg", "oxigraph"], help="default: both")
    parser.add_argument("--disk", action="store_true", help="govkg on on-disk stores made in a new DATA_CACHE folder")
    args = parser.parse_args()
    if args.disk:  # the default is in memory, loaded once in the workers' fork server
        os.environ["GOVKG_DATA_CACHE"] = tempfile.mkdtemp(prefix="govkg-stores-")
    servers.exit_on_sigterm()
    for name in args.server or ["govkg", "oxigraph"]:
        queries = [q.read_text() for q in args.query or QUERIES]
        measure(name, servers.dataset_or_exit(args.data), args.workers, args.rounds, queries)


if __name__ == "__main__":
    main()
