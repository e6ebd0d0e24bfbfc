"""Ingest documents into a govkg project: each new document goes to data/sources/, its proposed facts to
data/annotations/<id>.tsv as machine rows an editor reviews; the same file twice changes nothing."""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, URIRef

from govkg import load
from govkg.errors import GovkgError, one_line
from govkg.extract.annotations import CHROME, DOC, QUOTE, parse_term, read_rows
from govkg.ingest.context import literal
from govkg.ingest.extractor import TOOL, propose
from govkg.ingest.facts import Fact, Proposal, quote_for, render_rows
from govkg.ingest.gazetteer import Entity, Gazetteer
from govkg.ingest.pipeline import load_pipeline, model_version
from govkg.ingest.read import Incoming, read_document
from govkg.namespaces import GK, SCHEMA

__all__ = ["MAX_CHARACTERS", "IngestError", "Ingested", "detect_language", "ingest", "learn", "new_entities",
           "project_gazetteer"]  # fmt: skip

MAX_CHARACTERS = 200_000  # a declaration or an article is a few thousand; longer texts are books to split
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
    error: str | None = None  # why this file could not be ingested (the others still are)


class IngestError(GovkgError):
    """A document that cannot be ingested (one line naming the file)."""


def project_gazetteer(root: Path) -> Gazetteer:
    """The gazetteer of a project: its entities, the acts its accounts tell, and every ISO 3166 state. Rows not yet
    extracted count too, so a document ingested since the last `govkg extract` is known."""
    graph = Graph()
    for name in ("entities.ttl", "asserted.ttl"):
        if (root / "data" / name).is_file():
            graph.parse(root / "data" / name)
    for path in sorted((root / "data" / "annotations").glob("*.tsv")):
        graph += _row_triples(path)
    return Gazetteer.build(graph, load.parse_files((root / "ontology").glob("*.ttl")))


def _row_triples(path: Path) -> Graph:
    """The triples an annotation file's rows state (rows that do not read are skipped: extract reports them)."""
    graph, doc = Graph(), URIRef(f"urn:govkg:document:{path.stem}")
    try:
        rows = read_rows(path)
    except GovkgError:
        return graph
    for row in rows:
        try:
            s, p, o = (parse_term(t, doc, row.where()) for t in (row.subject, row.predicate, row.obj))
        except GovkgError:
            continue
        if row.subject not in (CHROME, DOC) and isinstance(p, URIRef) and row.obj != QUOTE:
            graph.add((s, p, o))
    return graph


def detect_language(text: str) -> str:
    """'fr' or 'en', whichever language's commonest words the text uses more."""
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    return max(_STOPWORDS, key=lambda lang: sum(w in _STOPWORDS[lang] for w in words))


def ingest(
    paths: Iterable[Path], root: Path, lang: str | None = None, dry_run: bool = False,
    progress: Callable[[Iterable[Path]], Iterable[Path]] = iter,
) -> Iterator[Ingested]:  # fmt: skip
    """Ingest each file into the project at `root`, yielding each result as soon as it is written (nothing is
    written with `dry_run`); a file that fails is reported in its result and the others go on."""
    gazetteer, done = project_gazetteer(root), list[Ingested]()
    sources, annotations = root / "data" / "sources", root / "data" / "annotations"
    for path in progress(list(paths)):
        started = time.perf_counter()
        try:
            result = _one(path, sources, gazetteer, lang, _next_number(sources, done))
            if result.skipped is None and not dry_run:
                _write(result, sources, annotations)
            learn(gazetteer, result.proposal)
        except GovkgError as error:
            result = Ingested(path, error=one_line(error, 500))
        result.seconds = time.perf_counter() - started
        done.append(result)
        yield result


def learn(gazetteer: Gazetteer, proposal: Proposal) -> None:
    """Let the next documents of the run link to what this one minted (one entity, one name)."""
    families = {"gk:Instrument": "instrument", "gk:Event": "event", "schema:City": "place", "schema:Place": "place"}
    for slug, (kind, name) in proposal.minted.items():
        iri = (SCHEMA if kind.startswith("schema:") else GK)[kind.split(":", 1)[1]]
        gazetteer.add(Entity(slug, iri, families.get(kind, "actor"), {}, True), [name])
    gazetteer.described |= {f.subject for f in proposal.facts if f.predicate == "a"}
    told = {f.subject: f.obj for f in proposal.facts if f.predicate == "gk:endorsedInstrument"}
    for f in proposal.facts:
        if f.predicate == "gk:accountOf" and f.subject in told:
            gazetteer.acts.setdefault(told[f.subject], f.obj)


def _one(path: Path, sources: Path, gazetteer: Gazetteer, lang: str | None, number: str) -> Ingested:
    incoming = read_document(path)
    if len(incoming.text) > MAX_CHARACTERS:
        raise IngestError(
            f"{path}: {len(incoming.text):,} characters, over the {MAX_CHARACTERS:,} one document may have; split it"
        )
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
    return [Fact("@doc", "dct:title", literal(incoming.title, lang), start, end, 0.9, "document title")]


def _next_number(sources: Path, done: list[Ingested]) -> str:
    """The next free document number (three digits at least)."""
    numbers = [int(m[1]) for p in sources.glob("*_*.txt") if (m := re.match(r"(\d+)_", p.name))]
    numbers += [int(d.stem.split("_", 1)[0]) for d in done if d.stem and d.skipped is None]
    return f"{max(numbers, default=-1) + 1:03d}"


def _write(result: Ingested, sources: Path, annotations: Path) -> None:
    """The document's rows, then its text (the text marks the document ingested), each written whole or not at all."""
    assert result.stem is not None
    rows = _rows(result)
    sources.mkdir(parents=True, exist_ok=True)
    annotations.mkdir(parents=True, exist_ok=True)
    _atomic(annotations / f"{result.stem}.tsv", rows)
    _atomic(sources / f"{result.stem}.txt", result.text)


def _rows(result: Ingested) -> str:
    """The annotation file: `#@` lines describing the ingestion, chrome rows, then the proposed facts."""
    model = model_version(result.lang)
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = render_rows(
        result.text, result.proposal.facts, f"machine {TOOL} {model}", f"Ingested from {result.path.name}"
    )
    meta = [f"#@ language: {result.lang}", f"#@ source: {result.path.name}", f"#@ ingested: {TOOL}; {model}; {when}"]
    title = next((f.obj for f in result.proposal.facts if f.subject == DOC and f.predicate == "dct:title"), None)
    if title:
        meta.append(f"#@ title: {title.rsplit('@', 1)[0][1:-1]}")
    chrome = [
        f"{CHROME}\t-\t-\t{quote_for(result.text, s, s + len(p))}"
        for p in result.chrome
        if (s := result.text.find(p)) >= 0
    ]
    head, columns, rest = body.split("\n", 2)
    return "\n".join([head, *meta, columns, *chrome, rest])


def _atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file renamed into place."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def new_entities(result: Ingested) -> list[tuple[str, str, str]]:
    """(slug, class, name as written) of each entity the document made the extractor mint."""
    return sorted((slug, kind, name) for slug, (kind, name) in result.proposal.minted.items())
