"""The lexical grammar of SPARQL 1.1 (Query §19.8) as one regular expression: tokens, IRIREF, codepoint escapes.

Shared by the query guard, the syntax diagnostics, the federation client and the linked-data pages: each needs
to find words, IRIs and brackets in query text without the cost of a parser.
"""

from __future__ import annotations

import re

__all__ = ["IRIREF", "IRI_CHARACTERS", "LANGTAG", "keywords", "tokens", "unescape"]

# The characters an IRIREF may hold between its brackets (SPARQL 1.1 Query §19.8).
IRI_CHARACTERS = r'[^<>"{}|^`\\\x00-\x20]'
IRIREF = re.compile(IRI_CHARACTERS + "*")  # fullmatch: may `<...>` hold this text?
LANGTAG = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")  # §19.8 LANGTAG, after the '@'
# One alternation, tried left to right at each position (SPARQL 1.1 Query §19.8 terminals).
_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\r\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
    | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>(?:[^\W\d][\w\-.]*)?:(?:[\w\-.:%\\]|\\.)*)
    | (?P<word>[^\W\d]\w*)
    | (?P<open>[{(\[])
    | (?P<close>[})\]])
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape(text: str) -> str:
    """Apply SPARQL codepoint escapes (§19.2), which precede tokenisation, as engines do."""
    if "\\u" not in text and "\\U" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def keywords(text: str) -> list[str]:
    """The bare words of a query (keywords and function names), upper-cased, in order."""
    return [m.group("word").upper() for m in _TOKEN.finditer(unescape(text)) if m.lastgroup == "word"]


def tokens(text: str) -> list[tuple[str, int, int]]:
    """The tokens of a query text whose codepoint escapes are already applied: (kind, start, end), in order.
    Kinds: comment, string, iri, var, langtag, pname, word, open, close."""
    return [(str(m.lastgroup), m.start(), m.end()) for m in _TOKEN.finditer(text)]
