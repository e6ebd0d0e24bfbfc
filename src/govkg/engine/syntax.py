"""Why a text is not a SPARQL 1.1 query, in words a person can act on: one line, with a line and a column.

Called only after an engine's parser rejected a query, by both engines, so that a bad query gets the same message
whichever engine parsed it. The words come from the lexer (govkg.lexer) and from probes of Oxigraph's parser
(govkg.engine.grammar), whose own message cannot be shown as it is.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from govkg.engine import grammar
from govkg.engine.guard import UPDATE_WORDS, update_name
from govkg.errors import one_line
from govkg.lexer import IRI_CHARACTERS, tokens

__all__ = ["Problem", "diagnose"]


@dataclass(frozen=True)
class Problem:
    """Why a text is not a query: kind 'update', 'prefix' or 'syntax', a one-line message, where (1-based)."""

    kind: str
    message: str
    line: int | None
    column: int | None


_ESCAPE = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_IRI_LIKE = re.compile(r"<(\S[^<>\n]*)>")
_CHARACTERS = {" ": "a space", "\t": "a tab"}
_CHECKS = {"IRI parsing failed": "invalid IRI", "language tag parsing failed": "invalid language tag"}
_RAW_NOTE = " (Oxigraph applies codepoint escapes in strings and IRIs only)"
# What the grammar allows but a query may not do (§18.2.1 variable scope), which Oxigraph may leave unnamed.
_BEYOND = "breaks a rule beyond the grammar, e.g. BIND or AS to a variable already bound"


def diagnose(text: str, prefixes: Mapping[str, str], fallback: str | None = None) -> Problem:
    """Why `text` is not a SPARQL 1.1 query, in words; `fallback` is the engine's message for texts Oxigraph takes."""
    plain, anchors = _unescape(text)
    update = _update(grammar.Reading(plain, text, anchors, {}))
    if update:
        return update
    # Codepoint escapes apply to the whole text (§19.2), as rdflib does; Oxigraph applies them in literals only.
    readings = {plain: anchors}
    readings.setdefault(_SURROGATE.sub("\ufffd", text), ((0, 0),))
    for reading, places in readings.items():
        problem = _explain(grammar.Reading(reading, text, places, dict(prefixes)))
        if problem and reading != plain:
            return replace(problem, message=one_line(problem.message + _RAW_NOTE))
        if problem:
            return problem
    return _fallback(fallback)


def _unescape(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The text with codepoint escapes applied (§19.2; bad code points become U+FFFD) and anchors back to it."""
    parts, anchors, at, shrink = [], [(0, 0)], 0, 0
    for match in _ESCAPE.finditer(text):
        code = int(match[0][2:], 16)
        parts += [text[at : match.start()], chr(code) if code <= 0x10FFFF else "\ufffd"]
        at, shrink = match.end(), shrink + len(match[0]) - 1
        anchors.append((at - shrink, at))
    return _SURROGATE.sub("\ufffd", "".join(parts) + text[at:]), tuple(anchors)


def _update(source: grammar.Reading) -> Problem | None:
    """An update (its first operation keyword is one, as for guard.is_update), named by that keyword and where it is."""
    words = [(source.text[s:e].upper(), s) for kind, s, e in tokens(source.text) if kind == "word"]
    name = update_name([word for word, _ in words])
    if name is None:
        return None
    line, column = source.place(next(start for word, start in words if word in UPDATE_WORDS))
    return Problem("update", f"this endpoint is read-only: SPARQL Update ({name}) is refused", line, column)


def _explain(source: grammar.Reading) -> Problem | None:
    """The problem with one reading of the text, None if Oxigraph's parser takes it all."""
    units = grammar.units(source.text)
    index = grammar.stuck(source, [start for _, start, _ in units] + [len(source.text)])
    if unknown := _unknown_prefix(source, units, index):
        return unknown
    if index == len(units):
        return _syntax(source, len(source.text), _at_end(source, units))
    return _syntax(source, units[index][1], _at_unit(source, units, index))


def _unknown_prefix(source: grammar.Reading, units: list[grammar.Unit], index: int) -> Problem | None:
    """The first use, up to the stuck token, of a prefix neither the query nor the server declares."""
    text = source.text
    # `_:` begins a blank node label (§19.6); a name right after PREFIX is a declaration.
    names = [(text[s:e].split(":", 1)[0], s, text[b[1] : b[2]].upper() == "PREFIX")
             for b, (kind, s, e) in zip([("", 0, 0), *units], units, strict=False) if kind == "pname"]  # fmt: skip
    known = list(dict.fromkeys([*(name for name, _, declared in names if declared), *source.prefixes]))
    limit = units[index][1] if index < len(units) else len(text)
    unknown = [(n, s) for n, s, declared in names if not declared and s <= limit and n != "_" and n not in known]
    if not unknown:
        return None
    name, (line, column) = unknown[0][0], source.place(unknown[0][1])
    close = " or ".join(f"`{k}:`" for k in difflib.get_close_matches(name, [k for k in known if k], 2, 0.7))
    hint = f" (did you mean {close}?)" if close else ""
    listed = ", ".join(k or ":" for k in known[:30]) + (", …" if len(known) > 30 else "")
    message = f"unknown prefix `{name}:` at line {line}, column {column}{hint}; known: {listed}"
    return Problem("prefix", one_line(message), line, column)


def _at_end(source: grammar.Reading, units: list[grammar.Unit]) -> str | None:
    """What the text lacks at its end, None if Oxigraph's parser may end there (the text is a query for it)."""
    stack = grammar.open_brackets(source.text, units)
    if stack:
        return f"expected {_closing(source, stack)}, found end of query"
    labels, ends = grammar.expected(source, len(source.text), 0)
    return None if ends or not labels else f"expected {_listing(labels)}, found end of query"


def _at_unit(source: grammar.Reading, units: list[grammar.Unit], index: int) -> str:
    """What is wrong at the first token the parser does not take."""
    for explain in (_string, _iri, _closer, _check):
        message = explain(source, units, index)
        if message:
            return message
    _, start, end = units[index]
    found = source.text[start:end]
    labels, _ = grammar.expected(source, start, len(grammar.open_brackets(source.text, units[:index])))
    if found == "}" and "OPTIONAL" in labels and "`}`" not in labels:  # §19.8 GroupGraphPatternSub may end here
        return f"the group this `}}` closes {_BEYOND}"
    hint = _suggestion(found, labels) if units[index][0] == "word" else ""
    return f"{f'expected {_listing(labels)}, found' if labels else 'unexpected'} {_quote(found)}{hint}"


def _string(source: grammar.Reading, units: list[grammar.Unit], index: int) -> str | None:
    """A quote the lexer found no end for: an unterminated string (§19.8 STRING_LITERAL*)."""
    kind, start, _ = units[index]
    if kind != "piece" or source.text[start] not in "'\"":
        return None
    triple = source.text[start : start + 3]
    quote, where = (triple, "") if triple in ("'''", '"""') else (source.text[start], " on its line")
    return f"unterminated string {_quote(source.text[start:].split(chr(10))[0])}: no closing `{quote}`{where}"


def _iri(source: grammar.Reading, units: list[grammar.Unit], index: int) -> str | None:
    """An IRI in brackets holding a character §19.8 IRIREF forbids."""
    kind, start, _ = units[index]
    match = _IRI_LIKE.match(source.text, start) if kind == "piece" else None
    if not match:
        return None
    bad = next((c for c in match[1] if not re.fullmatch(IRI_CHARACTERS, c)), " ")
    return f"invalid IRI {_quote(match[0])}: {_CHARACTERS.get(bad, _quote(bad))} is not allowed in an IRI"


def _check(source: grammar.Reading, units: list[grammar.Unit], index: int) -> str | None:
    """A token the grammar allows but one of Oxigraph's checks refuses (IRIs, language tags, ...)."""
    _, start, end = units[index]
    error = source.error(source.text[:end] + grammar.SEP + "\x01" * grammar.PAD)
    checks = [item for item in (error[2] if error else []) if not grammar.SYNTACTIC.match(item)]
    found = _quote(source.text[start:end])
    return (f"{_CHECKS[checks[0]]} {found}" if checks[0] in _CHECKS else f"{checks[0]} at {found}") if checks else None


def _closer(source: grammar.Reading, units: list[grammar.Unit], index: int) -> str | None:
    """A closing bracket with no bracket of its kind open, or closing one while another is still open."""
    kind, start, _ = units[index]
    char = source.text[start]
    stack = grammar.open_brackets(source.text, units[:index]) if kind == "close" else []
    if kind != "close" or (stack and stack[-1][0] == grammar.OPENERS[char]):
        return None
    if all(open_ != grammar.OPENERS[char] for open_, _ in stack):
        return f"unexpected `{char}`: no `{grammar.OPENERS[char]}` is open"
    return f"expected {_closing(source, stack)}, found `{char}`"


def _closing(source: grammar.Reading, stack: list[tuple[str, int]]) -> str:
    """The closing bracket the innermost open one needs, and where that one was opened."""
    char, offset = stack[-1]
    line, column = source.place(offset)
    return f"`{grammar.PAIRS[char]}` to close the `{char}` opened at line {line}, column {column}"


def _suggestion(word: str, labels: list[str]) -> str:
    """` (did you mean X?)` for a bare word that is no keyword but close to one expected there."""
    if word.upper() in grammar.WORDS:
        return ""
    vocabulary = [w for w, label in grammar.KEYWORDS.items() if label in labels]
    vocabulary += grammar.FUNCTIONS if "an expression" in labels or not labels else []
    vocabulary += [*grammar.KEYWORDS] if not labels else []
    spelled = {w.upper(): grammar.KEYWORDS.get(w, w) for w in vocabulary}
    close = difflib.get_close_matches(word.upper(), spelled, n=1, cutoff=0.75)
    return f" (did you mean {spelled[close[0]]}?)" if close else ""


def _listing(labels: list[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"


def _quote(text: str) -> str:
    """Query text in backticks, on one line, cut to about 40 characters."""
    flat = _CONTROL.sub(lambda match: f"\\x{ord(match[0]):02x}", " ".join(text.split()) or text)
    return f"`{flat if len(flat) <= 40 else flat[:39] + '…'}`"


def _syntax(source: grammar.Reading, offset: int, message: str | None) -> Problem | None:
    """A syntax problem at `offset` in the reading, None without a message."""
    if message is None:
        return None
    line, column = source.place(offset)
    return Problem("syntax", one_line(f"syntax error at line {line}, column {column}: {message}"), line, column)


def _fallback(message: str | None) -> Problem:
    """The engine's message for a text Oxigraph's parser takes, or Oxigraph's check without its token dump."""
    match = grammar.ERROR.search(message or "")
    checks = [item for item in grammar.ITEM.findall(match[3]) if not grammar.SYNTACTIC.match(item)] if match else []
    if match and checks:  # Oxigraph's place is a 1-based line and column in characters, as here
        line, column = int(match[1]), int(match[2])
        return Problem("syntax", one_line(f"syntax error at line {line}, column {column}: {checks[0]}"), line, column)
    return Problem(
        "syntax", one_line(f"syntax error: {'the query ' + _BEYOND if match or not message else message}"), None, None
    )
