"""Ingest documents into a govkg project: each new document goes to data/sources/, its proposed facts to
data/annotations/<id>.tsv as machine rows an editor reviews; the same file twice changes nothing."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph

from govkg import load
from govkg.extract.annotations import CHROME
from govkg.ingest.extractor import TOOL, propose
from govkg.ingest.facts import Fact, Proposal, quote_for, render_rows
from govkg.ingest.gazetteer import Gazetteer
from govkg.ingest.pipeline import load_pipeline, model_version
from govkg.ingest.read import Incoming, read_document

__all__ = ["Ingested", "detect_language", "ingest", "new_entities", "project_gazetteer"]

_STOPWORDS = {
    "fr": {"le", "la", "les", "des", "du", "et", "est", "une", "dans", "pour", "qui", "que", "sur", "au", "par"},
    "en": {"the", "and", "of", "to", "is", "in", "for", "that", "on", "by", "with", "was", "are", "at", "as"},
}


@dataclass
class Ingested:
    """What ingesting one file did."""

    path: Path
    stem: str | None = None
    lang: str = ""
    proposal: Proposal = field(default_factory=Proposal)
    text: str = ""
    skipped: str | None = None
    seconds: float = 0.0
    chrome: tuple[str, ...] = ()


def project_gazetteer(root: Path) -> Gazetteer:
    """The gazetteer of a project: its entities, the acts its accounts tell, and every ISO 3166 state."""
    graph = Graph()
    for name in ("entities.ttl", "asserted.ttl"):
        if (root / "data" / name).is_file():
            graph.parse(root / "data" / name)
    return Gazetteer.build(graph, load.parse_files((root / "ontology").glob("*.ttl")))


def detect_language(text: str) -> str:
    """'fr' or 'en', whichever language's commonest words the text uses more."""
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    return max(_STOPWORDS, key=lambda lang: sum(w in _STOPWORDS[lang] for w in words))


def ingest(
    paths: Iterable[Path], root: Path, lang: str | None = None, dry_run: bool = False,
    progress: Callable[[Iterable[Path]], Iterable[Path]] = iter,
) -> list[Ingested]:  # fmt: skip
    """Ingest each file into the project at `root` (nothing written with `dry_run`)."""
    gazetteer, done = project_gazetteer(root), list[Ingested]()
    sources, annotations = root / "data" / "sources", root / "data" / "annotations"
    for path in progress(list(paths)):
        started = time.perf_counter()
        result = _one(path, sources, gazetteer, lang, _next_number(sources, done))
        if result.skipped is None and not dry_run:
            _write(result, sources, annotations)
        result.seconds = time.perf_counter() - started
        done.append(result)
    return done


def _one(path: Path, sources: Path, gazetteer: Gazetteer, lang: str | None, number: str) -> Ingested:
    incoming = read_document(path)
    digest = hashlib.sha256(incoming.text.encode("utf-8")).hexdigest()[:16]
    if existing := sorted(sources.glob(f"*_{digest}.txt")):
        return Ingested(path, existing[0].stem, skipped=f"already ingested as {existing[0].stem}")
    language = lang or detect_language(incoming.text)
    year = int(incoming.date[:4]) if incoming.date else None
    nlp = load_pipeline(language, gazetteer)
    proposal = propose(incoming.text, language, number, gazetteer, nlp, year, incoming.chrome)
    result = Ingested(path, f"{number}_{digest}", language, proposal, incoming.text, chrome=incoming.chrome)
    result.proposal.facts[:0] = _document_facts(incoming, language)
    return result


def _document_facts(incoming: Incoming, lang: str) -> list[Fact]:
    """The document's own title, when its text shows it."""
    if not incoming.title or (start := incoming.text.find(incoming.title)) < 0:
        return []
    end = start + len(incoming.title)
    title = incoming.title.replace('"', '\\"')
    return [Fact("@doc", "dct:title", f'"{title}"@{lang}', start, end, 0.9, "document title")]


def _next_number(sources: Path, done: list[Ingested]) -> str:
    """The next free three-digit document number."""
    numbers = [int(p.name[:3]) for p in sources.glob("[0-9][0-9][0-9]_*.txt")]
    numbers += [int(d.stem[:3]) for d in done if d.stem and d.skipped is None]
    return f"{max(numbers, default=-1) + 1:03d}"


def _write(result: Ingested, sources: Path, annotations: Path) -> None:
    """The document's text and its proposed rows, with `#@` lines describing the ingestion."""
    assert result.stem is not None
    sources.mkdir(parents=True, exist_ok=True)
    annotations.mkdir(parents=True, exist_ok=True)
    (sources / f"{result.stem}.txt").write_text(result.text, encoding="utf-8")
    model = model_version(result.lang)
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    review = f"machine {TOOL} {model}"
    body = render_rows(result.text, result.proposal.facts, review, f"Ingested from {result.path.name}")
    meta = [f"#@ language: {result.lang}", f"#@ source: {result.path.name}", f"#@ ingested: {TOOL}; {model}; {when}"]
    title = next((f.obj for f in result.proposal.facts if f.subject == "@doc" and f.predicate == "dct:title"), None)
    if title:
        meta.append(f"#@ title: {title.rsplit('@', 1)[0].strip(chr(34))}")
    chrome = [
        f"{CHROME}\t-\t-\t{quote_for(result.text, s, s + len(p))}"
        for p in result.chrome
        if (s := result.text.find(p)) >= 0
    ]
    head, rest = body.split("\n", 1)
    text = "\n".join([head, *meta, rest.split("\n", 1)[0], *chrome, rest.split("\n", 1)[1]])
    (annotations / f"{result.stem}.tsv").write_text(text, encoding="utf-8")


def new_entities(result: Ingested) -> list[tuple[str, str, str]]:
    """(slug, class, name as written) of each entity the document made the extractor mint."""
    return sorted((slug, kind, name) for slug, (kind, name) in result.proposal.minted.items())
