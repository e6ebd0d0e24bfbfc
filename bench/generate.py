"""A deterministic synthetic governance graph in govkg's ontology, for benchmarks.

    python bench/generate.py --triples 100000 --out build/synth-100k.nq[.gz]   # the dataset govkg serves
    python bench/generate.py --triples 100000 --project DIR                     # a project `govkg build` reads

Same arguments (--triples, --seed) → byte-identical output. The N-Quads hold the named graphs `govkg build` writes
(ontology, entities, links, asserted, source/<doc>, inferred; default graph = their union when served): summits in
series, instruments signed by many states, companies and organisations (gk:Signature acts), commitments per
instrument and per company, every fact a claim quoting a sentence of its source document, and the OWL 2 RL
entailments of the ontology (the inferred graph; synth/rl.py computes what govkg's reason.closure keeps).
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from pathlib import Path

from synth.dataset import BASE, Dataset, generate
from synth.project import write_project


def nquads(data: Dataset) -> list[str]:
    """Every quad as a sorted N-Quads line."""
    lines = [f"{t} <{BASE}graph/{name}> .\n" for name, graph in data.graphs.items() for t in graph]
    lines += [f"{' '.join(t)} <{BASE}graph/inferred> .\n" for t in data.reasoner.inferred]
    lines.sort()
    return lines


def write_nquads(data: Dataset, out: Path) -> int:
    """Write the dataset to `out` (gzip when it ends in .gz, with no timestamp); return the quad count."""
    lines = nquads(data)
    body = "".join(lines).encode("utf-8")
    if out.suffix == ".gz":
        with out.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed:
            packed.write(body)
    else:
        out.write_bytes(body)
    return len(lines)


def main(argv: list[str] | None = None) -> int:
    """Generate, write, and print the graph sizes."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, required=True, help="target size, all graphs (within ±2 %%)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", type=Path, help="N-Quads file to write (.nq or .nq.gz)")
    parser.add_argument("--project", type=Path, help="project folder to write (data/, ontology/, shapes/)")
    args = parser.parse_args(argv)
    if args.triples < 5000 or not (args.out or args.project):
        parser.error("--triples must be at least 5000, and --out or --project is required")
    started = time.perf_counter()
    data, world = generate(args.triples, args.seed)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        print(f"{write_nquads(data, args.out)} quads written to {args.out}", file=sys.stderr)
    if args.project:
        write_project(data, world, args.project)
        print(f"project written to {args.project} (govkg build --root {args.project})", file=sys.stderr)
    sizes = {name: len(g) for name, g in sorted(data.graphs.items()) if not name.startswith("source/")}
    sources = sum(len(g) for name, g in data.graphs.items() if name.startswith("source/"))
    print(
        f"{data.size()} triples in {time.perf_counter() - started:.1f} s: {sizes}, {len(data.texts)} source "
        f"graphs {sources}, inferred {len(data.reasoner.inferred)}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
