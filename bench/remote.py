"""Remote mode measured: `govkg serve --store URL` over the Oxigraph server, against an Oxigraph server queried
directly, on the same data, query mix and client (bench/run.py's rounds, tables and checks).

    python bench/remote.py --triples 100000                 # lookup, aggregate, construct at c=8 (~2 min)
    python bench/remote.py --triples 100000 --only path --concurrency 1,8 --markdown remote.md

The `govkg-remote` server of the run (contenders.py) is this script in its other role, `launch`: it starts
`oxigraph serve` in memory as its child, pushes the data to it (`govkg push`, Oxigraph's bulk route), then
becomes `govkg serve --production --store URL` (exec, same process). The store and the front end are one process
tree and one process group, so the runner's CPU ms/req and peak memory count both: what serving a request costs
the pair. `oxigraph-mem` is the direct comparison (a second Oxigraph server, union default graph).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import run
import servers

QUERIES = ("lookup", "aggregate", "construct")
PUSH_SECONDS = 30.0  # how long the store may take to start listening


def launch(argv: Sequence[str]) -> None:
    """Start the store, push the data, then exec govkg serve --production --store URL (never returns)."""
    p = argparse.ArgumentParser(prog="remote.py launch")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("serve_args", nargs="*", help="more flags for govkg serve (after --)")
    args = p.parse_args(argv)
    store_port = servers.free_port()
    store = [servers.tool("oxigraph"), "serve", "--bind", f"{servers.HOST}:{store_port}"]
    subprocess.Popen(store, stdin=subprocess.DEVNULL)  # our child: it stays in this process tree
    url = f"http://{servers.HOST}:{store_port}/query"
    push = [servers.tool("govkg"), "--root", str(servers.ROOT), "push", url, "--dataset", str(args.data)]
    end = time.monotonic() + PUSH_SECONDS
    while subprocess.run(push, stdout=subprocess.DEVNULL, check=False).returncode:
        if time.monotonic() > end:
            raise SystemExit(f"govkg push to {url} kept failing")
        time.sleep(0.1)
    serve = [servers.tool("govkg"), "--root", str(servers.ROOT), "serve", "--production", "--host", servers.HOST]
    serve += ["--port", str(args.port), "--store", url, *args.serve_args]
    os.execv(serve[0], serve)  # this process becomes the front end; the store stays its child


def main(argv: Sequence[str]) -> int:
    """bench/run.py with govkg-remote and oxigraph-mem, the three queries of docs/scaling.md and c=8 by default."""
    given = list(argv)
    defaults = ["--servers", "govkg-remote,oxigraph-mem", "--concurrency", "8", "--triples", "100000"]
    for flag, value in zip(defaults[::2], defaults[1::2], strict=True):
        if flag not in given:
            given += [flag, value]
    if "--only" not in given and "--quick" not in given:
        given += [part for name in QUERIES for part in ("--only", name)]
    return run.main(given)


if __name__ == "__main__":
    if sys.argv[1:2] == ["launch"]:
        launch(sys.argv[2:])
    sys.exit(main(sys.argv[1:]))
