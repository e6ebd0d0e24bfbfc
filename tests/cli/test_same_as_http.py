"""`govkg query` and `govkg export` go through the engine the server opens: the command line and HTTP give the same
bytes, format for format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from conftest import Outcome
from govkg import formats
from test_queries import IDS, QUERIES

RESULTS = ("json", "xml", "csv", "tsv")
GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH gkg:asserted { ?s ?p ?o } }"


def engine_of(app: Flask) -> str:
    return str(app.extensions["govkg"].engine.kind)


@pytest.mark.parametrize("path", QUERIES, ids=IDS)
def test_every_competency_answer_is_the_same_bytes(
    app: Flask, runner: Callable[..., Outcome], built: Path, path: Path
) -> None:
    text = path.read_text(encoding="utf-8")
    cli = runner("query", text, "--dataset", str(built), "--engine", engine_of(app), "--format", "json")
    http = app.test_client().post("/sparql", data={"query": text, "format": "json"})
    assert cli.code == 0 and http.status_code == 200 and cli.stdout == http.data


@pytest.mark.parametrize("fmt", [*RESULTS, *formats.names("graph", "dataset")])
def test_every_format_is_the_same_bytes(app: Flask, runner: Callable[..., Outcome], built: Path, fmt: str) -> None:
    text = GRAPH if formats.get(fmt).kind != "results" else QUERIES[0].read_text(encoding="utf-8")
    cli = runner("query", text, "--dataset", str(built), "--engine", engine_of(app), "--format", fmt)
    http = app.test_client().post("/sparql", data={"query": text, "format": fmt})
    assert cli.code == 0 and http.status_code == 200 and cli.stdout == http.data and cli.stdout


@pytest.mark.parametrize("fmt", formats.names("graph", "dataset"))
def test_an_export_is_the_download(app: Flask, runner: Callable[..., Outcome], built: Path, fmt: str) -> None:
    cli = runner("export", "--dataset", str(built), "--engine", engine_of(app), "--format", fmt)
    http = app.test_client().get(f"/download/govkg{formats.get(fmt).suffix}")
    assert cli.code == 0 and http.status_code == 200 and cli.stdout == http.data


def test_a_refusal_is_the_same_line(app: Flask, runner: Callable[..., Outcome], built: Path) -> None:
    text = "SELECT * WHERE { ?s nope:p ?o }"
    cli = runner("query", text, "--dataset", str(built), "--engine", engine_of(app))
    http = app.test_client().post("/sparql", data={"query": text})
    assert cli.code == 2 and http.status_code == 400
    assert cli.stderr.removeprefix("govkg: error: ") == http.get_data(as_text=True).removeprefix("400 Bad Request: ")
