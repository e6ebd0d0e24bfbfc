"""Search over the entities' labels and aliases, French and English, accent- and case-insensitive, ranked.

Built from the reconciliation index (`govkg.reconcile.index`: rdfs:label, skos:prefLabel and skos:altLabel of every
entity, with its most specific types), once per data generation; matching folds text as the reconciliation
service does (`reconcile.match.normalise`: accents dropped, casefolded, punctuation as spaces).
"""

from __future__ import annotations

from dataclasses import dataclass

from govkg.reconcile.index import Index
from govkg.reconcile.match import normalise

__all__ = ["MAX_QUERY", "RANKS", "STOPWORDS", "Catalog", "Entry", "Hit", "build", "search"]

MAX_QUERY = 200  # characters of a search text (a longer one is refused: no name is that long)
# How a name matches, best first: the whole name, its start, the start of one of its words, anywhere in it,
# or every word of the query (but function words) starts a word of the name, in any order.
RANKS = ("exact", "prefix", "word", "substring", "words")
# French and English function words (folded; "l'" and "d'" fold to "l" and "d"): the every-word rule leaves them out
# while a content word remains, so that "sommet de paris" finds a "Paris summit".
STOPWORDS = frozenset(
    {
        *("a", "au", "aux", "avec", "d", "dans", "de", "des", "du", "en", "et", "l", "la", "le", "les", "par", "pour"),
        *("sur", "un", "une"),  # French ("à" folds to "a")
        *("a", "an", "and", "at", "by", "for", "in", "of", "on", "the", "to", "with"),  # English
    }
)


@dataclass(frozen=True)
class Entry:
    """One searchable entity: its id and IRI, preferred labels by language, every name (text, language, folded
    form) and its most specific types (type ids)."""

    id: str
    iri: str
    labels: dict[str, str]
    names: tuple[tuple[str, str, str], ...]
    types: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    """Every searchable entity, and the names of the types (type id → language → name)."""

    entries: tuple[Entry, ...]
    type_names: dict[str, dict[str, str]]


@dataclass(frozen=True)
class Hit:
    """An entity found: how its best name matched (an index into RANKS), and that name with its language."""

    entry: Entry
    rank: int
    name: str
    lang: str

    @property
    def kind(self) -> str:
        """The kind of match: exact, prefix, word, substring or words."""
        return RANKS[self.rank]


def build(index: Index) -> Catalog:
    """The search catalogue of the reconciliation index's entities."""
    entries = tuple(
        Entry(e.id, e.iri, dict(e.labels), tuple((t, lang, normalise(t)) for t, lang in e.names), e.direct)
        for e in sorted(index.entities.values(), key=lambda e: e.id)
    )
    return Catalog(entries, {tid: dict(term.names) for tid, term in index.types.items()})


def search(catalog: Catalog, text: str, lang: str) -> list[Hit]:
    """Entities with a name matching `text`, best first: by rank, then names in `lang`, shorter, alphabetical."""
    wanted = normalise(text)
    if not wanted:
        return []
    words = _content(wanted)
    hits = [hit for entry in catalog.entries if (hit := _best(entry, wanted, words, lang)) is not None]
    return sorted(hits, key=lambda h: (h.rank, h.lang != lang, len(h.name), h.name.casefold(), h.entry.id))


def _content(wanted: str) -> tuple[str, ...]:
    """The words of a folded query the every-word rule requires: its content words, or all when it has none."""
    words = wanted.split()
    return tuple(word for word in words if word not in STOPWORDS) or tuple(words)


def _best(entry: Entry, wanted: str, words: tuple[str, ...], lang: str) -> Hit | None:
    """The entity's best matching name (None when none matches)."""
    found = []
    for text, name_lang, folded in entry.names:
        rank = _rank(wanted, words, folded)
        if rank is not None:
            found.append((rank, name_lang != lang, len(text), text, name_lang))
    if not found:
        return None
    rank, _, _, text, name_lang = min(found)
    return Hit(entry, rank, text, name_lang)


def _rank(wanted: str, required: tuple[str, ...], folded: str) -> int | None:
    """How the folded query matches a folded name (an index into RANKS), None when it does not; `required` are the
    query's words every one of which must start a word of the name for the last rank."""
    words = folded.split()
    tests = (
        folded == wanted,
        folded.startswith(wanted),
        f" {folded}".find(f" {wanted}") >= 0,
        wanted in folded,
        all(any(word.startswith(part) for word in words) for part in required),
    )
    return next((rank for rank, hit in enumerate(tests) if hit), None)
