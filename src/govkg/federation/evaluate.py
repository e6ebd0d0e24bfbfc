"""SERVICE evaluated by rdflib for govkg: rdflib's global evaluation hook (CUSTOM_EVALS) with bound joins.

Embedded Oxigraph calls any SERVICE endpoint, with no timeout and no switch, and rdflib's own SERVICE
(evaluate.evalServiceQuery) uses urlopen with no timeout, follows redirects and ignores SILENT. So a query that
may use SERVICE is evaluated by rdflib, whose hook is `evaluate` here: each SERVICE's group goes to its endpoint
through govkg.federation.client, with the bindings of a join batched into VALUES blocks (a bound join) rather
than one request per solution (the text sent is built by govkg.federation.text). Joins stream, a batch of
solutions at a time, checking the deadline as they go; one query's requests, bytes read and joined solutions are
capped by its policy. SERVICE runs only while `active` holds a policy: at any other time, and for anything rdflib
evaluates outside govkg, every SERVICE is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar, cast

from rdflib.plugins.sparql import CUSTOM_EVALS
from rdflib.plugins.sparql.evaluate import evalPart
from rdflib.plugins.sparql.evalutils import _ebv
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import FrozenBindings, QueryContext
from rdflib.term import Identifier, Variable

from govkg.federation import client
from govkg.federation.errors import HookError, RemoteError, ServiceRefused
from govkg.federation.policy import Policy, endpoint
from govkg.federation.text import TEXT, certainly_bound, remote_query, sparql, variables

if TYPE_CHECKING:
    from govkg.engine.deadline import Deadline

__all__ = ["HOOK", "active", "check_hooks", "evaluate"]

HOOK = "govkg.federation"
CHECK_EVERY = 256  # rows a join compares between deadline checks

Row = dict[Identifier, Identifier]  # one remote solution: variable → term
# Which of a SERVICE group's variables a solution binds: to terms sent in VALUES, and to other terms.
Signature = tuple[tuple[Variable, ...], tuple[Variable, ...]]
Index = dict[tuple[Identifier | None, ...], list[Row]]  # remote rows by their values of the variables sent
Tagged = tuple[Any, FrozenBindings]  # a solution, and what it came from (passed through joins unchanged)
_T = TypeVar("_T")


@dataclass
class _Session:
    """One query's federation: its policy and deadline, the answers already fetched, what it has cost."""

    policy: Policy
    deadline: Deadline | None
    answers: dict[tuple[str, str], list[Row]] = field(default_factory=dict)
    requests: int = 0
    read: int = 0  # bytes read from remotes
    steps: int = 0  # rows compared by joins
    produced: int = 0  # solutions produced by joins

    def fetch(self, endpoint: str, query: str, kept: Collection[Variable]) -> list[Row]:
        """The rows of `query` at `endpoint`, asked at most once per query, binding only the `kept`
        variables (those of the SERVICE group: a remote must not bind the query's other variables)."""
        if (endpoint, query) not in self.answers:
            _, rows = client.results(endpoint, self._post(endpoint, query))
            self.answers[(endpoint, query)] = [
                {Variable(k): cast(Identifier, v) for k, v in row.items() if Variable(k) in kept} for row in rows
            ]
        return self.answers[(endpoint, query)]

    def _post(self, endpoint: str, query: str) -> bytes:
        """One request's answer, within the query's budgets of requests and of bytes read."""
        policy, left = self.policy, self.policy.max_total_bytes - self.read
        if self.requests >= policy.max_requests:
            raise ServiceRefused(f"the query needs more than {policy.max_requests} SERVICE requests")
        if left <= 0:
            raise _over_budget(policy)
        self.requests += 1
        try:
            body = client.post(
                endpoint,
                query,
                replace(policy.limits, max_bytes=min(policy.limits.max_bytes, left)),
                deadline=self.deadline.at if self.deadline else None,
            )
        except client.TooLarge:
            if left < policy.limits.max_bytes:
                raise _over_budget(policy) from None  # cut short by what the query had left to read
            raise
        self.read += len(body)
        return body

    def check(self) -> None:
        """DeadlineExceeded once the query's deadline has passed."""
        if self.deadline is not None:
            self.deadline.check()

    def step(self) -> None:
        """Count a row a join compares, checking the deadline every CHECK_EVERY rows."""
        self.steps += 1
        if self.steps % CHECK_EVERY == 0:
            self.check()

    def count(self) -> None:
        """Count a solution a join produces; ServiceRefused past the policy's cap."""
        self.produced += 1
        if self.produced > self.policy.max_rows:
            raise ServiceRefused(f"the query's SERVICE joins give more than {self.policy.max_rows} solutions")


def _over_budget(policy: Policy) -> ServiceRefused:
    return ServiceRefused(f"the query reads more than {policy.max_total_bytes} bytes from SERVICE endpoints")


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
    if (
        session is not None
        and part.name in JOINS
        and _batchable(part.p2)
        and (part.name == "LeftJoin" or part.lazy or part.p2.name == "ServiceGraphPattern")
    ):
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
    for _, merged in _matches(ctx, service, [(None, ctx.solution())], session):
        yield merged


def _join(ctx: QueryContext, join: CompValue, session: _Session) -> Iterator[FrozenBindings]:
    """Join(P, Q) with a SERVICE in Q: P's solutions go to each SERVICE in VALUES blocks, as they come."""
    for _, merged in _under(ctx, ((None, solution) for solution in evalPart(ctx, join.p1)), join.p2, session):
        yield merged


def _left_join(ctx: QueryContext, join: CompValue, session: _Session) -> Iterator[FrozenBindings]:
    """LeftJoin(P, Q, expr) (OPTIONAL) with a SERVICE in Q: as a join, keeping a solution that found nothing.
    P's solutions are numbered, a batch at a time, so that those that found nothing are known."""
    for chunk in _chunks(enumerate(evalPart(ctx, join.p1)), session.policy.batch):
        matched = set()
        for n, merged in _under(ctx, chunk, join.p2, session):
            if _ebv(join.expr, merged.forget(ctx)):
                matched.add(n)
                yield merged
        yield from (solution for n, solution in chunk if n not in matched)


JOINS: dict[str, Callable[[QueryContext, CompValue, _Session], Iterator[FrozenBindings]]] = {
    "Join": _join,
    "LeftJoin": _left_join,
}


def _under(ctx: QueryContext, pairs: Iterable[Tagged], part: CompValue, session: _Session) -> Iterator[Tagged]:
    """For each tagged solution, the solutions of `part` under it, with its tag, as rdflib's lazy join
    substitutes them (evaluate.evalLazyJoin), but each SERVICE met along joins is asked once per batch of
    solutions. Streams: solutions are read and given a batch at a time, in order."""
    if part.name == "ServiceGraphPattern":
        return _matches(ctx, part, pairs, session)
    if part.name == "Join" and _batchable(part):
        return _under(ctx, _under(ctx, pairs, part.p1, session), part.p2, session)
    return ((tag, inner.merge(solution)) for tag, solution in pairs for inner in evalPart(ctx.thaw(solution), part))


def _chunks(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    """The items in lists of `size` (the last may be shorter), read as they are needed."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass(frozen=True)
class _Clause:
    """A SERVICE pattern being evaluated: its node, its endpoint, the variables its group names and those
    every solution of its group binds."""

    node: CompValue
    endpoint: str
    names: tuple[Variable, ...]
    certain: frozenset[Variable]


def _matches(ctx: QueryContext, service: CompValue, pairs: Iterable[Tagged], session: _Session) -> Iterator[Tagged]:
    """For each tagged solution, the SERVICE's solutions compatible with it, merged into it, with its tag:
    one batch of solutions at a time, checking the deadline for each batch and as rows are compared."""
    clause = _Clause(
        service, endpoint(service, session.policy.allowlist), variables(service.graph), certainly_bound(service.graph)
    )
    failed = False
    for chunk in _chunks(pairs, session.policy.batch):
        session.check()
        if not failed:
            try:
                indexes = _indexes(ctx, clause, [solution for _, solution in chunk], session)
            except RemoteError:
                session.check()  # a deadline is never silenced
                if not service.silent:
                    raise
                failed = True  # and not asked again during this query
        if failed:  # SERVICE SILENT failed: one empty solution (§4), so each solution stays as it is
            yield from chunk
            continue
        for tag, solution in chunk:
            yield from ((tag, merged) for merged in _merged(solution, clause, indexes, session))


def _indexes(
    ctx: QueryContext, clause: _Clause, solutions: list[FrozenBindings], session: _Session
) -> dict[Signature, Index]:
    """The SERVICE's rows for these solutions, one request per signature, each indexed by the values it
    was sent. Solutions are grouped by which of the group's variables they bind, so that each VALUES row
    is complete: with UNDEF, one remote row could match two rows and come back twice (§18.5 Join). A
    variable bound to what VALUES cannot carry (a blank node) must be unbound remotely: no remote term
    equals a local blank."""
    groups: dict[Signature, list[FrozenBindings]] = {}
    for solution in solutions:
        groups.setdefault(_signature(solution, clause.names), []).append(solution)
    found: dict[Signature, Index] = {}
    for signature, members in groups.items():
        index = found[signature] = {}
        if clause.certain.intersection(signature[1]):
            continue  # the group binds that variable in every solution: none can be compatible
        for row in _ask(ctx, clause, signature, members, session):
            index.setdefault(tuple(row.get(v) for v in signature[0]), []).append(row)
    return found


def _merged(
    solution: FrozenBindings, clause: _Clause, indexes: dict[Signature, Index], session: _Session
) -> Iterator[FrozenBindings]:
    """The remote rows compatible with a solution, merged into it (only rows with its values can be)."""
    signature = _signature(solution, clause.names)
    for row in indexes[signature].get(tuple(solution[v] for v in signature[0]), ()):
        session.step()
        if solution.compatible(row):
            session.count()
            yield solution.merge(row)


def _signature(solution: FrozenBindings, names: Sequence[Variable]) -> Signature:
    """The group's variables a solution binds to terms VALUES can carry, and those it binds to others."""
    bound = [v for v in names if solution.get(v) is not None]
    given = tuple(v for v in bound if sparql(solution[v]) is not None)
    return given, tuple(v for v in bound if v not in given)


def _ask(
    ctx: QueryContext, clause: _Clause, signature: Signature, solutions: list[FrozenBindings], session: _Session
) -> list[Row]:
    """The SERVICE's rows for these solutions."""
    given, opaque = signature
    values = sorted({tuple(str(sparql(s[v])) for v in given) for s in solutions}) if given else []
    text = remote_query(clause.node[TEXT], ctx.prologue, given, values, opaque)
    return session.fetch(clause.endpoint, text, frozenset(clause.names))


def check_hooks() -> None:
    """HookError unless rdflib's global evaluation hooks hold exactly govkg's (docs/security.md, item 18): any
    other plugin there would see every query first, SERVICE included."""
    others = [
        f"{name} ({getattr(hook, '__module__', '?')}.{getattr(hook, '__qualname__', '?')})"
        for name, hook in CUSTOM_EVALS.items()
        if name != HOOK or hook is not evaluate
    ]
    if others or HOOK not in CUSTOM_EVALS:
        found = ", ".join(others) or "nothing"
        raise HookError(f"rdflib.plugins.sparql.CUSTOM_EVALS holds {found}: govkg runs only with its own hook ({HOOK})")


CUSTOM_EVALS[HOOK] = evaluate
