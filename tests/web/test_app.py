"""The app factory: configuration from defaults, GOVKG_* variables and a mapping; clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from govkg.web import ConfigError, create_app


def test_mapping_overrides_environment(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVKG_QUERY_TIMEOUT", "7")
    monkeypatch.setenv("GOVKG_DATASET", str(built))
    assert create_app().config["QUERY_TIMEOUT"] == 7
    assert create_app({"QUERY_TIMEOUT": 3}).config["QUERY_TIMEOUT"] == 3


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"DATASET": "/nonexistent/govkg.nq"}, "no built dataset"),
        ({"QUERY_TIMEOUT": "soon"}, "QUERY_TIMEOUT must be a number"),
        ({"QUERY_TIMEOUT": 0}, "QUERY_TIMEOUT must be positive"),
        ({"ENGINE": "virtuoso"}, "unknown engine"),
        ({"GRAPHS": ["no-equals-sign"]}, "expected IRI=FILE"),
    ],
)
def test_bad_configuration_is_one_clear_error(built: Path, config: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        create_app({"DATASET": str(built), **config})
    assert "\n" not in str(caught.value)


def test_extra_graphs_next_to_or_instead_of_the_project(built: Path, tmp_path: Path) -> None:
    data = tmp_path / "data1.nt"
    data.write_text(
        "<http://example.org/d1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<http://xmlns.com/foaf/0.1/Document> .\n"
    )
    graph = "http://example.org/graph/1"
    beside = create_app({"DATASET": str(built), "GRAPHS": [f"{graph}={data}"]}).extensions["govkg"]
    alone = create_app({"PROJECT": False, "GRAPHS": f"{graph}={data}"}).extensions["govkg"]
    assert graph in beside.graphs and len(beside.graphs) > 1
    assert list(alone.graphs) == [graph]


def test_an_unexpected_failure_is_a_one_line_500(built: Path, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app({"DATASET": str(built)})

    def broken() -> str:
        raise RuntimeError("secret detail /etc/passwd")

    app.add_url_rule("/broken", view_func=broken)
    response = app.test_client().get("/broken")
    body = response.get_data(as_text=True)
    assert (
        response.status_code == 500
        and body == "500 Internal Server Error: the server failed to answer; the failure is logged\n"
    )
    assert "secret" in caplog.text and "secret" not in body
