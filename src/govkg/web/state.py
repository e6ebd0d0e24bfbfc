"""What the app serves: one engine over the configured files, the runner its queries run on (worker processes
by default), and what is computed from the data (counts, dumps), kept per data generation."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import current_app
from rdflib.term import Node

from govkg import federation, formats
from govkg.engine import REMOTE, SERVICE_DATASET, Engine, EngineError, Memo, Pool, Source, disk
from govkg.engine.fastlane import FastLane
from govkg.engine.runner import EngineSpec, OpenFailed, Runner, Threads
from govkg.engine.shell import Shell
from govkg.engine.workers import START_TIMEOUT, Workers
from govkg.errors import GovkgError
from govkg.pages import void
from govkg.store import StoreError, Tokens
from govkg.web import jobs
from govkg.web.errors import ConfigError
from govkg.web.gate import Gate

if TYPE_CHECKING:
    from govkg.store import Receipt

__all__ = ["State", "current", "open_state", "policy", "ready", "sources"]


@dataclass
class State:
    """One engine and the runner of its queries, shared by the app's request threads, with the settings and the
    generation-keyed caches."""

    engine: Engine
    runner: Runner
    pool: Pool  # threads for in-process work under a deadline (reconciliation scoring)
    timeout: float
    policy: federation.Policy
    limits: jobs.Limits
    max_query_length: int
    gate: Gate  # concurrent queries per client address
    modified: float  # the newest source file's modification time (Last-Modified)
    writer: Runner | None = None  # the writer process of a writable store (`--writable`), else None: read-only
    tokens: Tokens = field(default_factory=lambda: Tokens({}))
    write_timeout: float = 120.0
    memo: Memo[tuple[str, ...], Any] = field(init=False)

    def __post_init__(self) -> None:
        self.memo = Memo(self, size=256)
        self._write_lock = threading.Lock()

    def write(self, update: str, editor: str) -> Receipt:
        """Apply a change in the writer process, then serve its snapshot (workers open it before their next job;
        every cache follows the generation)."""
        from govkg.store import writer  # only a writable server loads the writer (pySHACL, owlrl)

        assert self.writer is not None
        with self._write_lock:
            try:
                receipt, folder = self.writer.run(writer.apply, (update, editor), self.write_timeout)
            except EngineError:
                self._recover()  # the writer may have committed before it stopped: serve what the store holds
                raise
            self.serve(folder)
        return receipt

    def _recover(self) -> None:
        """After a writer failure, serve a fresh snapshot (a new writer opens the store), if one can be made."""
        from govkg.store import writer

        assert self.writer is not None
        with contextlib.suppress(GovkgError):
            self.serve(self.writer.run(writer.snapshot, (), self.write_timeout))

    def serve(self, folder: Path) -> None:
        """Serve a snapshot of the store: the server's engine is replaced, the query workers told."""
        spec = EngineSpec(self.engine.kind, (Source(folder),), self.engine.base, self.policy)
        # The old engine is not closed: a request thread may still be reading it; it goes when the last one does.
        self.engine = spec.open()
        self.runner.respec(spec)
        self.modified = time.time()  # Last-Modified of dumps and graphs moves with the data

    @property
    def row_limit(self) -> int:
        """Rows shown on an HTML page."""
        return self.limits.page_rows

    @property
    def base(self) -> str:
        """The base IRI of the data."""
        return self.engine.base

    @property
    def graphs(self) -> dict[str, int]:
        """The stored named graphs and their sizes."""
        return self.engine.graphs()

    @property
    def generation(self) -> str:
        """The engine's data generation (ETags are made from it)."""
        return self.engine.generation

    def select(self, query: str) -> list[list[Node | None]]:
        """Rows of a SELECT over the service's default dataset, as rdflib terms (for descriptions), evaluated on
        the runner under the query deadline like any query."""
        return self.runner.run(jobs.rows, (query, SERVICE_DATASET, 10_000_000), self.timeout)[1]

    def counts(self) -> void.Counts:
        """What the descriptions report, counted once per data generation."""
        return self.memo.get(("counts",), lambda: void.count(self.select, self.base))

    def export(self, graphs: list[str] | None, fmt: str) -> bytes:
        """Serialised graphs for a dump, made once per data generation (exports are byte-stable)."""
        key = ("export", fmt, *(graphs if graphs is not None else ["*"]))
        return self.memo.get(key, lambda: self._export(graphs, fmt))

    def _export(self, graphs: list[str] | None, fmt: str) -> bytes:
        out = BytesIO()
        self.engine.export(graphs, formats.get(fmt), out)
        return out.getvalue()


def sources(config: Mapping[str, Any]) -> list[Source]:
    """The files to serve: the project's built dataset (unless PROJECT is false), the DATA files and extra named
    graphs."""
    if config.get("STORE_URL"):  # a remote SPARQL 1.1 store (read-only): the data is there, not in files
        return [Source.store(str(config["STORE_URL"]))]
    found = []
    if config["PROJECT"]:
        path = Path(config["DATASET"] or Path(config["ROOT"] or ".") / "build" / "govkg.nq")
        if not path.is_file():
            raise ConfigError(f"no built dataset at {path}: run 'govkg build' first")
        found.append(Source(path))
    found += _data(config.get("DATA") or [])
    for item in _items(config["GRAPHS"], "GRAPHS", "IRI=FILE items"):
        iri, _, file = item.partition("=")
        if not iri or not file or not Path(file).is_file():
            raise ConfigError(f"bad graph {item!r}: expected IRI=FILE with an existing file")
        found.append(Source(Path(file), iri))
    return found


def _data(files: object) -> list[Source]:
    """Any RDF files, served as they are: quads in their graphs, triples in the default graph (which, as in
    `oxigraph serve --union-default-graph`, queries see with the named graphs); ConfigError naming a missing file."""
    found = [Source(Path(file)) for file in _items(files, "DATA", "RDF file paths")]
    for source in found:
        if not source.path.is_file():
            raise ConfigError(f"{source.path}: {'not a regular file' if source.path.exists() else 'no such file'}")
    return found


def open_state(config: Mapping[str, Any]) -> State:
    """Open the configured engine over the configured sources, and the runner its queries run on."""
    timeout, found, chosen = _positive(config, "QUERY_TIMEOUT"), sources(config), policy(config)
    kind = REMOTE if config.get("STORE_URL") else str(config["ENGINE"])
    try:
        served = _served(config, kind, found)
        spec = EngineSpec(kind, tuple(served), config["BASE_IRI"], chosen)
        engine, run = _engine(config, spec, shared=served == found and not config["WRITABLE"])
    except EngineError as error:
        raise ConfigError(str(error)) from None
    limits = jobs.Limits(
        *(int(_positive(config, key)) for key in ("HTML_ROW_LIMIT", "MAX_RESULT_ROWS", "MAX_RESULT_BYTES"))
    )
    state = State(
        engine,
        run,
        Pool(int(_positive(config, "QUERY_THREADS"))),
        timeout,
        chosen,
        limits,
        int(_positive(config, "MAX_QUERY_LENGTH")),
        Gate(int(_positive(config, "MAX_CLIENT_QUERIES"))),
        max((s.path.stat().st_mtime for s in found if s.url is None), default=time.time()),
    )
    if config["WRITABLE"] and config.get("STORE_URL"):
        raise ConfigError("a remote store is served read-only: --writable needs a store folder (--store DIR)")
    if config["WRITABLE"]:
        make_writable(state, config, found)
    return state


def _served(config: Mapping[str, Any], kind: str, found: list[Source]) -> list[Source]:
    """What the engines open: the on-disk store made once from the files in DATA_CACHE, which every process opens
    read-only (one copy of the data, not one per process); the files themselves when DATA_CACHE is empty, for an
    engine without on-disk stores, or for a writable server (which serves its own store's snapshots)."""
    if not config.get("DATA_CACHE") or kind not in disk.ON_DISK or config["WRITABLE"] or not found:
        return found
    return [disk.stored(found, config["BASE_IRI"], Path(config["DATA_CACHE"]))]


def make_writable(state: State, config: Mapping[str, Any], found: list[Source]) -> None:
    """Give the state a writer process owning the durable store at STORE (seeded once from the served files) and
    the tokens of WRITE_TOKENS / WRITE_TOKENS_FILE; from now on queries read the store's snapshots."""
    from govkg.store import writer
    from govkg.store.writer import WriterSpec

    if not config["STORE"]:
        raise ConfigError("a writable server needs a store folder (STORE, --store DIR)")
    state.tokens, state.write_timeout = _tokens(config), _positive(config, "WRITE_TIMEOUT")
    root, project = Path(config["ROOT"] or "."), bool(config["PROJECT"])
    spec = WriterSpec(Path(config["STORE"]), state.base, tuple(found), root, project)
    memory = _count(config, "QUERY_MEMORY") or None
    state.writer = Workers(spec, 1, memory, preload=("govkg.store.writer",), demote=False)
    try:
        state.serve(state.writer.run(writer.snapshot, (), state.write_timeout))
    except (StoreError, EngineError) as error:
        raise ConfigError(str(error)) from None


def _tokens(config: Mapping[str, Any]) -> Tokens:
    """The write tokens; ConfigError when there are none (a writable server nobody may write to is a mistake)."""
    try:
        if config["WRITE_TOKENS_FILE"]:
            tokens = Tokens.read(Path(config["WRITE_TOKENS_FILE"]))
        else:
            tokens = Tokens.parse(str(config["WRITE_TOKENS"] or ""))
    except StoreError as error:
        raise ConfigError(str(error)) from None
    if not tokens:
        raise ConfigError("a writable server needs write tokens (WRITE_TOKENS_FILE, --tokens FILE, GOVKG_WRITE_TOKENS)")
    return tokens


def _engine(config: Mapping[str, Any], spec: EngineSpec, shared: bool) -> tuple[Engine, Runner]:
    """The server's engine and the runner of its queries: worker processes (QUERY_WORKERS of them, each killed past
    its deadline or QUERY_MEMORY bytes), or with QUERY_WORKERS = 0 threads of this process (QUERY_THREADS), whose
    deadlines cannot stop a native evaluation. A remote store's queries always run on threads: the work is the
    store's, and a deadline is a socket timeout. Files served read-only (`shared`) are loaded once, in the fork
    server every worker is forked from, and the server keeps a Shell, not a copy: the first worker counts the
    graphs (and shows the files load). With FAST_LANE_SLOTS, the server loads its own copy too, in the background,
    for queries of shapes seen to be fast (govkg.engine.fastlane)."""
    workers = _count(config, "QUERY_WORKERS")
    if workers == 0 or config.get("STORE_URL"):
        engine = spec.open()
        return engine, Threads(engine, int(_positive(config, "QUERY_THREADS")))
    memory = _count(config, "QUERY_MEMORY") or None
    pool = Workers(spec, workers, memory, preload=("govkg.web.jobs",), resident=shared)
    if not shared:
        return spec.open(), pool
    counted: Future[dict[str, int]] = Future()
    seconds = START_TIMEOUT + _positive(config, "QUERY_TIMEOUT")
    threading.Thread(target=_count_graphs, args=(pool, seconds, counted), name="govkg-count", daemon=True).start()
    shell, slots = Shell(spec, counted.result), _count(config, "FAST_LANE_SLOTS")
    if not slots:
        return shell, pool
    threading.Thread(target=shell.load, name="govkg-fast-lane", daemon=True).start()
    return shell, FastLane(pool, shell.loaded, jobs.shape, slots)


def _count_graphs(pool: Workers, seconds: float, counted: Future[dict[str, int]]) -> None:
    """Count the graphs in the first worker (started when the fork server has loaded the data)."""
    try:
        counted.set_result(pool.run(jobs.graphs, (), seconds))
    except BaseException as error:  # handed to whoever waits for the sizes
        counted.set_exception(error)


def ready(state: State) -> None:
    """Wait until the served data is open (a Shell's first worker has counted its graphs, which the app's own
    set-up ran alongside); ConfigError, with the workers stopped, when the files cannot be loaded."""
    try:
        state.engine.graphs()
    except EngineError as error:
        state.runner.close()
        raise ConfigError(error.reason if isinstance(error, OpenFailed) else str(error)) from None


def _count(config: Mapping[str, Any], key: str) -> int:
    """A whole number ≥ 0 from the configuration."""
    try:
        value = int(config[key])
    except (TypeError, ValueError):
        raise ConfigError(f"{key} must be a whole number, not {config[key]!r}") from None
    if value < 0:
        raise ConfigError(f"{key} must not be negative")
    return value


def policy(config: Mapping[str, Any]) -> federation.Policy:
    """The SERVICE policy: allowlisted endpoints and limits (SPARQL 1.1 Federated Query); also checks that
    rdflib's global evaluation hooks hold govkg's alone (docs/security.md, item 18)."""
    try:
        federation.check_hooks()
    except federation.HookError as error:
        raise ConfigError(str(error)) from None
    limits = federation.Limits(
        _positive(config, "SERVICE_CONNECT_TIMEOUT"),
        _positive(config, "SERVICE_READ_TIMEOUT"),
        int(_positive(config, "SERVICE_MAX_BYTES")),
    )
    try:
        found = federation.policy(_items(config["SERVICE_ALLOWLIST"], "SERVICE_ALLOWLIST", "endpoint IRIs"), limits)
    except ValueError as error:
        raise ConfigError(f"SERVICE_ALLOWLIST: {error}") from None
    return replace(
        found,
        max_requests=int(_positive(config, "SERVICE_MAX_REQUESTS")),
        max_total_bytes=int(_positive(config, "SERVICE_MAX_TOTAL_BYTES")),
    )


def _items(value: object, key: str, what: str) -> list[str]:
    """A list setting: a list, or a string of items separated by whitespace (as GOVKG_* variables give it)."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    raise ConfigError(f"{key} must be a list of {what}")


def _positive(config: Mapping[str, Any], key: str) -> float:
    """A positive number from the configuration."""
    try:
        value = float(config[key])
    except (TypeError, ValueError):
        raise ConfigError(f"{key} must be a number, not {config[key]!r}") from None
    if value <= 0:
        raise ConfigError(f"{key} must be positive")
    return value


def current() -> State:
    """The state of the app handling the current request."""
    state: State = current_app.extensions["govkg"]
    return state
