"""URI → IRI (RFC 3987 §3.2): which percent-encodings of a request path are decoded, and which are kept."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from govkg.pages.iri import UCSCHAR, to_iri

# (as sent, the IRI it stands for): only the UTF-8 of characters an IRI may hold unencoded is decoded.
CASES = [
    ("id/a%20b", "id/a%20b"),  # ASCII stays encoded: a space is not allowed in an IRI
    ("id/a%2Fb", "id/a%2Fb"),  # an encoded slash is not a slash
    ("id/100%25", "id/100%25"),
    ("id/c%C3%B4te", "id/côte"),
    ("id/c%c3%b4te", "id/côte"),  # hex digits in either case
    ("id/%F0%9F%98%80", "id/\U0001f600"),  # beyond the BMP
    ("id/%C3%A9t%C3%A9%2F%C3%A9", "id/été%2Fé"),  # a mixed run
    ("id/%C3", "id/%C3"),  # a truncated sequence
    ("id/%FF%C3%A9", "id/%FFé"),  # an invalid byte before a valid character
    ("id/%ED%A0%80", "id/%ED%A0%80"),  # an encoded surrogate is not UTF-8
    ("id/%C2%85", "id/%C2%85"),  # NEL, a control character: not ucschar
    ("id/%EF%BF%BE", "id/%EF%BF%BE"),  # U+FFFE, a non-character
    ("id/%EE%80%80", "id/%EE%80%80"),  # U+E000, private use: allowed in queries only
    ("id/côte", "id/côte"),  # already an IRI
    ("id/%", "id/%"),
]


@pytest.mark.parametrize(("sent", "iri"), CASES)
def test_to_iri(sent: str, iri: str) -> None:
    assert to_iri(sent) == iri


@pytest.mark.parametrize(("low", "high"), UCSCHAR)
def test_every_ucschar_range_round_trips(low: int, high: int) -> None:
    for char in (chr(low), chr(high)):
        assert to_iri(quote(char)) == char
    for outside in (low - 1, high + 1):
        if not any(a <= outside <= b for a, b in UCSCHAR) and outside >= 0x80:
            assert to_iri(quote(chr(outside), errors="surrogatepass")) == quote(chr(outside), errors="surrogatepass")
