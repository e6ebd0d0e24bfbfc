"""Annotation rows: reading, term parsing, and the errors editors get."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from govkg.extract.annotations import AnnotationError, parse_term, read_rows
from govkg.namespaces import GK, GKD

DOC = URIRef("https://w3id.org/govkg/source/x")


@pytest.mark.parametrize(
    ("token", "term"),
    [
        ("france", GKD.france),
        ("gk:signs", GK.signs),
        ("a", RDF.type),
        ("@doc", DOC),
        ("28", Literal(28)),
        ("true", Literal(True)),
        ('"2024-05-21"^^xsd:date', Literal("2024-05-21", datatype=XSD.date)),
        ('"la France"@fr', Literal("la France", lang="fr")),
        ('"plain"', Literal("plain")),
    ],
)
def test_parse_term(token: str, term: object) -> None:
    assert parse_term(token, DOC, "f:1") == term


@pytest.mark.parametrize("token", ["nope:x", "Not A Slug", '"unclosed'])
def test_parse_term_errors_name_the_row(token: str) -> None:
    with pytest.raises(AnnotationError, match="f:1"):
        parse_term(token, DOC, "f:1")


def test_read_rows_skips_comments_and_unescapes_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "doc.tsv"
    path.write_text("# comment\n\nfrance\tgk:signs\tx\tline one\\nline two\tnote\n", encoding="utf-8")
    (row,) = read_rows(path)
    assert (row.subject, row.quote, row.comment, row.line) == ("france", "line one\nline two", "note", 3)


def test_read_rows_rejects_short_rows(tmp_path: Path) -> None:
    path = tmp_path / "doc.tsv"
    path.write_text("france\tgk:signs\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"doc\.tsv:1"):
        read_rows(path)
