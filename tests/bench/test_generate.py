"""bench/generate.py: a deterministic synthetic graph, the size asked for, what govkg's extract and reasoner make."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from govkg import reason
from govkg.extract.annotations import read_rows
from govkg.extract.claims import Document, claims_for, document_graph

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
from synth.dataset import Dataset  # noqa: E402
from synth.dataset import generate as make  # noqa: E402

BASE = "https://w3id.org/govkg/"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Dataset, Path]:
    """The 10k dataset, and its N-Quads file."""
    data, _ = make(10_000)
    out = tmp_path_factory.mktemp("synth") / "s10k.nq"
    generate.write_nquads(data, out)
    return data, out


@pytest.fixture(scope="module")
def store(synthetic: tuple[Dataset, Path]) -> ox.Store:
    """The 10k dataset in an in-memory Oxigraph store."""
    loaded = ox.Store()
    loaded.bulk_load(path=str(synthetic[1]), format=ox.RdfFormat.N_QUADS)
    return loaded


def _run(out: Path, hash_seed: str) -> bytes:
    """Run the script in a fresh process (its own string hashing) and return the file it writes."""
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    script = [sys.executable, str(ROOT / "bench" / "generate.py"), "--triples", "10000", "--out", str(out)]
    subprocess.run(script, check=True, env=env, capture_output=True)
    return out.read_bytes()


def test_same_arguments_give_the_same_bytes(tmp_path: Path) -> None:
    first = _run(tmp_path / "a.nq.gz", "1")
    assert first == _run(tmp_path / "b.nq.gz", "2")
    assert len(gzip.decompress(first).splitlines()) > 9_000


def test_another_seed_gives_another_graph() -> None:
    assert make(5_000, seed=1)[0].graphs["entities"] != make(5_000, seed=2)[0].graphs["entities"]


def test_size_is_within_two_percent_and_the_file_parses(synthetic: tuple[Dataset, Path]) -> None:
    data, out = synthetic
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    assert abs(len(quads) - 10_000) <= 200
    assert len(quads) == data.size()
    graphs = {q.graph_name.value.removeprefix(BASE + "graph/") for q in quads}
    assert {"ontology", "entities", "links", "asserted", "inferred"} <= graphs
    assert any(g.startswith("source/") for g in graphs)


def _graph(lines: list[str] | set[str]) -> Graph:
    """An rdflib graph of N-Triples lines."""
    return Graph().parse(data="".join(f"{line} .\n" for line in lines), format="nt")


def test_source_graphs_are_what_govkg_extract_makes(tmp_path: Path) -> None:
    data, world = make(5_000)
    for doc in world.docs[:3]:
        text = tmp_path / f"{doc.stem}.txt"
        text.write_bytes(data.texts[doc.stem].encode("utf-8"))
        rows = tmp_path / f"{doc.stem}.tsv"
        rows.write_text("".join(f"{f.s}\t{f.p}\t{f.o}\t{f.quote}\n" for f in doc.facts), encoding="utf-8")
        document = Document.read(text)
        claims, chrome = claims_for(document, read_rows(rows))
        assert set(document_graph(document, claims, chrome)) == set(_graph(data.graphs[f"source/{doc.stem}"]))


def test_inferred_graph_is_what_govkg_reason_keeps() -> None:
    data, _ = make(5_000)
    inputs = _graph([line for name in ("ontology", "entities", "asserted") for line in data.graphs[name]])
    expected = reason.closure([inputs], BASE)
    assert set(_graph({" ".join(t) for t in data.reasoner.inferred})) == set(expected)


@pytest.mark.parametrize("query", sorted((ROOT / "bench" / "mix").glob("*.rq")), ids=lambda p: p.stem)
def test_every_query_of_the_mix_answers(query: Path, store: ox.Store) -> None:
    text = query.read_text(encoding="utf-8")
    header = text.splitlines()[:2]
    assert header[0] in ("# kind: trivial", "# kind: heavy") and header[1].startswith("# what: ")
    answer = store.query(text, use_default_graph_as_union=True)
    assert bool(answer) if isinstance(answer, ox.QueryBoolean) else len(list(answer)) > 0


def test_a_project_is_never_written_over_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    with pytest.raises(SystemExit, match="not overwriting"):
        generate.main(["--triples", "5000", "--project", str(tmp_path)])
    assert list(tmp_path.iterdir()) == [tmp_path / "data"]
