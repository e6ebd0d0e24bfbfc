"""govkg (gunicorn) against the Oxigraph server on the same dataset, same queries, same client, same machine.

Starts both servers on free loopback ports, checks they give the same answers, warms up, then runs
alternating rounds of each query at a fixed concurrency and prints medians: `python bench/compare.py`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import load
import servers
from servers import Server

QUERIES = ("lookup", "aggregate", "construct")
NAMES = ("govkg", "oxigraph")
WRK_SCRIPT = """done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %.0f, "duration_us": %.0f, "p50_us": %.0f, "p95_us": %.0f, '
    .. '"errors": %.0f, "status_errors": %.0f, "bytes": %.0f}\\n', summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), e.connect + e.read + e.write + e.timeout + e.status,
    e.status, summary.bytes))
end
"""
Runner = Callable[[Server, str], dict[str, Any]]


def read_queries(folder: Path) -> dict[str, str]:
    """The benchmark queries by name."""
    return {name: (folder / f"{name}.rq").read_text(encoding="utf-8") for name in QUERIES}


def answer_count(server: Server, query: str) -> int:
    """Rows of a SELECT (SPARQL JSON) or triples of a CONSTRUCT (N-Triples lines) from one server."""
    graph = load.accept_for(query) == load.TURTLE
    accept = "application/n-triples" if graph else load.JSON_RESULTS
    path = load.sparql_request("check", server.endpoint, query, accept).path
    status, body = servers.request(server.port, "GET", path, headers={"Accept": accept})
    if status != 200:
        raise RuntimeError(f"{server.name} answered {status}: {body[:300]!r}")
    if graph:
        return sum(1 for line in body.splitlines() if line.strip())
    return len(json.loads(body)["results"]["bindings"])


def verify(running: dict[str, Server], queries: dict[str, str]) -> dict[str, int]:
    """The answer count of each query, after checking every server gives the same."""
    counts = {}
    for name, query in queries.items():
        found = {s.name: answer_count(s, query) for s in running.values()}
        if len(set(found.values())) != 1 or not next(iter(found.values())):
            raise SystemExit(f"servers disagree (or answer nothing) on {name}: {found}")
        counts[name] = next(iter(found.values()))
    return counts


def python_runner(requests: dict[str, int], concurrency: int, queries: dict[str, str]) -> Callable[..., Any]:
    """A runner sending `requests[name]` GETs with the stdlib client (load.py)."""

    def run(server: Server, name: str) -> dict[str, Any]:
        return load.run(server.url, queries[name], requests[name], concurrency)

    return run


def wrk_runner(seconds: float, concurrency: int, queries: dict[str, str], script: Path) -> Callable[..., Any]:
    """A runner driving wrk for `seconds` with `concurrency` connections (GET only, status checked)."""

    def run(server: Server, name: str) -> dict[str, Any]:
        req = load.sparql_request(name, server.endpoint, queries[name])
        argv = [
            "wrk",
            "-t",
            str(min(2, concurrency)),
            "-c",
            str(concurrency),
            "-d",
            f"{max(1, round(seconds))}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            "-H",
            f"Accept: {req.accept}",
            f"http://{servers.HOST}:{server.port}{req.path}",
        ]
        done = subprocess.run(argv, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
        return parse_wrk(done.stdout)

    return run


def parse_wrk(output: str) -> dict[str, Any]:
    """The figures of one wrk run, from the line its done() hook prints."""
    line = next(line for line in output.splitlines() if line.startswith("WRKJSON "))
    raw = json.loads(line.removeprefix("WRKJSON "))
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": int(raw["requests"]),
        "rps": round(raw["requests"] / seconds, 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "errors": int(raw["errors"]),
        "bytes": int(raw["bytes"] / max(1, raw["requests"])),
    }


def with_cpu(runner: Runner) -> Runner:
    """The runner, adding the server's CPU milliseconds per request (all its processes) to the figures."""

    def run(server: Server, name: str) -> dict[str, Any]:
        before = servers.cpu_seconds(server)
        result = runner(server, name)
        return {**result, "cpu_ms": 1000 * (servers.cpu_seconds(server) - before) / max(1, result["requests"])}

    return run


def rounds(running: dict[str, Server], runner: Runner, name: str, count: int) -> dict[str, list[dict[str, Any]]]:
    """`count` rounds of one query, alternating which server goes first so both see the same conditions."""
    results: dict[str, list[dict[str, Any]]] = {n: [] for n in running}
    order = list(running)
    for i in range(count):
        for server_name in order if i % 2 == 0 else order[::-1]:
            results[server_name].append(runner(running[server_name], name))
    return results


def median(runs: list[dict[str, Any]], key: str) -> float:
    """The median of one figure over the rounds."""
    return float(statistics.median(r[key] for r in runs))


def row(name: str, requests: str, results: dict[str, list[dict[str, Any]]]) -> list[str]:
    """One table row: req/s of each server, the ratio, latencies and errors."""
    g, o = results["govkg"], results["oxigraph"]
    ratio = median(g, "rps") / median(o, "rps")
    return [
        name,
        requests,
        f"{median(g, 'rps'):.0f}",
        f"{median(o, 'rps'):.0f}",
        f"{ratio:.2f}x",
        f"{median(g, 'p50_ms'):.1f} / {median(g, 'p95_ms'):.1f}",
        f"{median(o, 'p50_ms'):.1f} / {median(o, 'p95_ms'):.1f}",
        f"{median(g, 'cpu_ms'):.2f} / {median(o, 'cpu_ms'):.2f}",
        f"{sum(r['errors'] for r in g)} / {sum(r['errors'] for r in o)}",
    ]


def table(rows: list[list[str]]) -> str:
    """A plain-text table with a header."""
    header = [
        "query",
        "per round",
        "govkg req/s",
        "oxigraph req/s",
        "ratio g/o",
        "govkg p50/p95 ms",
        "oxigraph p50/p95 ms",
        "server CPU ms/req g/o",
        "errors g/o",
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in [header, *rows]]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])


def version(argv: list[str]) -> str:
    """The first line a tool prints for --version, or 'absent'."""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    return "absent"


def machine() -> str:
    """The CPUs, the OS and the versions of everything measured."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    names = ("flask", "werkzeug", "gunicorn", "pyoxigraph")
    packages = ", ".join(f"{p} {importlib.metadata.version(p)}" for p in names)
    return "\n".join(
        [
            f"machine: nproc={len(os.sched_getaffinity(0))} ({cpu}), {platform.platform()}",
            f"python {platform.python_version()}; {packages}",
            f"{version([servers.tool('govkg'), '--version'])}; {version([servers.tool('oxigraph'), '--version'])}; "
            f"{version(['wrk', '--version']) if shutil.which('wrk') else 'wrk absent'}",
        ]
    )


def _args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--requests",
        type=int,
        help="requests per round and query, python client "
        "(default: enough for ~--seconds on the slower server, 200..4000)",
    )
    p.add_argument("--seconds", type=float, default=1.5, help="target length of a round (default 1.5)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers of govkg")
    p.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    p.add_argument("--client", choices=["python", "wrk", "both"], help="default: both if wrk is installed")
    p.add_argument("--dataset", type=Path, default=servers.DATASET)
    p.add_argument("--queries", type=Path, default=servers.BENCH / "queries")
    p.add_argument("--json", type=Path, help="also write every round's figures here")
    return p.parse_args(argv)


def calibrate(running: dict[str, Server], queries: dict[str, str], args: argparse.Namespace) -> dict[str, int]:
    """Warm both servers up on every query; the request count per round (fixed, or sized by the warm-up)."""
    counts = {}
    for name, query in queries.items():
        rates = [load.run(s.url, query, 200, args.concurrency)["rps"] for s in running.values()]
        counts[name] = args.requests or int(min(4000, max(200, min(rates) * args.seconds)))
    return counts


def measure(
    running: dict[str, Server], client: str, queries: dict[str, str], args: argparse.Namespace, script: Path
) -> dict[str, Any]:
    """Every query's rounds with one client; prints its table and returns the raw figures."""
    requests = calibrate(running, queries, args)  # also the warm-up, whichever the client
    runner = with_cpu(
        python_runner(requests, args.concurrency, queries)
        if client == "python"
        else wrk_runner(args.seconds, args.concurrency, queries, script)
    )
    raw = {name: rounds(running, runner, name, args.rounds) for name in queries}
    size = {name: str(requests[name]) if client == "python" else f"{max(1, round(args.seconds))}s" for name in queries}
    print(f"\nclient {client}: concurrency {args.concurrency}, {args.rounds} rounds, medians of rounds")
    print(table([row(name, size[name], raw[name]) for name in queries]), flush=True)
    return raw


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison; exit 1 if any request failed."""
    args = _args(argv)
    servers.exit_on_sigterm()
    queries, dataset = read_queries(args.queries), servers.dataset_or_exit(args.dataset)
    clients = (
        ["python", "wrk"] if (args.client or ("both" if shutil.which("wrk") else "python")) == "both" else [args.client]
    )
    print(machine(), flush=True)
    govkg = {"dataset": dataset, "workers": args.workers, "threads": args.threads}
    with (
        servers.running(("govkg", govkg), ("oxigraph", {"dataset": dataset})) as running,
        tempfile.NamedTemporaryFile("w", suffix=".lua") as script,
    ):
        script.write(WRK_SCRIPT)
        script.flush()
        print(
            f"govkg: {args.workers} gunicorn gthread workers x {args.threads} threads; oxigraph serve in memory; "
            f"answers agree: {verify(running, queries)}",
            flush=True,
        )
        raw = {client: measure(running, client, queries, args, Path(script.name)) for client in clients}
    if args.json:
        args.json.write_text(json.dumps(raw, indent=1))
    errors = sum(r["errors"] for by_client in raw.values() for q in by_client.values() for s in q.values() for r in s)
    return 1 if errors else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the servers were stopped on the way out
        sys.exit(130)
