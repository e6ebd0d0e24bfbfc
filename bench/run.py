"""The side-by-side benchmark: govkg's production server, the Oxigraph server (in memory and on disk) and
rdflib-endpoint, in one run on the same data, the same query mix and the same client.

Per data size it makes (or reuses) the data, starts every installed server on a free 127.0.0.1 port (timing each
from spawn to first answer and sampling its process tree's memory), checks they all give the same answer sizes,
then runs interleaved rounds of every query at each concurrency and prints medians:

    python bench/run.py --triples 100000 --concurrency 8 --seconds 2 --rounds 3
    python bench/run.py --quick          # CI: the smallest data, two queries, ~1 s rounds
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import contenders
import load
import queryset
import report
import rss
import servers
import wrk
from queryset import Query
from servers import Server

CACHE = servers.ROOT / "build" / "bench"
GENERATOR = servers.BENCH / "generate.py"
SLOW = 4  # a server whose c answers take over 4 rounds' length gets one round (one wave of c requests) only
SETTLE_SECONDS = 30.0  # longest wait for a server to finish the requests a wrk round left in flight


@dataclass(frozen=True)
class Plan:
    """What one run measures."""

    queries: list[Query]
    concurrency: list[int]
    seconds: float
    rounds: int
    client: str
    vary: bool
    script: Path


def data_file(triples: int, seed: int, cache: Path) -> tuple[str, Path]:
    """A label and the N-Quads file of that many generated triples (cached), or the corpus without a generator."""
    if not GENERATOR.is_file():
        return "corpus (bench/generate.py absent)", servers.dataset_or_exit(servers.DATASET)
    path = cache / f"synthetic-{triples}-s{seed}.nq"
    if not path.is_file() or path.stat().st_mtime < GENERATOR.stat().st_mtime:
        cache.mkdir(parents=True, exist_ok=True)
        argv = [sys.executable, str(GENERATOR), "--triples", str(triples), "--out", str(path), "--seed", str(seed)]
        print(f"generating {path.name} ...", flush=True)
        subprocess.run(argv, check=True, cwd=servers.ROOT)
    return f"{triples:,} triples (seed {seed})", path


def start_all(names: list[str], options: contenders.Options) -> dict[str, contenders.Started]:
    """Start the servers one after another (so each start-up is timed alone); stop those started if one fails."""
    started: dict[str, contenders.Started] = {}
    try:
        for name in names:
            print(f"starting {name} ...", end=" ", flush=True)
            started[name] = contenders.STARTERS[name](options)
            print(f"first answer after {started[name].ttfa:.2f} s", flush=True)
    except BaseException:
        stop_all(started)
        raise
    return started


def stop_all(started: dict[str, contenders.Started]) -> None:
    """Stop every server's whole process group."""
    for one in started.values():
        servers.stop(one.server)


def request_maker(server: Server, query: Query, vary: bool) -> Any:
    """i -> the GET of the query (its text made distinct by i when `vary`)."""
    fixed = load.sparql_request(query.name, server.endpoint, query.text)
    if not vary:
        return lambda i: fixed
    return lambda i: load.sparql_request(query.name, server.endpoint, queryset.varied(query.text, i), fixed.accept)


def single_latency(server: Server, query: Query, plan: Plan) -> float:
    """Warm the server on the query (c=1, ~0.3 s) and return its median latency in seconds."""
    samples, _ = load.drive_for(server.url, request_maker(server, query, plan.vary), 1, 0.3)
    return float(sorted(s.seconds for s in samples)[len(samples) // 2])


def one_round(server: Server, query: Query, concurrency: int, latency: float, plan: Plan) -> dict[str, Any]:
    """One timed round on one server: wrk when an answer fits well in a round, else the Python client."""
    before = servers.cpu_seconds(server)
    if plan.client == "wrk" and latency * concurrency * 2 <= plan.seconds:
        accept = load.accept_for(query.text)
        path = load.sparql_request(query.name, server.endpoint, query.text).path
        base = f"http://{servers.HOST}:{server.port}"
        figures = {**wrk.run(base, path, accept, concurrency, plan.seconds, plan.script, plan.vary), "client": "wrk"}
        settle(server)
    else:
        samples, wall = load.drive_for(server.url, request_maker(server, query, plan.vary), concurrency, plan.seconds)
        load.check_sizes(samples)
        figures = {**load.stats(samples, wall), "client": "python"}
    cpu = servers.cpu_seconds(server) - before
    return {**figures, "cpu_ms": round(1000 * cpu / max(1, figures["requests"]), 3)}


def settle(server: Server) -> None:
    """Wait until the server stops using CPU (wrk leaves its last requests in flight when a round ends)."""
    end, last = time.monotonic() + SETTLE_SECONDS, servers.cpu_seconds(server)
    while time.monotonic() < end:
        time.sleep(0.1)
        now = servers.cpu_seconds(server)
        if now - last < 0.005:
            return
        last = now


def measure(running: dict[str, Server], query: Query, plan: Plan) -> list[dict[str, Any]]:
    """Every concurrency's interleaved rounds of one query (the server order rotates each round); medians."""
    latency = {name: single_latency(server, query, plan) for name, server in running.items()}
    cells = []
    for concurrency in plan.concurrency:
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in running}
        for i in range(plan.rounds):
            order = list(running)[i % len(running) :] + list(running)[: i % len(running)]
            for name in order:
                if i == 0 or latency[name] * concurrency <= SLOW * plan.seconds:
                    runs[name].append(one_round(running[name], query, concurrency, latency[name], plan))
        by_server = {name: {**report.summary(r), "client": r[-1]["client"]} for name, r in runs.items()}
        cells.append({"query": query.name, "kind": query.kind, "concurrency": concurrency, "servers": by_server})
        cells[-1]["rounds"] = runs
        print(progress(cells[-1]), flush=True)
    return cells


def progress(cell: dict[str, Any]) -> str:
    """One line per measured query and concurrency: each server's median req/s."""
    figures = ", ".join(f"{name} {s['rps']:.1f}" for name, s in cell["servers"].items())
    return f"  {cell['query']} c={cell['concurrency']}: req/s {figures}"


def run_size(label: str, data: Path, names: list[str], plan: Plan, args: argparse.Namespace) -> dict[str, Any]:
    """Start the servers on one data file, check their answers, measure every query; the figures."""
    print(f"\n== {label}: {data}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-run-") as scratch, rss.Sampler() as sampler:
        options = contenders.Options(data, Path(scratch), sampler, tuple(shlex.split(args.govkg_args)))
        started = start_all(names, options)
        try:
            running = {name: one.server for name, one in started.items()}
            sizes, mismatches = queryset.agreement(running, plan.queries)
            for line in mismatches:
                print(f"MISMATCH {line}", file=sys.stderr, flush=True)
            cells = [cell for query in plan.queries for cell in measure(running, query, plan)]
        finally:
            stop_all(started)
        sampler.sample()
    servers_info = {
        name: {
            "ttfa_s": round(one.ttfa, 3),
            "prepare_s": round(one.prepare, 3),
            "peak_rss": sampler.peaks[name]["rss"],
            "peak_pss": sampler.peaks[name]["pss"],
            "note": one.note,
            "pid": one.server.process.pid,
        }
        for name, one in started.items()
    }
    result = {"data": str(data), "client": plan.client, "servers": servers_info, "answers": sizes}
    return {**result, "mismatches": mismatches, "cells": cells}


def _args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--triples", default="10000,100000,1000000", help="data sizes, comma-separated")
    p.add_argument("--seed", type=int, default=14)
    p.add_argument("--data", type=Path, action="append", help="serve this N-Quads file instead (repeatable)")
    p.add_argument("--cache", type=Path, default=CACHE, help="folder of the generated data (default build/bench)")
    p.add_argument("--concurrency", default="1,8", help="comma-separated (default 1,8)")
    p.add_argument("--seconds", type=float, default=2.0, help="length of a round (default 2)")
    p.add_argument("--rounds", type=int, default=3, help="rounds per query, server and concurrency (default 3)")
    p.add_argument("--client", choices=["wrk", "python"], help="default: wrk when installed")
    p.add_argument("--servers", help="comma-separated subset of " + ",".join(contenders.STARTERS))
    p.add_argument("--queries", type=Path, help="folder of .rq files (default bench/mix, else bench/queries)")
    p.add_argument("--only", action="append", help="run only this query (repeatable)")
    p.add_argument("--same-text", action="store_true", help="send each query's exact text every time")
    p.add_argument("--govkg-args", default="", help="extra flags for govkg serve, e.g. '--workers 2 --threads 8'")
    p.add_argument("--allow-mismatch", action="store_true", help="exit 0 even if answer sizes or requests fail")
    p.add_argument("--quick", action="store_true", help="CI mode: 10k triples, two queries, ~1 s rounds")
    p.add_argument("--markdown", type=Path, help="write the tables as Markdown here")
    p.add_argument("--json", type=Path, help="write every figure here")
    return p.parse_args(argv)


def plan_of(args: argparse.Namespace, script: Path) -> Plan:
    """The run's plan from the options (--quick narrows it)."""
    queries = queryset.read_all(args.queries or queryset.folder(), args.only)
    if args.quick:
        queries = queryset.quick_pick(queries)
    client = args.client or ("wrk" if wrk.available() else "python")
    if client == "wrk" and not wrk.available():
        raise SystemExit("wrk is not installed (apt-get install wrk), use --client python")
    concurrency = [int(c) for c in args.concurrency.split(",")]
    seconds, rounds = (1.0, 1) if args.quick else (args.seconds, args.rounds)
    return Plan(queries, concurrency, seconds, rounds, client, not args.same_text, script)


def datasets(args: argparse.Namespace) -> list[tuple[str, Path]]:
    """(label, file) of every data size: the --data files as given, else generated (10k only with --quick)."""
    if args.data:
        return [(path.name, servers.dataset_or_exit(path)) for path in args.data]
    sizes = [10000] if args.quick else [int(n) for n in args.triples.split(",")]
    return [data_file(triples, args.seed, args.cache) for triples in sizes]


def chosen_servers(args: argparse.Namespace) -> list[str]:
    """The servers asked for (all installed ones by default), govkg and the reference first."""
    names = args.servers.split(",") if args.servers else [n for n in contenders.STARTERS if contenders.installed(n)]
    unknown = sorted(set(names) - set(contenders.STARTERS))
    if unknown:
        raise SystemExit(f"unknown servers: {', '.join(unknown)} (known: {', '.join(contenders.STARTERS)})")
    return names


def failed(result: dict[str, Any]) -> list[str]:
    """Why the run failed: mismatched answers and requests that failed."""
    problems = [f"{label}: answers differ: {m}" for label, s in result["sizes"].items() for m in s["mismatches"]]
    for label, size in result["sizes"].items():
        for cell in size["cells"]:
            bad = {n: s["errors"] for n, s in cell["servers"].items() if s["errors"]}
            problems += [f"{label}: {cell['query']} c={cell['concurrency']}: errors {bad}"] if bad else []
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit 1 on mismatched answers or failed requests unless --allow-mismatch."""
    args = _args(argv)
    servers.exit_on_sigterm()
    names = chosen_servers(args)
    result: dict[str, Any] = {"command": shlex.join(["python", "bench/run.py", *sys.argv[1:]]), "sizes": {}}
    result["machine"] = report.machine()
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        plan = plan_of(args, wrk.script_file(Path(folder)))
        print(f"servers: {', '.join(names)}; client {plan.client}; queries: {', '.join(q.name for q in plan.queries)}")
        for label, data in datasets(args):
            if label not in result["sizes"]:
                result["sizes"][label] = run_size(label, data, names, plan, args)
    for label, size in result["sizes"].items():
        print(f"\n== {label} ({size['client']}; medians of {plan.rounds} rounds)\n")
        print("\n\n".join(report.tables(size)), flush=True)
    if args.markdown:
        args.markdown.write_text(report.markdown(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    problems = failed(result)
    for problem in problems:
        print(f"FAILED {problem}", file=sys.stderr)
    return 1 if problems and not args.allow_mismatch else 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):  # the servers were stopped on the way out
        sys.exit(main())
    sys.exit(130)
