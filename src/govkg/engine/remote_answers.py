"""A store's answers, read for the remote engine: status and headers checked, the body parsed while it streams in
(SPARQL JSON results, or N-Triples for graphs), and what stores do outside the standard put right or refused.

Seen on Oxigraph 0.5 and Virtuoso 7.2:
- Virtuoso names blank nodes `nodeID://b10000` in JSON results (no blank node label: pyoxigraph refuses it) and
  writes booleans as "1" / "0"; both are rewritten in the bytes before they are parsed (its N-Triples say
  `_:b10000` and "true" already).
- Stopped by a time limit, Virtuoso answers 200 with what it has found so far and `X-SQL-State: S1TAT` (or 500
  once it has begun writing), and Oxigraph (`--timeout-s`) appends "The SPARQL operation has been cancelled" to
  a 200 answer: the deadline passing (DeadlineExceeded), never an answer.
- Virtuoso cuts an answer at its ResultSetMaxRows silently, saying `X-SPARQL-MaxRows: N` whenever that cap
  applied: an answer of N rows or more under that header is refused (AnswerTooLarge), never passed off as whole.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from govkg.engine.deadline import DeadlineExceeded
from govkg.engine.errors import AnswerTooLarge, EngineError
from govkg.engine.oxigraph_engine import FAILURES as ENGINE_FAILURES
from govkg.engine.remote_http import CHUNK, Body, StoreFailed, StoreRefused
from govkg.errors import one_line

if TYPE_CHECKING:
    from govkg.engine.deadline import Deadline

__all__ = ["FAILURES", "Result", "checked", "parsed"]

FAILURES = (*ENGINE_FAILURES, SyntaxError)  # SyntaxError: an answer pyoxigraph cannot read
BOOLEAN = rb'("datatype": "http://www.w3.org/2001/XMLSchema#boolean", "value": ")'
REWRITES = [  # Virtuoso's JSON results as it writes them (a quote inside a JSON string is escaped: never matched)
    (re.compile(rb'("type": "bnode", "value": ")nodeID://'), rb"\1"),
    (re.compile(BOOLEAN + rb'1"'), rb'\1true"'),
    (re.compile(BOOLEAN + rb'0"'), rb'\1false"'),
]
CANCELLED = b"The SPARQL operation has been cancelled"  # Oxigraph's words when its --timeout-s stops a query
STOPPED = "S1TAT"  # Virtuoso's X-SQL-State for "returning incomplete results, query interrupted by result timeout"
CARRY = 128  # bytes held back between two reads: longer than anything rewritten or looked for
MEDIA = {"graph": ox.RdfFormat.N_TRIPLES}  # else SPARQL JSON results
JSON = ox.QueryResultsFormat.JSON


class Result:
    """A store's answer being read: the items parsed from its body, and why reading stopped when the parser does
    (a passed deadline, the store's cancellation) rather than the parser's own complaint."""

    def __init__(self, items: Any, reader: Reader) -> None:
        self.items, self.reader, self.body = items, reader, reader.body

    def error(self) -> EngineError | None:
        """Why the body stopped being read, if it did."""
        return self.reader.error()


class Reader(io.RawIOBase):
    """A store's answer body, read through REWRITES (JSON results only), watching for Oxigraph's cancellation."""

    def __init__(self, body: Body, rewrite: bool) -> None:
        self.body, self.rewrite = body, rewrite
        self.carry, self.ready, self.cancelled, self.ended = b"", b"", False, False

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Fill the buffer from what is ready, reading on from the body when nothing is."""
        while not self.ready and not self.ended:
            self._more()
        size = min(len(buffer), len(self.ready))
        buffer[:size], self.ready = self.ready[:size], self.ready[size:]
        return size

    def readable(self) -> bool:
        """A readable stream."""
        return True

    def error(self) -> EngineError | None:
        """The body's error (a passed deadline, a lost connection), else the store's cancellation, if any."""
        if self.body.error is not None or not self.cancelled:
            return self.body.error
        return stopped(self.body.deadline)

    def _more(self) -> None:
        data = self.body.read(CHUNK)
        text = self.carry + data
        self.cancelled = self.cancelled or CANCELLED in text
        for pattern, replacement in REWRITES if self.rewrite else ():
            text = pattern.sub(replacement, text)  # idempotent: what was rewritten and held back is not rewritten
        cut = len(text) if not data else max(len(text) - CARRY, 0)
        self.ready, self.carry, self.ended = text[:cut], text[cut:], not data


def stopped(deadline: Deadline | None) -> DeadlineExceeded:
    """The error for a query a time limit stopped: the deadline's once it has passed, else the store's own limit."""
    if deadline is not None and (deadline.cancelled or deadline.remaining() <= 0):
        return DeadlineExceeded(f"query exceeded the {deadline.stated or deadline.seconds:g} s deadline")
    return DeadlineExceeded("the store stopped the query at its own time limit")


def checked(body: Body) -> Body:
    """The body of a successful, whole answer; DeadlineExceeded when a time limit stopped it, StoreRefused (4xx) or
    StoreFailed (anything else) otherwise."""
    passed = body.deadline is not None and body.deadline.remaining() <= 0
    if body.response.getheader("X-SQL-State") == STOPPED or (body.status >= 500 and passed):
        body.close()
        raise stopped(body.deadline)
    if body.status == 200:
        return body
    said = body.text()
    if 400 <= body.status < 500:
        raise StoreRefused(f"the store refused the query (HTTP {body.status}): {said}")
    raise StoreFailed(f"the store failed (HTTP {body.status}): {said}")


def parsed(form: str, body: Body) -> Result:
    """The answer's items: solutions or a boolean (SPARQL JSON results), or triples (N-Triples), read lazily; read
    whole and counted first when the store says it may have cut the answer."""
    reader = Reader(body, form not in MEDIA)
    try:
        cap = body.response.getheader("X-SPARQL-MaxRows")
        stream: IO[bytes] = io.BufferedReader(reader, CHUNK) if cap is None else _counted(form, reader, cap)
        if form in MEDIA:
            return Result(_triples(ox.parse(stream, format=MEDIA[form])), reader)
        return Result(ox.parse_query_results(stream, format=JSON), reader)
    except FAILURES as error:
        body.close()
        raise reader.error() or StoreFailed("the store's answer cannot be read: " + one_line(error)) from None


def _counted(form: str, reader: Reader, cap: str) -> io.BytesIO:
    """The whole answer, once seen to hold fewer rows than the store's cap; AnswerTooLarge otherwise."""
    data = io.BufferedReader(reader, CHUNK).read()
    items: Any = ox.parse(data, format=MEDIA[form]) if form in MEDIA else ox.parse_query_results(data, format=JSON)
    if form != "boolean" and sum(1 for _ in items) >= int(cap):
        raise AnswerTooLarge(
            f"the store cuts answers at {int(cap):,} rows (its ResultSetMaxRows) and this one reached it; "
            "page it with LIMIT and OFFSET"
        )
    return io.BytesIO(data)


def _triples(quads: Iterator[ox.Quad]) -> Iterator[ox.Triple]:
    for quad in quads:
        yield quad.triple
