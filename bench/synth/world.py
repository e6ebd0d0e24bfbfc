"""The synthetic world: entities with fr/en labels, and documents whose lines state facts (annotation rows)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from synth import names

ADJ = names.ADJECTIVES


@dataclass
class Entity:
    """A described resource of the entities graph (data/entities.ttl): class, labels, aliases, ISO codes."""

    slug: str
    cls: str
    fr: str
    en: str
    alt: list[tuple[str, str]] = field(default_factory=list)
    pref: list[tuple[str, str]] = field(default_factory=list)
    codes: tuple[str, str, str] | None = None
    link: int = 0  # a Wikidata item number when the entity is linked (links graph)


@dataclass
class Fact:
    """One annotation row: tokens as data/annotations/*.tsv writes them, and the quote in its line."""

    s: str
    p: str
    o: str
    quote: str


@dataclass
class Doc:
    """A French source document: its lines (one sentence each) and the facts they state."""

    stem: str
    cls: str
    fr: str
    en: str
    lines: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)

    def say(self, line: str, *facts: tuple[str, str, str], exact: str = "") -> None:
        """Add a line stating `facts`; `exact` marks the part of the line a @quote object is."""
        self.lines.append(line)
        quote = line.replace(exact, f"[[{exact}]]", 1) if exact else line
        self.facts.extend(Fact(s, p, o, quote if o == "@quote" else line) for s, p, o in facts)


@dataclass
class World:
    """Every entity and document made so far, drawn from one seeded random generator."""

    rng: random.Random
    scale: int
    entities: dict[str, Entity] = field(default_factory=dict)
    docs: list[Doc] = field(default_factory=list)
    summits: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    series: list[tuple[str, int]] = field(default_factory=list)  # (series slug, editions so far)
    known: set[str] = field(default_factory=set)  # membership of `actors` (never iterated: order stays seeded)
    counts: dict[str, int] = field(default_factory=dict)

    def next(self, kind: str) -> int:
        """The next number of a kind of entity (1, 2, ...)."""
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return self.counts[kind]

    def add(self, entity: Entity) -> str:
        """Register an entity (first description wins) and return its slug."""
        self.entities.setdefault(entity.slug, entity)
        return entity.slug

    def doc(self, cls: str, fr: str, en: str) -> Doc:
        """Start a new source document."""
        number = len(self.docs) + 1
        stem = f"{number:05d}_{self.rng.getrandbits(64):016x}"
        document = Doc(stem, cls, f"{fr} ({number})", f"{en} ({number})")
        self.docs.append(document)
        return document


def label(world: World, slug: str, lang: str = "fr") -> str:
    """An entity's label in `lang`."""
    entity = world.entities[slug]
    return entity.fr if lang == "fr" else entity.en


def state(world: World) -> str:
    """A state (among the first `scale`-dependent share of the list), registered when first named."""
    index = world.rng.randrange(min(len(names.STATES), 12 + world.scale * 4))
    slug, fr, en, a2, a3, num = names.STATES[index]
    alt = [(f"République de {fr}", "fr")] if world.rng.random() < 0.1 else []
    return world.add(Entity(slug, "gk:State", fr, en, alt, codes=(a2, a3, num), link=1000 + index))


def company(world: World) -> str:
    """A new company (near-duplicate names are common: stems and suffixes are shared)."""
    number = world.next("company")
    fr, en, aliases = names.company_label(world.rng)
    entity = Entity(f"company-{number}", "gk:Company", fr, en, [(a, "en") for a in aliases])
    entity.link = 5000000 + number if world.rng.random() < 0.2 else 0
    return world.add(entity)


def organisation(world: World) -> str:
    """A new organisation or public body."""
    number = world.next("org")
    fr_t, en_t, cls = world.rng.choice(names.ORG_KINDS)
    adj_fr, adj = world.rng.choice(ADJ)
    _, state_fr, state_en, *_ = world.rng.choice(names.STATES)  # named in the label only: not registered
    fr = fr_t.format(adj_fr=adj_fr, adj=adj, state=state_fr, state_en=state_en)
    en = en_t.format(adj_fr=adj_fr, adj=adj, state=state_fr, state_en=state_en)
    acronym = "".join(w[0] for w in en.split() if w[0].isupper())
    pref = [(f"{fr} ({acronym})", "fr"), (f"{en} ({acronym})", "en")]  # distinct from the labels: see mix/text-*
    entity = Entity(f"org-{number}", f"gk:{cls}", fr, en, [(acronym, "en")], pref=pref)
    return world.add(entity)


def city(world: World) -> str:
    """A city, registered when first named."""
    slug, fr, en = world.rng.choice(names.CITIES)
    return world.add(Entity(slug, "schema:City", fr, en))


def actor(world: World) -> str:
    """A signatory: often a known actor again, else a new company, state or organisation."""
    if world.actors and world.rng.random() < 0.55:
        return world.rng.choice(world.actors)
    roll = world.rng.random()
    slug = company(world) if roll < 0.55 else state(world) if roll < 0.8 else organisation(world)
    if slug not in world.known:
        world.known.add(slug)
        world.actors.append(slug)
    return slug
