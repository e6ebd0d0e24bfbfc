"""Acceptance check: govkg under gunicorn answers a mixed load over loopback without a single error.

Starts `govkg serve --production` (2 workers), sends 1,000 GETs from 8 keep-alive clients mixing the
three benchmark queries, the service description, the full N-Quads dump and /health, prints per-type
figures and exits 1 if any request failed: `python bench/loopback.py`.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import load
import servers

# (label, share of the requests): mostly queries, some descriptions, dumps and health checks.
MIX = {"lookup": 30, "aggregate": 10, "construct": 10, "service-description": 15, "download-nq": 5, "health": 30}


def kinds(endpoint: str, queries: Path) -> dict[str, load.Request]:
    """Every kind of request in the mix."""
    found = {
        name: load.sparql_request(name, endpoint, (queries / f"{name}.rq").read_text(encoding="utf-8"))
        for name in ("lookup", "aggregate", "construct")
    }
    return {
        **found,
        "service-description": load.Request("service-description", endpoint, "text/turtle"),
        "download-nq": load.Request("download-nq", "/download/govkg.nq", "application/n-quads"),
        "health": load.Request("health", "/health", "application/json"),
    }


def plan(available: dict[str, load.Request], total: int, seed: int = 0) -> list[load.Request]:
    """`total` requests in the proportions of MIX, shuffled (deterministically)."""
    weight = sum(MIX.values())
    chosen = [available[label] for label, share in MIX.items() for _ in range(round(total * share / weight))]
    random.Random(seed).shuffle(chosen)
    return chosen


def report(summary: dict[str, Any]) -> str:
    """Per-type lines (req/s is each type's share of the common wall-clock time) and the total."""
    lines = [f"{'type':<20} {'n':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>9} {'errors':>6}"]
    for label, s in [*summary["by_label"].items(), ("total", summary)]:
        lines.append(
            f"{label:<20} {s['requests']:>5} {s['rps']:>8.1f} {s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f} "
            f"{int(s['bytes']) if label != 'total' else '':>9} {s['errors']:>6}"
        )
        if s["error_kinds"]:
            lines.append(f"    {label} errors: {', '.join(s['error_kinds'])}")
    return "\n".join(lines)


def _args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=1000)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--dataset", type=Path, default=servers.DATASET)
    p.add_argument("--queries", type=Path, default=servers.BENCH / "queries")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the check; exit 1 on any error (non-200, empty body, body size off its type's first body)."""
    args = _args(argv)
    servers.exit_on_sigterm()
    dataset = servers.dataset_or_exit(args.dataset)
    with servers.running(("govkg", {"dataset": dataset, "workers": args.workers, "threads": args.threads})) as up:
        govkg = up["govkg"]
        requests = plan(kinds(govkg.endpoint, args.queries), args.requests)
        samples, wall = load.drive(f"http://{servers.HOST}:{govkg.port}/", requests, args.concurrency)
    load.check_sizes(samples)
    summary = load.summarize(samples, wall)
    print(
        f"govkg --production: {args.workers} workers x {args.threads} threads; {len(samples)} requests, "
        f"{args.concurrency} clients, {wall:.2f} s, {summary['reconnects']} reconnects"
    )
    print(report(summary))
    print(f"errors: {summary['errors']}")
    return 1 if summary["errors"] or len(samples) != len(requests) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the servers were stopped on the way out
        sys.exit(130)
