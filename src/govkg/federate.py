"""SPARQL 1.1 Federated Query in govkg: SERVICE to allowlisted endpoints only, refused before any I/O.

Embedded Oxigraph calls any SERVICE endpoint, with no timeout and no switch, and rdflib's own SERVICE
(evaluate.evalServiceQuery) uses urlopen with no timeout, follows redirects and ignores SILENT. So a
query that may use SERVICE is evaluated by rdflib, whose global evaluation hook (CUSTOM_EVALS) is
`evaluate` here: `check` first refuses every SERVICE whose endpoint is a variable, is not exactly
allowlisted or holds another SERVICE, wherever it is in the query; then each SERVICE's group goes to its
endpoint through govkg.remote, with the bindings of a join batched into VALUES blocks (a bound join)
rather than one request per solution (the text sent is built by govkg.service_query). SERVICE runs only
while `active` holds a policy: at any other time, and for anything rdflib evaluates outside govkg, every
SERVICE is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import urlsplit, urlunsplit

from pyparsing import ParseResults
from rdflib.plugins.sparql import CUSTOM_EVALS
from rdflib.plugins.sparql.evaluate import evalPart
from rdflib.plugins.sparql.evalutils import _ebv
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import FrozenBindings, QueryContext
from rdflib.term import Identifier, Variable

from govkg import remote
from govkg.deadline import Deadline
from govkg.remote import Limits, RemoteError
from govkg.service_query import TEXT, certainly_bound, group, remote_query, sparql, variables

DEFAULT_ALLOWLIST = ("https://query.wikidata.org/sparql", "https://dbpedia.org/sparql")
HOOK = "govkg.federate"
PORTS = {"http": 80, "https": 443}

Row = dict[Identifier, Identifier]  # one remote solution: variable → term
# Which of a SERVICE group's variables a solution binds: to terms sent in VALUES, and to other terms.
Signature = tuple[tuple[Variable, ...], tuple[Variable, ...]]


class ServiceRefused(ValueError):
    """A SERVICE the policy does not allow, or a query that would call remotes too often; one line."""


class HookError(RuntimeError):
    """rdflib's global evaluation hooks hold something besides govkg's own; one line."""


@dataclass(frozen=True)
class Policy:
    """Which endpoints SERVICE may call (normalised IRIs), how patiently, and how often per query."""

    allowlist: frozenset[str] = frozenset()
    limits: Limits = field(default_factory=Limits)
    max_requests: int = 100  # a SERVICE inside FILTER EXISTS is asked once per solution: keep that bounded
    batch: int = 100  # solutions per VALUES block of a bound join


def normalise(iri: str) -> str:
    """An endpoint IRI as allowlists compare it: scheme and host in lower case, no default port, no
    fragment (RFC 3986 §6.2.2-6.2.3); ValueError if it is not an http(s) IRI with a host."""
    parts = urlsplit(iri)
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in PORTS or not host or "@" in parts.netloc or not remote.IRI.fullmatch(iri):
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
        raise ServiceRefused(f"SERVICE is not allowed with a variable endpoint ({term.n3()}): "
                             f"name one of {', '.join(sorted(allowlist))}")
    try:
        name = normalise(str(term))
    except ValueError:
        name = ""
    if name not in allowlist:
        raise ServiceRefused(f"SERVICE is not allowed to <{str(term)[:200]}>: "
                             f"the allowlisted endpoints are {', '.join(sorted(allowlist))}")
    if next(services(service.graph), None) is not None:
        raise ServiceRefused("SERVICE is not allowed inside another SERVICE")
    try:
        group(service[TEXT])  # the text kept by service_query's parse action, sent as the remote query
    except (KeyError, ValueError):
        raise ServiceRefused("SERVICE is not allowed here: its text could not be read") from None
    return name


@dataclass
class _Session:
    """One query's federation: its policy and deadline, the answers already fetched, the requests made."""

    policy: Policy
    deadline: Deadline | None
    answers: dict[tuple[str, str], list[Row]] = field(default_factory=dict)
    requests: int = 0

    def fetch(self, endpoint: str, query: str) -> list[Row]:
        """The rows of `query` at `endpoint`, asked at most once per query."""
        if (endpoint, query) not in self.answers:
            if self.requests >= self.policy.max_requests:
                raise ServiceRefused(f"the query needs more than {self.policy.max_requests} SERVICE requests")
            self.requests += 1
            at = self.deadline.at if self.deadline else None
            _, rows = remote.select(endpoint, query, self.policy.limits, deadline=at)
            self.answers[(endpoint, query)] = [{Variable(k): cast(Identifier, v) for k, v in row.items()}
                                               for row in rows]
        return self.answers[(endpoint, query)]


_ACTIVE: ContextVar[_Session | None] = ContextVar("govkg_federation", default=None)


@contextmanager
def active(policy: Policy | None, deadline: Deadline | None = None) -> Iterator[None]:
    """Let SERVICE call the policy's endpoints while the block evaluates one query (none without a policy)."""
    token = _ACTIVE.set(_Session(policy, deadline) if policy is not None else None)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def evaluate(ctx: QueryContext, part: CompValue) -> Iterable[FrozenBindings]:
    """rdflib's evaluation hook: SERVICE patterns, and joins with one on their right (bound joins).
    NotImplementedError hands every other part back to rdflib (evaluate.evalPart)."""
    session = _ACTIVE.get()
    if part.name == "ServiceGraphPattern":
        if session is None:
            raise ServiceRefused("SERVICE is not allowed: no federation policy is active")
        return _service(ctx, part, session)
    if session is not None and part.name in JOINS and _batchable(part.p2) \
            and (part.name == "LeftJoin" or part.lazy or part.p2.name == "ServiceGraphPattern"):
        return JOINS[part.name](ctx, part, session)
    raise NotImplementedError


def _batchable(part: object) -> bool:
    """True for a SERVICE, or a join rdflib evaluates by substitution (lazy) with one among its operands."""
    if not isinstance(part, CompValue):
        return False
    if part.name == "ServiceGraphPattern":
        return True
    return part.name == "Join" and bool(part.lazy) and (_batchable(part.p1) or _batchable(part.p2))


def _service(ctx: QueryContext, service: CompValue, session: _Session) -> Iterator[FrozenBindings]:
    """A SERVICE evaluated where it stands, given the solution bound so far (one VALUES row)."""
    yield from _matches(ctx, service, [ctx.solution()], session)[0]


def _join(ctx: QueryContext, join: CompValue, session: _Session) -> Iterator[FrozenBindings]:
    """Join(P, Q) with a SERVICE in Q: P's solutions go to each SERVICE in VALUES blocks."""
    left = list(evalPart(ctx, join.p1))
    for found in _under(ctx, left, join.p2, session):
        yield from found


def _left_join(ctx: QueryContext, join: CompValue, session: _Session) -> Iterator[FrozenBindings]:
    """LeftJoin(P, Q, expr) (OPTIONAL) with a SERVICE in Q: as a join, keeping a solution that found nothing."""
    left = list(evalPart(ctx, join.p1))
    for solution, found in zip(left, _under(ctx, left, join.p2, session), strict=True):
        kept = [merged for merged in found if _ebv(join.expr, merged.forget(ctx))]
        yield from kept or [solution]


JOINS: dict[str, Callable[[QueryContext, CompValue, _Session], Iterator[FrozenBindings]]] = {
    "Join": _join, "LeftJoin": _left_join}


def _under(ctx: QueryContext, left: Sequence[FrozenBindings], part: CompValue,
           session: _Session) -> list[list[FrozenBindings]]:
    """For each solution of `left`, the solutions of `part` under it, as rdflib's lazy join substitutes
    them (evaluate.evalLazyJoin), but each SERVICE met along joins is asked once per batch of solutions."""
    if part.name == "ServiceGraphPattern":
        return _matches(ctx, part, left, session)
    if part.name == "Join" and _batchable(part):
        firsts = _under(ctx, left, part.p1, session)
        seconds = iter(_under(ctx, [x for xs in firsts for x in xs], part.p2, session))
        return [[y for _ in xs for y in next(seconds)] for xs in firsts]
    return [[inner.merge(solution) for inner in evalPart(ctx.thaw(solution), part)] for solution in left]


def _matches(ctx: QueryContext, service: CompValue, left: Sequence[FrozenBindings],
             session: _Session) -> list[list[FrozenBindings]]:
    """For each solution of `left`, the SERVICE's solutions compatible with it, merged into it.
    Solutions are grouped by which of the group's variables they bind, so that each VALUES row is complete:
    with UNDEF, one remote row could match two rows and come back twice (§18.5 Join). A variable bound to
    what VALUES cannot carry (a blank node) must be unbound remotely: no remote term equals a local blank."""
    name = endpoint(service, session.policy.allowlist)
    names, certain = variables(service.graph), certainly_bound(service.graph)
    found: list[list[FrozenBindings]] = [[] for _ in left]
    groups: dict[Signature, list[int]] = {}
    for n, solution in enumerate(left):
        groups.setdefault(_signature(solution, names), []).append(n)
    try:
        for (given, opaque), members in groups.items():
            if certain.intersection(opaque):
                continue  # the group binds that variable in every solution: none can be compatible
            for start in range(0, len(members), session.policy.batch):
                chunk = members[start:start + session.policy.batch]
                rows = _ask(ctx, service, name, (given, opaque), [left[n] for n in chunk], session)
                for n in chunk:
                    found[n] = [left[n].merge(row) for row in rows if left[n].compatible(row)]
    except RemoteError:
        if session.deadline is not None:
            session.deadline.check()  # a deadline is never silenced
        if not service.silent:
            raise
        return [[solution] for solution in left]  # SERVICE SILENT failed: one empty solution (§4)
    return found



def _signature(solution: FrozenBindings, names: Sequence[Variable]) -> Signature:
    """The group's variables a solution binds to terms VALUES can carry, and those it binds to others."""
    bound = [v for v in names if solution.get(v) is not None]
    given = tuple(v for v in bound if sparql(solution[v]) is not None)
    return given, tuple(v for v in bound if v not in given)


def _ask(ctx: QueryContext, service: CompValue, name: str, signature: Signature,
         solutions: list[FrozenBindings], session: _Session) -> list[Row]:
    """The SERVICE's rows for these solutions."""
    given, opaque = signature
    values = sorted({tuple(str(sparql(s[v])) for v in given) for s in solutions}) if given else []
    return session.fetch(name, remote_query(service[TEXT], ctx.prologue, given, values, opaque))


def check_hooks() -> None:
    """HookError unless rdflib's global evaluation hooks hold exactly govkg's (SECURITY.md item 18): any
    other plugin there would see every query first, SERVICE included."""
    others = [f"{name} ({getattr(hook, '__module__', '?')}.{getattr(hook, '__qualname__', '?')})"
              for name, hook in CUSTOM_EVALS.items() if name != HOOK or hook is not evaluate]
    if others or HOOK not in CUSTOM_EVALS:
        found = ", ".join(others) or "nothing"
        raise HookError(f"rdflib.plugins.sparql.CUSTOM_EVALS holds {found}: govkg runs only with its own hook "
                        f"({HOOK})")


CUSTOM_EVALS[HOOK] = evaluate

__all__ = ["DEFAULT_ALLOWLIST", "HookError", "Policy", "ServiceRefused", "active", "check", "check_hooks",
           "endpoint", "evaluate", "normalise", "policy", "services"]
