"""The shape of a simple query: its text with the constants (IRIs, prefixed names, literals, numbers) and comments
taken out, so `SELECT ?p ?o WHERE { gkd:france ?p ?o }` and the same lookup of `gkd:china` share one shape.

Only queries made of basic graph patterns have a shape (`shape` is None for every other): triple patterns, GRAPH,
UNION and the four query forms, with FROM and LIMIT (a `+` is a path: `<p>+1` is no number). FILTER, OPTIONAL,
MINUS, EXISTS, property paths, subqueries, aggregates, ORDER BY, DISTINCT, OFFSET, functions and SERVICE give none:
each can make an evaluation scan long without yielding a row. A shape is no promise either: a join's cost depends
on its constants (a hub with a million values), which is why the fast lane (govkg.engine.fastlane) that uses
shapes is bounded and off by default.
"""

from __future__ import annotations

import re

__all__ = ["MAX_LENGTH", "shape"]

MAX_LENGTH = 4000  # characters: a longer query is no lookup
KEYWORDS = frozenset(
    {"PREFIX", "BASE", "SELECT", "ASK", "DESCRIBE", "CONSTRUCT", "WHERE", "FROM", "NAMED", "GRAPH", "UNION"}
    | {"LIMIT", "A"}  # not OFFSET: skipping a million rows yields none
)
PUNCTUATION = frozenset("{}.;,")
_STRING = r"""(?:"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')"""
_LITERAL = _STRING + r"""(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^(?:<[^<>\s]*>|[\w.-]*:[\w.-]*))?"""
# One token per match, first alternative first (SPARQL 1.1 Query §19.8): long strings are not simple (no shape).
_TOKENS = re.compile(
    rf"""(?P<comment>\#[^\r\n]*)|(?P<long>\"\"\"|''')|(?P<literal>{_LITERAL})|(?P<iri><[^<>"{{}}|^`\\\s]*>)"""
    r"""|(?P<var>[?$][A-Za-z0-9_]+)|(?P<pname>[A-Za-z][\w.-]*:[\w-]*(?:[\w.-]*[\w-])?|:[\w-]*)"""
    r"""|(?P<word>[A-Za-z_]\w*)|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?P<space>\s+)|(?P<other>.)""",
    re.DOTALL,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # ends no line, starts no token: refused outright
_CONSTANT = {"literal": '"', "iri": "<>", "pname": "<>", "number": "0"}
FORMS = frozenset({"SELECT", "ASK", "DESCRIBE", "CONSTRUCT"})


def shape(query: str) -> str | None:
    """The query's shape (see the module), or None when it is not made of basic graph patterns alone."""
    if len(query) > MAX_LENGTH or _CONTROL.search(query):
        return None
    tokens: list[str] = []
    depth = 0  # of braces: a query form inside them is a subquery
    for match in _TOKENS.finditer(query):
        kind, text = match.lastgroup, match.group()
        if kind in ("comment", "space"):
            continue
        token = _token(kind, text, tokens[-1] if tokens else "")
        if token is None or (depth and token in FORMS):
            return None
        depth += {"{": 1, "}": -1}.get(token, 0)
        tokens.append(token)
    return " ".join(tokens)


def _token(kind: str | None, text: str, previous: str) -> str | None:
    """A token of the shape, or None when it has no place in a simple query."""
    if kind in _CONSTANT:
        return _CONSTANT[kind]
    if kind == "var":
        return text
    if kind == "word":
        word = text.upper()
        return word if word in KEYWORDS else None
    if kind == "other" and (text in PUNCTUATION or (text == "*" and previous in ("SELECT", "DESCRIBE"))):
        return text
    return None
