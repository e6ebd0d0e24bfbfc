"""What the app serves: the engine, the loaded dataset and what is counted about it once at start."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from flask import current_app
from rdflib.term import Node

from govkg import describe, engine, federate, formats
from govkg.deadline import Pool
from govkg.engine import Selection, Source, rdflib_engine
from govkg.remote import Limits


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message is one line."""


@dataclass
class State:
    """One loaded dataset behind one engine, shared by the app's request threads (read-only)."""

    engine: ModuleType
    handle: Any
    base: str
    timeout: float
    pool: Pool
    digest: str
    modified: float
    counts: describe.Counts
    row_limit: int
    sources: list[Source] = field(default_factory=list)
    max_query_length: int = 100_000
    federation: federate.Policy = field(default_factory=federate.Policy)
    cache: dict[tuple[str, ...], bytes] = field(default_factory=dict)
    _exporter: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def select(self, query: str) -> list[list[Node | None]]:
        """Rows of a SELECT over the service's default dataset, as rdflib terms (for descriptions)."""
        answer = self.engine.evaluate(self.handle, query, Selection())
        return self.engine.rows(answer, 1_000_000)[1]

    def export(self, graphs: list[str] | None, fmt: str) -> bytes:
        """Serialised graphs for a dump, cached. Dumps come from rdflib whatever the query engine:
        Oxigraph normalises literals on load (xsd:nonNegativeInteger becomes xsd:integer,
        oxigraph/oxigraph#526), and a dump must give back exactly what was built."""
        key = (fmt, *graphs) if graphs is not None else (fmt, "*")
        with self._lock:
            if key not in self.cache:
                self.cache[key] = rdflib_engine.export(self.exporter(), graphs, formats.get(fmt))
            return self.cache[key]

    def exporter(self) -> Any:
        """The rdflib handle dumps are written from (the query handle when the engine is rdflib)."""
        if self._exporter is None:
            self._exporter = self.handle if self.engine is rdflib_engine else rdflib_engine.open(
                self.sources, self.base)
        return self._exporter

    @property
    def graphs(self) -> tuple[str, ...]:
        """The stored named graphs."""
        return tuple(self.engine.graphs(self.handle))


def sources(config: Mapping[str, Any]) -> list[Source]:
    """The files to serve: the project's built dataset (unless PROJECT is false) and extra named graphs."""
    found = []
    if config["PROJECT"]:
        path = Path(config["DATASET"] or Path(config["ROOT"] or ".") / "build" / "govkg.nq")
        if not path.is_file():
            raise ConfigError(f"no built dataset at {path}: run 'govkg build' first")
        found.append(Source(path))
    for item in _items(config["GRAPHS"], "GRAPHS", "IRI=FILE items"):
        iri, _, file = item.partition("=")
        if not iri or not file or not Path(file).is_file():
            raise ConfigError(f"bad graph {item!r}: expected IRI=FILE with an existing file")
        found.append(Source(Path(file), iri))
    return found


def _items(value: object, key: str, what: str) -> list[str]:
    """A list setting: a list, or a string of items separated by whitespace (as GOVKG_* variables give it)."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    raise ConfigError(f"{key} must be a list of {what}")


def open_state(config: Mapping[str, Any]) -> State:
    """Load the configured sources into the configured engine and count what the descriptions report."""
    timeout = _positive(config, "QUERY_TIMEOUT")
    policy = federation(config)
    found = sources(config)
    module = engine.get(str(config["ENGINE"]))
    handle = module.open(found, config["BASE_IRI"])
    digest = hashlib.sha256()
    for source in found:
        digest.update(f"{source.graph}\n".encode())
        digest.update(source.path.read_bytes())
    modified = max((s.path.stat().st_mtime for s in found), default=0.0)
    state = State(module, handle, config["BASE_IRI"], timeout, Pool(int(_positive(config, "QUERY_THREADS"))),
                  digest.hexdigest(), modified, describe.Counts({}, 0, 0, 0, 0, {}, {}),
                  int(_positive(config, "HTML_ROW_LIMIT")), found)
    state.max_query_length = int(_positive(config, "MAX_QUERY_LENGTH"))
    state.counts = describe.count(state.select, state.base)
    state.federation = policy
    state.exporter().federation = policy  # SERVICE runs on rdflib's handle (parsed now, not during a request)
    return state


def federation(config: Mapping[str, Any]) -> federate.Policy:
    """The SERVICE policy: allowlisted endpoints and limits (SPARQL 1.1 Federated Query); also checks that
    rdflib's global evaluation hooks hold govkg's alone (SECURITY.md item 18)."""
    try:
        federate.check_hooks()
    except federate.HookError as error:
        raise ConfigError(str(error)) from None
    limits = Limits(_positive(config, "SERVICE_CONNECT_TIMEOUT"), _positive(config, "SERVICE_READ_TIMEOUT"),
                    int(_positive(config, "SERVICE_MAX_BYTES")))
    requests, total = int(_positive(config, "SERVICE_MAX_REQUESTS")), int(_positive(config, "SERVICE_MAX_TOTAL_BYTES"))
    try:
        policy = federate.policy(_items(config["SERVICE_ALLOWLIST"], "SERVICE_ALLOWLIST", "endpoint IRIs"), limits)
    except ValueError as error:
        raise ConfigError(f"SERVICE_ALLOWLIST: {error}") from None
    return replace(policy, max_requests=requests, max_total_bytes=total)




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
