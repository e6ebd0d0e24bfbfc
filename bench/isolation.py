"""The cost of stoppable deadlines: govkg in production mode with queries in worker processes (`--workers 4`, as
shipped) against the same server with queries on threads of the server process (`--workers 0`, no isolation).

Both servers run side by side on free loopback ports; alternating rounds of each fast query at a fixed
concurrency; prints the median req/s and p50 latency of each and the ratio: `python bench/isolation.py`.
Also the deadline bar: ten timed-out cartesian queries, then the server's CPU share over the next 10 s and the
time of an ASK (`--bar`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

import load
import servers

QUERIES = {
    "ask": "ASK { ?s a ?class }",
    "lookup": (Path(__file__).parent / "queries" / "lookup.rq").read_text(encoding="utf-8"),
}
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def start(workers: int, timeout: float = 30) -> servers.Server:
    """govkg --production with `workers` query worker processes (0: threads) and the response cache off."""
    port = servers.free_port()
    argv = [servers.tool("govkg"), "--root", str(servers.ROOT), "serve", "--port", str(port)]
    argv += ["--dataset", str(servers.DATASET), "--production", "--workers", str(workers), "--timeout", str(timeout)]
    server = servers.spawn(f"govkg-w{workers}", argv, port, "/sparql")
    servers.wait_ready(server, "/ready")
    return server


def rounds(args: argparse.Namespace) -> None:
    """Alternating rounds of each query on both servers; medians and ratios."""
    started = {"processes": start(4), "threads": start(0)}
    try:
        print(f"{'query':8} {'server':10} {'req/s':>8} {'p50 ms':>8} {'errors':>6}")
        for name, query in QUERIES.items():
            figures: dict[str, list[dict[str, float]]] = {k: [] for k in started}
            for _ in range(args.rounds):
                for label, server in started.items():
                    figures[label].append(load.run(server.url, query, args.requests, args.concurrency))
            for label, runs in figures.items():
                rps = statistics.median(r["rps"] for r in runs)
                p50 = statistics.median(r["p50_ms"] for r in runs)
                errors = sum(int(r["errors"]) for r in runs)
                print(f"{name:8} {label:10} {rps:8.0f} {p50:8.2f} {errors:6d}")
            ratio = statistics.median(r["rps"] for r in figures["processes"]) / statistics.median(
                r["rps"] for r in figures["threads"]
            )
            print(f"{name:8} {'ratio':10} {ratio:8.2f}x  (processes / threads req/s, median of {args.rounds} rounds)")
    finally:
        for server in started.values():
            servers.stop(server)


def bar(args: argparse.Namespace) -> int:
    """The acceptance bar of docs/reliability.md; exit 1 if it is not met."""
    server = start(4, timeout=args.timeout)
    try:
        late = []
        for _ in range(10):
            began = time.monotonic()
            status, _ = servers.request(server.port, "GET", "/sparql?query=" + quote(CARTESIAN))
            late.append((status, time.monotonic() - began))
        used = servers.cpu_seconds(server)
        time.sleep(10)
        share = (servers.cpu_seconds(server) - used) / 10
        began = time.monotonic()
        status, _ = servers.request(server.port, "GET", "/sparql?query=" + quote("ASK { ?s ?p ?o }"))
        ask = time.monotonic() - began
    finally:
        servers.stop(server)
    worst = max(seconds for _, seconds in late)
    print(f"10 cartesian queries: statuses {sorted({s for s, _ in late})}, slowest answer {worst:.2f} s "
          f"(deadline {args.timeout:g} s)")  # fmt: skip
    print(f"CPU over the next 10 s: {share:.1%} of one core (bar: < 5%)")
    print(f"ASK afterwards: {status} in {ask * 1000:.0f} ms (bar: < 1000 ms)")
    met = all(s == 503 for s, _ in late) and worst < args.timeout + 1 and share < 0.05 and status == 200 and ask < 1
    print("bar met" if met else "bar NOT met")
    return 0 if met else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=1000, help="requests per round (default: 1000)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--bar", action="store_true", help="run the deadline bar instead of the rounds")
    parser.add_argument("--timeout", type=float, default=5, help="the deadline for --bar (default: 5 s)")
    args = parser.parse_args(argv)
    servers.dataset_or_exit(servers.DATASET)
    servers.exit_on_sigterm()
    os.environ["GOVKG_RESPONSE_CACHE_BYTES"] = "0"  # every request is evaluated (the servers inherit this)
    if args.bar:
        return bar(args)
    rounds(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
