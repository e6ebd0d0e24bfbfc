"""Score the extractor against hand-written facts: precision, recall and F1 for entities, endorsement and
membership relations, negations, roles and dates. On the curated corpus each document is scored
leave-one-out: its gazetteer is built without the entities only that document's curated rows name."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF

from govkg import load
from govkg.extract.annotations import CHROME, DOC, read_meta, read_rows
from govkg.extract.text import _unmark
from govkg.ingest.extractor import propose
from govkg.ingest.gazetteer import FAMILIES, Gazetteer
from govkg.ingest.pipeline import load_pipeline
from govkg.ingest.read import find_chrome, read_document
from govkg.ingest.run import detect_language
from govkg.namespaces import GK, GKD

__all__ = ["CATEGORIES", "Case", "compare", "corpus_cases", "folder_cases", "score", "table"]

Triple = tuple[str, str, str]
CATEGORIES = ("entities", "endorsement/membership", "negations", "roles", "dates")
PARTIES = {"gk:signatory", "gk:adopter", "gk:endorser"}
DATES = {"dct:date", "schema:startDate", "schema:endDate", "dct:issued"}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class Case:
    """One document to score: its text, language, the facts it states, and what its gazetteer must leave out."""

    name: str
    text: str
    lang: str
    gold: list[tuple[str, str, str, str]]  # subject, predicate, object, quote
    exclude: set[str] = field(default_factory=set)
    chrome: tuple[str, ...] = ()
    known: Graph | None = None  # what the gazetteer may know (None: the whole project)


def corpus_cases(root: Path) -> list[Case]:
    """The curated corpus, each document with the slugs only its own rows name (left out of its gazetteer)."""
    rows = {p.stem: _rows(p) for p in sorted((root / "data" / "annotations").glob("*.tsv"))}
    cases = []
    for stem, gold in rows.items():
        others = {t for s, g in rows.items() if s != stem for r in g for t in r[:3]}
        own = {t for r in gold for t in r[:3] if _SLUG.match(t)} - others
        text = (root / "data" / "sources" / f"{stem}.txt").read_text(encoding="utf-8")
        meta = read_meta(root / "data" / "annotations" / f"{stem}.tsv")
        known = _others(root, stem)
        cases.append(Case(stem, text, meta.get("language", "fr"), gold, own, find_chrome(text), known))
    return cases


def folder_cases(folder: Path) -> list[Case]:
    """Documents in `folder`/documents with their expected rows in `folder`/expected/<stem>.tsv."""
    cases = []
    for path in sorted((folder / "expected").glob("*.tsv")):
        document = next((folder / "documents").glob(f"{path.stem}.*"))
        incoming = read_document(document)
        lang = next((code for code in ("fr", "en") if f".{code}." in document.name), detect_language(incoming.text))
        cases.append(Case(path.stem, incoming.text, lang, _rows(path), set(), incoming.chrome))
    return cases


def _rows(path: Path) -> list[tuple[str, str, str, str]]:
    return [(r.subject, r.predicate, r.obj, r.quote) for r in read_rows(path) if r.subject != CHROME]


def score(cases: Iterable[Case], root: Path) -> dict[str, dict[str, float]]:
    """Micro-averaged precision, recall, F1 (and counts) per category over the cases."""
    graph, ontology = _project_graph(root), load.parse_files((root / "ontology").glob("*.ttl"))
    full = Gazetteer.build(graph, ontology)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for case in cases:
        predicted, gold = compare(case, graph, ontology, full)
        for category in CATEGORIES:
            p, g = predicted[category], gold[category]
            counts[category][0] += len(p & g)
            counts[category][1] += len(p - g)
            counts[category][2] += len(g - p)
    return {c: _prf(*counts[c]) for c in CATEGORIES}


def compare(case: Case, graph: Graph, ontology: Graph, full: Gazetteer) -> tuple[dict[str, set], dict[str, set]]:
    """(predicted, gold) facts of one case, per category, entities under their canonical names."""
    gazetteer = Gazetteer.build(_without(graph if case.known is None else case.known, case), ontology, case.exclude)
    nlp = load_pipeline(case.lang, gazetteer)
    proposal = propose(case.text, case.lang, "999", gazetteer, nlp, chrome=case.chrome)
    names = {**proposal.mentioned, **{slug: name for slug, (_, name) in proposal.minted.items()}}
    predicted = _normalise([f.triple for f in proposal.facts], full, names)
    predicted["entities"] = {(c,) for s in proposal.mentioned if _is_entity(c := _canon(full, names)(s), full)}
    return predicted, _normalise([r[:3] for r in case.gold], full, _gold_names(case))


def _project_graph(root: Path) -> Graph:
    graph = Graph()
    for name in ("entities.ttl", "asserted.ttl"):
        if (root / "data" / name).is_file():
            graph.parse(root / "data" / name)
    return graph


def _others(root: Path, stem: str) -> Graph:
    """The curated entities and the facts every other document states (none of this document's own facts)."""
    graph = Graph().parse(root / "data" / "entities.ttl")
    for path in sorted((root / "data" / "claims").glob("*.ttl")):
        if path.stem != stem:
            claims = Graph().parse(path)
            for claim in claims.subjects(RDF.type, GK.Claim):
                s, p, o = (claims.value(claim, term) for term in (RDF.subject, RDF.predicate, RDF.object))
                if s is not None and p is not None and o is not None:
                    graph.add((s, p, o))
    return graph


def _without(graph: Graph, case: Case) -> Graph:
    """The project graph minus what only this document's rows state (its own entities and facts)."""
    own = {GKD[s] for s in case.exclude}
    kept = Graph()
    for s, p, o in graph:
        if s not in own and o not in own:
            kept.add((s, p, o))
    return kept


def _gold_names(case: Case) -> dict[str, str]:
    """Slug → the name its typing row quotes, so a gold slug and a minted one for the same name meet."""
    names = {}
    for subject, predicate, _, quote in case.gold:
        if predicate == "a" and _SLUG.match(subject):
            context, offset, length = _unmark(quote.replace("\\n", "\n"))
            names[subject] = context[offset : offset + length]
    return names


def _normalise(triples: list[Triple], full: Gazetteer, names: dict[str, str]) -> dict[str, set[tuple]]:
    """The facts of one document, per category, with entities under one name."""
    canon = _canon(full, names)
    kinds = {s: o for s, p, o in triples if p == "a"}
    instrument = {s: canon(o) for s, p, o in triples if p == "gk:endorsedInstrument"}
    members: dict[str, dict[str, str]] = defaultdict(dict)
    out: dict[str, set[tuple]] = {c: set() for c in CATEGORIES}
    for s, p, o in triples:
        if p in PARTIES and s in instrument:
            out["endorsement/membership"].add(("endorses", canon(o), instrument[s]))
        elif p == "org:memberOf":
            out["endorsement/membership"].add(("member", canon(s), canon(o)))
        elif p == "gk:nonEndorser" and s in instrument:
            out["negations"].add(("not", canon(o), instrument[s]))
        elif p == "gk:withdrawsFrom":
            out["negations"].add(("withdraws", canon(s), canon(o)))
        elif p in ("org:member", "org:organization"):
            members[s][p] = canon(o)
        elif p in DATES:
            out["dates"].add((instrument.get(s, canon(s)) if s != DOC else DOC, _lexical(o)))
    out["roles"] = {(m["org:member"], m["org:organization"]) for m in members.values() if len(m) == 2}
    out["entities"] = _entities(triples, kinds, full, canon)
    return out


def _entities(triples: list[Triple], kinds: dict[str, str], full: Gazetteer, canon: Callable[[str], str]) -> set[tuple]:
    """The actors, events, instruments and places the document's relations are about."""
    families = {f"gk:{str(k).rsplit('#', 1)[-1]}" for k in FAMILIES} | {"schema:City", "schema:Place"}
    found = set()
    for s, p, o in triples:
        if p in ("a", "rdfs:label") or p.startswith("gk:iso3166"):
            continue
        for term in (s, o):
            known = full.entities.get(canon(term))
            entity = _is_entity(canon(term), full) if known is not None else _family_of(kinds.get(term), families)
            if _SLUG.match(term) and entity:
                found.add((canon(term),))
    return found


def _is_entity(slug: str, full: Gazetteer) -> bool:
    """A name the text mentions that is an actor, event, instrument or place (not a role)."""
    entity = full.entities.get(slug)
    return entity is None or entity.family in ("actor", "event", "instrument", "place")


def _family_of(kind: str | None, families: set[str]) -> bool:
    if kind is None:
        return False
    if kind in families:
        return True
    return not kind.startswith(("gk:Signature", "gk:Adoption", "gk:Endorsement", "gk:Commitment", "org:"))


def _canon(full: Gazetteer, names: dict[str, str]) -> Callable[[str], str]:
    """A slug's canonical form: itself if the graph knows it, else the entity its name resolves to."""

    def canon(slug: str) -> str:
        if slug in full.entities or slug not in names:
            return slug
        found = full.lookup(names[slug]) or full.lookup_prefix(names[slug])
        return found[0].slug if found else slug

    return canon


def _lexical(token: str) -> str:
    return token.split("^^", 1)[0].strip('"')


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def table(scores: dict[str, dict[str, float]]) -> str:
    """The scores as a plain-text table."""
    lines = [f"{'category':<24} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for category, s in scores.items():
        lines.append(
            f"{category:<24} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}"
            f" {s['tp']:>5} {s['fp']:>5} {s['fn']:>5}"
        )
    return "\n".join(lines)
