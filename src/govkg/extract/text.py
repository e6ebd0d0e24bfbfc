"""Character-level work on a source text: locating quotes, splitting sentences, quote context.

Positions count Unicode code points of the unnormalised text, as the Web Annotation Data Model
requires for TextPositionSelector (W3C WADM §4.2.5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from govkg.errors import GovkgError

__all__ = ["QuoteError", "Span", "containing", "context", "locate", "sentences"]

MARK_OPEN, MARK_CLOSE = "[[", "]]"
CONTEXT_WIDTH = 32

# A sentence ends at . ! ? … (optionally followed by a closing quote or bracket) before white space,
# or at a line break; list items ("- ") start a new sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[»”\"’)]?(?=\s)|\n")


class QuoteError(GovkgError):
    """A quote that cannot be pinned to exactly one place in the text."""


@dataclass(frozen=True, order=True)
class Span:
    """A half-open character range [start, end) of a text."""

    start: int
    end: int

    def overlaps(self, other: Span) -> bool:
        """True if the two spans share at least one character."""
        return self.start < other.end and other.start < self.end

    def text(self, text: str) -> str:
        """The characters of `text` this span covers."""
        return text[self.start : self.end]


def locate(text: str, quote: str) -> Span:
    """Find `quote` in `text`; `[[...]]` marks the exact part of a longer, unique context."""
    context, offset, length = _unmark(quote)
    if not context.strip():
        raise QuoteError("empty quote")
    starts = [m.start() for m in re.finditer(_pattern(context), text)]
    if not starts:
        raise QuoteError(f"quote not found: {context!r}")
    if len(starts) > 1:
        raise QuoteError(f"quote occurs {len(starts)} times, mark it in a longer context: {context!r}")
    return Span(starts[0] + offset, starts[0] + offset + length)


# Editors type plain spaces, hyphens and apostrophes; sources use typographic variants.
_VARIANTS = {" ": "[ \u00a0\u202f]", "-": "[-\u2011]", "'": "['\u2019]", "\u2019": "['\u2019]"}


def _pattern(context: str) -> re.Pattern[str]:
    """A regex matching `context` up to typographic variants of space, hyphen and apostrophe."""
    return re.compile("".join(_VARIANTS.get(ch, re.escape(ch)) for ch in context))


def _unmark(quote: str) -> tuple[str, int, int]:
    """Split a marked quote into (context, offset of exact part, length of exact part)."""
    if MARK_OPEN not in quote:
        return quote, 0, len(quote)
    before, rest = quote.split(MARK_OPEN, 1)
    exact, after = rest.split(MARK_CLOSE, 1)
    return before + exact + after, len(before), len(exact)


def sentences(text: str) -> list[Span]:
    """Split `text` into sentence spans, trimmed of white space and list bullets."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append(_trim(text, start, match.end()))
        start = match.end()
    spans.append(_trim(text, start, len(text)))
    return [s for s in spans if s.end > s.start]


def _trim(text: str, start: int, end: int) -> Span:
    """Shrink [start, end) past surrounding white space and a leading '- ' bullet."""
    while start < end and text[start].isspace():
        start += 1
    if text.startswith("- ", start) and start + 2 <= end:
        start += 2
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def containing(spans: list[Span], span: Span) -> list[Span]:
    """The sentence spans that `span` overlaps, in order."""
    return [s for s in spans if s.overlaps(span)]


def context(text: str, span: Span, width: int = CONTEXT_WIDTH) -> tuple[str, str]:
    """The (prefix, suffix) of up to `width` characters around `span` (WADM §4.2.4)."""
    return text[max(0, span.start - width) : span.start], text[span.end : span.end + width]
