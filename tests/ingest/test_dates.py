"""The rule-based date extractor: data-driven cases from date-cases.tsv, exact spans, and the source corpus."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from govkg.ingest.dates import DateMention, find_dates

HERE = Path(__file__).resolve().parent
CASES_FILE = HERE / "date-cases.tsv"
SOURCES = sorted((HERE.parents[1] / "data" / "sources").glob("*.txt"))
SEED = 20261207
LEXICAL = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "gYearMonth": re.compile(r"\d{4}-\d{2}"),
    "gYear": re.compile(r"\d{4}"),
}
FR_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class Case:
    """One row of date-cases.tsv."""

    line: int
    lang: str
    context_year: int | None
    text: str
    expected: list[str]


def _load_cases() -> list[Case]:
    """The rows of date-cases.tsv, with their line numbers."""
    with CASES_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        Case(
            line,
            row["lang"],
            None if row["context_year"] == "-" else int(row["context_year"]),
            row["text"],
            [] if row["expected"] == "-" else row["expected"].split(" ; "),
        )
        for line, row in enumerate(rows, start=2)
    ]


CASES = _load_cases()


def _render(text: str, mention: DateMention) -> str:
    """A mention in the TSV's `span=value/datatype[/end_value][/inferred]` notation."""
    parts = [mention.value, mention.datatype]
    parts += [mention.end_value] if mention.end_value else []
    parts += ["inferred"] if mention.year_inferred else []
    return f"{text[mention.start : mention.end]}={'/'.join(parts)}"


def _check_valid(text: str, mentions: list[DateMention]) -> None:
    """Every mention is a well-formed literal over a non-blank span; mentions are sorted and disjoint."""
    for mention in mentions:
        span = text[mention.start : mention.end]
        assert span and span == span.strip(), mention
        assert LEXICAL[mention.datatype].fullmatch(mention.value), mention
        if mention.datatype == "date":
            start = date.fromisoformat(mention.value)
            if mention.end_value is not None:
                assert date.fromisoformat(mention.end_value) > start, mention
        else:
            assert mention.end_value is None, mention
    for before, after in pairwise(mentions):
        assert before.end <= after.start, (before, after)


def test_enough_cases() -> None:
    """The case file covers both languages, with negatives."""
    assert len(CASES) >= 40
    assert {case.lang for case in CASES} == {"fr", "en"}
    assert sum(not case.expected for case in CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=[f"line{case.line}" for case in CASES])
def test_case(case: Case) -> None:
    """Each row's text yields exactly the expected mentions, in order."""
    mentions = find_dates(case.text, case.lang, case.context_year)
    assert [_render(case.text, m) for m in mentions] == case.expected


@pytest.mark.parametrize("case", CASES, ids=[f"line{case.line}" for case in CASES])
def test_spans_are_exact(case: Case) -> None:
    """Offsets index the text as given: the span is found there verbatim, and embedding the text shifts them."""
    prefix = "Préambule.\n"
    plain = find_dates(case.text, case.lang, case.context_year)
    shifted = find_dates(prefix + case.text, case.lang, case.context_year)
    assert [(m.start + len(prefix), m.end + len(prefix)) for m in plain] == [(m.start, m.end) for m in shifted]
    for mention in plain:
        assert case.text.find(case.text[mention.start : mention.end], mention.start) == mention.start
    _check_valid(case.text, plain)


@pytest.mark.parametrize("context_year", [None, 2024])
@pytest.mark.parametrize("source", SOURCES, ids=[s.name for s in SOURCES])
def test_corpus_mentions_are_valid(source: Path, context_year: int | None) -> None:
    """Every mention found in the source corpus is a valid literal; the year is inferred only when one is given."""
    text = source.read_text(encoding="utf-8")
    mentions = find_dates(text, "fr", context_year)
    _check_valid(text, mentions)
    assert context_year is not None or not any(m.year_inferred for m in mentions)


def test_corpus_finds_known_expressions() -> None:
    """The date expressions the corpus is known to hold are all found."""
    found = {
        _render(text, m)
        for text in (s.read_text(encoding="utf-8") for s in SOURCES)
        for m in find_dates(text, "fr", 2024)
    }
    assert SOURCES
    assert {
        "12.02.25=2025-02-12/date",
        "21 et 22 mai derniers=2024-05-21/date/2024-05-22/inferred",
        "mardi 22 mai=2024-05-22/date/inferred",
        "2025=2025/gYear",
        "novembre 2023=2023-11/gYearMonth",
        "21 mai 2024=2024-05-21/date",
    } <= found


def test_unknown_language_is_rejected() -> None:
    """Only French and English rules exist."""
    with pytest.raises(ValueError, match="unsupported language"):
        find_dates("21 Mai 2024", "de")


@seed(SEED)
@settings(max_examples=200, deadline=None, database=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from(["fr", "en"]))
def test_written_dates_round_trip(day: date, lang: str) -> None:
    """Any date written out in words, in the language's usual order, reads back as itself."""
    if lang == "fr":
        text = f"Fait à Paris le {'1er' if day.day == 1 else day.day} {FR_MONTHS[day.month - 1]} {day.year}."
    else:
        text = f"Done in London on {EN_MONTHS[day.month - 1]} {day.day}, {day.year}."
    assert [(m.value, m.datatype) for m in find_dates(text, lang)] == [(day.isoformat(), "date")]


@seed(SEED)
@settings(max_examples=300, deadline=None, database=None)
@given(
    st.text(alphabet=st.sampled_from(list("0123456789 ./-–,’'enaiméfvrdlsMJ")), max_size=60),
    st.sampled_from(["fr", "en"]),
)
def test_arbitrary_text_never_raises(text: str, lang: str) -> None:
    """Whatever the text, the result is a sorted list of disjoint, valid mentions."""
    _check_valid(text, find_dates(text, lang, 2024))
