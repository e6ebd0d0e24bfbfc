"""The map: the states of the graph coloured by the role the sources give them (host of an event, adopter,
signatory, committed…), matched to world-atlas outlines by ISO 3166-1 numeric code (stated in the graph, else
derived from the alpha codes by pycountry); actors that are not states, listed beside with their roles."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pycountry

from govkg.pages.description import iri_ref
from govkg.pages.pictures.names import Named, Select, named, prefixed, rows

__all__ = ["ROLES", "Actor", "WorldMap", "world"]

_PREFIXES = ("gk", "schema")  # the prefixes the queries use
# The roles an actor plays, most telling first (a state is coloured by its first), each a pattern binding ?actor
# and ?via (the event, act, commitment or instrument it plays the role through). {inferred}: the inferred graph.
ROLES: dict[str, str] = {
    "host": "?via a gk:Event . { ?via gk:organiser ?actor } UNION { ?via schema:location ?actor } "
    "UNION { ?via schema:location/schema:containedInPlace ?actor }",
    "adopter": "?via gk:adopter ?actor",
    "signatory": "?via gk:signatory ?actor",
    "committed": "GRAPH ?g { ?actor gk:commitsTo ?via } FILTER(?g != {inferred})",
    "launcher": "?via gk:launchedBy ?actor",
    "supporter": "?actor gk:supports ?via",
    "participant": "{ ?actor gk:participatesIn ?via } UNION { ?d gk:represents ?actor ; gk:participatesIn ?via }",
    "home": "?via gk:country ?actor",
}
_ROLE = "SELECT DISTINCT ?actor ?via WHERE {{ {pattern} . ?actor a gk:Actor FILTER(isIRI(?via)) }}"
_STATES = (
    "SELECT DISTINCT ?s ?alpha2 ?alpha3 ?numeric WHERE { ?s a gk:State FILTER(isIRI(?s)) "
    "OPTIONAL { ?s gk:iso3166Alpha2 ?alpha2 } OPTIONAL { ?s gk:iso3166Alpha3 ?alpha3 } "
    "OPTIONAL { ?s gk:iso3166Numeric ?numeric } }"
)


@dataclass(frozen=True)
class Actor:
    """An actor with its roles (role → what it plays it through) and, for a state, its ISO 3166-1 codes and where
    its numeric code comes from ("graph" or "pycountry"; empty when unknown)."""

    iri: str
    roles: dict[str, tuple[str, ...]]
    alpha2: str = ""
    alpha3: str = ""
    numeric: str = ""
    numeric_from: str = ""

    @property
    def role(self) -> str | None:
        """The most telling role (the state's colour)."""
        return next((r for r in ROLES if r in self.roles), None)


@dataclass(frozen=True)
class WorldMap:
    """The states (with or without a role) and the other actors with a role, and their names."""

    states: tuple[Actor, ...]
    others: tuple[Actor, ...]
    names: dict[str, Named] = field(default_factory=dict)

    @property
    def roles(self) -> list[str]:
        """The roles some state plays, in the order of ROLES."""
        return [r for r in ROLES if any(r in s.roles for s in self.states)]

    def by_numeric(self) -> dict[str, Actor]:
        """The states by ISO 3166-1 numeric code."""
        return {s.numeric: s for s in self.states if s.numeric}

    def others_by_role(self) -> list[tuple[str, list[Actor]]]:
        """The actors that are not states, grouped by their most telling role."""
        groups = [(r, [a for a in self.others if a.role == r]) for r in ROLES]
        return [(r, actors) for r, actors in groups if actors]


def world(select: Select, base: str) -> WorldMap:
    """Query the dataset for the states, their codes and every actor's roles."""
    select = prefixed(select, base, *_PREFIXES)
    inferred = iri_ref(base + "graph/inferred")
    roles: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for role, pattern in ROLES.items():
        for actor, via in rows(select, _ROLE.format(pattern=pattern.replace("{inferred}", inferred))):
            if actor and via:
                roles[actor][role].append(via)
    found = {s: (a2 or "", a3 or "", n or "") for s, a2, a3, n in sorted(rows(select, _STATES), key=str) if s}
    states = tuple(_state(s, *codes, roles.get(s, {})) for s, codes in sorted(found.items()))
    others = tuple(Actor(a, _tidy(r)) for a, r in sorted(roles.items()) if a not in found)
    everyone = (*states, *others)
    mentioned = {a.iri for a in everyone} | {v for a in everyone for vs in a.roles.values() for v in vs}
    return WorldMap(states, others, named(select, base, mentioned))


def _tidy(roles: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """Roles in the order of ROLES, each with its distinct things in order."""
    return {r: tuple(sorted(set(roles[r]))) for r in ROLES if r in roles}


def _state(iri: str, alpha2: str, alpha3: str, numeric: str, roles: dict[str, list[str]]) -> Actor:
    """A state with its codes; the numeric code from pycountry when the graph states only an alpha code."""
    if numeric:
        return Actor(iri, _tidy(roles), alpha2, alpha3, numeric.zfill(3), "graph")
    country = pycountry.countries.get(alpha_2=alpha2) if alpha2 else None
    country = country or (pycountry.countries.get(alpha_3=alpha3) if alpha3 else None)
    derived = str(country.numeric) if country else ""
    return Actor(iri, _tidy(roles), alpha2, alpha3, derived, "pycountry" if derived else "")
