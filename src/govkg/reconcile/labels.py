"""An index of folded names (labels and aliases) for search and suggestions: exact, prefix, word prefix, substring,
every-word and typo-tolerant lookups, without scanning every name.

Names are given already folded (`reconcile.match.normalise`) and numbered in order: a name's number is its slot,
and each slot has an owner (the number of the entity it names). Exact and prefix lookups bisect the sorted names;
word lookups read an inverted index of the names' words (sorted, so a word prefix is a range); substrings are found
by `str.find` in the distinct words joined by newlines (each word of the text lies within a word of the name);
typos are words within a small edit distance (rapidfuzz's optimal string alignment, so a swap of two letters is
one edit) of a word the names hold.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass, field
from functools import partial
from itertools import accumulate
from operator import attrgetter

from rapidfuzz import process
from rapidfuzz.distance import OSA

__all__ = ["Labels", "build", "exact", "fuzzy", "prefix", "span", "substring", "typos", "word", "words"]

# Edits allowed in a word of at least this many characters, longest first: shorter words must be spelt right.
TYPOS = ((8, 2), (4, 1))
_END = "\U0010ffff"  # sorts after every character a folded name holds: the end of a prefix's range
_SEP = "\n"
NONE: frozenset[int] = frozenset()
# Reading a name's words costs about as much as adding this many postings to a set: a need narrows the candidates
# by its postings when it has at most this many per candidate, else by reading the candidates' names.
READ = 16
WITHIN = 3  # letters of a part of a word before the words holding it are looked for
HEAD = 1 + max(edits for _, edits in TYPOS)  # a word's first letters one of a typo's must be among (_typos)
# Words whose typos are kept per index: a reconciliation batch (a column of names) repeats its words ("ltd",
# "declaration"), and finding one word's typos compares it with every word of a similar length (~4 ms at 100k
# names). Least recently found out first.
KEEP_TYPOS = 4096


@dataclass(frozen=True)
class Labels:
    """The folded names, their owners, and the lookups over them."""

    folded: tuple[str, ...]  # slot -> folded name
    owners: array  # slot -> owner number
    keys: list[str]  # the non-empty folded names, sorted
    key_slots: array  # the slot of each key
    vocab: list[str]  # every word of a name, sorted, once
    firsts: array  # owner -> its first slot
    postings: dict[str, array]  # word -> the slots whose name holds it, ascending
    lists: list[array]  # word number (in `vocab`) -> its postings: a word range's postings are a slice
    totals: array  # word number -> how many postings the words before it have (and the sum of all last)
    by_start: dict[tuple[int, str], list[str]]  # (length, a letter among its first HEAD) -> the words (typos)
    text: str  # the words of `vocab`, each followed by a newline
    starts: array  # word number -> its offset in `text` (and the end of text last)
    near: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)  # typos found
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)  # guards `near`


def build(names: Iterable[Sequence[str]]) -> Labels:
    """The index of the folded names of each owner in turn (owner 0's names first)."""
    folded: list[str] = []
    owners, firsts = array("I"), array("I")
    for owner, own in enumerate(names):
        firsts.append(len(folded))
        folded.extend(own)
        owners.extend([owner] * len(own))
    order = sorted((slot for slot, name in enumerate(folded) if name), key=folded.__getitem__)
    postings: dict[str, array] = defaultdict(lambda: array("I"))
    for slot, name in enumerate(folded):
        for token in dict.fromkeys(name.split()):
            postings[token].append(slot)
    by_start: dict[tuple[int, str], list[str]] = defaultdict(list)
    for token in postings:
        for letter in dict.fromkeys(token[:HEAD]):
            by_start[len(token), letter].append(token)
    vocab, starts, offset = sorted(postings), array("I"), 0
    for token in vocab:
        starts.append(offset)
        offset += len(token) + 1
    starts.append(offset)
    keys = [folded[slot] for slot in order]
    text = "".join(token + _SEP for token in vocab)
    lists = [postings[token] for token in vocab]
    totals = array("I", accumulate(map(len, lists), initial=0))
    return Labels(
        tuple(folded),
        owners,
        keys,
        array("I", order),
        vocab,
        firsts,
        dict(postings),
        lists,
        totals,
        dict(by_start),
        text,
        starts,
    )


def span(ordered: Sequence[str], start: str, key: Callable[[str], str] | None = None) -> tuple[int, int]:
    """The positions in a sorted sequence of the strings that start with `start` (once `key` is applied)."""
    return bisect_left(ordered, start, key=key), bisect_right(ordered, start + _END, key=key)


def exact(labels: Labels, wanted: str) -> set[int]:
    """The slots whose name is `wanted`."""
    low, high = bisect_left(labels.keys, wanted), bisect_right(labels.keys, wanted)
    return set(labels.key_slots[low:high])


def prefix(labels: Labels, wanted: str) -> set[int]:
    """The slots whose name starts with `wanted`."""
    low, high = span(labels.keys, wanted)
    return set(labels.key_slots[low:high])


def word(labels: Labels, wanted: str, exclude: Set[int] = NONE) -> set[int]:
    """The slots, but those in `exclude`, with a word starting `wanted` (a text of several words: from a word's
    start on, as a whole)."""
    *whole, last = wanted.split()
    found = _matching(labels, [*(_whole(labels, w) for w in whole), _starts(labels, last)], exclude)
    if not whole:
        return found
    return {slot for slot in found if f" {wanted}" in f" {labels.folded[slot]}"}


def substring(labels: Labels, wanted: str, exclude: Set[int] = NONE) -> set[int]:
    """The slots, but those in `exclude`, whose name holds `wanted` anywhere."""
    first, *rest = wanted.split()
    if not rest:  # a word of the text lies within a word of the name
        return set().union(*map(labels.postings.__getitem__, _containing(labels, first))) - exclude
    # Its middle words are words of the name, its last word starts one and its first lies within one (looked for
    # only when long enough to be rare: a short one is in too many words).
    needs = [*(_whole(labels, w) for w in rest[:-1]), _starts(labels, rest[-1])]
    found = _matching(labels, needs + ([_within(labels, first)] if len(first) >= WITHIN else []), exclude)
    return {slot for slot in found if wanted in labels.folded[slot]}


def words(labels: Labels, parts: Sequence[str], exclude: Set[int] = NONE) -> set[int]:
    """The slots, but those in `exclude`, every one of whose `parts` starts a word of the name, in any order."""
    return _matching(labels, [_starts(labels, part) for part in parts], exclude)


def fuzzy(labels: Labels, parts: Sequence[str]) -> set[int]:
    """The slots every one of whose `parts` starts a word of the name or is one of its words but for a typo or
    two."""
    return _matching(labels, [_near(labels, part) for part in parts], NONE)


def typos(labels: Labels, part: str) -> list[str]:
    """The words of the names within the edits allowed for a word as long as `part` (none for a short one)."""
    with labels.lock:
        found = labels.near.pop(part, None)  # put back below: the most recently used last
    if found is None:
        found = tuple(_typos(labels, part))
    with labels.lock:
        labels.near[part] = found
        while len(labels.near) > KEEP_TYPOS:
            del labels.near[next(iter(labels.near))]
    return list(found)


def _typos(labels: Labels, part: str) -> list[str]:
    """`typos`, found by comparing `part` with the words of a length within the allowed edits that hold one of its
    first letters among their own first letters (a third of them or so).

    Why no word is missed: within k edits, one of the first k + 1 letters of `part` is kept or transposed, not
    deleted or replaced (each of those costs an edit), and the edits before it move it at most to the (k + 1)th
    place of the word."""
    allowed = next((edits for length, edits in TYPOS if len(part) >= length), 0)
    if not allowed:
        return []
    near: dict[str, int] = {}  # a word holding two of the letters is found twice
    for length in range(len(part) - allowed, len(part) + allowed + 1):
        for letter in dict.fromkeys(part[: allowed + 1]):
            words = labels.by_start.get((length, letter), ())
            found = process.extract(part, words, scorer=OSA.distance, score_cutoff=allowed, limit=None)
            near.update((token, edits) for token, edits, _ in found)
    return sorted(near, key=lambda token: (near[token], token))  # the nearest first, then in word order


@dataclass(frozen=True)
class _Need:
    """What a name must hold, one of some words: their postings, how many postings, and the test of a name's
    words."""

    size: int
    lists: Sequence[array]
    test: Callable[[list[str]], bool]


def _whole(labels: Labels, token: str) -> _Need:
    """The word `token` itself."""
    low, high = bisect_left(labels.vocab, token), bisect_right(labels.vocab, token)
    return _Need(labels.totals[high] - labels.totals[low], labels.lists[low:high], lambda tokens: token in tokens)


def _starts(labels: Labels, part: str) -> _Need:
    """A word starting with `part`."""
    low, high = span(labels.vocab, part)
    return _Need(labels.totals[high] - labels.totals[low], labels.lists[low:high], partial(_starts_a_word, part))


def _within(labels: Labels, part: str) -> _Need:
    """A word holding `part`."""
    lists = list(map(labels.postings.__getitem__, _containing(labels, part)))
    return _Need(sum(map(len, lists)), lists, lambda tokens: any(part in token for token in tokens))


def _near(labels: Labels, part: str) -> _Need:
    """A word starting with `part`, or one of its typos."""
    starting, near = _starts(labels, part), typos(labels, part)
    lists = [*starting.lists, *map(labels.postings.__getitem__, near)]
    found = frozenset(near)
    return _Need(sum(map(len, lists)), lists, lambda tokens: starting.test(tokens) or not found.isdisjoint(tokens))


def _matching(labels: Labels, needs: list[_Need], exclude: Set[int]) -> set[int]:
    """The slots, but those in `exclude`, whose names meet every need: the postings of the rarest need, narrowed by
    each other need's postings when they are few enough, else by reading those names' words (bounded work)."""
    first, *rest = sorted(needs, key=attrgetter("size"))
    found = set().union(*first.lists) - exclude
    for need in rest:
        if not found:
            break
        if need.size <= READ * len(found):
            found.intersection_update(set().union(*need.lists))
        else:
            found = {slot for slot in found if need.test(labels.folded[slot].split())}
    return found


def _containing(labels: Labels, part: str) -> list[str]:
    """The words of the names that hold `part`."""
    text, starts, tokens = labels.text, labels.starts, []
    at = text.find(part)
    while at >= 0:
        number = bisect_right(starts, at) - 1
        tokens.append(labels.vocab[number])
        at = text.find(part, starts[number + 1])
    return tokens


def _starts_a_word(part: str, tokens: list[str]) -> bool:
    """Whether one of `tokens` starts with `part`."""
    return any(token.startswith(part) for token in tokens)
