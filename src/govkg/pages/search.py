"""Search over the entities' labels and aliases, French and English, accent- and case-insensitive, ranked.

Built from the reconciliation index (`govkg.reconcile.index`: rdfs:label, skos:prefLabel and skos:altLabel of every
entity, with its most specific types), once per data generation; matching folds text as the reconciliation
service does (`reconcile.match.normalise`: accents dropped, casefolded, punctuation as spaces) and reads the
index's label index (`govkg.reconcile.labels`), so a search never looks at every name.
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from govkg.reconcile import labels as label_index
from govkg.reconcile.index import LANGS, Index
from govkg.reconcile.labels import Labels
from govkg.reconcile.match import normalise

__all__ = ["MAX_QUERY", "MAX_TOTAL", "RANKS", "STOPWORDS", "Catalog", "Entry", "Found", "Hit", "build", "search", "top"]

MAX_QUERY = 200  # characters of a search text (a longer one is refused: no name is that long)
MAX_TOTAL = 1000  # entities counted, once the hits a page lists are found: beyond, the total reads "1000+"
# How a name matches, best first: the whole name, its start, the start of one of its words, anywhere in it,
# or every word of the query (but function words) starts a word of the name, in any order; last, when nothing
# matches as typed, every such word starts a word of the name or is one of its words but for a typo or two.
RANKS = ("exact", "prefix", "word", "substring", "words", "fuzzy")
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

    entries: tuple[Entry, ...]  # in the reconciliation index's order: entry n owns the names of owner n
    type_names: dict[str, dict[str, str]]
    labels: Labels
    # language -> the slots in the order hits are listed (names in the language first, shorter, alphabetical), and
    # each slot's position in it: a rank's first hits are its slots' smallest positions.
    orders: dict[str, tuple[array, array]] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    """An entity found: how its best name matched (an index into RANKS), and that name with its language."""

    entry: Entry
    rank: int
    name: str
    lang: str

    @property
    def kind(self) -> str:
        """The kind of match: exact, prefix, word, substring, words or fuzzy."""
        return RANKS[self.rank]


class Found(NamedTuple):
    """What a search finds: how many entities (at least that many when `more`: counting stopped, there may be
    more), and the first hits."""

    total: int
    hits: list[Hit]
    more: bool = False  # counting stopped at MAX_TOTAL entities


def build(index: Index) -> Catalog:
    """The search catalogue of the reconciliation index's entities (sharing its label index)."""
    labels, entries, first = index.labels, [], 0
    for e in index.entities.values():
        folded = labels.folded[first : first + len(e.names)]
        first += len(e.names)
        names = tuple((text, lang, f) for (text, lang), f in zip(e.names, folded, strict=True))
        entries.append(Entry(e.id, e.iri, dict(e.labels), names, e.direct))
    catalog = Catalog(tuple(entries), {tid: dict(term.names) for tid, term in index.types.items()}, labels)
    for lang in LANGS:
        _ordering(catalog, lang)
    return catalog


def search(catalog: Catalog, text: str, lang: str) -> list[Hit]:
    """Entities with a name matching `text`, best first: by rank, then names in `lang`, shorter, alphabetical."""
    return top(catalog, text, lang, None)[1]


def top(catalog: Catalog, text: str, lang: str, limit: int | None, most: int = MAX_TOTAL) -> Found:
    """How many entities `search` finds, and its first `limit` hits (all for None), working out the order of only
    as many ranks as those take; with a limit, counting stops at `most` entities once the hits are listed."""
    wanted = normalise(text)
    if not wanted:
        return Found(0, [])
    hits: list[Hit] = []
    total = 0
    for rank, (slots, owners) in enumerate(_levels(catalog.labels, wanted, _content(wanted))):
        if limit is None or len(hits) < limit:
            hits.extend(_first(catalog, (slots, owners), rank, lang, None if limit is None else limit - len(hits)))
        total += len(owners)
        if limit is not None and len(hits) >= limit and total >= most:  # the next ranks are left uncounted
            return Found(total, hits, more=True)
    return Found(total, hits)


def _levels(labels: Labels, wanted: str, words: tuple[str, ...]) -> Iterator[tuple[set[int], set[int]]]:
    """For each rank in turn, the slots of the names that match at that rank and no better, and the entities whose
    best match it is; typos only when no name matches as typed."""
    seen_slots: set[int] = set()
    seen_owners: set[int] = set()
    for rule in RULES:
        slots = rule(labels, wanted, words, seen_slots) - seen_slots
        owners = set(map(labels.owners.__getitem__, slots)) - seen_owners
        yield slots, owners
        seen_slots |= slots
        seen_owners |= owners
    if not seen_owners:
        slots = label_index.fuzzy(labels, words)
        yield slots, set(map(labels.owners.__getitem__, slots))


def _first(catalog: Catalog, level: tuple[set[int], set[int]], rank: int, lang: str, count: int | None) -> list[Hit]:
    """The first `count` hits (all for None) of the entities whose best match is at `rank`, each by its best name
    of that rank: in `lang`, shorter, alphabetical."""
    (slots, owners), (order, position) = level, _ordering(catalog, lang)
    hits: list[Hit] = []
    taken: set[int] = set()
    for slot in _in_order(slots, order, position, count):
        owner = catalog.labels.owners[slot]
        if owner in owners and owner not in taken:
            taken.add(owner)
            entry = catalog.entries[owner]
            name, name_lang, _ = entry.names[slot - catalog.labels.firsts[owner]]
            hits.append(Hit(entry, rank, name, name_lang))
            if len(hits) == count:
                break
    return hits


def _in_order(slots: set[int], order: array, position: array, count: int | None) -> Iterable[int]:
    """`slots` in `order`: all sorted for no `count`, else a heap of their positions popped as the caller reads
    (it stops after `count` hits), so only what is read is ordered. (Reading the order until `count` of them turn
    up reads most of it when they sort late, as the long names a common word matches do.)"""
    places = list(map(position.__getitem__, slots))
    if count is None:
        return map(order.__getitem__, sorted(places))
    heapq.heapify(places)
    return (order[heapq.heappop(places)] for _ in range(len(places)))


def _ordering(catalog: Catalog, lang: str) -> tuple[array, array]:
    """The order of the slots for hits in `lang`, and each slot's position in it (made once per language)."""
    found = catalog.orders.get(lang)
    if found is None:
        keys = [(n[1] != lang, len(n[0]), n[0].casefold(), e.id, n[0], n[1]) for e in catalog.entries for n in e.names]
        order = array("I", sorted(range(len(keys)), key=keys.__getitem__))
        position = array("I", bytes(4 * len(order)))
        for at, slot in enumerate(order):
            position[slot] = at
        found = catalog.orders.setdefault(lang, (order, position))
    return found


def _content(wanted: str) -> tuple[str, ...]:
    """The words of a folded query the every-word rule requires: its content words, or all when it has none."""
    words = wanted.split()
    return tuple(word for word in words if word not in STOPWORDS) or tuple(words)


def _every_word(labels: Labels, wanted: str, words: tuple[str, ...], seen: set[int]) -> set[int]:
    """The every-word rule (nothing new for a one-word query: the word rule found those)."""
    return set() if words == (wanted,) else label_index.words(labels, words, seen)


# The rules in RANKS' order: (labels, folded query, its required words, the slots an earlier rule found) -> the
# slots of the names that match (those found already may be left out: the costly rules skip them).
RULES: tuple[Callable[[Labels, str, tuple[str, ...], set[int]], set[int]], ...] = (
    lambda labels, wanted, _, __: label_index.exact(labels, wanted),
    lambda labels, wanted, _, __: label_index.prefix(labels, wanted),
    lambda labels, wanted, _, seen: label_index.word(labels, wanted, seen),
    lambda labels, wanted, _, seen: label_index.substring(labels, wanted, seen),
    _every_word,
)
