"""Label matching shared by the reconciliation service and `govkg link`: normalise, compare, pick the best."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["best", "normalise", "similarity"]

# Leading articles and elided articles, French and English ("l'" and "d'" become the tokens "l" and "d").
ARTICLES = frozenset({"le", "la", "les", "l", "un", "une", "des", "du", "d", "the", "a", "an"})
# Below 1.0: only labels whose normalised forms are equal score 1.0.
NEAR = 0.99
_PUNCTUATION = re.compile(r"[\W_]+")


@lru_cache(maxsize=65536)
def normalise(label: str) -> str:
    """Accents dropped (NFKD), casefolded, punctuation as spaces, whitespace collapsed, leading articles off."""
    decomposed = unicodedata.normalize("NFKD", label)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    tokens = _PUNCTUATION.sub(" ", bare).split()
    while len(tokens) > 1 and tokens[0] in ARTICLES:
        tokens.pop(0)
    return " ".join(tokens)


def similarity(a: str, b: str) -> float:
    """How alike two labels are, in [0, 1] (symmetric): 1.0 when their normalised forms are equal."""
    return _symmetric(normalise(a), normalise(b))


def best(query: str, labels: Iterable[str]) -> float:
    """The similarity of `query` to the closest of `labels` (0.0 when there are none)."""
    wanted = normalise(query)
    return max((_symmetric(wanted, normalise(label)) for label in labels), default=0.0)


def _symmetric(a: str, b: str) -> float:
    """Compare in a fixed order: difflib's ratios can depend on which string comes first."""
    return _compare(a, b) if a <= b else _compare(b, a)


@lru_cache(maxsize=262144)
def _compare(a: str, b: str) -> float:
    """Similarity of two normalised labels: the better of a word overlap and a character-bigram overlap."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ta, tb = set(a.split()), set(b.split())
    common = len(ta & tb)
    # Containment rewards a label that holds every word of the other ("Korea" / "South Korea"); Dice pulls it
    # down by the words left over, so the shorter the remainder, the closer the labels.
    words = (common / min(len(ta), len(tb)) + 2 * common / (len(ta) + len(tb))) / 2
    ga, gb = _bigrams(a.replace(" ", "")), _bigrams(b.replace(" ", ""))
    characters = 2 * len(ga & gb) / (len(ga) + len(gb))  # Dice on character bigrams: spelling, spacing, word order
    return min(NEAR, max(words, characters))


@lru_cache(maxsize=65536)
def _bigrams(text: str) -> frozenset[str]:
    """The pairs of adjacent characters of `text` (the text itself when it is one character long)."""
    return frozenset(text[i : i + 2] for i in range(max(1, len(text) - 1)))
