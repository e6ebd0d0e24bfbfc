"""A closed-loop HTTP load generator (stdlib only): C client threads, one keep-alive connection each.

As a module: `run(url, query, requests, concurrency)` for one SPARQL query, or `drive(...)` +
`summarize(...)` for any mix of requests. As a CLI: `python bench/load.py URL QUERY.rq -n 500 -c 8`.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import math
import re
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

JSON_RESULTS = "application/sparql-results+json"
TURTLE = "text/turtle"
SIZE_TOLERANCE = 0.01  # a body more than 1% off the first body of its label is a wrong answer
RETRYABLE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


@dataclass(frozen=True)
class Request:
    """One kind of GET request: a label for the report, a path with its query string, an Accept header."""

    label: str
    path: str
    accept: str = "*/*"


@dataclass
class Sample:
    """The outcome of one request."""

    label: str
    seconds: float
    status: int
    size: int
    error: str | None = None
    reconnected: bool = False


def strip_comments(query: str) -> str:
    """The query without its whole-line # comments (shorter URLs; the bodies are unchanged)."""
    return "\n".join(line for line in query.splitlines() if not line.lstrip().startswith("#")).strip()


def accept_for(query: str) -> str:
    """Turtle for CONSTRUCT/DESCRIBE, SPARQL JSON results for SELECT/ASK."""
    body = re.sub(r"(?im)^\s*(PREFIX|BASE)\s.*$", "", strip_comments(query))
    return TURTLE if re.match(r"\s*(CONSTRUCT|DESCRIBE)\b", body, re.IGNORECASE) else JSON_RESULTS


def sparql_request(label: str, endpoint: str, query: str, accept: str | None = None) -> Request:
    """A GET of `query` at the endpoint path (e.g. /sparql), with the Accept its form calls for."""
    text = strip_comments(query)
    return Request(label, f"{endpoint}?{urlencode({'query': text})}", accept or accept_for(text))


def connect(host: str, port: int, timeout: float) -> http.client.HTTPConnection:
    """A connection, opened now so the connect time is not charged to the first request."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    conn.connect()
    return conn


def _exchange(conn: http.client.HTTPConnection, req: Request) -> tuple[int, bytes]:
    """Send one GET and read the whole response (keeping the connection open unless the server closes)."""
    conn.request("GET", req.path, headers={"Accept": req.accept, "Accept-Encoding": "identity"})
    response = conn.getresponse()
    return response.status, response.read()


def fetch(conn: http.client.HTTPConnection, req: Request) -> Sample:
    """One timed request; a connection the server closed while idle is reopened once, untimed."""
    start, reconnected = time.perf_counter(), False
    try:
        try:
            status, body = _exchange(conn, req)
        except RETRYABLE:
            conn.close()
            conn.connect()
            start, reconnected = time.perf_counter(), True
            status, body = _exchange(conn, req)
    except (OSError, http.client.HTTPException) as error:
        conn.close()
        return Sample(req.label, time.perf_counter() - start, 0, 0, type(error).__name__, reconnected)
    return Sample(req.label, time.perf_counter() - start, status, len(body), None, reconnected)


def drive(url: str, plan: Sequence[Request], concurrency: int, timeout: float = 60.0) -> tuple[list[Sample], float]:
    """Send every request of `plan` over `concurrency` threads; the samples and the wall-clock seconds."""
    return _drive(url, lambda i: plan[i] if i < len(plan) else None, concurrency, None, timeout)


def drive_for(
    url: str, make: Callable[[int], Request], concurrency: int, seconds: float, timeout: float = 60.0
) -> tuple[list[Sample], float]:
    """Send `make(i)` for i = 0, 1, ... over `concurrency` threads until `seconds` have passed; every request
    started is awaited, so the wall-clock time covers all the work the server was given."""
    return _drive(url, make, concurrency, seconds, timeout)


def _drive(
    url: str, request: Callable[[int], Request | None], concurrency: int, seconds: float | None, timeout: float
) -> tuple[list[Sample], float]:
    """Send `request(i)` for i = 0, 1, ... over `concurrency` kept-alive connections, until it gives None or
    `seconds` have passed (all started at once, after every connection is open); samples and wall-clock seconds."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    samples: list[Sample] = []
    counter, lock = itertools.count(), threading.Lock()
    barrier = threading.Barrier(concurrency + 1)
    end = [math.inf]

    def client() -> None:
        conn = connect(host, port, timeout)
        mine: list[Sample] = []
        barrier.wait()
        while time.perf_counter() < end[0] and (req := request(next(counter))) is not None:
            mine.append(fetch(conn, req))
        conn.close()
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    start = time.perf_counter()
    if seconds is not None:
        end[0] = start + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - start


def check_sizes(samples: list[Sample], reference: dict[str, int] | None = None) -> None:
    """Mark as errors non-200 statuses, empty bodies and bodies off their label's reference size."""
    ref = dict(reference or {})
    for s in samples:
        if s.error:
            continue
        if s.status != 200:
            s.error = f"status {s.status}"
        elif s.size == 0:
            s.error = "empty body"
        elif abs(s.size - ref.setdefault(s.label, s.size)) > SIZE_TOLERANCE * ref[s.label]:
            s.error = f"size {s.size} != {ref[s.label]}"


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (nearest rank) of the values, 0 for none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] if ordered else 0.0


def stats(samples: list[Sample], wall: float) -> dict[str, Any]:
    """Throughput, latencies (ms) and errors of a set of samples sharing one wall-clock time."""
    latencies = [s.seconds for s in samples]
    errors = [s.error for s in samples if s.error]
    return {
        "requests": len(samples),
        "seconds": round(wall, 3),
        "rps": round(len(samples) / wall, 1) if wall else 0.0,
        "p50_ms": round(1000 * statistics.median(latencies), 2) if latencies else 0.0,
        "p95_ms": round(1000 * percentile(latencies, 95), 2),
        "p99_ms": round(1000 * percentile(latencies, 99), 2),
        "errors": len(errors),
        "reconnects": sum(s.reconnected for s in samples),
        "error_kinds": sorted(set(errors))[:5],
        "bytes": statistics.median([s.size for s in samples] or [0]),
    }


def summarize(samples: list[Sample], wall: float) -> dict[str, Any]:
    """Overall figures plus one entry per label (its rps is its share of the same wall-clock time)."""
    labels = sorted({s.label for s in samples})
    per = {label: stats([s for s in samples if s.label == label], wall) for label in labels}
    return {**stats(samples, wall), "by_label": per}


def run(
    url: str,
    query: str,
    requests: int = 200,
    concurrency: int = 8,
    accept: str | None = None,
    reference: int | None = None,
) -> dict[str, Any]:
    """Send `requests` GETs of one SPARQL query to the endpoint `url`; throughput, latencies and errors."""
    req = sparql_request("query", urlsplit(url).path or "/", query, accept)
    samples, wall = drive(url, [req] * requests, concurrency)
    check_sizes(samples, None if reference is None else {"query": reference})
    result = stats(samples, wall)
    return {**result, "url": url, "concurrency": concurrency, "accept": req.accept}


def _args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("url", help="the SPARQL endpoint, e.g. http://127.0.0.1:8000/sparql")
    p.add_argument("query", type=Path, help="a .rq file")
    p.add_argument("-n", "--requests", type=int, default=500)
    p.add_argument("-c", "--concurrency", type=int, default=8)
    p.add_argument("--accept", help="Accept header (default: by query form)")
    p.add_argument("--warmup", type=int, default=50, help="requests sent first and not counted")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: print the figures as JSON; exit 1 if any request failed."""
    args = _args(argv)
    query = args.query.read_text(encoding="utf-8")
    if args.warmup:
        run(args.url, query, args.warmup, args.concurrency, args.accept)
    result = run(args.url, query, args.requests, args.concurrency, args.accept)
    print(json.dumps(result, indent=2))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
