"""The signatory matrix: actors by instruments, a cell for each way the graph says an actor stands to an instrument
(adopted or signed it by an act, committed to a commitment in it or about it, is a member, supports or endorses
it), linking to the act or commitment and to the sourced claims that quote it; sorted and filtered for a page."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from govkg.pages.description import iri_ref
from govkg.pages.pictures.names import Named, Select, named, prefixed, rows, values

__all__ = ["KINDS", "SORTS", "Cell", "Matrix", "Quote", "View", "arrange", "matrix", "table", "token"]

_PREFIXES = ("gk", "org", "rdf", "oa", "prov")  # the prefixes the queries use
# Each kind of cell: a pattern binding ?actor, ?column (the instrument), ?via (the act or commitment the cell
# links to) and ?s ?p ?o, the fact whose sourced claims quote it. {inferred} is the inferred graph: a cell says
# what a source states, never what the reasoner derived from it.
KINDS: dict[str, str] = {
    "adopted": "?via gk:adopter ?actor ; gk:endorsedInstrument ?column . "
    "BIND(?via AS ?s) BIND(gk:adopter AS ?p) BIND(?actor AS ?o)",
    "signed": "?via gk:signatory ?actor ; gk:endorsedInstrument ?column . "
    "BIND(?via AS ?s) BIND(gk:signatory AS ?p) BIND(?actor AS ?o)",
    "committed": "GRAPH ?g { ?actor gk:commitsTo ?via } FILTER(?g != {inferred}) "
    "{ ?via gk:commitmentOf ?column } UNION { ?via gk:concerns ?column } "
    "BIND(?actor AS ?s) BIND(gk:commitsTo AS ?p) BIND(?via AS ?o)",
    "member": "{ ?via org:member ?actor ; org:organization ?column BIND(?via AS ?s) BIND(org:member AS ?p) "
    "BIND(?actor AS ?o) } UNION { ?actor org:memberOf ?column BIND(?actor AS ?s) BIND(org:memberOf AS ?p) "
    "BIND(?column AS ?o) } { ?column a gk:Instrument } UNION { ?column a gk:Network }",
    "supports": "?actor gk:supports ?column . BIND(?actor AS ?s) BIND(gk:supports AS ?p) BIND(?column AS ?o)",
    "endorsed": "GRAPH ?g { ?actor gk:endorses ?column } FILTER(?g != {inferred}) "
    "BIND(?actor AS ?s) BIND(gk:endorses AS ?p) BIND(?column AS ?o)",
}
_CELLS = (
    "SELECT DISTINCT ?actor ?column ?via ?claim WHERE {{ {pattern} "
    "OPTIONAL {{ ?claim rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }} }}"
)
_QUOTES = (
    "SELECT ?claim ?exact ?prefix ?suffix ?doc WHERE {{ VALUES ?claim {{ {claims} }} "
    "?claim oa:hasTarget/oa:hasSelector ?selector . ?selector oa:exact ?exact "
    "OPTIONAL {{ ?selector oa:prefix ?prefix }} OPTIONAL {{ ?selector oa:suffix ?suffix }} "
    "OPTIONAL {{ ?claim prov:wasDerivedFrom ?doc }} }}"
)


@dataclass(frozen=True)
class Quote:
    """The passage a sourced claim quotes, with its context, and its document."""

    claim: str
    exact: str
    prefix: str = ""
    suffix: str = ""
    source: str | None = None


@dataclass(frozen=True)
class Cell:
    """One way an actor stands to an instrument: the kind, the act or commitment it goes through (None when the
    fact is direct) and the claims quoting it."""

    actor: str
    column: str
    kind: str
    via: str | None = None
    claims: tuple[str, ...] = ()


@dataclass(frozen=True)
class Matrix:
    """Every cell, the names of actors, instruments, acts and classes, and the quotes of the claims."""

    cells: tuple[Cell, ...]
    names: dict[str, Named] = field(default_factory=dict)
    quotes: dict[str, Quote] = field(default_factory=dict)

    @property
    def actors(self) -> list[str]:
        """The actors, by IRI."""
        return sorted({c.actor for c in self.cells})

    def kinds(self) -> Counter[str]:
        """The classes stated for the actors, with how many actors have each."""
        return Counter(k for a in self.actors for k in self.names.get(a, Named(a, {}, {})).classes)


@dataclass(frozen=True)
class View:
    """The matrix arranged for a page: the kind shown (None: all), the order, the rows and columns in order, and
    the cells by (actor, instrument)."""

    kind: str | None
    sort: str
    actors: list[str]
    columns: list[str]
    grid: dict[tuple[str, str], list[Cell]]

    @property
    def kinds(self) -> list[str]:
        """The kinds of the cells shown, in the order of KINDS."""
        found = {c.kind for cells in self.grid.values() for c in cells}
        return [k for k in KINDS if k in found]


def matrix(select: Select, base: str) -> Matrix:
    """Query the dataset for every cell, with names and quotes."""
    select = prefixed(select, base, *_PREFIXES)
    inferred = iri_ref(base + "graph/inferred")
    found: dict[tuple[str, str, str, str | None], list[str]] = defaultdict(list)
    for kind, pattern in KINDS.items():
        for actor, column, via, claim in rows(select, _CELLS.format(pattern=pattern.replace("{inferred}", inferred))):
            if actor and column and actor != column:
                found[(actor, column, kind, via if via != column else None)] += [claim] if claim else []
    cells = tuple(Cell(a, c, k, v, tuple(sorted(set(q)))) for (a, c, k, v), q in sorted(found.items(), key=_key))
    claims = {q for c in cells for q in c.claims}
    quotes = _quotes(select, claims)
    mentioned = {n for c in cells for n in (c.actor, c.column, c.via) if n}
    mentioned |= {q.source for q in quotes.values() if q.source}
    names = named(select, base, mentioned)
    names.update(named(select, base, {k for n in names.values() for k in n.classes}))
    return Matrix(cells, names, quotes)


def _key(item: tuple[tuple[str, str, str, str | None], list[str]]) -> tuple[str, ...]:
    """Cells in a stable order."""
    (actor, column, kind, via), _ = item
    return actor, column, kind, via or ""


def _quotes(select: Select, claims: set[str]) -> dict[str, Quote]:
    """The quote of each claim."""
    if not claims:
        return {}
    found = rows(select, _QUOTES.format(claims=values(claims)))
    return {c: Quote(c, e, p or "", s or "", d) for c, e, p, s, d in sorted(found, key=str) if c and e}


def _collate(text: str) -> str:
    """A sort key that ignores case and accents (É sorts with E)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))


# Orders of the rows: by name, or by number of instruments (most first) then name.
SORTS: dict[str, Callable[[int, str], tuple[int | str, ...]]] = {
    "name": lambda count, name: (_collate(name),),
    "count": lambda count, name: (-count, _collate(name)),
}


def arrange(model: Matrix, kind: str | None, sort: str, name: Callable[[str], str]) -> View:
    """The rows of actors of class `kind` (its IRI or `token`; all when None or unknown) in the order `sort` (by
    name when unknown), and the instruments they have cells in, most shared first; `name` gives an IRI's name."""
    kind = next((k for k in sorted(model.kinds()) if kind in (k, token(k))), None)
    sort = sort if sort in SORTS else "name"
    cells = [c for c in model.cells if kind is None or kind in model.names.get(c.actor, Named(c.actor, {}, {})).classes]
    grid: dict[tuple[str, str], list[Cell]] = defaultdict(list)
    for c in cells:
        grid[(c.actor, c.column)].append(c)
    per_actor = Counter(a for a, _ in grid)
    per_column = Counter(col for _, col in grid)
    actors = sorted(per_actor, key=lambda a: (*SORTS[sort](per_actor[a], name(a)), a))
    columns = sorted(per_column, key=lambda col: (-per_column[col], _collate(name(col)), col))
    return View(kind, sort, actors, columns, dict(grid))


def token(iri: str) -> str:
    """The short form of a class IRI in a URL: its local name (`State` for gk:State)."""
    return re.split(r"[#/]", iri)[-1] or iri


def table(model: Matrix) -> list[list[str]]:
    """The cells as rows of text (a header first): the CSV twin."""
    header = [
        "actor",
        "actor_en",
        "actor_fr",
        "relation",
        "instrument",
        "instrument_en",
        "instrument_fr",
        "via",
        "claims",
    ]
    out = [header]
    for c in model.cells:
        actor, column = model.names.get(c.actor), model.names.get(c.column)
        labels = [(n.labels.get("en", ""), n.labels.get("fr", "")) if n else ("", "") for n in (actor, column)]
        out.append([c.actor, *labels[0], c.kind, c.column, *labels[1], c.via or "", " ".join(c.claims)])
    return out
