"""The label index (govkg.reconcile.labels): each lookup over a few folded names, slots and owners."""

from __future__ import annotations

import random

import pytest
from rapidfuzz.distance import OSA

from govkg.reconcile import labels
from govkg.reconcile.labels import Labels

NAMES = [
    ["seoul"],  # owner 0: slot 0
    ["seoul declaration for safe ai", "declaration de seoul", "seoul declaration"],  # owner 1: slots 1-3
    ["ai seoul summit", "sommet de seoul sur l ia"],  # owner 2: slots 4-5
    ["kitchenseoulware fair", ""],  # owner 3: slots 6-7 (a name that folds to nothing)
    ["anthropic"],  # owner 4: slot 8
    ["frontier ai safety commitments"],  # owner 5: slot 9
]


@pytest.fixture(scope="module")
def index() -> Labels:
    """The index of the names above."""
    return labels.build(NAMES)


def test_slots_and_owners_follow_the_order_given(index: Labels) -> None:
    assert index.folded[1:4] == tuple(NAMES[1])
    assert list(index.owners) == [0, 1, 1, 1, 2, 2, 3, 3, 4, 5]
    assert list(index.firsts) == [0, 1, 4, 6, 8, 9]


def test_exact_and_prefix(index: Labels) -> None:
    assert labels.exact(index, "seoul") == {0}
    assert labels.exact(index, "seoul declaration") == {3}
    assert labels.exact(index, "seou") == set()
    assert labels.prefix(index, "seoul") == {0, 1, 3}
    assert labels.prefix(index, "seoul d") == {1, 3}
    assert labels.prefix(index, "z") == set()


def test_word_prefix_keeps_the_words_together_and_in_order(index: Labels) -> None:
    assert labels.word(index, "seo") == {0, 1, 2, 3, 4, 5}
    assert labels.word(index, "seoul summ") == {4}
    assert labels.word(index, "summit seoul") == set()
    assert labels.word(index, "declaration seoul") == set()  # both words, but not one after the other
    assert labels.word(index, "de seoul") == {2, 5}


def test_substring_stays_within_one_name(index: Labels) -> None:
    assert labels.substring(index, "seoul") == {0, 1, 2, 3, 4, 5, 6}
    assert labels.substring(index, "oulwa") == {6}
    assert labels.substring(index, "seoul kitchen") == set()  # never across two names
    assert labels.substring(index, "ai seoul") == {4}


def test_every_word_in_any_order(index: Labels) -> None:
    assert labels.words(index, ["declaration", "seoul"]) == {1, 2, 3}
    assert labels.words(index, ["seoul", "seoul"]) == {0, 1, 2, 3, 4, 5}
    assert labels.words(index, ["seoul", "zzz"]) == set()


@pytest.mark.parametrize(
    ("parts", "found"),
    [
        (["anthorpic"], {8}),  # two letters swapped: one edit
        (["antropic"], {8}),  # one left out
        (["seul", "declaration"], {1, 2, 3}),
        (["seul", "declaraton"], {1, 2, 3}),
        (["frontier", "comitments"], {9}),
        (["sul"], set()),  # too short for a typo
        (["anxxxopic"], set()),  # too far
        (["seul", "zzzz"], set()),  # every word must be near one of the name's
    ],
)
def test_typos(index: Labels, parts: list[str], found: set[int]) -> None:
    assert labels.fuzzy(index, parts) == found


def test_typos_allowed_grow_with_the_word(index: Labels) -> None:
    assert labels.typos(index, "seu") == []
    assert labels.typos(index, "seul") == ["seoul"]
    assert labels.typos(index, "seux") == []  # two edits from "seoul": a 4-letter word may have one
    assert labels.typos(index, "anthxxpic") == ["anthropic"]  # 9 letters: two edits
    assert labels.typos(index, "anxxxopic") == []


def test_span_bisects_with_a_key() -> None:
    ordered = ["Alpha", "beta", "BETAMAX", "gamma"]
    assert labels.span(ordered, "beta", key=str.casefold) == (1, 3)
    assert labels.span(ordered, "delta", key=str.casefold) == (3, 3)


def test_typos_found_are_kept_least_recently_used_out(monkeypatch: pytest.MonkeyPatch) -> None:
    index = labels.build([["seoul declaration"], ["anthropic"], ["paris summit"]])
    monkeypatch.setattr(labels, "KEEP_TYPOS", 2)
    asked = ["seul", "anthxxpic", "seul", "pariz"]
    assert [labels.typos(index, part) for part in asked] == [["seoul"], ["anthropic"], ["seoul"], ["paris"]]
    assert list(index.near) == ["seul", "pariz"]  # "anthxxpic" was used least recently
    index.near["seul"] = ("kept",)
    assert labels.typos(index, "seul") == ["kept"]  # read from what was kept, not found again


def _edited(word: str, rng: random.Random) -> str:
    """`word` with one or two random edits (a letter deleted, added, replaced, or two swapped)."""
    for _ in range(rng.randint(1, 2)):
        at, letter = rng.randrange(len(word)), rng.choice("abcdeiou")
        word = rng.choice(
            [
                word[:at] + word[at + 1 :],
                word[:at] + letter + word[at:],
                word[:at] + letter + word[at + 1 :],
                word[:at] + word[at + 1 : at + 2] + word[at] + word[at + 2 :],
            ]
        )
    return word or "x"


def test_typos_are_every_word_within_the_edits_allowed() -> None:
    """Against comparing with every word: the letter buckets typos reads leave none out (labels._typos)."""
    rng = random.Random(14)
    vocab = sorted({"".join(rng.choice("abcdeioubcdklm") for _ in range(rng.randint(3, 11))) for _ in range(3000)})
    index = labels.build([[word] for word in vocab])
    asked = [_edited(rng.choice(vocab), rng) for _ in range(300)] + rng.sample(vocab, 50)
    for part in asked:
        allowed = next((edits for length, edits in labels.TYPOS if len(part) >= length), 0)
        expected = {word for word in vocab if OSA.distance(part, word) <= allowed} if allowed else set()
        assert set(labels.typos(index, part)) == expected, part
