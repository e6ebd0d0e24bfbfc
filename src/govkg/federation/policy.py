"""Which SERVICE calls a query may make (SPARQL 1.1 Federated Query): the allowlist policy and its check.

Every SERVICE in a parsed query is checked before any I/O, wherever it is (OPTIONAL, MINUS, UNION, GRAPH,
subqueries, FILTER EXISTS): a variable endpoint, one not exactly allowlisted and one nested in another SERVICE
are refused (docs/security.md, items 2-5).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from pyparsing import ParseResults
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

from govkg.federation.client import PORTS, Limits
from govkg.federation.errors import FederationError, HookError, ServiceRefused
from govkg.federation.text import TEXT, group
from govkg.lexer import IRIREF
from govkg.targets import ENDPOINTS

__all__ = [
    "DEFAULT_ALLOWLIST",
    "FederationError",
    "HookError",
    "Policy",
    "ServiceRefused",
    "check",
    "endpoint",
    "normalise",
    "policy",
    "services",
]

DEFAULT_ALLOWLIST = ENDPOINTS  # the public endpoints of the graphs govkg links into (Wikidata, DBpedia)


@dataclass(frozen=True)
class Policy:
    """Which endpoints SERVICE may call (normalised IRIs), how patiently, and how often per query."""

    allowlist: frozenset[str] = frozenset()
    limits: Limits = field(default_factory=Limits)
    max_requests: int = 100  # a SERVICE inside FILTER EXISTS is asked once per solution: keep that bounded
    max_total_bytes: int = 32_000_000  # read from all remotes by one query (each answer: limits.max_bytes)
    max_rows: int = 100_000  # solutions SERVICE joins may give in one query (a cross join grows fast)
    batch: int = 100  # solutions per VALUES block of a bound join


def normalise(iri: str) -> str:
    """An endpoint IRI as allowlists compare it: scheme and host in lower case, no default port, no
    fragment (RFC 3986 §6.2.2-6.2.3); ValueError if it is not an http(s) IRI with a host."""
    parts = urlsplit(iri)
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in PORTS or not host or "@" in parts.netloc or not IRIREF.fullmatch(iri):
        raise ValueError(f"not an http or https endpoint IRI: {iri[:200]!r}")
    port = parts.port  # ValueError when out of range
    netloc = (f"[{host}]" if ":" in host else host) + (f":{port}" if port and port != PORTS[scheme] else "")
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def policy(endpoints: Iterable[str], limits: Limits | None = None) -> Policy:
    """A policy allowing exactly these endpoints; ValueError naming the first that is not an endpoint IRI."""
    return Policy(frozenset(normalise(e) for e in endpoints), limits or Limits())


def services(node: object) -> Iterator[CompValue]:
    """Every SERVICE pattern in a parsed query or algebra, at any depth (OPTIONAL, MINUS, UNION, GRAPH,
    subqueries, EXISTS in filters, binds and projections)."""
    stack, seen = [node], set()
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if id(item) in seen:
                continue
            seen.add(id(item))
            if item.name == "ServiceGraphPattern":
                yield item
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(reversed(list(item)))


def check(algebra: object, allowlist: Collection[str]) -> None:
    """Raise ServiceRefused for the first SERVICE the allowlist does not allow; run before any evaluation."""
    for service in services(algebra):
        endpoint(service, allowlist)


def endpoint(service: CompValue, allowlist: Collection[str]) -> str:
    """The normalised endpoint of an allowed SERVICE pattern; ServiceRefused for any other."""
    term = service.term
    if not allowlist:
        raise ServiceRefused("SERVICE is not allowed: this server calls no remote endpoint")
    if isinstance(term, Variable):
        raise ServiceRefused(
            f"SERVICE is not allowed with a variable endpoint ({term.n3()}): name one of {', '.join(sorted(allowlist))}"
        )
    try:
        name = normalise(str(term))
    except ValueError:
        name = ""
    if name not in allowlist:
        raise ServiceRefused(
            f"SERVICE is not allowed to <{str(term)[:200]}>: "
            f"the allowlisted endpoints are {', '.join(sorted(allowlist))}"
        )
    if next(services(service.graph), None) is not None:
        raise ServiceRefused("SERVICE is not allowed inside another SERVICE")
    try:
        group(service[TEXT])  # the text kept by federation.text's parse action, sent as the remote query
    except (KeyError, ValueError):
        raise ServiceRefused("SERVICE is not allowed here: its text could not be read") from None
    return name
