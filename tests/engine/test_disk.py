"""On-disk stores made once per data generation (engine.disk), and the Oxigraph engine opened over one."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from govkg import formats
from govkg.engine import Engine, EngineError, Source, disk, fingerprint, open_engine
from govkg.namespaces import DEFAULT_BASE

DATA = """\
<https://example.org/a> <https://example.org/p> _:b0 <https://example.org/g1> .
_:b0 <https://example.org/q> "7"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger> <https://example.org/g1> .
<https://example.org/a> <https://example.org/label> "café"@fr <https://example.org/g2> .
"""
TRIPLES = '_:b0 <https://example.org/r> "x" .\n'


@pytest.fixture
def files(tmp_path: Path) -> list[Source]:
    """A quads file and a triples file served as a named graph (two `_:b0`, two nodes)."""
    (tmp_path / "data.nq").write_text(DATA, encoding="utf-8")
    (tmp_path / "more.nt").write_text(TRIPLES, encoding="utf-8")
    return [Source(tmp_path / "data.nq"), Source(tmp_path / "more.nt", "https://example.org/g3")]


def test_a_store_is_made_once_per_generation(files: list[Source], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    made = disk.stored(files, DEFAULT_BASE, cache)
    assert made.path == cache / fingerprint(files)
    assert (made.path / "GENERATION").read_text() == fingerprint(files)
    marker = made.path / "marker"
    marker.write_text("kept")
    assert disk.stored(files, DEFAULT_BASE, cache) == made and marker.exists()  # not made again
    assert [p.name for p in cache.iterdir()] == [made.path.name]  # no temporary folder left behind


def test_the_engine_over_the_store_answers_and_exports_as_over_the_files(files: list[Source], tmp_path: Path) -> None:
    in_memory = open_engine("oxigraph", files, DEFAULT_BASE)
    on_disk = open_engine("oxigraph", [disk.stored(files, DEFAULT_BASE, tmp_path / "cache")], DEFAULT_BASE)
    sizes = {"https://example.org/g1": 2, "https://example.org/g2": 1, "https://example.org/g3": 1}
    assert on_disk.graphs() == in_memory.graphs() == sizes
    query = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o"
    for name in ("json", "tsv"):
        assert _answer(on_disk, query, name) == _answer(in_memory, query, name)
    for name in ("nquads", "trig"):  # read again from the files: the literal keeps its datatype as written
        assert _export(on_disk, name) == _export(in_memory, name)
    assert b"nonNegativeInteger" in _export(on_disk, "nquads")


def test_a_file_that_cannot_be_read_leaves_no_store(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text("<https://example.org/a> <https://example.org/p> .\n")
    with pytest.raises(EngineError, match=r"bad\.nq"):
        disk.stored([Source(bad)], DEFAULT_BASE, tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []


def test_a_cache_folder_that_cannot_be_made_is_one_line(files: list[Source], tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a folder")
    with pytest.raises(EngineError, match=r"cannot make the on-disk store in .*taken") as error:
        disk.stored(files, DEFAULT_BASE, tmp_path / "taken")
    assert "\n" not in str(error.value)


def test_only_the_most_recently_used_stores_are_kept(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    made = []
    for n in range(disk.KEPT + 2):
        path = tmp_path / f"{n}.nq"
        path.write_text(f'<https://example.org/a> <https://example.org/p> "{n}" <https://example.org/g> .\n')
        made.append(disk.stored([Source(path)], DEFAULT_BASE, cache).path)
    assert sorted(cache.iterdir()) == sorted(made[-disk.KEPT :])


def _answer(engine: Engine, query: str, name: str) -> bytes:
    out = io.BytesIO()
    engine.write(engine.evaluate(query), formats.get(name), out)
    return out.getvalue()


def _export(engine: Engine, name: str) -> bytes:
    out = io.BytesIO()
    engine.export(None, formats.get(name), out)
    return out.getvalue()


def test_a_store_made_from_the_same_bytes_elsewhere_exports_these_files(files: list[Source], tmp_path: Path) -> None:
    cache, copies = tmp_path / "cache", tmp_path / "copies"
    copies.mkdir()
    for source in files:
        (copies / source.path.name).write_bytes(source.path.read_bytes())
    others = [Source(copies / s.path.name, s.graph) for s in files]
    disk.stored(files, DEFAULT_BASE, cache)
    (tmp_path / "data.nq").write_text(DATA.replace("café", "thé"), encoding="utf-8")  # the first server's file moves on
    engine = open_engine("oxigraph", [disk.stored(others, DEFAULT_BASE, cache)], DEFAULT_BASE)
    out = io.BytesIO()
    engine.export(None, formats.get("nquads"), out)
    assert "café" in out.getvalue().decode() and "thé" not in out.getvalue().decode()
    engine.close()
