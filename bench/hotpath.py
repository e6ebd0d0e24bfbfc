"""The small-query fast path, measured: govkg's production server against the Oxigraph server under wrk, on the
queries where the HTTP stack is the cost (lookup, ASK, DESCRIBE, a small CONSTRUCT) and one heavy query, with the
response cache off; optionally a py-spy profile of the server process and of one query worker.

`python bench/hotpath.py` (needs wrk) prints, per query, req/s of both servers, their ratio, and the server CPU
milliseconds per request (every process of each server's group: the stable figure on a busy machine);
`--server granian` runs govkg on granian instead of waitress; `--spy lookup` adds the profile of that query.
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import compare
import servers
from servers import Server

ENTITY = "<https://w3id.org/govkg/id/ai-seoul-summit-2024>"
QUERIES = {
    "lookup": (servers.BENCH / "queries" / "lookup.rq").read_text(encoding="utf-8"),
    "ask": f"ASK {{ {ENTITY} ?p ?o }}",
    "describe": f"DESCRIBE {ENTITY}",
    "construct": f"CONSTRUCT {{ {ENTITY} ?p ?o }} WHERE {{ {ENTITY} ?p ?o }}",
    "aggregate": (servers.BENCH / "queries" / "aggregate.rq").read_text(encoding="utf-8"),
}


def start_govkg(dataset: Path, workers: int, threads: int, server: str) -> Server:
    """govkg in production mode, response cache off."""
    port = servers.free_port()
    argv = [servers.tool("govkg"), "--root", str(servers.ROOT), "serve", "--port", str(port)]
    argv += ["--dataset", str(dataset), "--production", "--workers", str(workers), "--threads", str(threads)]
    if server != "waitress":
        argv += ["--server", server]
    os.environ["GOVKG_RESPONSE_CACHE_BYTES"] = "0"
    started = servers.spawn("govkg", argv, port, "/sparql")
    servers.wait_ready(started, "/health")
    return started


def spy(server: Server, run: Any, name: str, seconds: float) -> str:
    """A wrk round of `name` while py-spy samples the server process and one query worker: the top functions of
    each by inclusive share of the samples."""
    pids = [server.process.pid, _worker_pid(server.process.pid)]
    outs = [Path(tempfile.mkstemp(suffix=".txt")[1]) for _ in pids]
    duration = str(max(1, round(seconds)))
    spies = [
        subprocess.Popen(
            [
                servers.tool("py-spy"),
                "record",
                "-p",
                str(pid),
                "-d",
                duration,
                "-r",
                "500",
                "--gil",
                "-f",
                "raw",
                "-o",
                str(o),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid, o in zip(pids, outs, strict=True)
    ]
    run(server, name)
    for process in spies:
        process.wait()
    text = "".join(_top(o.read_text(), label) for o, label in zip(outs, ("server", "worker"), strict=True))
    for o in outs:
        o.unlink()
    return text


def _worker_pid(leader: int) -> int:
    """The query worker of a server's process group that used the most CPU so far."""
    best, used = leader, -1
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        if int(fields[2]) == leader and pid != leader and int(fields[11]) + int(fields[12]) > used:
            best, used = pid, int(fields[11]) + int(fields[12])
    return best


def _top(raw: str, label: str, count: int = 25) -> str:
    """The functions present in the most samples (inclusive) and their own (self) share, from py-spy's raw
    (collapsed stacks) output."""
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        frames = [f.split(" (")[0] + " " + f.rsplit("/", 1)[-1].split(":")[0].rstrip(")") for f in stack.split(";")]
        total += int(n)
        for frame in set(frames):
            inclusive[frame] += int(n)
        own[frames[-1]] += int(n)
    lines = [f"\n{label}: {total} samples; inclusive % / self %"]
    for frame, n in inclusive.most_common(count):
        lines.append(f"  {100 * n / total:5.1f} {100 * own[frame] / total:5.1f}  {frame}")
    return "\n".join(lines) + "\n"


def measure(up: dict[str, Server], run: Any, name: str, rounds: int) -> list[str]:
    """Alternating rounds of one query on both servers; one table row of medians."""
    run(up["govkg"], name)  # warm-up
    results = compare.rounds(up, run, name, rounds)
    mine, theirs = results["govkg"], results["oxigraph"]
    rps, ref = compare.median(mine, "rps"), compare.median(theirs, "rps")
    cpu = compare.median(mine, "cpu_ms"), compare.median(theirs, "cpu_ms")
    errors = sum(r["errors"] for r in mine + theirs)
    return [name, f"{rps:.0f}", f"{ref:.0f}", f"{rps / ref:.2f}x", f"{cpu[0]:.3f} / {cpu[1]:.3f}", str(errors)]


def _args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=2, help="length of one wrk round (whole seconds)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--workers", type=int, default=2, help="govkg's query worker processes")
    p.add_argument("--threads", type=int, default=8, help="govkg's request threads")
    p.add_argument("--server", default="waitress", help="govkg's production HTTP server")
    p.add_argument("--only", action="append", choices=sorted(QUERIES), help="run only this query (repeatable)")
    p.add_argument("--spy", choices=sorted(QUERIES), help="also profile govkg on this query (py-spy)")
    p.add_argument("--dataset", type=Path, default=servers.DATASET)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure each query; print the table (and the profile)."""
    args = _args(argv)
    servers.exit_on_sigterm()
    dataset = servers.dataset_or_exit(args.dataset)
    names = args.only or list(QUERIES)
    header = ["query", "govkg req/s", "oxigraph req/s", "ratio", "CPU ms/req g / o", "errors"]
    rows, profile = [header], ""
    with (
        tempfile.NamedTemporaryFile("w", suffix=".lua") as script,
        servers.running(("oxigraph", {"dataset": dataset})) as up,
    ):
        script.write(compare.WRK_SCRIPT)
        script.flush()
        up["govkg"] = start_govkg(dataset, args.workers, args.threads, args.server)
        try:
            run = compare.with_cpu(compare.wrk_runner(args.seconds, args.concurrency, QUERIES, Path(script.name)))
            for name in names:
                rows.append(measure(up, run, name, args.rounds))
                print("  " + "  ".join(rows[-1]), flush=True)
            if args.spy:
                profile = spy(up["govkg"], run, args.spy, args.seconds)
        finally:
            servers.stop(up.pop("govkg"))
    print(f"\ngovkg ({args.server}, {args.workers} workers, {args.threads} threads, cache off) against oxigraph serve;")
    print(f"wrk, concurrency {args.concurrency}, {args.rounds} rounds of {args.seconds:g} s, medians")
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    print("\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows) + profile)
    return 1 if any(r[-1] != "0" for r in rows[1:]) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
