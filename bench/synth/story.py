"""What the documents tell: summits in series, instruments signed by many parties, commitments, participation."""

from __future__ import annotations

from synth import names
from synth.world import Doc, Entity, World, actor, city, company, label, state

DATE = '"{}"^^xsd:date'


def unit(world: World, signatories: int, commitments: int) -> Doc:
    """One summit edition and the instrument signed there, as one press release tells it."""
    rng, number = world.rng, world.next("unit")
    summit, year, place = _summit(world)
    doc = world.doc(
        "schema:NewsArticle",
        f"Communiqué sur le {label(world, summit)}",
        f"Press release on the {label(world, summit, 'en')}",
    )
    _tell_summit(world, doc, summit, year, place)
    kind, fr_t, en_t = names.INSTRUMENTS[0] if number == 1 else rng.choice(names.INSTRUMENTS)
    (_, place_fr, place_en), (adj_fr, adj) = rng.choice(names.CITIES), rng.choice(names.ADJECTIVES)
    instrument = world.add(
        Entity(
            f"instrument-{number}",
            f"gk:{kind}",
            fr_t.format(city=place_fr, adj_fr=adj_fr),
            en_t.format(city_en=place_en, adj=adj),
        )
    )
    doc.say(f"Le texte intitulé « {label(world, instrument)} » y a été adopté.", (instrument, "gk:adoptedAt", summit))
    theme, theme_fr = rng.choice(names.THEMES)
    doc.say(f"Ce texte s'inscrit dans le thème « {theme_fr} ».", (instrument, "gk:theme", theme))
    parties = _signatories(world, signatories, first=number == 1)
    _tell_signature(world, doc, instrument, summit, year, parties)
    _tell_commitments(world, doc, instrument, number, commitments, parties)
    return doc


def _summit(world: World) -> tuple[str, int, str]:
    """The next edition of a series (a new series every few editions)."""
    rng = world.rng
    if not world.series or world.series[-1][1] >= 5 or rng.random() < 0.15:
        index = len(world.series) + 1
        fr, en = names.SERIES[(index - 1) % len(names.SERIES)]
        cycle = "" if index <= len(names.SERIES) else f" (cycle {index})"
        world.add(Entity(f"series-{index}", "gk:SummitSeries", f"série « {fr} »{cycle}", f"{en} series{cycle}"))
        world.series.append((f"series-{index}", 0))
    series, editions = world.series[-1]
    world.series[-1] = (series, editions + 1)
    year = 2014 + len(world.series) % 6 + editions + 1
    place = world.entities[city(world)]
    fr, en = names.SERIES[(len(world.series) - 1) % len(names.SERIES)]
    slug = f"summit-{series.removeprefix('series-')}-{editions + 1}"
    world.add(Entity(slug, "gk:Summit", f"{fr} ({place.fr}, {year})", f"{en} ({place.en}, {year})"))
    world.summits.append(slug)
    return slug, year, place.slug


def _date(world: World, year: int) -> str:
    """A day of `year` (ISO)."""
    return f"{year}-{world.rng.randint(1, 12):02d}-{world.rng.randint(1, 28):02d}"


def _tell_summit(world: World, doc: Doc, summit: str, year: int, place: str) -> None:
    """Date, place, series, edition, host and previous edition of a summit."""
    series, edition = world.series[-1]
    day = _date(world, year)
    doc.say(
        f"Le {label(world, summit)} s'est ouvert à {label(world, place)} le {names.french_date(day)}.",
        (summit, "schema:startDate", DATE.format(day)),
        (summit, "schema:location", place),
    )
    doc.say(
        f"Ce sommet est la {edition}{'re' if edition == 1 else 'e'} édition de la {label(world, series)}.",
        (summit, "gk:partOfSeries", series),
        (summit, "gk:editionNumber", str(edition)),
    )
    host = state(world)
    doc.say(f"Le pays hôte, {label(world, host)}, a accueilli les délégations.", (summit, "gk:host", host))
    if edition > 1:
        previous = f"summit-{series.removeprefix('series-')}-{edition - 1}"
        doc.say(f"Il fait suite au {label(world, previous)}.", (summit, "gk:previousEdition", previous))


def _signatories(world: World, count: int, first: bool) -> list[str]:
    """Distinct signatories; the first unit always names company-1 and France (queries rely on them)."""
    chosen = [company(world), world.add(_france(world))] if first else []
    seen, tries = set(chosen), 0
    while len(chosen) < count and tries < count * 20:
        tries += 1
        slug = actor(world)
        if slug not in seen:
            seen.add(slug)
            chosen.append(slug)
    return chosen


def _france(world: World) -> Entity:
    """France, always present."""
    slug, fr, en, a2, a3, num = names.STATES[0]
    return Entity(slug, "gk:State", fr, en, codes=(a2, a3, num), link=1000)


def _tell_signature(world: World, doc: Doc, instrument: str, summit: str, year: int, parties: list[str]) -> None:
    """The signing act and its list of signatories, companies with their country."""
    act, day = world.add(_act(world, instrument)), _date(world, year)
    count = len(parties) + world.rng.randint(0, 3)
    doc.say(
        f"Le texte a été signé le {names.french_date(day)} par {count} parties, dont les suivantes :",
        (act, "gk:endorsedInstrument", instrument),
        (act, "dct:date", DATE.format(day)),
        (act, "gk:partyCount", str(count)),
        (act, "gk:atEvent", summit),
    )
    lines: set[str] = set()
    for party in parties:
        facts = [(act, "gk:signatory", party)]
        line = f"- {label(world, party)}"
        if world.entities[party].cls == "gk:Company" and world.rng.random() < 0.5:
            country = state(world)
            line += f" ({label(world, country)})"
            facts.append((party, "gk:country", country))
        line = _unique(line, lines) + " ;"
        doc.say(line, *facts)


def _unique(line: str, lines: set[str]) -> str:
    """`line`, told apart from an identical earlier one (homonymous parties) by an ordinal."""
    base, ordinal = line, 1
    while line in lines:
        ordinal += 1
        line = f"{base}, {ordinal}e du nom"
    lines.add(line)
    return line


def _act(world: World, instrument: str) -> Entity:
    """The signing act of an instrument."""
    entity = world.entities[instrument]
    return Entity(
        f"signature-{instrument}", "gk:Signature", f"signature du texte « {entity.fr} »", f"signing of the {entity.en}"
    )


def _tell_commitments(world: World, doc: Doc, instrument: str, number: int, count: int, parties: list[str]) -> None:
    """The instrument's commitments, then a few companies' own commitments."""
    wordings = world.rng.sample(names.COMMITMENTS, min(count, len(names.COMMITMENTS)))
    for index, (fr, en) in enumerate(wordings, 1):
        slug = world.add(Entity(f"commitment-{number}-{index}", "gk:Commitment", fr, en))
        doc.say(
            f"Les signataires s'engagent à {fr}.",
            (instrument, "gk:hasCommitment", slug),
            (slug, "gk:statement", "@quote"),
            exact=fr,
        )
    companies = [p for p in parties if world.entities[p].cls == "gk:Company"][:3]
    lines: set[str] = set()
    for offset, party in enumerate(companies, len(wordings) + 1):
        fr, en = world.rng.choice(names.COMMITMENTS)
        who = world.entities[party]
        slug = world.add(
            Entity(f"commitment-{number}-{offset}", "gk:Commitment", f"{fr} ({who.fr})", f"{en} ({who.en})")
        )
        line = _unique(f"{who.fr} s'engage en outre à {fr}", lines) + "."
        doc.say(line, (party, "gk:commitsTo", slug), (slug, "gk:statement", "@quote"), exact=fr)


def filler(world: World) -> Doc:
    """A short dispatch: one actor took part in one summit (fine-grained, to reach the target size)."""
    summit, who = world.rng.choice(world.summits), actor(world)
    doc = world.doc("schema:NewsArticle", "Dépêche sur une participation", "Dispatch on a participation")
    doc.say(
        f"{label(world, who)} a participé aux travaux du {label(world, summit)}.", (who, "gk:participatesIn", summit)
    )
    return doc
