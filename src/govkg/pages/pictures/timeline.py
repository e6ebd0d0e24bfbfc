"""The timeline: events (summits, forums) and their sessions, the acts that adopted or signed instruments, and the
launches and presentations of instruments at events, each with the dates the graph states, the documents stating
them, how precise they are (a day, a month, a year) and whether sources disagree."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from govkg.namespaces import GK
from govkg.pages.pictures.dates import When, parse, precise
from govkg.pages.pictures.names import Named, Select, named, prefixed, rebased, rows, values

__all__ = ["LANES", "Dated", "Item", "Timeline", "timeline"]

LANES = ("event", "session", "instrument", "launch")  # the order of the timeline's lanes
START, END, DATE = "https://schema.org/startDate", "https://schema.org/endDate", "http://purl.org/dc/terms/date"
ACTS = {str(GK.Adoption): "adopted", str(GK.Signature): "signed"}  # endorsement acts by class
# Relations from an instrument to the event where something happened to it, and the milestone each one is.
AT_EVENT = {
    str(GK.adoptedAt): "adopted",
    str(GK.launchedAt): "launched",
    str(GK.presentedAt): "presented",
    str(GK.madeAt): "made",
}
LANE_OF = {"launched": "launch"}  # milestones not in the instrument lane
# A milestone from a dated act says more than the bare relation to its event (the act gives its own date).
SUPERSEDED_BY = {"adopted": {"adopted"}, "made": {"adopted", "signed"}}

_PREFIXES = ("gk", "schema", "rdf", "prov", "dct")  # the prefixes the queries use
_EVENTS = (
    "SELECT DISTINCT ?e ?parent WHERE { ?e a gk:Event FILTER(isIRI(?e)) "
    "OPTIONAL { ?e schema:superEvent ?parent . ?parent a gk:Event } }"
)
_ACCOUNTS = (
    "SELECT DISTINCT ?act ?account ?type ?instrument ?event WHERE { "
    "?account gk:accountOf ?act ; gk:endorsedInstrument ?instrument ; a ?type "
    "FILTER(?type IN (gk:Adoption, gk:Signature)) OPTIONAL { ?account gk:atEvent ?event } }"
)
_AT_EVENT = (
    "SELECT DISTINCT ?thing ?p ?event WHERE { ?thing ?p ?event "
    "FILTER(?p IN (gk:adoptedAt, gk:launchedAt, gk:presentedAt, gk:madeAt)) "
    "?thing a gk:Instrument . ?event a gk:Event }"
)
_DATES = (
    "SELECT DISTINCT ?s ?p ?v ?doc WHERE {{ VALUES ?s {{ {subjects} }} ?s ?p ?v "
    "FILTER(?p IN (schema:startDate, schema:endDate, dct:date)) "
    "OPTIONAL {{ ?claim rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?v ; prov:wasDerivedFrom ?doc }} }}"
)
_DISAGREEMENTS = "SELECT DISTINCT ?d ?r ?p WHERE { ?d a gk:Disagreement ; gk:aboutResource ?r ; gk:aboutProperty ?p }"


@dataclass(frozen=True)
class Dated:
    """One value of a date with the documents stating it; `via` names the event whose date it is when the thing's
    own date is not stated (an act known only by the event it took place at)."""

    when: When
    sources: tuple[str, ...] = ()
    via: str | None = None


@dataclass(frozen=True)
class Item:
    """A row of the timeline: what it is about, its lane and kind, the page it links to, the values of its start
    (and end) as stated, the event it is part of or happened at, and the record of a disagreement on its date."""

    iri: str
    lane: str
    kind: str
    link: str
    start: tuple[Dated, ...]
    end: tuple[Dated, ...] = ()
    parent: str | None = None
    disagreement: str | None = None

    @property
    def starts(self) -> list[When]:
        """The most precise start values (more than one: a dispute)."""
        return precise(d.when for d in self.start)

    @property
    def ends(self) -> list[When]:
        """The most precise end values after the earliest start."""
        first = min((s.last for s in self.starts), default=None)
        return [w for w in precise(d.when for d in self.end) if first is None or w.last > first]

    @property
    def disputed(self) -> bool:
        """Do the stated values disagree?"""
        return len(self.starts) > 1 or len(self.ends) > 1

    @property
    def dated(self) -> bool:
        """Does the graph date it at all?"""
        return bool(self.start)


@dataclass(frozen=True)
class Timeline:
    """The rows (dated or not) and the names of every thing they mention."""

    items: tuple[Item, ...]
    names: dict[str, Named] = field(default_factory=dict)

    @property
    def dated(self) -> list[Item]:
        """The rows drawn."""
        return [i for i in self.items if i.dated]


def timeline(select: Select, base: str) -> Timeline:
    """Query the dataset for the timeline."""
    select = prefixed(select, base, *_PREFIXES)
    events = {e: p for e, p in rows(select, _EVENTS) if e}
    accounts = rows(select, _ACCOUNTS)
    dates = _dates(select, {*events, *(a[1] for a in accounts if a[1])})
    disputes = {(r, p): d for d, r, p in rows(select, _DISAGREEMENTS) if d and r and p}
    items = _events(events, dates, disputes)
    by_event = {i.iri: i for i in items}
    items += _acts(accounts, dates, by_event, disputes, rebased(ACTS, base))
    items += _at_events(rows(select, _AT_EVENT), by_event, items, rebased(AT_EVENT, base))
    items.sort(key=lambda i: (LANES.index(i.lane), min((d.when.first for d in i.start), default=date.max), i.iri))
    mentioned = {n for i in items for n in (i.iri, i.link, i.parent, i.disagreement) if n}
    mentioned |= {n for i in items for d in (*i.start, *i.end) for n in (*d.sources, d.via) if n}
    return Timeline(tuple(items), named(select, base, mentioned))


def _dates(select: Select, subjects: set[str]) -> dict[tuple[str, str], list[Dated]]:
    """The date values of `subjects` by (subject, property), each with the documents stating it."""
    found: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    if subjects:
        for s, p, v, doc in rows(select, _DATES.format(subjects=values(subjects))):
            if s and p and v:
                found[(s, p, v)].update([doc] if doc else [])
    dates: dict[tuple[str, str], list[Dated]] = defaultdict(list)
    for (s, p, v), docs in sorted(found.items()):
        when = parse(v)
        if when is not None:
            dates[(s, p)].append(Dated(when, tuple(sorted(docs))))
    return dates


def _events(
    events: dict[str, str | None], dates: dict[tuple[str, str], list[Dated]], disputes: dict[tuple[str, str], str]
) -> list[Item]:
    """A row per event; a session the graph does not date takes the dates of its event."""
    items = []
    for event, parent in sorted(events.items()):
        start = dates.get((event, START), [])
        if not start and parent:
            start = [Dated(d.when, d.sources, parent) for d in dates.get((parent, START), [])]
        lane = "session" if parent else "event"
        end = dates.get((event, END), [])
        items.append(Item(event, lane, lane, event, tuple(start), tuple(end), parent, disputes.get((event, START))))
    return items


def _acts(
    accounts: list[tuple[str | None, ...]],
    dates: dict[tuple[str, str], list[Dated]],
    events: dict[str, Item],
    disputes: dict[tuple[str, str], str],
    acts: dict[str, str],
) -> list[Item]:
    """A row per endorsement act and instrument: the dates its accounts give, else those of their events (`acts`:
    ACTS rebased)."""
    grouped: dict[tuple[str, str, str], list[Dated]] = defaultdict(list)
    at: dict[tuple[str, str, str], str] = {}
    for act, account, kind, instrument, event in sorted(accounts, key=lambda r: tuple(c or "" for c in r)):
        if not (act and account and kind and instrument):
            continue
        key = (act, instrument, acts[kind])
        own = dates.get((account, DATE), [])
        grouped[key] += own or [Dated(d.when, d.sources, event) for d in _start(events.get(event or ""))]
        if event:
            at.setdefault(key, event)
    items = []
    for key, start in grouped.items():
        act, instrument, kind = key
        dispute = disputes.get((act, DATE))
        items.append(Item(instrument, "instrument", kind, act, tuple(dict.fromkeys(start)), (), at.get(key), dispute))
    return items


def _at_events(
    found: list[tuple[str | None, ...]], events: dict[str, Item], items: list[Item], at_event: dict[str, str]
) -> list[Item]:
    """A row per instrument and event it was launched, presented, adopted or made at (dated by the event), unless
    a dated act already gives that milestone (`at_event`: AT_EVENT rebased)."""
    acts = {(i.iri, i.kind) for i in items if i.lane == "instrument" and i.dated}
    rows_ = []
    for thing, relation, event in sorted(found, key=lambda r: tuple(c or "" for c in r)):
        kind = at_event.get(relation or "")
        if not (thing and kind and event) or any((thing, k) in acts for k in SUPERSEDED_BY.get(kind, ())):
            continue
        at = events.get(event)
        start = tuple(Dated(d.when, d.sources, event) for d in _start(at))
        lane = LANE_OF.get(kind, "instrument")
        rows_.append(Item(thing, lane, kind, thing, start, (), event, at.disagreement if at else None))
    return rows_


def _start(event: Item | None) -> tuple[Dated, ...]:
    """An event row's start values (none for an unknown event)."""
    return event.start if event else ()
