"""Content negotiation: media type ↔ format name tables, the `format=` values clients send, and RFC 9110 §12.5.1
Accept matching."""

from __future__ import annotations

from collections.abc import Sequence

from govkg import formats
from govkg.web.errors import HttpError

__all__ = [
    "FORMAT_PARAMETERS",
    "HTML",
    "OFFERS",
    "NotAcceptable",
    "choose",
    "content_type",
    "negotiate",
    "parse_accept",
    "quality",
]

HTML = "text/html"
# What each kind of answer can be sent as, in the server's order of preference (first = default).
OFFERS: dict[str, list[tuple[str, str]]] = {
    "results": [
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
        ("application/json", "json"),
        ("application/xml", "xml"),
        ("text/xml", "xml"),
        (HTML, "html"),
    ],
    "graph": [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "rdfxml"),
        ("application/trig", "trig"),
        ("application/n-quads", "nquads"),
        ("application/x-turtle", "turtle"),
        ("text/n3", "turtle"),
        ("text/rdf+n3", "turtle"),
        ("application/json", "json-ld"),
        ("application/xml", "rdfxml"),
        ("text/plain", "nt"),
        (HTML, "html"),
    ],
}
OFFERS["index"] = [("application/json", "json"), (HTML, "html")]
OFFERS["dataset"] = [o for o in OFFERS["graph"] if o[1] in ("trig", "nquads")] + OFFERS["graph"]
# Media types answered as sent, though the format has a registered one (clients that ask for them want them).
KEPT = frozenset({"application/json", "application/xml", "text/xml"})

# Parameters that name a format: `format` (Virtuoso, govkg), `output` (Fuseki), `results` (Rasqal). SPARQLWrapper
# sends all three, and for TSV, JSON-LD and RDF/XML two values each (a short name and a media type).
FORMAT_PARAMETERS = ("format", "output", "results")


class NotAcceptable(HttpError):
    """No offered representation is acceptable (HTTP 406, with the list of what is on offer)."""

    def __init__(self, reason: str) -> None:
        super().__init__(406, reason, {"Vary": "Accept"})


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q-values; a missing or empty header accepts anything."""
    ranges = []
    for item in (header or "*/*").split(","):
        parts = [p.strip() for p in item.split(";")]
        if not parts[0]:
            continue
        q = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((parts[0].lower(), q))
    return ranges or [("*/*", 1.0)]


def quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The q-value of the most specific range matching `media_type` (0 if none)."""
    major = media_type.split("/")[0]
    best, specificity = 0.0, -1
    for rng, q in ranges:
        level = 2 if rng == media_type else 1 if rng == f"{major}/*" else 0 if rng == "*/*" else -1
        if level > specificity:
            best, specificity = q, level
    return best if specificity >= 0 else 0.0


def negotiate(accept: str | None, kind: str) -> tuple[str, str]:
    """The (media type, format name) to send for an answer of `kind`; NotAcceptable if none."""
    return _best(parse_accept(accept), OFFERS[kind], strict=True)


def choose(values: Sequence[str], accept: str | None, kind: str) -> tuple[str, str]:
    """The (media type, format name) for an answer of `kind`: the formats the `format=` values allow (several
    values must agree), Accept choosing among them; with no value, Accept alone."""
    if not values:
        return negotiate(accept, kind)
    allowed: list[str] | None = None
    for value in values:
        names = _allowed(value.strip(), kind)
        allowed = names if allowed is None else [n for n in allowed if n in names]
    if not allowed:
        raise NotAcceptable(f"the format values {', '.join(map(repr, values))} do not agree")
    sent = {m for v in values for m in _listed(v)} & {media_type for media_type, _ in OFFERS[kind]}
    candidates = [o for o in OFFERS[kind] if o[1] in allowed]
    # A short name means the registered media type (`json`: SPARQL results JSON, not application/json), unless
    # a media type in KEPT is all the kind offers for it (the dump index's `json`).
    offers = [o for o in candidates if (o[0] in sent if sent else o[0] not in KEPT)] or candidates
    return _best(parse_accept(accept), offers, strict=False)


def _allowed(value: str, kind: str) -> list[str]:
    """The formats one `format=` value allows: a short name or a media type; NotAcceptable if it suits none."""
    lowered = value.lower()
    if lowered in formats.SHORT_NAMES[kind]:
        return list(formats.SHORT_NAMES[kind][lowered])
    listed = _listed(value)
    names = list(dict.fromkeys(name for media_type, name in OFFERS[kind] if media_type in listed))
    if not names:
        choices = ", ".join(dict.fromkeys(name for _, name in OFFERS[kind]))
        raise NotAcceptable(f"format {value[:100]!r} does not suit this answer (choose from {choices})")
    return names


def _listed(value: str) -> list[str]:
    """The media types a value names: one, or a list as in Accept (SPARQLWrapper sends its whole Accept header,
    `application/ld+json,application/x-json+ld`, as a format value); those with q=0 excluded."""
    return [media_type for media_type, q in parse_accept(value.strip().lower()) if q > 0]


def _best(ranges: list[tuple[str, float]], offers: list[tuple[str, str]], strict: bool) -> tuple[str, str]:
    """The offer the ranges like best (ties: the server's order); the first offer when none is acceptable and
    not `strict` (a format parameter outranks Accept), else NotAcceptable."""
    scored = [(quality(mt, ranges), -i, mt, name) for i, (mt, name) in enumerate(offers)]
    q, _, media_type, name = max(scored)
    if q <= 0 and strict:
        offered = ", ".join(dict.fromkeys(mt for mt, _ in offers))
        raise NotAcceptable(f"no acceptable representation; this resource is available as {offered}")
    if q <= 0:
        media_type, name = offers[0]
    return _canonical(name, media_type), name


def _canonical(name: str, media_type: str) -> str:
    """The registered media type of a format (except those in KEPT, answered as such)."""
    if name == "html":
        return HTML
    return media_type if media_type in KEPT else formats.get(name).media_type


def content_type(media_type: str) -> str:
    """The Content-Type header value: every representation govkg sends is UTF-8 text."""
    return f"{media_type}; charset=utf-8"
