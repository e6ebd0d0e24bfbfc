"""What the query workers run for the web app: module-level functions (a worker receives them by reference) that
take the worker's engine and the job's deadline first, and return only plain, picklable values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from govkg import formats
from govkg.engine import FORMS, CheckedBuffer, Deadline, Engine, EngineError, Selection, Table, shapes
from govkg.web import conneg

__all__ = ["Limits", "Reply", "answer", "graphs", "rows", "shape"]


@dataclass(frozen=True)
class Limits:
    """How much of an answer the endpoint gives: rows on an HTML page, and rows and bytes of any answer."""

    page_rows: int
    max_rows: int
    max_bytes: int


@dataclass(frozen=True)
class Reply:
    """An answer ready to send: its media type and format name, the query form, and the serialised bytes (or,
    for an HTML page, the first rows)."""

    media_type: str
    name: str
    form: str
    body: bytes = b""
    table: Table | None = None


def answer(
    engine: Engine,
    deadline: Deadline,
    query: str,
    selection: Selection,
    values: list[str],
    accept: str | None,
    limits: Limits,
) -> Reply:
    """Evaluate a query, negotiate its format by the answer's form, and serialise it within the limits."""
    result = engine.evaluate(query, selection, deadline)
    media_type, name = conneg.choose(values, accept, FORMS[result.form])
    if name == "html":
        return Reply(media_type, name, result.form, table=engine.rows(result, limits.page_rows))
    buffer = CheckedBuffer(deadline, limits.max_bytes)
    try:
        engine.write(result, formats.get(name), buffer, limits.max_rows)
    except EngineError:
        if buffer.error is not None:  # a native serialiser reports the buffer's refusal as a write error
            raise buffer.error from None
        deadline.check()
        raise
    return Reply(media_type, name, result.form, buffer.getvalue())


def rows(engine: Engine, deadline: Deadline, query: str, selection: Selection, limit: int) -> Table:
    """The first `limit` rows of a query's answer (for descriptions, indexes and HTML views)."""
    return engine.rows(engine.evaluate(query, selection, deadline), limit)


def graphs(engine: Engine, deadline: Deadline) -> dict[str, int]:
    """The served named graphs and their sizes (the server holds no copy of the data to count them)."""
    return engine.graphs()


def shape(job: object, args: Sequence[Any]) -> str | None:
    """The fast lane's key of a job (govkg.engine.fastlane): for an answer to a query made of basic graph patterns,
    its shape with the dataset and format asked for (both change the cost); None for every other job."""
    if job is not answer:
        return None
    found = shapes.shape(args[0])
    return None if found is None else f"{found}\n{args[1]!r}\n{args[2]!r}\n{args[3]}"
