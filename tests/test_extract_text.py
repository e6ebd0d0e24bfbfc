"""Quote location, sentence splitting and quote context."""

from __future__ import annotations

import pytest

from govkg.extract.text import QuoteError, Span, context, locate, sentences

TEXT = "- Nous, la France et l’Allemagne, affirmons.\n- La France signe. Fin\u00a0du texte."


def test_locate_unique_quote() -> None:
    span = locate(TEXT, "l’Allemagne")
    assert span.text(TEXT) == "l’Allemagne"


def test_locate_marked_exact_part_of_longer_context() -> None:
    span = locate(TEXT, "Nous, [[la France]] et")
    assert (span.text(TEXT), span.start) == ("la France", TEXT.index("la France"))


@pytest.mark.parametrize(("quote", "expected"), [("l'Allemagne", "l’Allemagne"), ("Fin du texte", "Fin\u00a0du texte")])
def test_locate_tolerates_typographic_variants_but_returns_source_text(quote: str, expected: str) -> None:
    assert locate(TEXT, quote).text(TEXT) == expected


@pytest.mark.parametrize(("quote", "reason"), [("absent", "not found"), ("France", "occurs 2 times"), ("", "empty")])
def test_locate_refuses_missing_ambiguous_or_empty_quotes(quote: str, reason: str) -> None:
    with pytest.raises(QuoteError, match=reason):
        locate(TEXT, quote)


def test_sentences_split_on_end_punctuation_and_lines_and_drop_bullets() -> None:
    found = [s.text(TEXT) for s in sentences(TEXT)]
    assert found == ["Nous, la France et l’Allemagne, affirmons.", "La France signe.", "Fin\u00a0du texte."]


def test_sentences_do_not_split_inside_dotted_names_or_dates() -> None:
    assert len(sentences("Zhipu.ai signe le 12.02.25 à Paris. Puis rien.")) == 2


def test_context_is_bounded_prefix_and_suffix() -> None:
    span = Span(10, 12)
    prefix, suffix = context("x" * 10 + "ab" + "y" * 50, span, width=5)
    assert (prefix, suffix) == ("xxxxx", "yyyyy")


def test_span_overlap() -> None:
    assert Span(0, 5).overlaps(Span(4, 6)) and not Span(0, 5).overlaps(Span(5, 6))
