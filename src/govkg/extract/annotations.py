"""Editorial annotation files: one tab-separated row per fact a document states, with its quote.

Columns: subject, predicate, object, quote, comment (optional), review (optional: empty for an editor's row,
`machine <extractor> <model> <confidence>` for a row `govkg ingest` proposed); `\\n` in a quote
stands for a line break. Terms are govkg slugs (`france`),
prefixed names (`gk:signs`, `a`), `@doc` for the document itself, or Turtle literals
(`"2024-05-21"^^xsd:date`, `"texte"@fr`, `28`, `true`). `@quote` as object stands for the quoted
text itself (a commitment's wording, say). A row whose subject is `@chrome` marks page
chrome: a passage no fact may come from. Lines `#@ key: value` before the rows describe the document
(`language`, `title`, `source`, `ingested`); other `#` lines are comments.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from govkg.errors import GovkgError
from govkg.namespaces import GKD, PREFIXES

__all__ = ["AnnotationError", "Row", "parse_term", "read_meta", "read_rows"]

DOC, CHROME, QUOTE = "@doc", "@chrome", "@quote"
COLUMNS = 4
_LITERAL = re.compile(r'^"(?P<lex>.*)"(?:@(?P<lang>[a-zA-Z-]+)|\^\^(?P<dt>\S+))?$', re.DOTALL)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_INTEGER = re.compile(r"^-?\d+$")
_META = re.compile(r"^#@ (?P<key>[a-z-]+): (?P<value>.*)$")
REVIEW = re.compile(r"^machine \S+ \S+ (?:0(?:\.\d+)?|1(?:\.0+)?)$")


class AnnotationError(GovkgError):
    """A malformed annotation row; the message names the file and line."""


@dataclass(frozen=True)
class Row:
    """One annotation row."""

    path: Path
    line: int
    subject: str
    predicate: str
    obj: str
    quote: str
    comment: str
    review: str = ""  # "" for an editor's row; "machine <extractor> <model> <confidence>" for a proposed one

    @property
    def machine(self) -> bool:
        """True for a row the extractor proposed and no editor has reviewed yet."""
        return self.review.startswith("machine")

    def where(self) -> str:
        """'file:line' for error messages."""
        return f"{self.path.name}:{self.line}"


def read_rows(path: Path) -> list[Row]:
    """Read the annotation rows of `path`, skipping blank lines and '#' comments."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, cells in enumerate(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
            if not cells or not "".join(cells).strip() or cells[0].startswith("#"):
                continue
            if not COLUMNS <= len(cells) <= COLUMNS + 2:
                raise AnnotationError(f"{path.name}:{number}: expected {COLUMNS} to 6 columns, got {len(cells)}")
            comment, review = (c.strip() for c in [*cells[COLUMNS:], "", ""][:2])
            if review and not REVIEW.match(review):
                raise AnnotationError(
                    f"{path.name}:{number}: review column must be empty or 'machine …', got {review!r}"
                )
            subject, predicate, obj, quote = (c.strip() for c in cells[:COLUMNS])
            rows.append(Row(path, number, subject, predicate, obj, quote.replace("\\n", "\n"), comment, review))
    return rows


def read_meta(path: Path) -> dict[str, str]:
    """The `#@ key: value` lines that describe the document (empty for a file without them)."""
    meta = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if match := _META.match(line):
                meta[match["key"]] = match["value"].strip()
    return meta


def parse_term(token: str, doc: URIRef, where: str) -> Node:
    """Turn an annotation token into an RDF term."""
    if token == DOC:
        return doc
    if token == QUOTE:  # replaced by the quoted text itself once the quote is located
        return Literal("")
    if token == "a":
        return RDF.type
    if token in ("true", "false"):
        return Literal(token == "true")
    if _INTEGER.match(token):
        return Literal(int(token))
    if token.startswith('"'):
        return _literal(token, doc, where)
    if ":" in token:
        return _expand(token, where)
    if _SLUG.match(token):
        return GKD[token]
    raise AnnotationError(f"{where}: cannot read term {token!r}")


def _literal(token: str, doc: URIRef, where: str) -> Literal:
    """Parse a Turtle-style literal token."""
    match = _LITERAL.match(token)
    if not match:
        raise AnnotationError(f"{where}: malformed literal {token!r}")
    lex = match["lex"].replace('\\"', '"')
    if match["dt"]:
        return Literal(lex, datatype=str(parse_term(match["dt"], doc, where)))
    return Literal(lex, lang=match["lang"]) if match["lang"] else Literal(lex)


def _expand(token: str, where: str) -> URIRef:
    """Expand a prefixed name with govkg's prefix map."""
    prefix, local = token.split(":", 1)
    if prefix not in PREFIXES:
        raise AnnotationError(f"{where}: unknown prefix {prefix!r} in {token!r}")
    return URIRef(PREFIXES[prefix] + local)
