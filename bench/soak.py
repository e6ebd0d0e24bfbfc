"""Soak: N clients for S seconds against `govkg serve --production` over loopback, with a mix of fast queries
(70 %), bad requests (20 %) and queries that hit the deadline (10 %: cartesian COUNT(*) and ORDER BY ones that
write nothing until the end).

Prints the outcome of every kind of request, the fast queries' p50 and p99, the server's resident memory (its
whole process tree) at the start and the end, and whether every timeout was answered in time. Exits 1 on any
unexpected error: a 5xx other than the deadline's 503, a connection error, a late timeout, or a bad request
answered 2xx. `python bench/soak.py` (16 clients, 60 s); `--clients 8 --seconds 10` for a short run.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from urllib.parse import quote

import servers

FAST = [
    "ASK { ?s a ?class }",
    "SELECT ?s ?label WHERE { ?s a gk:Summit ; rdfs:label ?label } ORDER BY ?s ?label",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a gk:Company }",
    "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a gk:State ; rdfs:label ?l } LIMIT 50",
]
SLOW = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?f ?c LIMIT 10",
]
FORM = "application/x-www-form-urlencoded"
TOKEN = "soak-token-0123456789abcdef"  # the writable server's token in --writable runs
# (method, path, body, content type, accept): requests a client gets wrong, each with its own 4xx.
BAD = [
    ("GET", "/sparql?query=" + quote("SELECT ?x WHERE { ?x ?y }"), None, None, None),
    ("GET", "/sparql?query=" + quote("SELECT * WHERE { ?s nope:p ?o }"), None, None, None),
    ("GET", "/sparql?query=" + quote("ASK {}") + "&format=turtle", None, None, None),
    ("POST", "/sparql", b"update=INSERT+DATA+%7B%3Ca%3A%3E+%3Ca%3A%3E+%3Ca%3A%3E%7D", FORM, None),
    ("POST", "/sparql", b"ASK {}", "text/plain", None),
    ("POST", "/sparql", b"query=" + b"x" * 1_100_000, FORM, None),
    ("DELETE", "/sparql", None, None, None),
    ("GET", "/id/" + "no-such-thing", None, None, None),
    ("GET", "/sparql?query=" + quote("ASK {}"), None, None, "application/x-unknown"),
]  # fmt: skip


@dataclass
class Tally:
    """What one kind of request got."""

    statuses: Counter[str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)


def send(port: int, method: str, path: str, body: bytes | None, ctype: str | None, accept: str | None) -> int:
    """One request on a fresh connection; the status (a `Bearer …` accept value is sent as the token)."""
    auth = accept if accept and accept.startswith("Bearer ") else None
    headers = {k: v for k, v in (("Content-Type", ctype), ("Accept", None if auth else accept or "text/csv")) if v}
    if auth:
        headers["Authorization"] = auth
    conn = http.client.HTTPConnection(servers.HOST, port, timeout=180)  # a write may queue behind others
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def client(port: int, end: float, args: argparse.Namespace, seed: int, tallies: dict[str, Tally], lock: Lock) -> None:
    """Requests one after another until `end`: 70 % fast (less the writes' share), 20 % bad, 10 % past the
    deadline, and with --writable a share of writes (half of them refused by the shapes)."""
    chooser, timeout = random.Random(seed), args.timeout
    while time.monotonic() < end:
        roll = chooser.random()
        kind = "write" if roll < args.writes else "fast" if roll < 0.7 else "bad" if roll < 0.9 else "slow"
        if kind == "write":
            request = write_request(chooser)
        elif kind == "bad":
            request = chooser.choice(BAD)
        else:
            query = chooser.choice(FAST if kind == "fast" else SLOW)
            accept = "text/turtle" if query.startswith("CONSTRUCT") else "text/csv"
            request = ("GET", "/sparql?query=" + quote(query), None, None, accept)
        started = time.monotonic()
        try:
            status = str(send(port, *request))
        except (OSError, http.client.HTTPException) as error:
            status = f"connection error: {type(error).__name__}"
        seconds = time.monotonic() - started
        problem = _problem(kind, status, seconds, timeout)
        with lock:
            tally = tallies[kind]
            tally.statuses[status] += 1
            tally.seconds.append(seconds)
            if problem:
                tally.unexpected.append(f"{request[0]} {request[1][:80]}: {problem}")


def write_request(chooser: random.Random) -> tuple[str, str, bytes, str, str]:
    """A write with a token: a fact with its editor's statement (accepted), or without it (refused with 422)."""
    n, sourced = chooser.randrange(10**9), chooser.random() < 0.5
    statement = (
        f"gkc:soak-{n} a gk:EditorStatement ; rdf:subject gkd:france ; rdf:predicate gk:participatesIn ; "
        f"rdf:object gkd:soak-event-{n} ; prov:wasAttributedTo gkd:editor-soak ; "
        'prov:generatedAtTime "2026-12-06T00:00:00Z"^^xsd:dateTime ; rdf:value "soak"@en . '
        'gkd:editor-soak a gk:Editor ; rdfs:label "Soak" . '
    )
    text = (
        "PREFIX gkd: <https://w3id.org/govkg/id/> PREFIX gkc: <https://w3id.org/govkg/claim/> "
        "PREFIX prov: <http://www.w3.org/ns/prov#> INSERT DATA { GRAPH <https://w3id.org/govkg/graph/edits> { "
        f'gkd:soak-event-{n} a gk:Session ; rdfs:label "séance {n}"@fr , "session {n}"@en . '
        f"gkd:france gk:participatesIn gkd:soak-event-{n} . {statement if sourced else ''}}} }}"
    )
    return "POST", "/sparql", text.encode(), "application/sparql-update", f"Bearer {TOKEN}"


def _problem(kind: str, status: str, seconds: float, timeout: float) -> str | None:
    """Why an answer is unexpected, or None."""
    if not status.isdigit():
        return status
    code = int(status)
    if kind == "write":
        return None if code in (200, 422) else f"{code} for a write"
    if kind == "slow":
        if code != 503:
            return f"{code} for a query past the deadline"
        return f"503 after {seconds:.2f} s (deadline {timeout:g} s)" if seconds > timeout + 1 else None
    if code >= 500:
        return f"{code}"
    if kind == "bad" and code < 400:
        return f"{code} for a bad request"
    return None


def resident(server: servers.Server) -> int:
    """Resident memory of the server's process group, in bytes."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == server.process.pid:
                total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--timeout", type=float, default=5, help="the server's query deadline (default: 5 s)")
    parser.add_argument("--workers", type=int, default=16, help="query worker processes (default: 16)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--dataset", type=Path, default=servers.DATASET, help="default: build/govkg.nq")
    parser.add_argument("--writable", action="store_true", help="a writable server (a fresh store) and some writes")
    parser.add_argument("--write-share", dest="writes", type=float, default=0.02, help="with --writable (0.02)")
    args = parser.parse_args(argv)
    args.writes = args.writes if args.writable else 0.0
    servers.dataset_or_exit(args.dataset)
    servers.exit_on_sigterm()
    os.environ["GOVKG_RESPONSE_CACHE_BYTES"] = "0"  # every fast query is evaluated, not replayed
    server = start(args)
    try:
        tallies, lock = {k: Tally() for k in ("fast", "bad", "slow", "write")}, threading.Lock()
        before = resident(server)
        end = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=client, args=(server.port, end, args, args.seed + n, tallies, lock))
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        time.sleep(2)  # replacements of the last killed workers settle
        after = resident(server)
    finally:
        servers.stop(server)
    return report(args, tallies, before, after)


def start(args: argparse.Namespace) -> servers.Server:
    """The production server with the soak's deadline and workers."""
    port = servers.free_port()
    argv = [servers.tool("govkg"), "--root", str(servers.ROOT), "serve", "--port", str(port)]
    argv += ["--dataset", str(args.dataset), "--production", "--workers", str(args.workers)]
    argv += ["--timeout", str(args.timeout)]
    if args.writable:
        argv += ["--writable", "--store", tempfile.mkdtemp(prefix="govkg-soak-store-")]
        os.environ["GOVKG_WRITE_TOKENS"] = f"soak:{TOKEN}"
    server = servers.spawn("govkg-soak", argv, port, "/sparql")
    servers.wait_ready(server, "/ready")
    return server


def report(args: argparse.Namespace, tallies: dict[str, Tally], before: int, after: int) -> int:
    """Print the figures; 0 when nothing unexpected happened."""
    writes = f", {args.writes:.1%} writes" if args.writable else ""
    print(
        f"soak: {args.clients} clients, {args.seconds:g} s, deadline {args.timeout:g} s, {args.workers} workers{writes}"
    )
    for kind, tally in tallies.items():
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses.items()))
        print(f"  {kind:5} {sum(tally.statuses.values()):6d} requests  {statuses}")
    fast = sorted(tallies["fast"].seconds)
    if fast:
        p99 = fast[min(len(fast) - 1, int(len(fast) * 0.99))]
        ok = tallies["fast"].statuses.get("200", 0) / len(fast)
        p50 = statistics.median(fast)
        print(f"  fast queries: {ok:.1%} answered 200; p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")
    written = sorted(tallies["write"].seconds)
    if written:
        print(f"  writes: median {statistics.median(written):.1f} s, slowest {written[-1]:.1f} s (serialised)")
    slow = tallies["slow"].seconds
    if slow:
        print(f"  timeouts: slowest answer {max(slow):.2f} s (deadline {args.timeout:g} s + 1 s allowed)")
    start_mb, end_mb = before / 1e6, after / 1e6
    print(f"  resident memory of the server's processes: {start_mb:.0f} MB at the start, {end_mb:.0f} MB at the end")
    unexpected = [line for tally in tallies.values() for line in tally.unexpected]
    for line in unexpected[:20]:
        print(f"  UNEXPECTED {line}")
    print(f"  unexpected errors: {len(unexpected)}")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
