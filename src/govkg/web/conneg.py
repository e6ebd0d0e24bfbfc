"""Content negotiation: media type ↔ format name tables and RFC 9110 §12.5.1 Accept matching."""

from __future__ import annotations

from govkg import formats

HTML = "text/html"
# What each kind of answer can be sent as, in the server's order of preference (first = default).
OFFERS: dict[str, list[tuple[str, str]]] = {
    "results": [("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
                ("text/csv", "csv"), ("text/tab-separated-values", "tsv"), ("application/json", "json"),
                ("application/xml", "xml"), ("text/xml", "xml"), (HTML, "html")],
    "graph": [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt"),
              ("application/rdf+xml", "rdfxml"), ("application/trig", "trig"), ("application/n-quads", "nquads"),
              ("application/x-turtle", "turtle"), ("application/json", "json-ld"), ("application/xml", "rdfxml"),
              ("text/plain", "nt"), (HTML, "html")],
}
OFFERS["index"] = [("application/json", "json"), (HTML, "html")]
OFFERS["dataset"] = [o for o in OFFERS["graph"] if o[1] in ("trig", "nquads")] + OFFERS["graph"]


class NotAcceptable(ValueError):
    """No offered representation is acceptable (HTTP 406)."""


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
    ranges = parse_accept(accept)
    scored = [(quality(mt, ranges), -i, mt, name) for i, (mt, name) in enumerate(OFFERS[kind])]
    q, _, media_type, name = max(scored)
    if q <= 0:
        offered = ", ".join(dict.fromkeys(mt for mt, _ in OFFERS[kind]))
        raise NotAcceptable(f"no acceptable representation; this resource is available as {offered}")
    return _canonical(name, media_type), name


def _canonical(name: str, media_type: str) -> str:
    """The registered media type of a format (aliases like application/json are answered as such)."""
    if name == "html":
        return HTML
    return formats.get(name).media_type if media_type not in ("application/json", "application/xml") else media_type


def by_name(value: str, kind: str) -> tuple[str, str]:
    """The (media type, format name) chosen by a `format=` parameter: a format name or a media type."""
    for media_type, name in OFFERS[kind]:
        if value in (name, media_type) or formats.ALIASES.get(value) == name:
            return _canonical(name, media_type), name
    names = ", ".join(dict.fromkeys(name for _, name in OFFERS[kind]))
    raise NotAcceptable(f"format {value!r} does not suit this answer (choose from {names})")


def content_type(media_type: str) -> str:
    """The Content-Type header value: every representation govkg sends is UTF-8 text."""
    return f"{media_type}; charset=utf-8"
