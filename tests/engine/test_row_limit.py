"""MAX_RESULT_ROWS on the Oxigraph engine: an answer is written once when its length proves it short enough, counted
otherwise; either way the bytes are the unlimited answer's, or AnswerTooLarge when it has more rows."""

from __future__ import annotations

import pytest

from govkg import formats
from govkg.engine import AnswerTooLarge, CheckedBuffer, Deadline, Engine, Source, open_engine

ROWS = 40
RESULTS = ["json", "xml", "csv", "tsv"]  # what the endpoint writes (the command line's "table" is rdflib's)
QUERIES = ["SELECT ?s ?o WHERE { ?s ?p ?o }", "SELECT ?x WHERE { ?s ?p ?o OPTIONAL { ?s <urn:none> ?x } }"]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    path = tmp_path_factory.mktemp("rows") / "data.nt"
    path.write_text("".join(f'<urn:s{i}> <urn:p> "{i}" .\n' for i in range(ROWS)), encoding="utf-8")
    return open_engine("oxigraph", [Source(path)], "https://example.org/")


def written(engine: Engine, query: str, fmt: str, limit: int | None) -> bytes:
    out = CheckedBuffer(Deadline(10), 10_000_000)
    engine.write(engine.evaluate(query), formats.get(fmt), out, limit)
    return out.getvalue()


@pytest.mark.parametrize("query", QUERIES)  # the second: rows of unbound values, as short as rows can be
@pytest.mark.parametrize("fmt", RESULTS)
@pytest.mark.parametrize("limit", [ROWS, ROWS + 1, ROWS * 100])
def test_an_answer_within_the_limit_is_the_unlimited_one(engine: Engine, query: str, fmt: str, limit: int) -> None:
    assert written(engine, query, fmt, limit) == written(engine, query, fmt, None)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("fmt", RESULTS)
@pytest.mark.parametrize("limit", [1, ROWS - 1])
def test_an_answer_past_the_limit_is_refused(engine: Engine, query: str, fmt: str, limit: int) -> None:
    with pytest.raises(AnswerTooLarge, match=f"limit of {limit} rows"):
        written(engine, query, fmt, limit)
