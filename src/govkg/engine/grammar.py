"""What Oxigraph's parser expects where: SPARQL 1.1's keyword and function tables, and probes of the parser that
never evaluate (for govkg.engine.syntax, which turns them into messages).

Oxigraph's own error names the furthest position any rule failed at, and its keyword rule reads a keyword's length
of characters before comparing, so that position lies up to a keyword past the real error (`SELEC ?x` fails at
column 10, "expected CONSTRUCT"). The real position is found by probes: the text cut before a token, then a comment
longer than any keyword and control characters, fails after the comment only if the parser took all the text before
the cut. A control character is never valid SPARQL outside a literal or a comment and no literal or comment can run
past it, so no probe ever parses: none is evaluated (an evaluation could open connections: SERVICE).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

import pyoxigraph as ox

from govkg.lexer import tokens
from govkg.namespaces import DEFAULT_BASE

__all__ = [
    "ERROR",
    "FUNCTIONS",
    "ITEM",
    "KEYWORDS",
    "OPENERS",
    "PAD",
    "PAIRS",
    "SEP",
    "SYNTACTIC",
    "WORDS",
    "Reading",
    "Unit",
    "expected",
    "open_brackets",
    "stuck",
    "units",
]

SEP = " #" + "-" * 16 + "\n"  # a comment (§19.4) longer than any keyword read before the cut
PAD = 16  # control characters: more than the longest keyword Oxigraph reads (ENCODE_FOR_URI)
PROBED = 20_000  # longer texts get no expected tokens: each of the ~28 probes parses the text again
ERROR = re.compile(r"error at (\d+):(\d+): expected (?:one of )?(.*)", re.DOTALL)
ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^,\s][^,]*')
SYNTACTIC = re.compile(r'["\[]|\w+$')  # a token or character class, not a check such as "Prefix not found"
# Tokens the lexer leaves out (§19.8): numbers, two-character operators, then any other single character.
PIECE = re.compile(r"\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|&&|\|\||!=|<=|>=|\^\^|\S")
PAIRS = {"{": "}", "(": ")", "[": "]"}
OPENERS = {close: open_ for open_, close in PAIRS.items()}
# What is tried after the cut to learn what the parser accepts there, and its name in a message.
CANDIDATES = {
    "ABS(1)": "an expression", "?v": "a variable", "<x:y>": "an IRI", "'s'": "a literal", "1": "a number",
    ".": "`.`", ";": "`;`", ",": "`,`", "}": "`}`", ")": "`)`", "]": "`]`", "{": "`{`", "(": "`(`", "[": "`[`",
    "*": "`*`", "a": "`a`", "=": "an operator", "zz0:": "a prefix name",
}  # fmt: skip
# SPARQL 1.1 keywords (§19.8 grammar), functions aside, in the order a message lists them.
_KEYWORD_NAMES = (
    "SELECT CONSTRUCT DESCRIBE ASK PREFIX BASE DISTINCT REDUCED FROM NAMED WHERE OPTIONAL MINUS GRAPH SERVICE SILENT "
    "FILTER BIND UNION UNDEF AS GROUP BY HAVING ORDER ASC DESC LIMIT OFFSET VALUES SEPARATOR"
)
KEYWORDS = {word: word for word in _KEYWORD_NAMES.split()} | {"GROUP": "GROUP BY", "ORDER": "ORDER BY"}
# Built-in calls and aggregates (§17.4, §11): one expression to a message, words for "did you mean".
_FUNCTION_NAMES = (
    "STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE "
    "ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ "
    "NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT sameTerm isIRI isURI isBLANK isLITERAL "
    "isNUMERIC REGEX SUBSTR REPLACE EXISTS NOT IN COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT"
)
FUNCTIONS = _FUNCTION_NAMES.split()
WORDS = {word.upper() for word in [*KEYWORDS, *FUNCTIONS, "A", "TRUE", "FALSE"]}
MODIFIERS = frozenset({"GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"})  # only after a whole query body
# A label left out when one of these is there too (`*` after an IRI is a path's, §9.1: one of several).
SUBSUMED = {
    "a variable": ("an expression",), "an IRI": ("an expression",), "a literal": ("an expression",),
    "`(`": ("an expression",), "a number": ("a literal",), "`*`": ("an operator", "an IRI"),
    "PREFIX": ("SELECT",), "BASE": ("SELECT",),
}  # fmt: skip

Unit = tuple[str, int, int]  # a token: (kind, start, end); kinds are the lexer's, and "piece"


@dataclass(frozen=True)
class Reading:
    """One reading of the request text as Oxigraph's parser gets it, and the way back to the request's places."""

    text: str
    origin: str
    anchors: tuple[tuple[int, int], ...]  # (offset in text, offset in origin) after each codepoint escape
    prefixes: dict[str, str]

    def place(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column (in characters) in the request of the character at `offset` in `text`."""
        plain, origin = self.anchors[bisect_right([a for a, _ in self.anchors], offset) - 1]
        at = origin + offset - plain
        return self.origin.count("\n", 0, at) + 1, at - self.origin.rfind("\n", 0, at)

    def error(self, probe: str) -> tuple[int, int, list[str]] | None:
        """Where Oxigraph's parser failed on `probe` (which never parses) and what it expected there."""
        try:
            ox.Store().query(probe, prefixes=self.prefixes, base_iri=DEFAULT_BASE)
        except SyntaxError as error:
            match = ERROR.match(str(error))
            return (int(match[1]), int(match[2]), ITEM.findall(match[3])) if match else None
        return None

    def after(self, cut: int, pad: int = PAD, insert: str = "") -> tuple[int, list[str]] | None:
        """The column in the control characters where a probe cut at `cut` failed, and what was expected there."""
        probe = self.text[:cut] + insert + SEP + "\x01" * pad
        error = self.error(probe)
        if error is None or error[0] != probe.count("\n") + 1:
            return None
        return error[1] - 1, error[2]

    def reached(self, cut: int, insert: str = "") -> bool:
        """True if the parser takes all the text before `cut` (then `insert`) and tries a token after it."""
        got = self.after(cut, PAD, insert)  # a string or IRI left open runs to the end of the pad
        return got is not None and got[0] < PAD and any(SYNTACTIC.match(item) for item in got[1])

    def furthest(self) -> int:
        """The offset Oxigraph reports for the whole text: at or after the first token it rejects."""
        probe = self.text + SEP + "\x01" * PAD
        error = self.error(probe)
        if error is None:
            return len(self.text)
        starts = [0, *(match.end() for match in re.finditer("\n", probe))]
        return min(starts[error[0] - 1] + error[1] - 1, len(self.text))


def units(text: str) -> list[Unit]:
    """The tokens as the parser sees them: the lexer's, comments left out, and the pieces between them."""
    units: list[Unit] = []
    at = 0
    for kind, start, end in [*tokens(text), ("comment", len(text), len(text))]:
        units += [("piece", at + match.start(), at + match.end()) for match in PIECE.finditer(text[at:start])]
        if kind == "string" and end - start == 2 and text[end : end + 1] == text[start]:
            kind, end = "piece", end + 1  # `'''x` left open, which the lexer read as `''` then `'`
        units += [(kind, start, end)] if kind != "comment" else []
        at = max(at, end)
    return units


def stuck(source: Reading, cuts: list[int]) -> int:
    """The index of the first token the parser does not take: near where Oxigraph failed, else bisected."""
    high = bisect_right(cuts, source.furthest()) - 1
    if source.reached(cuts[high]):
        return high
    low = max(0, high - 8)  # usually within a keyword's length back; a string left open runs far ahead
    if not source.reached(cuts[low]):
        low, high = 0, low
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if source.reached(cuts[middle]) else (low, middle)
    return low


def open_brackets(text: str, units: list[Unit]) -> list[tuple[str, int]]:
    """The brackets still open after `units` (strings, IRIs and comments skipped by the lexer), innermost last."""
    stack: list[tuple[str, int]] = []
    for kind, start, _ in units:
        if kind == "open":
            stack.append((text[start], start))
        elif kind == "close" and stack and PAIRS[stack[-1][0]] == text[start]:
            stack.pop()
    return stack


def expected(source: Reading, cut: int, depth: int) -> tuple[list[str], bool]:
    """What the parser takes at `cut`, in words, and whether the query may end there."""
    if len(source.text) > PROBED:
        return [], False
    items: set[str] = set()
    for pad in range(1, 10):  # the keywords `pad` characters long fail at the pad's end (see the module's doc)
        got = source.after(cut, pad)
        items.update(item.upper() for item in (got[1] if got else ()))
        if got and got[0] == 0:
            break  # no keyword is tried here: every failure is at the cut
    ends = "EOF" in items or (depth == 0 and bool(items & MODIFIERS))
    labels = [label for insert, label in CANDIDATES.items() if source.reached(cut, " " + insert)]
    labels += [label for word, label in KEYWORDS.items() if word in items] + ["the end of the query"] * ends
    return [label for label in labels if not set(SUBSUMED.get(label, ())) & set(labels)], ends
