"""Competency questions: each queries/NN-slug.rq answers what the source documents say.

The expected answers are CSV files under tests/queries/expected/ (one per query, same stem), written
from the documents in data/sources/. Cells are plain strings: IRIs in full, literals as their lexical
form (no language tag or datatype), an unbound variable as the empty string; an ASK query answers one
row with column `_askResult` and value `true` or `false`. Rows are compared in order when the query
has ORDER BY, as a multiset otherwise.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from govkg.engine import DEFAULT, Answer, Engine, Selection, Source, open_engine
from govkg.namespaces import DEFAULT_BASE

ROOT = Path(__file__).resolve().parents[1]
QUERY_DIR = ROOT / "queries"
EXPECTED_DIR = ROOT / "tests" / "queries" / "expected"
QUERIES = sorted(QUERY_DIR.glob("*.rq"))
IDS = [path.stem for path in QUERIES]

FILE_NAME = re.compile(r"(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*")
HEADER_LINE = re.compile(r"# (fr|en|inference|theme): (.*)")
ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
FORM = re.compile(r"^\s*(SELECT|ASK)\b", re.IGNORECASE | re.MULTILINE)
MIN_QUERIES = 25

Table = tuple[list[str], list[list[str]]]


def header(path: Path) -> dict[str, str]:
    """The `# key: value` comment lines that open the query file."""
    fields: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        match = HEADER_LINE.fullmatch(line.rstrip())
        assert match, f"{path.name}: unexpected header line {line!r}"
        assert match[1] not in fields, f"{path.name}: header {match[1]!r} given twice"
        fields[match[1]] = match[2].strip()
    return fields


def body(path: Path) -> str:
    """The query text without its comment lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("#"))


def needs_inference(path: Path) -> bool:
    return header(path).get("inference") == "required"


def is_ordered(path: Path) -> bool:
    return ORDER_BY.search(body(path)) is not None


def table(engine: Engine, answer: Answer) -> Table:
    """An answer as a header and rows of plain strings, like the expected CSV files."""
    names, rows = engine.rows(answer, 100_000)
    if answer.form == "boolean":
        return ["_askResult"], [[str(rows[0][0]).lower()]]
    return names, [["" if term is None else str(term) for term in row] for row in rows]


def expected(path: Path) -> Table:
    """The expected answer stored for a query."""
    with (EXPECTED_DIR / f"{path.stem}.csv").open(encoding="utf-8", newline="") as file:
        names, *rows = list(csv.reader(file))
    return names, rows


def comparable(path: Path, answer: Table) -> Table:
    """Rows in their own order for an ORDER BY query, sorted otherwise."""
    names, rows = answer
    return (names, rows) if is_ordered(path) else (names, sorted(rows))


@pytest.fixture(scope="session")
def answer(built: Path) -> Callable[..., Table]:
    """answer(path, inferred=True): the query's answer over the built dataset on the default engine (every engine
    gives the same answers: tests/engine/test_conformance.py)."""
    engine = open_engine(DEFAULT, [Source(built)], DEFAULT_BASE)

    def get(path: Path, inferred: bool = True) -> Table:
        text = path.read_text(encoding="utf-8")
        return table(engine, engine.evaluate(text, Selection(infer=inferred)))

    return get


def test_enough_queries_numbered_in_sequence() -> None:
    assert len(QUERIES) >= MIN_QUERIES
    numbers = []
    for path in QUERIES:
        match = FILE_NAME.fullmatch(path.stem)
        assert match, f"{path.name}: name is not NN-slug.rq"
        numbers.append(int(match[1]))
    assert numbers == list(range(1, len(QUERIES) + 1))


def test_every_expected_answer_has_its_query() -> None:
    stored = {path.stem for path in EXPECTED_DIR.glob("*.csv")}
    assert stored == set(IDS)


@pytest.mark.parametrize("path", QUERIES, ids=IDS)
def test_header_states_the_question_in_french_and_english(path: Path) -> None:
    fields = header(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# fr: ") and lines[1].startswith("# en: ")
    assert fields["fr"] and fields["en"] and fields["fr"] != fields["en"]
    assert fields.get("inference", "required") == "required"


@pytest.mark.parametrize("path", QUERIES, ids=IDS)
def test_query_is_a_deterministic_select_or_an_ask(path: Path) -> None:
    form = FORM.search(body(path))
    assert form, f"{path.name}: neither SELECT nor ASK"
    if form[1].upper() == "SELECT":
        assert is_ordered(path), f"{path.name}: a SELECT needs ORDER BY"


@pytest.mark.parametrize("path", QUERIES, ids=IDS)
def test_query_yields_at_least_one_row(path: Path, answer: Callable[..., Table]) -> None:
    _, rows = answer(path)
    assert rows


@pytest.mark.parametrize("path", QUERIES, ids=IDS)
def test_answer_matches_the_documents(path: Path, answer: Callable[..., Table]) -> None:
    assert comparable(path, answer(path)) == comparable(path, expected(path))


@pytest.mark.parametrize("path", QUERIES, ids=IDS)
def test_inference_header_is_accurate(path: Path, answer: Callable[..., Table]) -> None:
    """Without the inferred graph, a query marked `inference: required` loses its answer; others keep it."""
    without = comparable(path, answer(path, inferred=False))
    if needs_inference(path):
        assert without != comparable(path, expected(path))
    else:
        assert without == comparable(path, expected(path))
