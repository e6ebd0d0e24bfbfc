"""The query mix: `.rq` files with `# kind: trivial|heavy` and `# what: ...` lines, and each query's answer size on
a server (SELECT rows, CONSTRUCT/DESCRIBE triples, ASK value), the figure every server must agree on."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import load
import servers
from servers import Server

MIX = servers.BENCH / "mix"
FALLBACK = servers.BENCH / "queries"  # the first benchmark's three queries, until bench/mix/ exists
HEADER = re.compile(r"^#\s*(kind|what):\s*(.*?)\s*$", re.MULTILINE)
NTRIPLES = "application/n-triples"


@dataclass(frozen=True)
class Query:
    """One query of the mix: its file's stem, text, kind (trivial, heavy or '-') and what it exercises."""

    name: str
    text: str
    kind: str = "-"
    what: str = ""

    @property
    def describe(self) -> bool:
        """Whether it is a DESCRIBE."""
        return re.search(r"^\s*DESCRIBE\b", self.text, re.MULTILINE | re.IGNORECASE) is not None

    @property
    def graph(self) -> bool:
        """Whether it is a CONSTRUCT or DESCRIBE (answered in an RDF format)."""
        return load.accept_for(self.text) == load.TURTLE


def folder() -> Path:
    """bench/mix when it holds queries, else bench/queries."""
    return MIX if any(MIX.glob("*.rq")) else FALLBACK


def read(path: Path) -> Query:
    """A query file with its header lines."""
    text = path.read_text(encoding="utf-8")
    header = dict(HEADER.findall(text))
    return Query(path.stem, text, header.get("kind", "-"), header.get("what", ""))


def read_all(where: Path, names: list[str] | None = None) -> list[Query]:
    """The queries of a folder, sorted by name, only `names` (in that order) when given."""
    found = {path.stem: read(path) for path in sorted(where.glob("*.rq"))}
    missing = sorted(set(names or []) - set(found))
    if missing:
        raise SystemExit(f"no such queries in {where}: {', '.join(missing)}")
    return [found[name] for name in names] if names else list(found.values())


def quick_pick(queries: list[Query]) -> list[Query]:
    """Two queries for the quick mode: the first trivial and the first heavy one (else the first two)."""
    picked = [next((q for q in queries if q.kind == kind), None) for kind in ("trivial", "heavy")]
    chosen = [q for q in picked if q is not None]
    return chosen if len(chosen) == 2 else queries[:2]


def varied(text: str, i: int) -> str:
    """The same query with a distinct trailing comment, so no cache keyed on its text can answer it."""
    return f"{text}\n#{i}"


def answer_size(server: Server, query: Query) -> int | bool:
    """Rows of a SELECT, the value of an ASK, triples of a CONSTRUCT or DESCRIBE (as N-Triples lines)."""
    accept = NTRIPLES if query.graph else load.JSON_RESULTS
    path = load.sparql_request("check", server.endpoint, query.text, accept).path
    status, body = servers.request(server.port, "GET", path, headers={"Accept": accept})
    if status != 200:
        raise RuntimeError(f"{server.name} answered {query.name} with {status}: {body[:300]!r}")
    if query.graph:
        return sum(1 for line in body.splitlines() if line.strip() and not line.startswith(b"#"))
    answer = json.loads(body)
    return bool(answer["boolean"]) if "boolean" in answer else len(answer["results"]["bindings"])


def agreement(running: dict[str, Server], queries: list[Query]) -> tuple[dict[str, dict[str, object]], list[str]]:
    """Each query's answer size on every server, and a line per query on which they differ."""
    sizes: dict[str, dict[str, object]] = {}
    mismatches = []
    for query in queries:
        sizes[query.name] = found = {name: _size_or_error(server, query) for name, server in running.items()}
        if len({json.dumps(v) for v in found.values()}) == 1:
            continue
        line = f"{query.name}: {', '.join(f'{n}={v}' for n, v in found.items())}"
        if query.describe and all(isinstance(v, int) for v in found.values()):
            # Which triples describe a resource is the service's choice (SPARQL 1.1 Query §16.4): said, not failed.
            print(f"DESCRIBE differs (implementation-defined) {line}", file=sys.stderr, flush=True)
        else:
            mismatches.append(line)
    return sizes, mismatches


def _size_or_error(server: Server, query: Query) -> object:
    """The answer size, or the failure as a string (a server refusing a query is a mismatch, not a crash)."""
    try:
        return answer_size(server, query)
    except (RuntimeError, OSError, ValueError, KeyError) as error:
        return f"error: {str(error)[:120]}"
