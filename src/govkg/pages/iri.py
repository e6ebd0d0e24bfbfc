"""IRIs from URIs (RFC 3987 §3.2): how a request path, percent-encoded by the client, names an IRI of the data."""

from __future__ import annotations

import re

__all__ = ["UCSCHAR", "to_iri"]

# ucschar (RFC 3987 §2.2): the characters other than ASCII an IRI may hold as they are (iprivate is for queries).
UCSCHAR = (
    (0xA0, 0xD7FF),
    (0xF900, 0xFDCF),
    (0xFDF0, 0xFFEF),
    *((plane << 16, (plane << 16) | 0xFFFD) for plane in range(1, 14)),
    (0xE1000, 0xEFFFD),
)
_ENCODED = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def to_iri(uri: str) -> str:
    """The IRI a URI (or a part of one) stands for: the percent-encoded UTF-8 of ucschar characters is decoded;
    every other `%XX` (ASCII such as %20 or %2F, bytes that are not UTF-8) stays exactly as it was written."""
    return _ENCODED.sub(_decode, uri)


def _decode(match: re.Match[str]) -> str:
    """One run of `%XX` triplets with the ucschar characters it encodes decoded (RFC 3987 §3.2 step 2)."""
    triplets = [match.group()[i : i + 3] for i in range(0, len(match.group()), 3)]
    text = bytes(int(t[1:], 16) for t in triplets).decode("utf-8", "surrogateescape")
    out, used = [], 0
    for char in text:
        size = len(char.encode("utf-8", "surrogateescape"))
        out.append(char if _ucschar(char) else "".join(triplets[used : used + size]))
        used += size
    return "".join(out)


def _ucschar(char: str) -> bool:
    """May an IRI hold this character unencoded outside its query?"""
    return any(low <= ord(char) <= high for low, high in UCSCHAR)
