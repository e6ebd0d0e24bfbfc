"""The project form: a folder `govkg build --root DIR` builds into the same dataset (bench/generate.py --project)."""

from __future__ import annotations

import shutil
from pathlib import Path

from govkg import load, serialize
from govkg.extract import extract
from synth.dataset import ROOT, Dataset
from synth.world import World

MARKER = ".synthetic-project"  # only a folder holding it (or an empty or new one) is ever overwritten
HEADER = "# columns: subject | predicate | object | quote ([[...]] marks the exact part of a longer context)\n"


def write_project(data: Dataset, world: World, root: Path) -> None:
    """ontology/ and shapes/ copied; data/entities.ttl, links.ttl, sources/*.txt, annotations/*.tsv written;
    then data/claims/*.ttl, asserted.ttl and disagreements.ttl made by govkg's own extraction (`govkg extract`)."""
    if root.exists() and any(root.iterdir()) and not (root / MARKER).is_file():
        raise SystemExit(f"generate.py: error: {root} is not empty and was not made by generate.py; not overwriting")
    root.mkdir(parents=True, exist_ok=True)
    (root / MARKER).write_text("made by bench/generate.py --project\n", encoding="utf-8")
    for folder in ("ontology", "shapes"):
        shutil.rmtree(root / folder, ignore_errors=True)
        shutil.copytree(ROOT / folder, root / folder)
    data_dir = root / "data"
    shutil.rmtree(data_dir, ignore_errors=True)
    for sub in ("sources", "annotations", "claims"):
        (data_dir / sub).mkdir(parents=True)
    (data_dir / "entities.ttl").write_text(_ntriples(data.graphs["entities"]), encoding="utf-8")
    (data_dir / "links.ttl").write_text(_ntriples(data.graphs.get("links", set())), encoding="utf-8")
    for doc in world.docs:
        (data_dir / "sources" / f"{doc.stem}.txt").write_bytes(data.texts[doc.stem].encode("utf-8"))
        rows = [f"{f.s}\t{f.p}\t{f.o}\t{f.quote}\n" for f in doc.facts]
        (data_dir / "annotations" / f"{doc.stem}.tsv").write_text(HEADER + "".join(rows), encoding="utf-8")
    ontology = load.parse_files((root / "ontology").glob("*.ttl"))
    result = extract(data_dir / "sources", data_dir / "annotations", ontology)
    for rel, graph in result.files().items():
        serialize.write(data_dir / rel, serialize.graph_bytes(graph, "turtle"))


def _ntriples(lines: set[str]) -> str:
    """Sorted N-Triples (valid Turtle)."""
    return "".join(f"{line} .\n" for line in sorted(lines))
