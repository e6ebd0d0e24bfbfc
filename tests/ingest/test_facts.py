"""Proposed facts as annotation rows: quotes that pin exactly one span, and machine rows the annotation reader reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, seed, settings
from hypothesis import strategies as st

from govkg.extract.annotations import read_rows
from govkg.extract.text import QuoteError, Span, locate
from govkg.ingest.facts import HEADER, Fact, Proposal, quote_for, render_rows
from govkg.ingest.read import read_document

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SEED = 20261207
REVIEW = "machine govkg-ingest/0.0.0 fr_core_news_md/3.8.0"
CORPUS = [
    *(p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "sources").glob("[0-9]*.txt"))),
    *(read_document(p).text for p in sorted((HERE / "documents").glob("*.*.*"))),
]
PROPERTY = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TEXT = "La France a signé.\nLa France et le Japon ont signé.\tFin."


def span_of(text: str, quote: str) -> tuple[int, int]:
    """Where a quote as written in an annotation file (with `\\n` for line breaks) points in `text`."""
    found = locate(text, quote.replace("\\n", "\n"))
    return (found.start, found.end)


def test_unique_span_is_quoted_bare() -> None:
    start = TEXT.index("Japon")
    assert quote_for(TEXT, start, start + len("Japon")) == "Japon"


@pytest.mark.parametrize("occurrence", [0, 1])
def test_repeated_span_is_marked_in_a_unique_context(occurrence: int) -> None:
    start = [i for i in range(len(TEXT)) if TEXT.startswith("France", i)][occurrence]
    quote = quote_for(TEXT, start, start + len("France"))
    assert "[[France]]" in quote and quote != "[[France]]"
    assert span_of(TEXT, quote) == (start, start + len("France"))


def test_line_breaks_are_escaped() -> None:
    start = TEXT.index("signé.\nLa")
    quote = quote_for(TEXT, start, start + len("signé.\nLa"))
    assert "\n" not in quote and "\\n" in quote
    assert span_of(TEXT, quote) == (start, start + len("signé.\nLa"))


def test_context_stops_at_tabs() -> None:
    """A tab would split the TSV cell: the context never reaches across one."""
    start = TEXT.index("Fin")
    quote = quote_for(TEXT, start, start + 3)
    assert "\t" not in quote


def test_a_span_with_no_unique_context_is_an_error() -> None:
    text = ("x " * 150 + "\n") * 2
    with pytest.raises(QuoteError, match="no unique context"):
        quote_for(text, 0, 1)


@st.composite
def corpus_spans(draw: st.DrawFn) -> tuple[str, int, int]:
    """A text of the corpus and a non-blank span of it, up to 60 characters long."""
    text = draw(st.sampled_from(CORPUS))
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, min(len(text), start + 60)))
    assume(text[start:end].strip())
    return text, start, end


@seed(SEED)
@PROPERTY
@given(corpus_spans())
def test_quote_round_trips_through_locate(span: tuple[str, int, int]) -> None:
    text, start, end = span
    exact = text[start:end]
    trimmed = (start + len(exact) - len(exact.lstrip()), end - (len(exact) - len(exact.rstrip())))
    if trimmed[0] < trimmed[1]:
        assert span_of(text, quote_for(text, start, end)) == trimmed  # edge white space is not part of a quote


@seed(SEED)
@PROPERTY
@given(corpus_spans())
def test_rendered_row_reads_back_to_the_same_span(tmp_path: Path, span: tuple[str, int, int]) -> None:
    """Through the file: render_rows writes the row, read_rows reads it, the quote locates the same characters."""
    text, start, end = span
    assume(text[start:end] == text[start:end].strip())  # the reader trims cells (see the xfail below)
    path = tmp_path / "rows.tsv"
    path.write_text(render_rows(text, [Fact("france", "gk:signs", "x", start, end, 0.5, "r")], REVIEW, "t"), "utf-8")
    (row,) = read_rows(path)
    assert locate(text, row.quote) == Span(start, end)


def test_span_with_edge_space_reads_back_trimmed(tmp_path: Path) -> None:
    """The reader trims cells, so the writer quotes the span without its edge white space (never another span)."""
    text = "La France a signé. Le Japon et la France aussi."
    start = text.index(" a signé")
    path = tmp_path / "rows.tsv"
    fact = Fact("france", "gk:signs", "x", start, start + 8, 0.5, "r")
    path.write_text(render_rows(text, [fact], REVIEW, "t"), "utf-8")
    (row,) = read_rows(path)
    assert locate(text, row.quote) == Span(start + 1, start + 8)


def facts() -> list[Fact]:
    """Three facts about TEXT, given out of text order."""
    japan, france = TEXT.index("Japon"), TEXT.index("France")
    return [
        Fact("japan", "gk:signs", "convention", japan, japan + 5, 0.75, "party"),
        Fact("france", "gk:signs", "convention", france, france + 6, 0.8, "party"),
        Fact("@doc", "dct:title", '"Fin"@fr', TEXT.index("Fin"), len(TEXT) - 1, 0.9, "document title"),
    ]


def test_render_rows_writes_six_columns_in_text_order() -> None:
    rendered = render_rows(TEXT, facts(), REVIEW, "Ingested from test.txt")
    lines = rendered.splitlines()
    assert lines[:2] == ["# Ingested from test.txt", HEADER]
    cells = [line.split("\t") for line in lines[2:]]
    assert [len(c) for c in cells] == [6, 6, 6]
    assert [c[0] for c in cells] == ["france", "japan", "@doc"]
    assert [c[4] for c in cells] == ["rule: party", "rule: party", "rule: document title"]
    assert [c[5] for c in cells] == [f"{REVIEW} 0.80", f"{REVIEW} 0.75", f"{REVIEW} 0.90"]


def test_rendered_rows_read_back_as_machine_rows(tmp_path: Path) -> None:
    path = tmp_path / "rows.tsv"
    path.write_text(render_rows(TEXT, facts(), REVIEW, "t"), encoding="utf-8")
    rows = read_rows(path)
    assert [(r.subject, r.predicate, r.obj) for r in rows] == [
        ("france", "gk:signs", "convention"), ("japan", "gk:signs", "convention"), ("@doc", "dct:title", '"Fin"@fr'),
    ]  # fmt: skip
    assert all(r.machine and r.review.startswith("machine govkg-ingest/") for r in rows)
    assert [locate(TEXT, r.quote) for r in rows] == [Span(f.start, f.end) for f in sorted(facts(), key=_at)]


def _at(fact: Fact) -> int:
    return fact.start


def test_proposal_keeps_one_fact_per_triple() -> None:
    proposal = Proposal()
    for fact in [*facts(), *facts()]:
        proposal.add(fact)
    assert len(proposal.facts) == 3
