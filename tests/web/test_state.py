"""What the state serves: the on-disk store made from the files (DATA_CACHE), or the files loaded in memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from govkg.web import ConfigError, create_app

DATA = '<https://example.org/a> <https://example.org/p> "1" <https://example.org/g> .\n'
ASK = "/sparql?query=ASK%7B%3Chttps%3A%2F%2Fexample.org%2Fa%3E%20%3Fp%20%3Fo%7D"


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    path = tmp_path / "data.nq"
    path.write_text(DATA)
    return path


def test_the_files_are_served_from_one_on_disk_store(dataset: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    app = create_app({"DATASET": str(dataset), "DATA_CACHE": str(cache), "QUERY_WORKERS": 0})
    assert len(list(cache.iterdir())) == 1
    assert app.test_client().get(ASK, headers={"Accept": "application/sparql-results+json"}).json["boolean"]


def test_an_empty_data_cache_loads_the_files_in_memory(dataset: Path, tmp_path: Path) -> None:
    app = create_app({"DATASET": str(dataset), "DATA_CACHE": "", "QUERY_WORKERS": 0})
    assert app.extensions["govkg"].graphs == {"https://example.org/g": 1}
    assert not (tmp_path / "cache").exists()


def test_a_cache_that_cannot_be_made_is_a_config_error(dataset: Path, tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file")
    with pytest.raises(ConfigError, match="cannot make the on-disk store"):
        create_app({"DATASET": str(dataset), "DATA_CACHE": str(tmp_path / "taken"), "QUERY_WORKERS": 0})
