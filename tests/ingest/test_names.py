"""Names as texts write them: folding (same length, so offsets carry over), leading articles, readable slugs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from govkg.extract.annotations import read_rows
from govkg.extract.text import _unmark
from govkg.ingest.names import fold, mint_slug, strip_article

HERE = Path(__file__).resolve().parent
SEED = 20261207
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # what an annotation file accepts as a slug (extract/annotations.py)
ACTS = {"gk:Signature", "gk:Adoption", "gk:Endorsement"}  # their slugs are derived from the instrument, not a name


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Allemagne", "allemagne"),
        ("ÉTATS-UNIS", "etats-unis"),
        ("États\u2011Unis", "etats-unis"),  # non-breaking hyphen
        ("Côte d’Ivoire", "cote d'ivoire"),
        ("Côte d\u2018Ivoire", "cote d'ivoire"),  # left single quotation mark
        ("Côte d\u02bcIvoire", "cote d'ivoire"),  # modifier letter apostrophe
        ("Côte d`Ivoire", "cote d'ivoire"),
        ("l’Union européenne", "l'union europeenne"),
        ("Türkiye", "turkiye"),
        ("Straße", "strase"),  # casefold gives "ss": only the first letter is kept, so the length stays
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded
    assert len(fold(text)) == len(text)


@seed(SEED)
@settings(max_examples=300, deadline=None, database=None)
@given(st.text(max_size=40))
def test_fold_keeps_length_and_is_idempotent(text: str) -> None:
    """Offsets found in the folded text are offsets in the original, whatever the characters."""
    folded = fold(text)
    assert len(folded) == len(text)
    assert fold(folded) == folded


@pytest.mark.parametrize(
    ("name", "bare"),
    [
        ("le Brésil", "Brésil"),
        ("la France", "France"),
        ("les États-Unis", "États-Unis"),
        ("Les États-Unis", "États-Unis"),
        ("l'Allemagne", "Allemagne"),
        ("l’Allemagne", "Allemagne"),
        ("L’Union européenne", "Union européenne"),
        ("the United Kingdom", "United Kingdom"),
        ("The OECD", "OECD"),
        ("  la Hongrie ", "Hongrie"),
    ],
)
def test_strip_article(name: str, bare: str) -> None:
    assert strip_article(name) == bare


@pytest.mark.parametrize("name", ["Lesotho", "Les", "La", "the", "Laos", "Thessalie", "Leyde", "l'"])
def test_strip_article_keeps_names_that_only_start_like_an_article(name: str) -> None:
    assert strip_article(name) == name


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("l'Arabie saoudite", "arabie-saoudite"),
        ("le Brésil", "bresil"),
        ("Côte d'Ivoire", "cote-d-ivoire"),
        ("Côte d’Ivoire", "cote-d-ivoire"),
        ("Israël", "israel"),
        ("Lumen & Frost", "lumen-frost"),
        ("Rocío Fuentes", "rocio-fuentes"),
        ("COPENHAGEN", "copenhagen"),
        ("the Danish Agency for Digital Government", "danish-agency-for-digital-government"),
        (
            "Convention de Vilnius sur l’intelligence artificielle",
            "convention-de-vilnius-sur-l-intelligence-artificielle",
        ),
        ("", "entity"),
        ("« — »", "entity"),
        ("北京", "entity"),
    ],
)
def test_mint_slug(name: str, slug: str) -> None:
    assert mint_slug(name) == slug


def _typing_rows() -> list[tuple[str, str, str]]:
    """(file, slug, name as quoted) of every new entity's typing row in tests/ingest/expected."""
    out = []
    for path in sorted((HERE / "expected").glob("*.tsv")):
        for row in read_rows(path):
            if row.predicate == "a" and row.obj not in ACTS:
                context, offset, length = _unmark(row.quote)
                out.append((path.stem, row.subject, context[offset : offset + length]))
    return out


TYPING = _typing_rows()


def test_expected_files_have_typing_rows() -> None:
    assert len(TYPING) >= 50


@pytest.mark.parametrize(("stem", "slug", "name"), TYPING, ids=[f"{s}:{slug}" for s, slug, _ in TYPING])
def test_mint_slug_gives_the_expected_files_slugs(stem: str, slug: str, name: str) -> None:
    """The expected rows name each new entity after its first mention (tests/ingest/documents/README.md)."""
    assert mint_slug(name) == slug


@seed(SEED)
@settings(max_examples=300, deadline=None, database=None)
@given(st.text(max_size=60))
def test_mint_slug_is_always_a_valid_slug(name: str) -> None:
    assert SLUG.match(mint_slug(name))
