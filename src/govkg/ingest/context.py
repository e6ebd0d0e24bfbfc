"""One document as the rules see it: its text, sentences, names (resolved or new), dates, and the proposal the
rules fill. New entities are minted here, once, with a readable slug and a class guessed from their name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from govkg.ingest import cues
from govkg.ingest.dates import DateMention, find_dates
from govkg.ingest.facts import Fact, Proposal
from govkg.ingest.gazetteer import Entity, Gazetteer, variants
from govkg.ingest.names import APOSTROPHES, fold, mint_slug, strip_article
from govkg.ingest.pipeline import Mention, mentions
from govkg.ingest.titles import descriptions, titles

__all__ = ["Context", "Name", "literal"]

# A new organisation's class from words in its name (first match wins); the rest are gk:Organisation.
_KINDS = [
    (
        re.compile(r"\b(?:ai safety institute|institut\w* (?:pour|de) la securite de l'ia|aisi)\b"),
        "gk:AISafetyInstitute",
    ),
    (re.compile(r"\b(?:reseau|network)\b"), "gk:Network"),
    (re.compile(r"\b(?:ministere|ministry|department|departement)\b"), "gk:Ministry"),
    (re.compile(r"\b(?:institut\w*|agence|agency|autorite|authority|office|commission|conseil national|"
                r"secretariat|centre|center|laborato\w*|universit\w*|government|gouvernement)\b"), "gk:PublicBody"),
    (re.compile(r"\b(?:partenariat|partnership|organisation|organization|alliance|coalition|union)\b"),
     "gk:InternationalOrganisation"),
    (re.compile(r"(?:\b(?:ai|labs?|robotics|systems|software|technolog\w*|analytics|health|inc|ltd|sa|gmbh|corp\w*|"
                r"group|groupe|electronics|solutions|intelligence)\b|&)"), "gk:Company"),
]  # fmt: skip


_GATHERING = re.compile(
    r"(?:sommet|conference|forum|reunion|rencontre|assemblee|congres|summit|meeting|assembly)\s+\w+\s+\w+"
)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[ \t\u00a0]+(?=[«\"“(A-ZÀ-Ý0-9])|\n+")
# A line break inside a sentence (text wrapped at a fixed width): not after a sentence's end, a colon or a blank
# line, and not before a list item.
_SOFT_WRAP = re.compile(r"(?<=[^\n.!?:;»”\"|])\n(?=[^\n\-*•–#\d|])")


# Capitalised common nouns the model takes for names ("l'État", "le Parlement").
GENERIC = {
    "etat", "etats", "gouvernement", "gouvernements", "parlement", "president", "ministre", "sommet", "state",
    "states", "government", "parliament", "newsletter", "conseil", "commission", "union", "ia", "ai",
}  # fmt: skip


@dataclass(frozen=True)
class Name:
    """A resolved name: the entity token (slug) and its family ("actor", "event", "instrument", "place")."""

    slug: str
    family: str
    start: int
    end: int


@dataclass
class Context:
    """A processed document and what the rules have proposed so far."""

    text: str
    lang: str
    number: str
    gazetteer: Gazetteer
    doc: Any
    folded: str = ""
    flat: str = ""
    names: list[Name] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    proposal: Proposal = field(default_factory=Proposal)
    _new: dict[str, tuple[str, int, int, Entity | None]] = field(default_factory=dict)
    unresolved: list[Mention] = field(default_factory=list)  # capitalised names of no known kind (maybe people)
    _sentences: list[tuple[int, int]] | None = None
    own: Name | None = None  # the instrument the document is the text of ("nous … affirmons"), once known

    @classmethod
    def read(cls, text: str, lang: str, number: str, gazetteer: Gazetteer, nlp: Any, year: int | None) -> Context:
        """Run the pipeline over `text` and resolve its names and dates."""
        flat = _SOFT_WRAP.sub(" ", text) if _wrapped(text) else text
        flat = flat.translate(APOSTROPHES)  # same length: offsets still point into `text`
        context = cls(text, lang, number, gazetteer, nlp(flat), fold(flat), flat)
        context.dates = find_dates(text, lang, year or _year(text, lang))  # again below once names are known
        found = []
        for mention in mentions(context.doc, gazetteer):
            name = context.resolve(_without_role(mention))
            if name is not None:
                found.append(name)
            elif mention.label in ("NAME", "PER"):
                context.unresolved.append(mention)
        for start, end, kind in titles(context.doc):
            kind = kind if kind != "organisation" else context.guess_kind(text[start:end], "ORG") or "gk:Organisation"
            if any(
                n.start < end
                and start < n.end
                and context.known(n)
                and not (start <= n.start and n.end <= end and (n.start, n.end) != (start, end))
                for n in found
            ):
                continue  # a name the graph knows, not strictly inside this title, stands
            found = [n for n in found if not (start <= n.start and n.end <= end)]
            found.append(context.mint(text[start:end], kind, start, end))
        for start, end, family in descriptions(context.doc):
            if not any(n.start < end and start < n.end and not (start <= n.start and n.end <= end) for n in found):
                linked = gazetteer.lookup_words(text[start:end], family)
                if linked:
                    found.append(Name(linked[0].slug, family, start, end))
                elif family == "event" and _GATHERING.match(fold(text[start:end])) and context._dated(start, end):
                    found.append(context.mint(text[start:end], "gk:Event", start, end))  # "la conférence … (dates)"
        context.names = sorted(found, key=lambda n: n.start)
        if not (year or _year(text, lang)) and (known := context._event_year()):
            context.dates = find_dates(text, lang, known)
        return context

    def _dated(self, start: int, end: int) -> bool:
        """A full date in the same sentence as [start, end): a described event that is being dated."""
        left = max(self.flat.rfind(". ", 0, start), self.flat.rfind("\n", 0, start))
        right = min(i for i in (self.flat.find(". ", end), self.flat.find("\n", end), len(self.flat)) if i >= 0)
        return any(left < d.start < right and d.datatype == "date" for d in self.dates)

    def _event_year(self) -> int | None:
        """The year of the known events the text names (a report is written the year of what it reports)."""
        years = sorted(y for n in self.names if (y := self.gazetteer.years.get(n.slug)))
        return years[len(years) // 2] if years else None

    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) of each sentence: at a full stop before a capital, and at each remaining line break (list
        items, headings, paragraphs), so a list item is a sentence of its own."""
        if self._sentences is None:  # every rule asks: split once
            spans, start = [], 0
            for cut in _SENTENCE_END.finditer(self.flat):
                spans.append((start, cut.start()))
                start = cut.end()
            spans.append((start, len(self.flat)))
            self._sentences = [(a, b) for a, b in spans if self.flat[a:b].strip()]
        return self._sentences

    def kind_of(self, name: Name) -> str:
        """The class token of a name's entity ("gk:Person", "schema:City"), known or minted; "" if neither."""
        entity = self.gazetteer.entities.get(name.slug)
        if entity is not None:
            return _token(entity.kind)
        return self.proposal.minted.get(name.slug, ("",))[0]

    def known(self, name: Name) -> bool:
        """True for a name the graph already has."""
        entity = self.gazetteer.entities.get(name.slug)
        return entity is not None and entity.known

    def names_in(self, start: int, end: int, family: str | None = None) -> list[Name]:
        """The names inside [start, end), of one family if given."""
        return [n for n in self.names if start <= n.start and n.end <= end and (family is None or n.family == family)]

    def dateline(self) -> DateMention | None:
        """The document's own date: the first full date in its first lines."""
        head = self.text[:300]
        return next((d for d in self.dates if d.end <= len(head) and d.datatype == "date"), None)

    def resolve(self, mention: Mention) -> Name | None:
        """The name's entity: the gazetteer's, or a new one minted from the name as written."""
        if mention.entity is not None:
            return self._known(mention.entity, mention.start, mention.end, mention.text)
        kind = self.guess_kind(mention.text, mention.label)
        if kind is None:
            return None
        return self.mint(strip_article(mention.text), kind, mention.start, mention.end)

    def _known(self, entity: Entity, start: int, end: int, written: str) -> Name:
        if not entity.known and entity.slug not in self.proposal.minted:
            self.proposal.minted[entity.slug] = (_token(entity.kind), written)
            self._new[entity.slug] = (_token(entity.kind), start, end, entity)
        return Name(entity.slug, entity.family, start, end)

    def mint(self, name: str, kind: str, start: int, end: int) -> Name:
        """A new entity for `name` (once per document), typed and labelled in the document's language."""
        known = self.gazetteer.lookup(name) or self.gazetteer.lookup_prefix(name)
        if known:
            return self._known(known[0], start, end, name)
        slug = self._same_as_minted(name, kind) or mint_slug(name)
        if slug not in self.proposal.minted:
            self.proposal.minted[slug] = (kind, name)
            self._new[slug] = (kind, start, end, None)
        return Name(slug, _family(kind), start, end)

    def _same_as_minted(self, name: str, kind: str) -> str | None:
        """The slug this document already minted for another way of writing `name` (case, IA ↔ intelligence
        artificielle, an edition qualifier), so one text does not make two entities of one."""
        forms = {fold(v) for v in variants(name)}
        for slug, (other_kind, other) in self.proposal.minted.items():
            if other_kind == kind and forms & {fold(v) for v in variants(other)}:
                return slug
        return None

    def describe_new(self) -> None:
        """Typing and label rows for each new entity a proposed fact uses (the others are dropped)."""
        used = {t for f in self.proposal.facts for t in (f.subject, f.obj)}
        for slug, (kind, start, end, entity) in self._new.items():
            if slug in used:
                self._describe(slug, kind, start, end, entity)
        self.proposal.minted = {s: v for s, v in self.proposal.minted.items() if s in used}

    def _describe(self, slug: str, kind: str, start: int, end: int, entity: Entity | None) -> None:
        """Typing and label rows for a new entity (ISO codes for a state pycountry knows)."""
        add = self.proposal.add
        add(Fact(slug, "a", kind, start, end, 0.6, "new entity"))
        written = strip_article(self.text[start:end]).replace("\n", " ")
        for lang in ("fr", "en"):  # a proper name reads the same in both until an editor says otherwise
            label = (entity.labels.get(lang) if entity else None) or written
            add(Fact(slug, "rdfs:label", literal(label, lang), start, end, 0.6, "new entity"))
        if entity is not None and entity.alpha2:
            add(Fact(slug, "gk:iso3166Alpha2", f'"{entity.alpha2}"', start, end, 0.9, "ISO 3166-1 (pycountry)"))
            alpha3 = _alpha3(entity.alpha2)
            add(Fact(slug, "gk:iso3166Alpha3", f'"{alpha3}"', start, end, 0.9, "ISO 3166-1 (pycountry)"))

    def guess_kind(self, written: str, label: str) -> str | None:
        """The class of a name the gazetteer lacks, from the NER label and words in the name."""
        folded = fold(written)
        if fold(strip_article(written)) in GENERIC:
            return None
        heads = [fold(w) for w in re.findall(r"[\w-]+", written) if w[:1].isupper()]
        if any(cues.INSTRUMENT_HEAD.fullmatch(w) for w in heads) or cues.INSTRUMENT_HEAD.match(
            fold(strip_article(written))
        ):
            return "gk:Instrument"
        if cues.EVENT_HEAD.search(folded) and label in ("MISC", "ORG", "NAME"):
            return "gk:Event"
        if label == "PER":
            return "gk:Person"
        if label in ("ORG", "NAME", "MISC"):
            return next(
                (kind for pattern, kind in _KINDS if pattern.search(folded)),
                "gk:Organisation" if label == "ORG" else None,
            )
        return "schema:City" if label == "LOC" and len(written.split()) <= 3 else None


def _wrapped(text: str) -> bool:
    """A text broken into lines of a fixed width (most lines 50-100 characters, most not ending a sentence), as
    opposed to one paragraph or heading per line (HTML through trafilatura, most web text)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 5:
        return False
    sized = sum(50 <= len(line) <= 100 for line in lines)
    open_ended = sum(line.rstrip()[-1:] not in '.!?:;»”"' for line in lines)
    return sized >= 0.6 * len(lines) and open_ended >= 0.5 * len(lines)


def _without_role(mention: Mention) -> Mention:
    """ "Premier ministre britannique Rishi Sunak" as the model tags it → the person "Rishi Sunak"."""
    if mention.entity is not None or not (role := cues.ROLE_HEAD.match(fold(mention.text))):
        return mention
    rest = re.match(r"(?:\s+[a-zà-ÿ'’-]+)*\s+(?=[A-ZÀ-Ý])", mention.text[role.end() :])
    if rest is None:
        return mention
    start = mention.start + role.end() + rest.end()
    return Mention(start, mention.end, mention.text[role.end() + rest.end() :], None, "PER")


def literal(text: str, lang: str) -> str:
    """An annotation token for a language-tagged literal (on one line, without tabs)."""
    plain = " ".join(text.replace("\\n", " ").split())
    return '"' + plain.replace('"', '\\"') + f'"@{lang}'


def _family(kind: str) -> str:
    return {"gk:Person": "actor", "gk:Instrument": "instrument", "gk:Event": "event", "schema:City": "place",
            "schema:Place": "place"}.get(kind, "actor")  # fmt: skip


def _local(iri: Any) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def _token(kind: Any) -> str:
    """A class IRI as an annotation token (gk:State, schema:City)."""
    local = _local(kind)
    return f"schema:{local}" if str(kind).startswith("https://schema.org/") else f"gk:{local}"


def _alpha3(alpha2: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=alpha2)
    return str(country.alpha_3) if country else ""


def _year(text: str, lang: str) -> int | None:
    """The year the document is written in, for dates given without one: its first full date's year."""
    full = [d for d in find_dates(text, lang) if not d.year_inferred and d.datatype != "gYear"]
    return int(full[0].value[:4]) if full else None  # a bare year ("en 2025") may be a plan, not the date of writing
