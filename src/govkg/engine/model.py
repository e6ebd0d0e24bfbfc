"""What every query engine takes and gives: sources, dataset selections, answers, errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


class EngineError(ValueError):
    """A query the engine rejected (syntax) or could not evaluate; the message is one line."""


@dataclass(frozen=True)
class Source:
    """An RDF file to serve: a quads file (graph None) or a triples file loaded as the named graph `graph`."""

    path: Path
    graph: str | None = None


@dataclass(frozen=True)
class Selection:
    """The RDF dataset of one query (SPARQL 1.1 Protocol §2.1.4, Query §13.2).

    `default` and `named` list stored graph IRIs; None means "as the query or the service says".
    `infer` False leaves the inferred graph out of the service's default dataset.
    """

    default: tuple[str, ...] | None = None
    named: tuple[str, ...] | None = None
    infer: bool = True


@dataclass
class Answer:
    """An evaluated query: its form ('bindings', 'boolean' or 'graph') and the engine's own result."""

    form: str
    result: Any


FORMS = {"bindings": "results", "boolean": "results", "graph": "graph"}


MAX_MESSAGE = 300


def one_line(error: BaseException) -> str:
    """An exception's message on one line, cut to a readable length."""
    text = " ".join(str(error).split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"
