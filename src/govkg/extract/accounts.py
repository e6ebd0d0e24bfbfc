"""Disagreements between accounts: several documents' tellings (gk:accountOf) of one act, compared on every
property they give (who, who not, how many, when, where, what), not only on single-valued ones."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from govkg.extract.claims import Claim
from govkg.namespaces import GK, SCHEMA

__all__ = ["PARTIES", "conflicts", "grouped"]

Key = tuple[Node, URIRef]
Compatible = Callable[[Node, Node], bool]
PARTIES = {GK.endorser, GK.signatory, GK.adopter}  # who took part, as each account names them
NOT_COMPARED = {GK.accountOf, GK.nonEndorser, GK.partyListComplete, RDF.type, RDFS.label} | PARTIES  # names differ


def grouped(claims: Iterable[Claim]) -> dict[Node, dict[Node, list[Claim]]]:
    """Act → its accounts → the claims each account makes (only acts told by more than one account)."""
    act_of = {c.subject: c.obj for c in claims if c.predicate == GK.accountOf}
    acts: dict[Node, dict[Node, list[Claim]]] = defaultdict(lambda: defaultdict(list))
    for claim in claims:
        if claim.subject in act_of:
            acts[act_of[claim.subject]][claim.subject].append(claim)
    return {act: dict(told) for act, told in acts.items() if len(told) > 1}


def conflicts(claims: list[Claim], compatible: Compatible) -> Iterator[tuple[Key, set[Claim]]]:
    """(act, property) → the claims of different accounts that cannot all be true together."""
    parent = {c.subject: c.obj for c in claims if c.predicate == SCHEMA.superEvent}

    def agree(a: Node, b: Node) -> bool:  # an event and a part of it are the same "where", as dates of two precisions
        return compatible(a, b) or parent.get(a) == b or parent.get(b) == a

    for act, told in grouped(claims).items():
        yield from _values(act, told, agree)
        yield from _parties(act, told)


def _values(act: Node, told: dict[Node, list[Claim]], agree: Compatible) -> Iterator[tuple[Key, set[Claim]]]:
    """Properties (date, event, count, instrument, ...) two accounts give with values that do not agree."""
    given: dict[URIRef, dict[Node, list[Claim]]] = defaultdict(dict)
    for account, said in told.items():
        for claim in said:
            if claim.predicate not in NOT_COMPARED:
                given[claim.predicate].setdefault(account, []).append(claim)
    for prop, by_account in given.items():
        found = {a for a in _flat(by_account) for b in _flat(by_account) if _apart(a, b, agree)}
        if found:
            yield (act, prop), found


def _apart(a: Claim, b: Claim, agree: Compatible) -> bool:
    """Two accounts' values for one property that disagree."""
    return a.subject != b.subject and a.doc != b.doc and not agree(a.obj, b.obj)


def _parties(act: Node, told: dict[Node, list[Claim]]) -> Iterator[tuple[Key, set[Claim]]]:
    """A party one account names and another says did not take part, or that a complete list leaves out."""
    named = {a: {c.obj: c for c in said if c.predicate in PARTIES} for a, said in told.items()}
    refused = {a: {c.obj: c for c in said if c.predicate == GK.nonEndorser} for a, said in told.items()}
    complete = {
        a: c for a, said in told.items() for c in said if c.predicate == GK.partyListComplete and c.obj == Literal(True)
    }
    found: set[Claim] = set()
    for a in told:
        for b in told:
            if a == b:
                continue
            found.update(named[a][x] for x in named[a].keys() & refused[b].keys())
            found.update(refused[b][x] for x in named[a].keys() & refused[b].keys())
            if b in complete and (left_out := named[a].keys() - named[b].keys()):
                found.update(named[a][x] for x in left_out)
                found.add(complete[b])
    if found:
        yield (act, GK.endorser), found


def _flat(by_account: dict[Node, list[Claim]]) -> list[Claim]:
    return [claim for said in by_account.values() for claim in said]
