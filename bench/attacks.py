"""Each runaway query of tests/web/runaway/ against `govkg serve --production`, one at a time, while a client
sends fast queries: prints the status and time of each answer, its reason, and the fast queries' median and
slowest latency meanwhile. `python bench/attacks.py [--timeout 5]`."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

import servers

CASES = sorted((servers.ROOT / "tests" / "web" / "runaway").glob("*.rq"))
FAST = "/sparql?query=" + quote("ASK { ?s a ?class }")


def fast_while(port: int, stop: threading.Event, times: list[float]) -> None:
    """Fast queries one after another until `stop`; their latencies in `times` (a failure counts as 60 s)."""
    while not stop.is_set():
        began = time.monotonic()
        try:
            status, _ = servers.request(port, "GET", FAST)
        except OSError:
            status = 0
        times.append(time.monotonic() - began if status == 200 else 60.0)
        time.sleep(0.05)


def attack(port: int, case: Path) -> tuple[int, float, str, list[float]]:
    """One runaway query with fast ones alongside: (status, seconds, reason, fast latencies)."""
    stop, times = threading.Event(), []
    helper = threading.Thread(target=fast_while, args=(port, stop, times))
    helper.start()
    accept = "application/ld+json" if "construct" in case.name else "text/csv"
    began = time.monotonic()
    status, body = servers.request(
        port, "POST", "/sparql", case.read_bytes(), {"Content-Type": "application/sparql-query", "Accept": accept}
    )
    seconds = time.monotonic() - began
    stop.set()
    helper.join()
    reason = body.decode("utf-8", "replace").split(": ", 1)[-1].split(";")[0].strip()
    return status, seconds, reason, times


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=5)
    parser.add_argument("--only", action="append", default=[], help="run only this case (a file stem); repeatable")
    args = parser.parse_args(argv)
    servers.dataset_or_exit(servers.DATASET)
    servers.exit_on_sigterm()
    os.environ["GOVKG_RESPONSE_CACHE_BYTES"] = "0"
    port = servers.free_port()
    argv_ = [servers.tool("govkg"), "--root", str(servers.ROOT), "serve", "--port", str(port), "--production"]
    argv_ += ["--dataset", str(servers.DATASET), "--timeout", str(args.timeout)]
    server = servers.spawn("govkg-attacks", argv_, port, "/sparql")
    servers.wait_ready(server, "/ready")
    late = 0
    try:
        print("| query | status | answered after | reason | fast queries meanwhile: median / slowest |")
        print("|---|---|---|---|---|")
        for case in [c for c in CASES if not args.only or c.stem in args.only]:
            status, seconds, reason, times = attack(port, case)
            late += status not in (422, 503) or seconds > args.timeout + 1 or max(times, default=0) >= 1
            fast = f"{statistics.median(times) * 1000:.0f} ms / {max(times) * 1000:.0f} ms" if times else "-"
            print(f"| `{case.stem}` | {status} | {seconds:.2f} s | {reason} | {fast} |")
    finally:
        servers.stop(server)
    print(f"deadline {args.timeout:g} s; {late} case(s) outside the bar (503 or 422 within deadline + 1 s, fast < 1 s)")
    return 1 if late else 0


if __name__ == "__main__":
    sys.exit(main())
