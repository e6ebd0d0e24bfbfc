"""A cheap lexical guard run before any engine sees a query: no LOAD, no update, no SERVICE for Oxigraph.

Why lexical: rdflib's parser costs milliseconds per query while Oxigraph answers most queries in
microseconds. A token scan that skips strings, IRIs, comments, prefixed names, variables, blank node
labels and language tags finds the keywords in microseconds. Embedded Oxigraph opens outbound
connections for SERVICE with no switch to turn that off, so `mentions_service` tells which queries must
go to rdflib, whose SERVICE obeys the allowlist (govkg.federation); `check_services` bounds how many
SERVICE clauses rdflib's parser may be given.
"""

from __future__ import annotations

import re

from govkg.engine.errors import EngineError, UpdateRefused
from govkg.lexer import keywords, unescape

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_SERVICES",
    "GuardError",
    "check",
    "check_services",
    "is_update",
    "mentions_service",
]

FORBIDDEN = {"LOAD": "LOAD is not allowed: govkg never fetches data for a query"}
# Where SERVICE could be a keyword to a parser: anywhere but inside a variable, prefixed or blank node name
# (a run of name characters right after '?', '$' or ':'). Deliberately not the token scan above: '<' is
# both an IRI's opening bracket and less-than, so a scan can take `?a<?b&&?c='x>` for an IRI, then read
# the rest of the query as a string; and Oxigraph reads `trueSERVICE` and `1SERVICE` as two tokens.
_SERVICE = re.compile(r"(?<![\w?$:])\w*?service", re.IGNORECASE)
_BRACKET = re.compile(r"[{}()\[\]]")
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
QUERY_WORDS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
# Deeper nesting than this is refused: Oxigraph's recursive parser and evaluator can exhaust a thread's
# stack on deeply nested or long left-deep queries, which kills the whole process (docs/security.md, item 12).
MAX_DEPTH = 128
MAX_LENGTH = 100_000
# More SERVICE clauses than this are refused before rdflib parses the query: each costs a pass over the
# query's text and remote requests, and a real federated query names a few endpoints.
MAX_SERVICES = 8


class GuardError(EngineError):
    """A query refused before evaluation; the message is one line for the client."""


def mentions_service(text: str) -> bool:
    """True if SERVICE may be a keyword of the query, erring on the side of True: a query for which this
    is False can be given to an engine that would call any SERVICE endpoint itself."""
    return _SERVICE.search(unescape(text)) is not None


def check_services(text: str, max_services: int = MAX_SERVICES) -> None:
    """Raise GuardError if SERVICE may occur more than `max_services` times, counted as `mentions_service`
    finds it (erring high: in strings and IRIs too)."""
    lowered = text.lower()
    if "service" not in lowered and "\\u" not in lowered:
        return  # the fast path: no mention at all
    if sum(1 for _ in _SERVICE.finditer(unescape(text))) > max_services:
        raise GuardError(
            f"SERVICE may occur at most {max_services} times in a query (counting every word "
            "with 'service' in it, strings and IRIs included, but not variables or prefixed names)"
        )


def check(text: str, max_length: int = MAX_LENGTH, max_depth: int = MAX_DEPTH) -> None:
    """Raise GuardError if the query uses LOAD anywhere (not in strings, IRIs, names),
    is longer than `max_length` characters or nests brackets deeper than `max_depth`."""
    if len(text) > max_length:
        raise GuardError(
            f"query longer than {max_length:,} characters (MAX_QUERY_LENGTH); narrow it, or raise the limit"
        )
    lowered = text.lower()
    brackets = text.count("{") + text.count("(") + text.count("[")
    if "load" not in lowered and "\\u" not in lowered and brackets <= max_depth:
        return  # the fast path: no keyword can occur and no nesting can be too deep
    plain = unescape(text)
    if _depth(plain) > max_depth:
        raise GuardError(f"query nested deeper than {max_depth} levels of brackets (an engine recurses on each)")
    words = keywords(plain)
    if FORBIDDEN.keys() & set(words):
        refused = update_name(words)
        if refused:  # LOAD in an update: the read-only refusal, as for any update sent as a query
            raise UpdateRefused(f"this endpoint is read-only: SPARQL Update ({refused}) is refused")
        raise GuardError(next(FORBIDDEN[w] for w in words if w in FORBIDDEN))


def _depth(text: str) -> int:
    """The deepest bracket nesting, counting every bracket, even in strings and IRIs: erring high on purpose,
    since '<' is both an IRI's bracket and less-than, a token scan can be led to skip real brackets."""
    depth = deepest = 0
    for match in _BRACKET.finditer(text):
        depth += 1 if match.group() in "{([" else -1
        deepest = max(deepest, depth)
    return deepest


def update_name(words: list[str]) -> str | None:
    """The operation an update starts with ('INSERT DATA', 'LOAD'), from a query's bare words; None for a query."""
    first = next((n for n, w in enumerate(words) if w in QUERY_WORDS | UPDATE_WORDS), None)
    if first is None or words[first] in QUERY_WORDS:
        return None
    follow = words[first + 1] if first + 1 < len(words) else ""
    return f"{words[first]} {follow}" if follow in ("DATA", "WHERE") else words[first]


def is_update(text: str) -> bool:
    """True if the request text is a SPARQL Update (its first operation keyword is an update one)."""
    for word in keywords(text):
        if word in QUERY_WORDS:
            return False
        if word in UPDATE_WORDS:
            return True
    return False
