"""Titles of instruments and events the gazetteer does not know ("Convention de Lisbonne sur la transparence
algorithmique", "Copenhagen Code of Conduct on AI Agents"): a capitalised head word (Convention, Code, Forum,
Summit, ...) grown over capitalised words and the prepositions that join a title, as both languages write them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from govkg.ingest import cues
from govkg.ingest.names import fold

__all__ = ["descriptions", "titles"]

JOINERS = {"de", "du", "des", "d'", "sur", "pour", "en", "la", "le", "l'", "les", "of", "on", "for", "the", "and",
           "et", "a", "au", "aux", "in", "to", "-", "&"}  # fmt: skip
LICENSERS = {
    "sur",
    "pour",
    "en",
    "on",
    "for",
    "in",
    "de",
    "des",
    "du",
    "d'",
    "la",
    "l'",
    "of",
}  # after these, lower-case words
STOPS = {"a", "est", "sont", "qui", "que", "dont", "par", "signed", "was", "is", "has", "have", "were", "sera", "ont",
         "by", "avec", "with", "ce", "cette", "lors", "which", "that", "who", "ete", "afin", "apres", "avant", "at",
         "le", "la", "les", "l'", "the"}  # fmt: skip
AGENT = {"par", "by", "lors", "le", "la", "a", "en", "au", "aux", "dans", "in", "at", "on"}
DETERMINERS = {"la", "le", "les", "l'", "the", "a", "an", "un", "une", "ce", "cette", "this"}
MAX_TOKENS = 18
_ORDINAL = re.compile(
    r"^\d+(?:e|er|ère|ème|st|nd|rd|th)$|^(?:first|second|third|premier|première|second|seconde)$", re.I
)


def descriptions(doc: Any) -> Iterator[tuple[int, int, str]]:
    """(start, end, family) of each lower-case event or instrument phrase ("le sommet de Séoul sur l'IA")."""
    covered = -1
    for token in doc:
        word = fold(token.text)
        if token.i < covered:
            continue
        family = (
            "event"
            if cues.EVENT_HEAD.fullmatch(word)
            else "instrument"
            if cues.INSTRUMENT_HEAD.fullmatch(word)
            else None
        )
        if family is None or token.text[:1].isupper():
            continue
        last = _right(doc, token.i)
        if last - token.i > 1:
            covered = last
            yield token.idx, doc[last - 1].idx + len(doc[last - 1].text), family


def titles(doc: Any) -> Iterator[tuple[int, int, str]]:
    """(start char, end char, kind) of each instrument, event or organisation title in a processed doc."""
    for token in doc:
        kind = _kind(token)
        if kind is None:
            continue
        first, last = _left(doc, token.i), _right(doc, token.i)
        if not token.text[:1].isupper() and (
            not doc.has_annotation("POS") or not any(_proper(t) for t in doc[token.i + 1 : last])
        ):
            continue  # a lower-case head ("la déclaration d'intention de Séoul") needs a proper name in its title
        if last - first > 1 or _quoted(doc, first, last):
            span = doc[first:last]
            yield span.start_char, span.end_char, kind


def _kind(token: Any) -> str | None:
    word = fold(token.text)
    lower_ok = cues.INSTRUMENT_HEAD.fullmatch(word) or cues.ORGANISATION_HEAD.fullmatch(word)
    if not token.text[:1].isupper() and not lower_ok:
        return None
    if cues.INSTRUMENT_HEAD.fullmatch(word):
        return "gk:Instrument"
    if cues.EVENT_HEAD.fullmatch(word):
        return "gk:Event"
    return "organisation" if cues.ORGANISATION_HEAD.fullmatch(word) else None


def _left(doc: Any, i: int) -> int:
    """Grow left over capitalised words ("Copenhagen Code", "Nordic AI Assurance Forum")."""
    if i > 0 and _ORDINAL.match(doc[i - 1].text):  # "3e Forum", "1st Summit"
        return i - 1
    while i > 0 and doc[i - 1].text[:1].isupper() and fold(doc[i - 1].text) not in DETERMINERS | JOINERS:
        if doc[i - 1].is_sent_start and doc[i - 1].pos_ in ("DET", "ADP"):
            break
        i -= 1
    return i


def _right(doc: Any, head: int) -> int:
    """Grow right over capitalised words, joiners, and lower-case words once a preposition allows them."""
    end, licensed, i = head + 1, doc[head + 1].pos_ == "ADJ" if head + 1 < len(doc) else False, head + 1
    lower_head = not doc[head].text[:1].isupper()
    tagged = doc.has_annotation("POS")  # without a tagger (English), lower-case words end a title
    while i < len(doc) and i - head < MAX_TOKENS:
        token, word = doc[i], fold(doc[i].text)
        if token.text == "(" and i + 2 < len(doc) and doc[i + 1].text in ("IA", "AI") and doc[i + 2].text == ")":
            i += 3  # "sommet sur l'intelligence artificielle (IA) de Séoul"
            continue
        if token.is_punct and word not in ("-", "'"):
            break
        if word in ("et", "and") and (_next_title(doc, i) or (lower_head and not _capital_follows(doc, i))):
            break  # "l'Initiative pour la sécurité mondiale et l'Initiative pour …": two titles
        if token.pos_ == "VERB" and i + 1 < len(doc) and fold(doc[i + 1].text) in AGENT:
            break  # "lancée par la Chine": the title has ended
        if word in JOINERS:
            licensed = licensed or word in LICENSERS
        elif (
            token.text[:1].isupper()
            or (licensed and tagged and token.is_alpha and word not in STOPS and _descriptive(token))
            or (token.pos_ == "ADJ" and i == head + 1)
        ):
            end = i + 1
        else:
            break
        i += 1
    return end


def _capital_follows(doc: Any, i: int) -> bool:
    """After "et"/"and", past determiners, a capitalised word ("la Ceinture et la Route")."""
    j = i + 1
    while j < len(doc) and fold(doc[j].text) in DETERMINERS:
        j += 1
    return j < len(doc) and doc[j].text[:1].isupper()


def _proper(token: Any) -> bool:
    """A proper name or an acronym, not the "IA"/"AI" every title on the subject carries."""
    return token.text[:1].isupper() and token.text not in ("IA", "AI")


def _next_title(doc: Any, i: int) -> bool:
    """After "et"/"and": a determiner or preposition then a capitalised head word starts another title."""
    j = i + 1
    while j < len(doc) and fold(doc[j].text) in DETERMINERS | {"du", "des", "de", "d'"}:
        j += 1
    return j > i + 1 and j < len(doc) and doc[j].text[:1].isupper() and _kind(doc[j]) is not None


def _descriptive(token: Any) -> bool:
    """Not a finite verb: nouns, adjectives and participles ("ouverte") continue a title."""
    return token.pos_ not in ("VERB", "AUX", "ADV") or "Part" in token.morph.get("VerbForm")


def _quoted(doc: Any, first: int, last: int) -> bool:
    """A one-word title counts only between quotation marks."""
    return (
        first > 0 and last < len(doc) and doc[first - 1].text in ("«", "“", '"') and doc[last].text in ("»", "”", '"')
    )
