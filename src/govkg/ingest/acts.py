"""Endorsement acts as one document tells them: who signs, adopts, endorses or joins an instrument (with date,
event, number of parties and whether the list is complete), who explicitly does not, and who withdraws. Each
document's telling is its own account (gk:accountOf the act), so accounts from different sources never merge."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from govkg.ingest import cues
from govkg.ingest.context import Context, Name, literal
from govkg.ingest.facts import Fact
from govkg.ingest.names import BULLET, fold

__all__ = ["endorsements"]

_CLAUSE = re.compile(r";|\s(?:tandis que|alors que|mais|whereas|while|but)\s|,\s(?=(?:qui|que|which|who)\s)")
_PREAMBLE = re.compile(r"\W*(?:nous|we)\b,?[^.;]{0,120}?\b(?:representant|representing|au nom de|on behalf of)\b")
_SELF = re.compile(r"(?:la presente|this|the present) (declaration|charte|code)")
_HOSTED_BY = re.compile(
    r"(?:hosted|organi[sz]ed|chaired|convened|presided|accueilli\w*|organise\w*|preside\w*)\s+(?:by|par)\s+(?:\w+\s+)?$"
)
_ANAPHOR = re.compile(
    r"\s*(?:de |du |from |of )?(?:la |le |l'|the |ce |cette |this )(?:\w+ )?"
    r"(?:texte|text|convention|declaration|charte|charter|code|accord|pacte|pact|traite|treaty)\b"
)
_REFUSAL = re.compile(r"absten|abstien|abstain|refus|declin|ne se sont pas rallie|did not join|ne figur")
_KIND_LABEL = {"gk:Signature": ("signature", "signing"), "gk:Adoption": ("adoption", "adoption"),
               "gk:Endorsement": ("approbation", "endorsement")}  # fmt: skip


@dataclass
class _Account:
    slug: str
    kind: str
    party: str
    instrument: Name
    parties: set[str] = field(default_factory=set)


def endorsements(context: Context) -> None:
    """Propose the endorsement accounts, parties, non-parties and withdrawals the document states."""
    accounts: dict[str, _Account] = {}
    current: Name | None = None  # the instrument the text is about so far ("le texte", "the code")
    sentences = context.sentences()
    for index, (start, end) in enumerate(sentences):
        named = context.names_in(start, end, "instrument")
        folded = context.folded[start:end]
        kind = next((k for k in cues.ACT_KINDS if k[1].search(folded)), None)
        if (named or current) and (kind or (accounts and _REFUSAL.search(folded))):
            items = _items(context, sentences, index) if folded.rstrip().endswith(":") else []
            _sentence(context, accounts, kind, (start, end), items, current)
        _withdrawals(context, start, end, current)
        if named and (
            kind or current is None
        ):  # an instrument named in passing ("sur le modèle de …") is not the topic
            current = named[0]
    _preambles(context, accounts)
    for account in accounts.values():
        _negation_wins(context, account)
        _drop_if_empty(context, account)


def _negation_wins(context: Context, account: _Account) -> None:
    """A party the account also says did not take part is not a party: the explicit denial stands (a table or a
    heading that named it among others is the weaker evidence)."""
    facts = context.proposal.facts
    refused = {f.obj for f in facts if f.subject == account.slug and f.predicate == "gk:nonEndorser"}
    parties = {"gk:signatory", "gk:adopter", "gk:endorser"}
    context.proposal.facts = [
        f for f in facts if not (f.subject == account.slug and f.predicate in parties and f.obj in refused)
    ]


def _preambles(context: Context, accounts: dict[str, _Account]) -> None:
    """ "Nous, dirigeants … représentant A, B et C, réunis le … au sommet …, affirmons": the parties that adopt the
    text itself, a declaration known by the event it was adopted at when the text does not name itself."""
    for start, end in context.sentences():
        cue = _PREAMBLE.match(context.folded, start, end)
        if cue is None:
            continue
        instrument = _own_instrument(context, start, end)
        if instrument is None:
            continue
        context.own = context.own or instrument
        account = _account(context, accounts, instrument, cues.ACT_KINDS[1])
        for name in _parties(context, cue.end(), end):
            context.proposal.add(Fact(account.slug, account.party, name.slug, name.start, name.end, 0.7, "preamble"))
        _when_where(context, account, start, end)


def _own_instrument(context: Context, start: int, end: int) -> Name | None:
    """The instrument a preamble opens: named in it or in the title, else the one adopted at its event."""
    named = context.names_in(start, end, "instrument") or context.names_in(0, context.sentences()[0][1], "instrument")
    if named:
        return named[0]
    itself = _SELF.search(context.folded)
    if itself is None:
        return None
    gazetteer, places = context.gazetteer, context.names_in(start, end, "place")
    events = {e.slug: e for e in context.names_in(start, end, "event")}
    events.update({e: p for p in places for e in gazetteer.held_in.get(p.slug, ())})
    adopted = {(i, n) for e, n in events.items() for i in gazetteer.adopted_at.get(e, ())}
    kind = fold(itself[1])
    fitting = sorted(
        (i, n) for i, n in adopted if i in gazetteer.entities and _kind_word(gazetteer.entities[i].kind) == kind
    )
    if len({i for i, _ in fitting}) == 1:
        return Name(fitting[0][0], "instrument", fitting[0][1].start, fitting[0][1].end)
    return None


def _kind_word(kind: object) -> str:
    """The head word a text uses for an instrument of this class (gk:Declaration → "declaration")."""
    return {"Declaration": "declaration", "Charter": "charte", "CodeOfConduct": "code"}.get(
        str(kind).rsplit("#", 1)[-1], ""
    )


def _drop_if_empty(context: Context, account: _Account) -> None:
    """An account that names no party (nor who did not take part, nor how many) says nothing: drop it."""
    facts = context.proposal.facts
    told = {f.predicate for f in facts if f.subject == account.slug}
    if told & {account.party, "gk:nonEndorser", "gk:partyCount", "gk:signatory", "gk:adopter", "gk:endorser"}:
        return
    act = next((f.obj for f in facts if f.subject == account.slug and f.predicate == "gk:accountOf"), None)
    others = {f.subject for f in facts if f.predicate == "gk:accountOf" and f.obj == act} - {account.slug}
    gone = {account.slug} | ({act} if act and not others else set())
    context.proposal.facts = [f for f in facts if f.subject not in gone and f.obj not in gone]


def _account(context: Context, accounts: dict[str, _Account], instrument: Name, kind: tuple | None) -> _Account:
    """This document's account of the act on `instrument` (made on first mention)."""
    if instrument.slug in accounts:
        return accounts[instrument.slug]
    _, _, cls, party = kind or cues.ACT_KINDS[2]
    name = cls.split(":")[1].lower()
    act = context.gazetteer.acts.get(instrument.slug) or f"{name}-{instrument.slug}"
    account = _Account(f"{act}-{context.number}", cls, party, instrument)
    accounts[instrument.slug] = account
    add, i = context.proposal.add, instrument
    title = context.text[i.start : i.end]
    french, english = _KIND_LABEL[cls]
    title = " ".join(title.split())
    labels = {"fr": f"{french} : {title}", "en": f"{english}: {title}"}
    for slug, role in ((account.slug, "account"), (act, "act")):
        if role == "act" and act in context.gazetteer.acts.values():
            continue
        add(Fact(slug, "a", cls, i.start, i.end, 0.7, f"endorsement {role}"))
        suffix = {"fr": f" (récit {context.number})", "en": f" (account {context.number})"} if role == "account" else {}
        for lang, label in labels.items():
            add(
                Fact(
                    slug,
                    "rdfs:label",
                    literal(label + suffix.get(lang, ""), lang),
                    i.start,
                    i.end,
                    0.7,
                    f"endorsement {role}",
                )
            )
    add(Fact(account.slug, "gk:accountOf", act, i.start, i.end, 0.7, "one account per source"))
    add(Fact(account.slug, "gk:endorsedInstrument", i.slug, i.start, i.end, 0.8, "endorsed instrument"))
    return account


def _sentence(
    context: Context, accounts: dict[str, _Account], kind: tuple | None, span: tuple[int, int],
    items: list[tuple[int, int]], current: Name | None,
) -> None:  # fmt: skip
    """Parties, non-parties, count, completeness, date and event from one sentence (and the list it opens)."""
    add, (start, end), main = context.proposal.add, span, None
    for c_start, c_end, negated in _clauses(context, start, end):
        instrument = _instrument_of(context, c_start, c_end, current)
        if instrument is None or not _about_the_act(context.folded[c_start:c_end]):
            continue
        account = _account(context, accounts, instrument, kind)
        main = main or account
        nominal = cues.NOMINAL_ACT.search(context.folded, c_start, c_end)
        for name in _parties(context, nominal.start() if nominal else c_start, c_end):
            if _HOSTED_BY.search(context.folded[max(c_start, name.start - 30) : name.start]):
                continue  # "hosted by Iceland": the host, not a party
            predicate = "gk:nonEndorser" if negated else account.party
            add(
                Fact(account.slug, predicate, name.slug, name.start, name.end, 0.75, "negation" if negated else "party")
            )
    if main is None:
        return
    for i_start, i_end in items:
        for name in _item_parties(context, i_start, i_end)[:1]:
            add(Fact(main.slug, main.party, name.slug, name.start, name.end, 0.8, "listed party"))
    _counted(context, main, start, end, bool(items))


def _instrument_of(context: Context, start: int, end: int, current: Name | None) -> Name | None:
    """The instrument a clause is about: the first it names before any withdrawal, else the one in discussion."""
    withdraw = cues.WITHDRAW.search(context.folded, start, end)
    nominal = cues.NOMINAL_ACT.search(context.folded, start, end)
    named = context.names_in(nominal.end() if nominal else start, withdraw.start() if withdraw else end, "instrument")
    return named[0] if named else current


def _counted(context: Context, account: _Account, start: int, end: int, listed: bool) -> None:
    """How many parties, whether the list is complete, when and where, for the sentence's main account."""
    if listed or _parties(context, start, end):
        _completeness(context, account, start, end)
    if (count := cues.COUNT.search(context.folded, start, end)) and (n := cues.number(count[1])) and n > 1:
        context.proposal.add(
            Fact(account.slug, "gk:partyCount", str(n), count.start(), count.end(), 0.7, "party count")
        )
    _when_where(context, account, start, end)


def _about_the_act(clause: str) -> bool:
    """A clause that signs, adopts, endorses or refuses: the others name people or places, not parties."""
    return any(kind[1].search(clause) for kind in cues.ACT_KINDS) or bool(_REFUSAL.search(clause))


def _clauses(context: Context, start: int, end: int) -> list[tuple[int, int, bool]]:
    """The sentence's clauses, each with whether it denies the act (a relative clause speaks of the name before)."""
    cuts = [start, *(m.start() for m in _CLAUSE.finditer(context.folded, start, end)), end]
    out: list[tuple[int, int, bool]] = []
    for a, b in itertools.pairwise(cuts):
        negated = bool(cues.NEGATION.search(context.folded, a, b))
        if out and re.match(r",\s(?:qui|which|who)\s", context.folded[a : a + 8]) and negated:
            prev_a, prev_b, _ = out[-1]
            last = context.names_in(prev_a, prev_b, "actor")[-1:]
            out[-1] = (prev_a, last[0].start if last else prev_b, out[-1][2])
            out.append((last[0].start if last else a, b, negated))
            continue
        out.append((a, b, negated))
    return out


def _parties(context: Context, start: int, end: int) -> list[Name]:
    """Actors named in [start, end) that can be parties: not people, not in parentheses after another name."""
    names = context.names_in(start, end, "actor")
    return [n for n in names if context.kind_of(n) != "gk:Person" and not _parenthesised(context, n)]


def _item_parties(context: Context, start: int, end: int) -> list[Name]:
    """The party a list item names: a known name in it, else the item's text as a new organisation."""
    found = _parties(context, start, end)
    if found:
        return found
    bullet = BULLET.match(context.text, start)
    first = bullet.end() if bullet else start
    head = re.split(r"\s[(/]|[;,:(]", context.text[first:end], maxsplit=1)[0].strip()
    if not head or len(head.split()) > 6:
        return []
    kind = context.guess_kind(head, "NAME") or "gk:Organisation"
    return [context.mint(head, kind, first, first + len(head))]


def _parenthesised(context: Context, name: Name) -> bool:
    """A name in parentheses right after another ("Zhipu.ai (Chine)"): that one's country, not a party."""
    before = context.text[max(0, name.start - 2) : name.start]
    return before.endswith("(") or before.endswith("( ")


def _completeness(context: Context, account: _Account, start: int, end: int) -> None:
    """Whether the list in this sentence names every party ("les 14 signataires sont") or some ("dont")."""
    for pattern, value in ((cues.PARTIAL, "false"), (cues.COMPLETE, "true")):
        if cue := pattern.search(context.folded, start, end):
            context.proposal.add(
                Fact(account.slug, "gk:partyListComplete", value, cue.start(), cue.end(), 0.6, "list completeness")
            )
            return


def _when_where(context: Context, account: _Account, start: int, end: int) -> None:
    """The act's date (written in the sentence, or the dateline for "ce mardi") and event."""
    add = context.proposal.add
    dates = [d for d in context.dates if start <= d.start < end and d.datatype == "date"]
    if not dates and cues.RELATIVE_DAY.search(context.folded, start, end) and (line := context.dateline()):
        dates = [line]
    for date in dates[:1]:
        add(Fact(account.slug, "dct:date", f'"{date.value}"^^xsd:date', date.start, date.end, 0.6, "act date"))
    for event in context.names_in(start, end, "event")[:1]:
        add(Fact(account.slug, "gk:atEvent", event.slug, event.start, event.end, 0.6, "act event"))


def _withdrawals(context: Context, start: int, end: int, current: Name | None) -> None:
    """ "X annonce son retrait de Y", "X withdrew from Y": a first-class negative fact, never an endorsement."""
    for cue in cues.WITHDRAW.finditer(context.folded, start, end):
        actors = _parties(context, start, cue.start())[-1:]
        after = context.folded[cue.end() : cue.end() + 40]
        named = [n for n in context.names_in(cue.end(), end, "instrument") if n.start - cue.end() < 40][:1]
        instruments = named or ([current] if current and _ANAPHOR.match(after) else [])
        for actor in actors:
            for instrument in instruments:
                context.proposal.add(
                    Fact(actor.slug, "gk:withdrawsFrom", instrument.slug, actor.start, actor.end, 0.7, "withdrawal")
                )


def _items(context: Context, sentences: list[tuple[int, int]], index: int) -> list[tuple[int, int]]:
    """The list items (bulleted lines) right after sentence `index`, which ends with ':'."""
    items = []
    for start, end in sentences[index + 1 :]:
        if not BULLET.match(context.text, start):
            break
        items.append((start, end))
    return items
