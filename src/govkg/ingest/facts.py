"""Proposed facts and their annotation rows: the same TSV editors write, each row marked `machine` with the
extractor's version and a confidence, its quote made unique in the document with `[[...]]` where needed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from govkg.extract.text import QuoteError, locate

__all__ = ["Fact", "Proposal", "quote_for", "render_rows"]

_UNWRITABLE = re.compile(r"\t|\\n")  # a tab ends a cell; the reader turns backslash-n into a line break
HEADER = (
    "# columns: subject | predicate | object | quote ([[...]] marks the exact part of a longer context) | comment"
    " | review"
)


@dataclass(frozen=True)
class Fact:
    """One proposed fact: terms as annotation tokens (slug, prefixed name or literal), its evidence span."""

    subject: str
    predicate: str
    obj: str
    start: int
    end: int
    confidence: float
    rule: str

    @property
    def triple(self) -> tuple[str, str, str]:
        """(subject, predicate, object) tokens."""
        return (self.subject, self.predicate, self.obj)


@dataclass
class Proposal:
    """What the extractor proposes for one document: facts and the new entities it minted (slug → name)."""

    facts: list[Fact] = field(default_factory=list)
    minted: dict[str, tuple[str, str]] = field(default_factory=dict)  # slug → (class token, name as written)
    mentioned: dict[str, str] = field(default_factory=dict)  # every entity the text names: slug → name as written

    def add(self, fact: Fact) -> None:
        """Add a fact unless the same triple is already proposed."""
        if all(f.triple != fact.triple for f in self.facts):
            self.facts.append(fact)


def quote_for(text: str, start: int, end: int) -> str:
    """A quote that locates exactly text[start:end] (less any white space at its edges, which the annotation
    reader trims): the span, or a longer unique context with [[...]]."""
    start += len(text[start:end]) - len(text[start:end].lstrip())
    end = max(start, end - (len(text[start:end]) - len(text[start:end].rstrip())))
    exact = text[start:end]
    if _UNWRITABLE.search(exact):
        raise QuoteError(f"a quote cannot hold a tab or a backslash before 'n': {exact!r}")
    for width in range(0, 200, 8):
        before, after = _widen(text, start, end, width)
        quote = f"{before}[[{exact}]]{after}" if width else exact
        if _UNWRITABLE.search(before + after):
            break  # the row format has no escape for these: a wider context cannot be written either
        try:
            span = locate(text, quote)
        except QuoteError:
            continue
        if (span.start, span.end) == (start, end):
            return quote.replace("\n", "\\n")
    raise QuoteError(f"no unique context for {exact!r}")


def _widen(text: str, start: int, end: int, width: int) -> tuple[str, str]:
    """About `width` characters either side, cut at word boundaries, without tabs."""
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    before = re.sub(r"^\S*\s", "", before) if width and start - width > 0 else before
    after = re.sub(r"\s\S*$", "", after) if width and end + width < len(text) else after
    return before.split("\t")[-1], after.split("\t")[0]


def render_rows(text: str, facts: Iterable[Fact], review: str, title: str) -> str:
    """The annotation file for a document: a header, then one machine row per fact in text order (a fact whose
    quote cannot be written as a row is left out, and a comment line says so)."""
    lines = [f"# {title}", HEADER]
    for fact in sorted(facts, key=lambda f: (f.start, f.end, f.triple)):
        try:
            quote = quote_for(text, fact.start, fact.end)
        except QuoteError as error:
            lines.append(f"# left out ({error}): {' '.join(fact.triple)}".replace("\t", " ").replace("\n", " "))
            continue
        status = f"{review} {fact.confidence:.2f}"
        lines.append("\t".join([*fact.triple, quote, f"rule: {fact.rule}", status]))
    return "\n".join(lines) + "\n"
