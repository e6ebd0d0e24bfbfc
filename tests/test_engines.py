"""Both engines give the documents' answer to every competency question, with and without inference."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from govkg.engine import ENGINES, EngineError, Selection, Source
from govkg.namespaces import DEFAULT_BASE
from test_queries import IDS, QUERIES, Table, comparable, expected, needs_inference

_handles: dict[str, Any] = {}


@pytest.fixture(params=sorted(ENGINES))
def engine(request: pytest.FixtureRequest, built: Path) -> tuple[ModuleType, Any]:
    """(engine module, handle over the built dataset), opened once per engine."""
    module = ENGINES[request.param]
    if request.param not in _handles:
        _handles[request.param] = module.open([Source(built)], DEFAULT_BASE)
    return module, _handles[request.param]


def answer(engine: tuple[ModuleType, Any], text: str, selection: Selection | None = None) -> Table:
    """A query's answer as plain strings, like the expected CSV files."""
    module, handle = engine
    names, rows = module.rows(module.evaluate(handle, text, selection or Selection()), 100_000)
    if names == ["boolean"]:
        return ["_askResult"], [[str(rows[0][0]).lower()]]
    return names, [["" if cell is None else str(cell) for cell in row] for row in rows]


@pytest.mark.parametrize("path", QUERIES, ids=IDS)
def test_competency_answer_on_both_engines(engine: tuple[ModuleType, Any], path: Path) -> None:
    assert comparable(path, answer(engine, path.read_text(encoding="utf-8"))) == comparable(path, expected(path))


@pytest.mark.parametrize("path", QUERIES, ids=IDS)
def test_infer_false_on_both_engines(engine: tuple[ModuleType, Any], path: Path) -> None:
    without = comparable(path, answer(engine, path.read_text(encoding="utf-8"), Selection(infer=False)))
    assert (without != comparable(path, expected(path))) is needs_inference(path)


@pytest.mark.parametrize("query", ["SELECT * WHERE { ?s ?p }", "ASK {", "CLEAR ALL", "SELECT ?x WHERE { ?x ex:p ?y }"])
def test_syntax_errors_are_engine_errors(engine: tuple[ModuleType, Any], query: str) -> None:
    module, handle = engine
    with pytest.raises(EngineError, match="syntax error"):
        module.evaluate(handle, query, Selection())


def test_graphs_are_listed(engine: tuple[ModuleType, Any]) -> None:
    module, handle = engine
    graphs = module.graphs(handle)
    assert graphs == tuple(sorted(graphs)) and f"{DEFAULT_BASE}graph/asserted" in graphs
