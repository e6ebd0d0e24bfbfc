"""The entities worth scoring against a reconciliation query's text, found through the label index rather than by
comparing every entity with it.

A candidate has a name that is the query, starts with it, or holds one of its words, a word starting with one
(three letters or more), a word one starts with, or a word within a typo or two of one; the rarest words are read
first, and at most BUDGET names in all (a word held by thousands of names, "commitment", adds the first names that
hold it, in id order: the order ties are broken in). Left out: names related to the query by letter pairs only,
whose word score is nought, and the names past the budget of the commonest words; a query with property values is
compared with every entity (a property alone can make a candidate).
"""

from __future__ import annotations

from array import array

from govkg.reconcile import labels as label_index
from govkg.reconcile.index import Entity, Index
from govkg.reconcile.match import normalise

__all__ = ["BUDGET", "SHORTEST", "candidates"]

BUDGET = 500  # names read at most (each scored at a few microseconds)
SHORTEST = 3  # letters of a word before the words it starts, or that start it, are candidates


def candidates(index: Index, text: str, budget: int = BUDGET) -> list[Entity]:
    """The entities with a name related to `text` (the one it is the id or IRI of included), in index order."""
    labels, wanted = index.labels, normalise(text)
    low, high = label_index.span(labels.keys, wanted) if wanted else (0, 0)
    slots = set(labels.key_slots[low : min(high, low + budget)])  # the names that are the query or start with it
    for postings in sorted(_related(labels, wanted.split()), key=len):
        if len(slots) >= budget:
            break
        slots.update(postings[: budget - len(slots)])
    found = [index.entities[index.ids[owner]] for owner in sorted(set(map(labels.owners.__getitem__, slots)))]
    named = index.entity(text)
    return found if named is None or named in found else [*found, named]


def _related(labels: label_index.Labels, tokens: list[str]) -> list[array]:
    """The postings of the words related to each of `tokens`."""
    found: list[array] = []
    for token in dict.fromkeys(tokens):
        related = [token, *label_index.typos(labels, token)]
        related += [token[:n] for n in range(SHORTEST, len(token))]  # "south" for "southkorea"
        found += [labels.postings[t] for t in dict.fromkeys(related) if t in labels.postings]
        if len(token) >= SHORTEST:  # "southkorea" for "south"
            start, end = label_index.span(labels.vocab, token)
            found += labels.lists[start:end]
    return found
