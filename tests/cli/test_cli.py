"""The govkg command line: query and export formats, help, and one-line errors for bad input."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from conftest import Outcome

SIGNERS = """PREFIX gk: <https://w3id.org/govkg/ontology#>
SELECT DISTINCT ?company WHERE { ?act gk:signatory ?company } ORDER BY ?company"""
CONSTRUCT = """PREFIX gk: <https://w3id.org/govkg/ontology#>
CONSTRUCT { ?act gk:signatory ?c } WHERE { ?act gk:signatory ?c }"""


@pytest.fixture(scope="module")
def dataset_file(built: Path) -> Path:
    """The project dataset (the session's build; read only)."""
    return built


@pytest.mark.parametrize("command", ["build", "validate", "query", "export", "extract"])
def test_every_command_has_help(command: str, runner) -> None:
    with pytest.raises(SystemExit) as exit_info:
        runner(command, "--help")
    assert exit_info.value.code == 0


def test_query_formats_agree(dataset_file: Path, runner) -> None:
    as_json = json.loads(runner("query", SIGNERS, "--dataset", str(dataset_file), "--format", "json").stdout)
    companies = [b["company"]["value"] for b in as_json["results"]["bindings"]]
    assert len(companies) == len(set(companies)) == 16
    as_csv = list(
        csv.reader(
            io.StringIO(runner("query", SIGNERS, "--dataset", str(dataset_file), "--format", "csv").stdout.decode())
        )
    )
    assert as_csv[0] == ["company"] and [r[0] for r in as_csv[1:]] == companies
    tsv = runner("query", SIGNERS, "--dataset", str(dataset_file), "--format", "tsv").stdout.decode().splitlines()
    assert tsv[0] == "?company" and tsv[1:] == [f"<{c}>" for c in companies]
    table = runner("query", SIGNERS, "--dataset", str(dataset_file)).stdout.decode()
    assert "(16 rows)" in table and companies[0] in table


def test_query_from_file_and_ask(dataset_file: Path, runner, tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert runner("query", f"@{path}", "--dataset", str(dataset_file)).stdout == b"true\n"
    out = runner("query", f"@{path}", "--dataset", str(dataset_file), "--format", "json").stdout
    assert json.loads(out)["boolean"] is True


@pytest.mark.parametrize("fmt", ["turtle", "json-ld", "nt", "rdfxml"])
def test_construct_formats_round_trip(dataset_file: Path, runner, fmt: str) -> None:
    turtle = runner("query", CONSTRUCT, "--dataset", str(dataset_file), "--format", "turtle").stdout
    other = runner("query", CONSTRUCT, "--dataset", str(dataset_file), "--format", fmt).stdout
    rdflib_format = {"turtle": "turtle", "json-ld": "json-ld", "nt": "nt", "rdfxml": "xml"}[fmt]
    reference, parsed = Graph().parse(data=turtle, format="turtle"), Graph().parse(data=other, format=rdflib_format)
    assert len(reference) == 16 + 6 and isomorphic(reference, parsed)  # the two accounts' signatories (004, 001)


def test_no_inferred_drops_the_closure(dataset_file: Path, runner) -> None:
    q = "PREFIX gk: <https://w3id.org/govkg/ontology#> SELECT ?x WHERE { ?x gk:signs ?i }"
    with_inference = runner("query", q, "--dataset", str(dataset_file), "--format", "csv").stdout
    without = runner("query", q, "--dataset", str(dataset_file), "--format", "csv", "--no-inferred").stdout
    # 16 companies sign the Frontier AI Safety Commitments (004), 6 the Seoul AI Business Pledge (001), plus a header
    assert len(with_inference.splitlines()) == 1 + 16 + 6 and len(without.splitlines()) == 1


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("trig", "trig"), ("nquads", "nquads")])
def test_export_dataset_formats_keep_named_graphs(dataset_file: Path, runner, fmt: str, rdflib_format: str) -> None:
    out = runner("export", "--dataset", str(dataset_file), "--format", fmt).stdout
    ds = Dataset().parse(data=out, format=rdflib_format)
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert {"https://w3id.org/govkg/graph/asserted", "https://w3id.org/govkg/graph/inferred"} <= names


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("turtle", "turtle"), ("json-ld", "json-ld"), ("nt", "nt"), ("rdfxml", "xml")]
)
def test_export_one_graph_round_trips(dataset_file: Path, runner, tmp_path: Path, fmt: str, rdflib_format: str) -> None:
    out = tmp_path / "asserted"
    assert (
        runner("export", "--dataset", str(dataset_file), "--graph", "asserted", "--format", fmt, "-o", str(out)).code
        == 0
    )
    reference = Dataset().parse(dataset_file, format="nquads").graph("https://w3id.org/govkg/graph/asserted")
    assert isomorphic(Graph().parse(out, format=rdflib_format), reference)


def test_export_no_inferred_leaves_the_inferred_graph_out(dataset_file: Path, runner) -> None:
    out = runner("export", "--dataset", str(dataset_file), "--format", "nquads", "--no-inferred").stdout
    assert b"graph/inferred>" not in out and b"graph/asserted>" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "SELECT WHERE {"], "syntax error"),
        (["query", "INSERT DATA { <a:b> <a:c> <a:d> }"], "read-only"),
        (["query", "SELECT * WHERE { ?s nope:p ?o }"], "unknown prefix `nope:`"),
        (["query", "ASK {}", "--engine", "virtuoso"], "invalid choice"),
        (
            ["query", "SELECT * WHERE { OPTIONAL { SERVICE <http://127.0.0.1/> { ?s ?p ?o } } }"],
            "SERVICE is not allowed",
        ),
        (["query", "@/nonexistent/q.rq"], "cannot read query file"),
        (["query", "SELECT * WHERE { ?s ?p ?o }", "--format", "yaml"], "unknown format"),
        (["export", "--format", "csv"], "unknown format"),
        (["export", "--graph", "nope"], "unknown graph"),
        (["query", "ASK {}", "--dataset", "/nonexistent.nq"], "no such file"),
        (["--base-iri", "http://x.org/no-slash", "validate"], "must end with"),
    ],
)
def test_bad_input_is_a_one_line_error(dataset_file: Path, runner, args: list[str], message: str) -> None:
    if args[0] in ("query", "export") and "--dataset" not in args:
        args = [*args, "--dataset", str(dataset_file)]
    if "--engine" in args:  # argparse's own usage errors exit 2 through SystemExit
        with pytest.raises(SystemExit) as exit_info:
            runner(*args)
        assert exit_info.value.code == 2
        return
    outcome = runner(*args)
    assert outcome.code == 2
    assert outcome.stderr.startswith("govkg:") and outcome.stderr.count("\n") == 1 and message in outcome.stderr


def test_from_file_never_reads_the_file(dataset_file: Path, runner) -> None:
    q = "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"
    outcome = runner("query", q, "--dataset", str(dataset_file), "--format", "csv")
    assert outcome.code == 0 and b"root" not in outcome.stdout


def test_corrupt_dataset_file_is_a_one_line_error(runner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text("not n-quads at all\n", encoding="utf-8")
    outcome = runner("query", "ASK {}", "--dataset", str(bad))
    assert outcome.code == 2 and "bad.nq" in outcome.stderr and outcome.stderr.count("\n") == 1


def test_serve_get_answers_one_request_in_process(runner: Callable[..., Outcome], built: Path) -> None:
    outcome = runner("serve", "--dataset", str(built), "--get", "/health")
    assert outcome.code == 0 and json.loads(outcome.stdout)["status"] == "ok"
    outcome = runner("serve", "--dataset", str(built), "--get", "/sparql?query=ASK%20%7B")
    assert outcome.code == 1 and outcome.stdout.startswith(b"400 Bad Request: syntax error")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dataset", "/nonexistent/govkg.nq"], "no built dataset at /nonexistent/govkg.nq"),
        (
            ["--no-project", "--graph", "http://example.org/g=/nonexistent.nt"],
            "expected IRI=FILE with an existing file",
        ),
        (["--no-project", "--timeout", "-1"], "QUERY_TIMEOUT must be positive"),
    ],
)
def test_serve_configuration_errors_are_one_line(runner: Callable[..., Outcome], args: list[str], message: str) -> None:
    outcome = runner("serve", *args, "--get", "/health")
    assert outcome.code == 2
    assert outcome.stderr.startswith("govkg: error: ") and message in outcome.stderr
    assert outcome.stderr.count("\n") == 1


@pytest.mark.parametrize("fmt", ["nquads", "trig", "turtle", "json-ld", "nt", "rdfxml"])
def test_two_exports_in_separate_processes_are_byte_identical(dataset_file: Path, fmt: str) -> None:
    """Blank nodes are labelled canonically (RDFC-1.0) and the order is stable, whatever the hash seed."""
    outputs = []
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "govkg.cli", "export", "--dataset", str(dataset_file), "--format", fmt],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and len(outputs[0]) > 100_000


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_exports_are_the_same_on_every_engine(dataset_file: Path, runner, engine: str) -> None:
    default = runner("export", "--dataset", str(dataset_file), "--format", "trig").stdout
    assert runner("export", "--dataset", str(dataset_file), "--format", "trig", "--engine", engine).stdout == default
