"""Where the lookup time goes: the lookup query (wrk) against variants of govkg's serving path.

Each variant runs under gunicorn on a free port; each of its rounds is followed by a round on the
Oxigraph server, so every ratio compares like with like: `python bench/variants.py` (needs wrk).
The app factories below are also gunicorn entry points (`variants:inline()` etc.). They are
experiments that reach into govkg's internals (`app.extensions["govkg"].pool`); not for production.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import compare
import servers
from servers import Server

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]
# name -> (worker class, workers, threads, app factory); None as factory means the `govkg serve` command.
VARIANTS: dict[str, tuple[str, int, int, str | None]] = {
    "govkg serve --production 2x8 (as shipped)": ("gthread", 2, 8, None),
    "govkg serve --production 4x2": ("gthread", 4, 2, None),
    "govkg gthread 2x8, no query-pool hop": ("gthread", 2, 8, "inline()"),
    "govkg gthread 4x2, no query-pool hop": ("gthread", 4, 2, "inline()"),
    "govkg sync 4 (no keep-alive)": ("sync", 4, 1, "plain()"),
    "govkg gevent 2 (pool hop kept)": ("gevent", 2, 1, "plain()"),
    "govkg 2x8 + response cache (WSGI)": ("gthread", 2, 8, "cached()"),
    "bare pyoxigraph WSGI app 2x8": ("gthread", 2, 8, "bare()"),
}


def _config() -> dict[str, object]:
    return {"ROOT": str(servers.ROOT), "DATASET": os.environ.get("BENCH_DATASET", str(servers.DATASET))}


def plain() -> WSGIApp:
    """govkg's app as `govkg serve` builds it."""
    from govkg.web import create_app

    return create_app(_config())


class InlinePool:
    """A drop-in for govkg's query pool that runs the job on the request thread (no deadline thread hop)."""

    def run(self, job: Callable[[Any], Any], seconds: float) -> Any:
        """Run the job now, with a deadline it can check."""
        from govkg.engine.deadline import Deadline

        return job(Deadline(seconds))


def inline() -> WSGIApp:
    """govkg's app with queries evaluated on the request thread."""
    from govkg.web import create_app

    app = create_app(_config())
    app.extensions["govkg"].pool = InlinePool()
    return app


def cached() -> WSGIApp:
    """govkg's app behind a response cache keyed by path, query string and Accept (200 GETs only)."""
    return ResponseCache(plain())


class ResponseCache:
    """A WSGI middleware keeping the last 1,024 distinct successful GET responses in memory."""

    def __init__(self, app: WSGIApp, size: int = 1024) -> None:
        self.app, self.size = app, size
        self.store: dict[tuple[str, ...], tuple[str, list[tuple[str, str]], bytes]] = {}

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """Answer from the cache, or from the app (remembering a 200)."""
        if environ["REQUEST_METHOD"] != "GET":
            return self.app(environ, start_response)
        key = tuple(environ.get(k, "") for k in ("PATH_INFO", "QUERY_STRING", "HTTP_ACCEPT"))
        hit = self.store.get(key) or self._fill(key, environ)
        start_response(hit[0], hit[1])
        return [hit[2]]

    def _fill(self, key: tuple[str, ...], environ: Environ) -> tuple[str, list[tuple[str, str]], bytes]:
        """Call the app, collecting its status, headers and body."""
        seen: list[Any] = []
        result = self.app(environ, lambda status, headers, exc_info=None: seen.extend([status, headers]))
        try:
            entry = (seen[0], list(seen[1]), b"".join(result))
        finally:
            getattr(result, "close", lambda: None)()
        if entry[0].startswith("200"):
            if len(self.store) >= self.size:
                self.store.clear()
            self.store[key] = entry
        return entry


def bare() -> WSGIApp:
    """The least a Python WSGI app can do: parse ?query=, run it on pyoxigraph, send SPARQL JSON."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(_config()["DATASET"]), format=ox.RdfFormat.N_QUADS)

    def app(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", "")).get("query")
        body = b'{"status":"ok"}'
        if query:
            result = store.query(query[0], use_default_graph_as_union=True)
            assert isinstance(result, ox.QuerySolutions)
            body = result.serialize(format=ox.QueryResultsFormat.JSON) or b""
        start_response(
            "200 OK", [("Content-Type", "application/sparql-results+json"), ("Content-Length", str(len(body)))]
        )
        return [body]

    return app


def start(name: str, dataset: Path) -> Server:
    """Start one variant and wait until it answers /health."""
    worker, workers, threads, factory = VARIANTS[name]
    if factory is None:
        return servers.start_govkg(dataset, workers, threads)
    port = servers.free_port()
    argv = [
        servers.tool("gunicorn"),
        "--pythonpath",
        str(servers.BENCH),
        "-b",
        f"{servers.HOST}:{port}",
        "-k",
        worker,
        "-w",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
        "--worker-connections",
        "100",
        f"variants:{factory}",
    ]
    server = servers.spawn("govkg", argv, port, "/sparql")
    servers.wait_ready(server, "/health")
    return server


def measure(name: str, oxigraph: Server, query: str, args: argparse.Namespace, script: Path) -> list[str]:
    """Rounds of the variant, each followed by one on Oxigraph; one table row."""
    server = start(name, args.dataset)
    try:
        count = compare.answer_count(server, query), compare.answer_count(oxigraph, query)
        if count[0] != count[1]:
            raise SystemExit(f"{name}: {count[0]} rows, oxigraph {count[1]}")
        run = compare.with_cpu(compare.wrk_runner(args.seconds, args.concurrency, {"lookup": query}, script))
        run(server, "lookup")  # warm-up
        mine, theirs = [], []
        for _ in range(args.rounds):
            mine.append(run(server, "lookup"))
            theirs.append(run(oxigraph, "lookup"))
    finally:
        servers.stop(server)
    rps, ref = compare.median(mine, "rps"), compare.median(theirs, "rps")
    return [
        name,
        f"{rps:.0f}",
        f"{ref:.0f}",
        f"{rps / ref:.2f}x",
        f"{compare.median(mine, 'p50_ms'):.2f} / {compare.median(mine, 'p95_ms'):.2f}",
        f"{compare.median(mine, 'cpu_ms'):.3f} / {compare.median(theirs, 'cpu_ms'):.3f}",
        str(sum(r["errors"] for r in mine)),
    ]


def table(rows: list[list[str]]) -> str:
    """A plain-text table."""
    header = [
        "variant (lookup, wrk)",
        "req/s",
        "oxigraph req/s",
        "ratio",
        "p50/p95 ms",
        "CPU ms/req (vs oxigraph)",
        "errors",
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in [header, *rows])


def _args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=2, help="length of one wrk round (whole seconds)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--only", action="append", help="run only variants whose name contains this (repeatable)")
    p.add_argument("--dataset", type=Path, default=servers.DATASET)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure every variant; print the table."""
    args = _args(argv)
    servers.exit_on_sigterm()
    os.environ["BENCH_DATASET"] = str(servers.dataset_or_exit(args.dataset))
    query = (servers.BENCH / "queries" / "lookup.rq").read_text(encoding="utf-8")
    names = [n for n in VARIANTS if not args.only or any(o in n for o in args.only)]
    print(compare.machine(), flush=True)
    rows = []
    with (
        servers.running(("oxigraph", {"dataset": args.dataset})) as up,
        tempfile.NamedTemporaryFile("w", suffix=".lua") as script,
    ):
        script.write(compare.WRK_SCRIPT)
        script.flush()
        for name in names:
            rows.append(measure(name, up["oxigraph"], query, args, Path(script.name)))
            print(f"  {rows[-1][0]}: {rows[-1][1]} req/s ({rows[-1][3]})", flush=True)
    print(f"\nlookup, wrk, concurrency {args.concurrency}, {args.rounds} rounds of {args.seconds:g} s, medians")
    print(table(rows))
    return 1 if any(r[-1] != "0" for r in rows) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the servers were stopped on the way out
        sys.exit(130)
