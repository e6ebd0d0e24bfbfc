"""The engine seam: the `Engine` protocol every query engine implements, and what engines take and give.

Like httpx's transports: callers (the web app, the command line, descriptions, reconciliation) hold an `Engine`
and never know which class stands behind it; `govkg.engine.open_engine` opens one by kind, and one conformance
suite (`tests/engine/test_conformance.py`) runs the same cases over every registered engine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from rdflib.term import Node

from govkg.formats import Format

if TYPE_CHECKING:
    from govkg.engine.deadline import Deadline

__all__ = [
    "FORMS",
    "SERVICE_DATASET",
    "Answer",
    "Engine",
    "Form",
    "Selection",
    "Source",
    "Table",
    "fingerprint",
    "select",
]

Form = Literal["bindings", "boolean", "graph"]  # SELECT; ASK; CONSTRUCT and DESCRIBE
Table = tuple[list[str], list[list[Node | None]]]  # variable names and rows of rdflib terms (None: unbound)
FORMS: dict[str, str] = {"bindings": "results", "boolean": "results", "graph": "graph"}  # form → format kind


@dataclass(frozen=True)
class Source:
    """An RDF file to serve: a quads file (graph None) or a triples file loaded as the named graph `graph`; or, with
    `url`, a SPARQL 1.1 store's query endpoint (the remote engine's source: `Source.store(url)`, no path)."""

    path: Path
    graph: str | None = None
    url: str | None = None

    @classmethod
    def store(cls, url: str) -> Source:
        """A SPARQL 1.1 store at `url` (its query endpoint), for the remote engine."""
        return cls(Path(), url=url)


@dataclass(frozen=True)
class Selection:
    """The RDF dataset of one query (SPARQL 1.1 Protocol §2.1.4, Query §13.2).

    `default` and `named` list stored graph IRIs; None means "as the query or the service says".
    `infer` False leaves the inferred graph out of the service's default dataset.
    """

    default: tuple[str, ...] | None = None
    named: tuple[str, ...] | None = None
    infer: bool = True


SERVICE_DATASET = Selection()  # the service's default dataset: the union of the named graphs, inferences included


@dataclass
class Answer:
    """An evaluated query: its form, the evaluating engine's own result object, and that engine (which writes it)."""

    form: Form
    result: Any
    engine: Engine
    again: Callable[[], Any] | None = field(default=None, compare=False)  # a new result, evaluated again


@runtime_checkable
class Engine(Protocol):
    """A read-only SPARQL 1.1 query engine over one RDF dataset (the default graph: the union of the named graphs)."""

    kind: str  # its name in govkg.engine.ENGINES
    base: str  # the base IRI of the data, for relative IRIs in queries and the prefixes of answers

    @property
    def generation(self) -> str:
        """An identifier of the data that changes whenever the data does (caches and ETags key on it)."""
        ...

    @property
    def federates(self) -> bool:
        """Whether SERVICE may call remote endpoints (an allowlist is set)."""
        ...

    def graphs(self) -> dict[str, int]:
        """The stored named graphs (IRI → triple count), sorted by IRI."""
        ...

    def evaluate(self, query: str, selection: Selection = SERVICE_DATASET, deadline: Deadline | None = None) -> Answer:
        """Parse and evaluate a query (not an update) over the selected dataset, checking the deadline."""
        ...

    def write(self, answer: Answer, fmt: Format, out: IO[bytes], max_rows: int | None = None) -> None:
        """Serialise an answer in a results format (SELECT, ASK) or an RDF format (CONSTRUCT, DESCRIBE);
        AnswerTooLarge if it has more than `max_rows` solutions or triples."""
        ...

    def rows(self, answer: Answer, limit: int) -> Table:
        """Up to `limit` rows of an answer (a boolean is one row, a graph is subject/predicate/object rows)."""
        ...

    def export(self, graphs: Sequence[str] | None, fmt: Format, out: IO[bytes]) -> None:
        """Write named graphs (all when None) exactly as loaded: quads in a dataset format, else their union."""
        ...

    def close(self) -> None:
        """Release the engine's data."""
        ...


def fingerprint(sources: Iterable[Source]) -> str:
    """A SHA-256 of the sources (graph names and bytes): the same data gives the same value in every process."""
    digest = hashlib.sha256()
    for source in sources:
        # The suffixes name the format (and compression): the same bytes read as another format are other data.
        digest.update(f"{source.graph}\n{''.join(source.path.suffixes[-2:])}\n".encode())
        # A store directory (a writable store's snapshot) is known by the generation written beside its data.
        with (source.path / "GENERATION" if source.path.is_dir() else source.path).open("rb") as file:
            for chunk in iter(lambda: file.read(1 << 20), b""):  # a file of gigabytes is never held whole
                digest.update(chunk)
    return digest.hexdigest()


def select(engine: Engine, query: str, limit: int = 10_000_000) -> list[list[Node | None]]:
    """The rows of a SELECT over the engine's default dataset (for descriptions and indexes)."""
    return engine.rows(engine.evaluate(query, SERVICE_DATASET), limit)[1]
