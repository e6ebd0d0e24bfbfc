"""`govkg push` against a real Oxigraph server on 127.0.0.1, and its one-line errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Outcome, Oxigraph, free_port

SAMPLE = Path(__file__).parents[1] / "resources" / "sample.trig"


def test_push_uploads_every_graph_and_checks_it(
    runner: Callable[..., Outcome], oxigraph: Callable[..., Oxigraph]
) -> None:
    server = oxigraph()
    done = runner("push", server.url, "--dataset", str(SAMPLE))
    assert done.code == 0, done.stderr
    assert b"27 https://w3id.org/govkg/graph/ontology" in done.stdout and b"in 6 graphs" in done.stdout


def test_push_through_the_graph_store_protocol(
    runner: Callable[..., Outcome], oxigraph: Callable[..., Oxigraph]
) -> None:
    server = oxigraph()
    store = server.url.replace("/query", "/store")
    done = runner("push", server.url, "--dataset", str(SAMPLE), "--graph-store", store)
    assert done.code == 0, done.stderr and b"in 6 graphs" in done.stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["ftp://127.0.0.1/query"], "not a store URL"),
        (["http://127.0.0.1:{port}/query"], "cannot be reached (connection refused)"),
        (["http://127.0.0.1:{port}/query", "--user", "dba"], "--user needs a password"),
        (["http://127.0.0.1:{port}/query", "--dataset", "nope.nq"], "nope.nq: no such file"),
    ],
)
def test_push_errors_are_one_line(runner: Callable[..., Outcome], args: list[str], said: str) -> None:
    port = free_port()
    filled = [a.format(port=port) for a in args]
    done = runner("push", *filled, *([] if "--dataset" in filled else ["--dataset", str(SAMPLE)]))
    assert done.code == 2 and done.stderr.startswith("govkg: error: ") and said in done.stderr
    assert done.stderr.count("\n") == 1
