"""The other relations a document states: memberships of organisations and networks, people's roles (apposition
either side of the name), hosts and co-organisers of events, where and when events take place, commitments listed
after "s'engagent à :" / "commit to:", and a company's country in parentheses."""

from __future__ import annotations

import re

from govkg.ingest import cues
from govkg.ingest.acts import _items, _parties
from govkg.ingest.context import Context, Name, literal
from govkg.ingest.demonyms import masculine
from govkg.ingest.facts import Fact
from govkg.ingest.names import BULLET, fold, mint_slug

__all__ = ["commitments", "countries", "dateline", "events", "memberships", "roles"]

_ORGS = ("Network", "InternationalOrganisation", "IntergovernmentalForum", "Organisation", "Partnership")
_HELD = cues._words(r"se tien\w*", r"tiendra", r"tenu\w*", r"deroul\w*", r"held", r"takes? place", r"took place",
                    r"reuni\w*", r"rassembl\w*", r"convened", r"gathered", r"brought together",
                    r"ouverture", r"s'ouvr\w*", r"opening", r"opens", r"opened",
                    r"aura lieu", r"a eu lieu", r"accueill\w*", r"hosted", r"organis\w*", r"organiz\w*")  # fmt: skip
_MINISTRY = re.compile(
    r"(?:vice-|premier |première )?ministre(?:\s+(?P<demonym>[a-zà-ÿ-]+))?\s+"
    r"(?P<portfolio>(?:des?|du|d'|d’)\s*[A-ZÀ-Ý][\w’'-]*(?:\s+(?:et|de|des|du|la|le|l'|l’|d'|d’)\s*[A-ZÀ-Ý]?[\w’'-]*)*)"
)
_EVENT_ANAPHOR = re.compile(
    r"\b(?:le|la|the|this|ce|cette)\s+(?:[\w-]+\s+)?(?:sommet|forum|conference|rencontre|reunion|summit|"
    r"meeting|council|gathering)\b(?!\s+(?:de|d'|du|des|sur|pour|on|of|for)\b)"
)
_POSSESSIVE = re.compile(r"['’]s(?:\s+[a-z]+){0,2}\s*$")
_AT = re.compile(r"(?:^|\s)(?:a|au|en|in|at)\s+$")


def memberships(context: Context) -> None:
    """Founding members and members joining an organisation or network: org:memberOf."""
    sentences = context.sentences()
    for index, (start, end) in enumerate(sentences):
        folded = context.folded[start:end]
        if not cues.MEMBER.search(folded) or cues.OBSERVER.search(folded) or cues.NEGATION.search(folded):
            continue
        org = _organisation(context, start, end) or _organisation(context, 0, start, last=True)
        if org is None:
            continue
        items = _items(context, sentences, index) if opens_list(context.text[start:end]) else []
        members = [n for n in _parties(context, start, end) if n.slug != org.slug and n.start > org.end]
        members += [n for a, b in items for n in _parties(context, a, b)[:1] if n.slug != org.slug]
        for member in members:
            context.proposal.add(
                Fact(member.slug, "org:memberOf", org.slug, member.start, member.end, 0.6, "membership")
            )


def opens_list(line: str) -> bool:
    """A line that introduces a list: ends with ':' or is a heading ("## Membres fondateurs")."""
    stripped = line.strip()
    return stripped.endswith(":") or stripped.startswith("#") or (len(stripped) < 60 and stripped[-1:] not in '.!?»”"')


def _organisation(context: Context, start: int, end: int, last: bool = False) -> Name | None:
    """The organisation or network a membership sentence is about (the last one named before, with `last`)."""
    names = context.names_in(start, end, "actor")
    for name in reversed(names) if last else names:
        entity = context.gazetteer.entities.get(name.slug)
        kind = str(entity.kind) if entity else context.proposal.minted.get(name.slug, ("",))[0]
        if kind.endswith(_ORGS):
            return name
    return None


def roles(context: Context) -> None:
    """ "Wu Zhaohui, vice-ministre chinois des Sciences" and "le Premier ministre britannique Rishi Sunak"."""
    people = [n for n in context.names if context.kind_of(n) == "gk:Person"]
    people += [Name(mint_slug(m.text), "actor", m.start, m.end) for m in context.unresolved]
    for person in sorted(people, key=lambda n: n.start):
        phrase = _after(context, person) or _before(context, person)
        if phrase is None:
            continue
        if person.slug not in context.proposal.minted and context.kind_of(person) != "gk:Person":
            person = context.mint(context.text[person.start : person.end], "gk:Person", person.start, person.end)
        p_start, p_end, head = phrase
        org = _role_organisation(context, p_start, p_end)
        if org is None:
            continue
        known = [e.slug for e in context.gazetteer.lookup(head) if e.family == "role"]
        role = known[0] if known else "role-" + mint_slug(head)
        membership = f"membership-{person.slug}-{role[5:]}"
        add = context.proposal.add
        described = _described(context, membership)
        for lang in () if described else ("fr", "en"):
            add(
                Fact(
                    membership,
                    "rdfs:label",
                    literal(f"{context.text[person.start : person.end]}, {head}", lang),
                    p_start,
                    p_end,
                    0.6,
                    "role",
                )
            )
        if not described:
            add(Fact(membership, "a", "org:Membership", p_start, p_end, 0.6, "role"))
        add(Fact(membership, "org:member", person.slug, person.start, person.end, 0.7, "role"))
        add(Fact(membership, "org:role", role, p_start, p_start + len(head), 0.6, "role"))
        for event in context.names_in(*_sentence_of(context, person), "event")[:1]:  # when the role is attested
            add(Fact(membership, "gk:attestedDuring", event.slug, event.start, event.end, 0.5, "role"))
        add(Fact(membership, "org:organization", org[0], org[1], org[2], 0.6, "role"))
        if not _described(context, role):
            add(Fact(role, "a", "org:Role", p_start, p_start + len(head), 0.6, "role"))
            for lang in ("fr", "en"):
                add(Fact(role, "rdfs:label", literal(head, lang), p_start, p_start + len(head), 0.6, "role"))


def _described(context: Context, slug: str) -> bool:
    """Typed and labelled already: in the graph, or earlier in this document (one label per language)."""
    return slug in context.gazetteer.described or any(
        f.subject == slug and f.predicate == "a" for f in context.proposal.facts
    )


def _sentence_of(context: Context, name: Name) -> tuple[int, int]:
    """The sentence a name is in."""
    return next(((a, b) for a, b in context.sentences() if a <= name.start < b), (name.start, name.end))


def _after(context: Context, person: Name) -> tuple[int, int, str] | None:
    """ ", <role phrase>," right after the name."""
    match = re.match(r",\s+(?:the |le |la |l')?([^,;.\n]{3,120})", context.text[person.end : person.end + 140])
    if not match or not (head := cues.ROLE_HEAD.match(fold(match[1]))):
        return None
    start = person.end + match.start(1)
    return start, person.end + match.end(1), context.text[start : start + head.end()]


def _before(context: Context, person: Name) -> tuple[int, int, str] | None:
    """ "<role phrase> <name>" (optionally with a comma) just before the name."""
    window = context.folded[max(0, person.start - 90) : person.start]
    for head in cues.ROLE_HEAD.finditer(window):
        start = person.start - len(window) + head.start()
        between = context.text[start : person.start]
        if len(between.split()) <= 6 and "." not in between:
            return start, person.start, context.text[start : start + head.end() - head.start()]
    return None


def _role_organisation(context: Context, start: int, end: int) -> tuple[str, int, int] | None:
    """The organisation in a role phrase: its ministry ("vice-ministre chinois des Sciences" → the "ministère chinois
    des Sciences"), a name in it, else the state its demonym names."""
    if ministry := _MINISTRY.match(context.text, start, end):
        demonym = masculine(ministry["demonym"] or "")
        title = f"ministère {demonym} {ministry['portfolio']}".replace("  ", " ")
        found = context.mint(title, "gk:Ministry", ministry.start("portfolio"), ministry.end())
        state = context.gazetteer.demonym(ministry["demonym"] or "")
        if state is not None and state.known:
            d_start, d_end = ministry.span("demonym")
            context.proposal.add(Fact(found.slug, "org:subOrganizationOf", state.slug, d_start, d_end, 0.6, "ministry"))
        return found.slug, ministry.start("portfolio"), ministry.end()
    for name in context.names_in(max(0, start - 30), end, "actor"):
        possessive = name.end <= start and bool(_POSSESSIVE.match(context.text[name.end : start]))  # "Chile's minister"
        if context.kind_of(name) != "gk:Person" and (start <= name.start or possessive):
            return name.slug, name.start, name.end
    for word in re.finditer(r"[\w'-]+", context.text[start:end]):
        if (state := context.gazetteer.demonym(word[0])) is not None:
            minted = (
                context.mint(
                    state.labels.get(context.lang, word[0]), "gk:State", start + word.start(), start + word.end()
                )
                if not state.known
                else None
            )
            return (minted.slug if minted else state.slug), start + word.start(), start + word.end()
    return None


def events(context: Context) -> None:
    """Hosts and co-organisers of events, where they are held and when."""
    current: Name | None = None
    for start, end in context.sentences():
        found = context.names_in(start, end, "event")
        current = found[0] if found else current
        if current is None:
            continue
        _hosts(context, current, start, end)
        mentioned = found[0] if found else (current if _EVENT_ANAPHOR.search(context.folded, start, end) else None)
        if mentioned is not None and _HELD.search(context.folded, start, end):
            _place_and_dates(context, mentioned, start, end)


def _hosts(context: Context, event: Name, start: int, end: int) -> None:
    for pattern, predicate in ((cues.CHAIR, "gk:coOrganiser"), (cues.HOST, "gk:host")):
        for cue in pattern.finditer(context.folded, start, end):
            after = context.folded[cue.end() : cue.end() + 5].startswith((" par", " by"))
            window = (
                (cue.end(), end)
                if after or cue[0].endswith((" par", " by"))
                else (max(start, cue.start() - 60), cue.start())
            )
            for name in _parties(context, *window):
                if name.slug != event.slug:
                    context.proposal.add(Fact(event.slug, predicate, name.slug, name.start, name.end, 0.6, "host"))
            if predicate == "gk:coOrganiser" and _parties(context, *window):
                return


def _place_and_dates(context: Context, event: Name, start: int, end: int) -> None:
    add = context.proposal.add
    for place in context.names_in(event.end, end, "place") + context.names_in(event.end, end, "actor"):
        if _AT.search(context.folded[max(start, place.start - 6) : place.start]) and context.kind_of(place) in (
            "gk:State",
            "schema:City",
            "schema:Place",
            "",
        ):
            add(Fact(event.slug, "schema:location", place.slug, place.start, place.end, 0.6, "event place"))
            break
    after = [d for d in context.dates if event.end <= d.start < end]
    year = context.gazetteer.years.get(event.slug)
    after = [d for d in after if year is None or int(d.value[:4]) == year]  # another edition, not this event
    for date in sorted(after, key=lambda d: d.end_value is None)[:1]:
        add(
            Fact(
                event.slug,
                "schema:startDate",
                _literal(date.value, date.datatype),
                date.start,
                date.end,
                0.6,
                "event dates",
            )
        )
        if date.end_value:
            add(
                Fact(
                    event.slug,
                    "schema:endDate",
                    _literal(date.end_value, "date"),
                    date.start,
                    date.end,
                    0.6,
                    "event dates",
                )
            )


def _literal(value: str, datatype: str) -> str:
    return f'"{value}"^^xsd:{datatype}'


def commitments(context: Context) -> None:
    """Commitments listed after "s'engagent à :" / "commit to:", each with its own words."""
    sentences = context.sentences()
    current: Name | None = None
    for index, (start, end) in enumerate(sentences):
        instruments = context.names_in(start, end, "instrument")
        current = instruments[0] if instruments else current
        folded = context.folded[start:end].rstrip()
        if current is None or not folded.endswith(":") or not cues.COMMIT.search(folded):
            continue
        for number, (i_start, i_end) in enumerate(_items(context, sentences, index), 1):
            bullet = BULLET.match(context.text, i_start)
            first = bullet.end() if bullet else i_start
            words = context.text[first:i_end].rstrip(" ;.,")
            slug = "commitment-" + "-".join(mint_slug(words).split("-")[:7])
            add, last = context.proposal.add, first + len(words)
            add(Fact(current.slug, "gk:hasCommitment", slug, first, last, 0.6, "commitment"))
            add(Fact(slug, "gk:statement", "@quote", first, last, 0.6, "commitment"))
            if slug in context.gazetteer.described:
                continue
            add(Fact(slug, "a", "gk:Commitment", first, last, 0.6, "commitment"))
            add(Fact(slug, "rdfs:label", literal(words, context.lang), first, last, 0.6, "commitment"))
            other, title = ("en", "commitment") if context.lang == "fr" else ("fr", "engagement")
            named = " ".join(context.text[current.start : current.end].split())
            add(Fact(slug, "rdfs:label", literal(f"{title} {number} — {named}", other), first, last, 0.6, "commitment"))


def countries(context: Context) -> None:
    """ "Zhipu.ai (Chine)": the organisation's country."""
    for name in context.names:
        match = re.match(r"\s*\(", context.text[name.end : name.end + 3])
        if not match or name.family != "actor":
            continue
        inside = [n for n in context.names_in(name.end, name.end + 60, "actor") if context.kind_of(n) == "gk:State"][:1]
        for state in inside:
            if context.text[name.end : state.start].strip() == "(" and context.kind_of(name) != "gk:State":
                context.proposal.add(Fact(name.slug, "gk:country", state.slug, state.start, state.end, 0.7, "country"))


# "Paris, 12.02.25", "Lisbonne, 14 octobre 2025 –", "COPENHAGEN, 12 June 2025 —", "*Lagos, 28 January 2026*"
_DATELINE = re.compile(r"(?:^|[\n(*_])\s*[A-ZÀ-Ý][\w’'. -]{1,40},\s*$")


def dateline(context: Context) -> None:
    """The document's date: a full date after "Place," at the head of the text (its dateline)."""
    head = context.sentences()[:3]
    limit = head[-1][1] if head else 0
    for date in context.dates:
        if (
            date.start < limit
            and date.datatype == "date"
            and _DATELINE.search(context.text[max(0, date.start - 45) : date.start])
        ):
            context.proposal.add(
                Fact("@doc", "dct:issued", _literal(date.value, "date"), date.start, date.end, 0.7, "dateline")
            )
            return
