"""Rule-based date extraction from French and English text into XSD date, gYearMonth and gYear literals."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

__all__ = ["DateMention", "find_dates"]


@dataclass(frozen=True)
class DateMention:
    """A date expression found in a text."""

    start: int
    end: int
    value: str
    datatype: str
    end_value: str | None = None
    year_inferred: bool = False


FULL_MONTHS = (
    ("janvier", "january"), ("fevrier", "february"), ("mars", "march"), ("avril", "april"), ("mai", "may"),
    ("juin", "june"), ("juillet", "july"), ("aout", "august"), ("septembre", "september"), ("octobre", "october"),
    ("novembre", "november"), ("decembre", "december"),
)  # fmt: skip
SHORT_MONTHS = (
    ("janv", "jan"), ("fevr", "fev", "feb"), ("mar",), ("avr", "apr"), (), ("jun",), ("juil", "jul"), ("aug",),
    ("sept", "sep"), ("oct",), ("nov",), ("dec",),
)  # fmt: skip
FULL_NAMES = {name: number for number, names in enumerate(FULL_MONTHS, 1) for name in names}
SHORT_NAMES = {name: number for number, names in enumerate(SHORT_MONTHS, 1) for name in names}
MONTHS = FULL_NAMES | SHORT_NAMES
# English words that are also month names: written in lower case, they only count next to an explicit year.
AMBIGUOUS = frozenset({"may", "march", "mar"})
WEEKDAYS = (
    ("lundi", "monday"), ("mardi", "tuesday"), ("mercredi", "wednesday"), ("jeudi", "thursday"),
    ("vendredi", "friday"), ("samedi", "saturday"), ("dimanche", "sunday"),
)  # fmt: skip
ACCENTS = {"a": "aàâä", "e": "eéèêë", "i": "iîï", "o": "oôö", "u": "uûùü", "c": "cç"}
# The language's default order for an all-small numeric date (both parts <= 12); "." dates are day-first everywhere.
MONTH_FIRST = frozenset({("en", "/")})
LANGS = frozenset({"fr", "en"})
BARE_YEARS = range(1900, 2101)
TWO_DIGIT_PIVOT = 70  # "12.02.25" is 2025 but "12.02.98" is 1998: news text is about the recent past


def _accented(name: str) -> str:
    """A regex matching `name` with or without French accents on its vowels."""
    return "".join(f"[{ACCENTS[c]}]" if c in ACCENTS else c for c in name)


def _month(group: str) -> str:
    """A regex for a month name, full or abbreviated, captured as `group`."""
    full = sorted(FULL_NAMES, key=len, reverse=True)
    short = sorted(SHORT_NAMES, key=len, reverse=True)
    names = "|".join(_accented(n) for n in full)
    abbrs = "|".join(_accented(n) for n in short)
    return rf"(?P<{group}>(?:{names})(?!\w)|(?:{abbrs})(?:\.|(?!\w)))"


def _day(group: str) -> str:
    """A regex for a day of the month with an optional ordinal suffix (1er, 1st)."""
    return rf"(?P<{group}>[0-3]?\d)(?:er|st|nd|rd|th)?(?!\w)"


def _year(group: str) -> str:
    """A regex for a four-digit year that is not part of a longer number."""
    return rf"(?P<{group}>\d{{4}})(?!\w|[.,/:\-–]\d)"


START = r"(?<![\w.,/:\-–])"
WEEKDAY = rf"(?:(?:{'|'.join(name for names in WEEKDAYS for name in names)}),?\s+)?"
THROUGH = r"(?:\s*[-–—]\s*|\s+(?:au|to|through)\s+)"
# "les 21 et 22 mai" shares one month between two days; "le 22 mai et le 1er juin" is two separate dates.
SEP = r"(?:\s*[-–—]\s*|\s+(?:et|au|and|to|through)\s+)"
QUALIFIER = r"(?:\s+(?:derni[eè]re?s?|prochaine?s?))?"
DAY_FIRST = (
    rf"{START}(?P<span>{WEEKDAY}(?:{_day('d1')}(?:\s+{_month('m1')}(?:\s+{_year('y1')})?{THROUGH}|{SEP})(?:le\s+|the\s+)?"
    rf"{WEEKDAY})?{_day('d')}\s+(?:of\s+)?{_month('m')}(?:\s+{_year('y')})?{QUALIFIER})"
)
MONTH_FIRST_TEXT = rf"{START}(?P<span>{WEEKDAY}{_month('m')}\s+(?:{_day('d1')}{SEP})?{_day('d')}(?:,?\s+{_year('y')})?)"
MONTH_YEAR = rf"{START}(?P<span>{_month('m')}\s+{_year('y')})"
MONTH_CUED = rf"\b(?:en|in|since|depuis)\s+(?P<span>{_month('m')}{QUALIFIER})"
MONTH_RELATIVE = rf"\b(?P<span>(?:last|next)\s+{_month('m')})"
NUMERIC = (
    r"(?<![\w.,/:\-])(?P<span>(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2}))(?!\w|[.,/:\-]?\d)"
)
ISO = r"(?<![\w.,/:\-])(?P<span>(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2}))(?!\d|[-/.:]\d)"
YEAR_CUES = r"en|in|année|annee|an|year|début|debut|fin|early|late|depuis|since|by|until|d['’]ici(?:\s+à)?|jusqu['’]en"
BARE_YEAR = rf"(?:\b(?:{YEAR_CUES})\s+|\bmid-|\bmi-)(?P<span>{_year('y')})"


@dataclass(frozen=True)
class _Context:
    """What a rule needs besides its match: the text's language and the year to assume when none is written."""

    lang: str
    year: int | None


Rule = Callable[[re.Match[str], _Context], DateMention | None]


def _fold(word: str) -> str:
    """A month word without accents, case or abbreviation dot, as MONTHS keys it."""
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().rstrip(".")


def _ambiguous(match: re.Match[str]) -> bool:
    """True when the month is an English word written in lower case ("we may 21"), not a proper month name."""
    word = match.group("m")
    return _fold(word) in AMBIGUOUS and word.islower()


def _mention(match: re.Match[str], start: date, end: date | None = None, inferred: bool = False) -> DateMention | None:
    """A day-precision mention over the match's span, or None when a range runs backwards."""
    if end is not None and end <= start:
        return None
    end_value = None if end is None else end.isoformat()
    return DateMention(match.start("span"), match.end("span"), start.isoformat(), "date", end_value, inferred)


def _safe_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when it does not exist (31 février)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _textual(match: re.Match[str], ctx: _Context) -> DateMention | None:
    """A date or day range written with a month name, in either order."""
    month = MONTHS[_fold(match.group("m"))]
    written = match.group("y")
    year = int(written) if written else ctx.year
    if year is None or (written is None and _ambiguous(match)):
        return None
    groups = match.groupdict()
    last = _safe_date(year, month, int(match.group("d")))
    if groups.get("d1") is None:
        return None if last is None else _mention(match, last, inferred=written is None)
    first_month = MONTHS[_fold(groups["m1"])] if groups.get("m1") else month
    # "du 30 décembre au 2 janvier 2025" starts in the year before the one written.
    first_year = int(groups["y1"]) if groups.get("y1") else (year - 1 if first_month > month else year)
    first = _safe_date(first_year, first_month, int(match.group("d1")))
    if first is None or last is None:
        return None
    return _mention(match, first, last, inferred=written is None)


def _month_precision(match: re.Match[str], ctx: _Context) -> DateMention | None:
    """A month of a year, written ("novembre 2023") or inferred ("en novembre dernier")."""
    written = match.groupdict().get("y")
    year = int(written) if written else ctx.year
    if year is None or (written is None and _ambiguous(match)):
        return None
    value = f"{year:04d}-{MONTHS[_fold(match.group('m'))]:02d}"
    return DateMention(match.start("span"), match.end("span"), value, "gYearMonth", None, written is None)


def _numeric(match: re.Match[str], ctx: _Context) -> DateMention | None:
    """A DD.MM.YY, DD/MM/YYYY or MM/DD/YYYY date; a part above 12 must be the day, else the language decides."""
    a, b, sep, y = match.group("a", "b", "sep", "y")
    if sep == "." and (len(a) != 2 or len(b) != 2):
        return None  # "3.8.10" is a version number far more often than a date
    year = int(y) if len(y) == 4 else int(y) + (2000 if int(y) < TWO_DIGIT_PIVOT else 1900)
    month_first = int(b) > 12 or (int(a) <= 12 and (ctx.lang, sep) in MONTH_FIRST)
    month, day = (int(a), int(b)) if month_first else (int(b), int(a))
    found = _safe_date(year, month, day)
    return None if found is None else _mention(match, found)


def _iso(match: re.Match[str], ctx: _Context) -> DateMention | None:
    """An ISO 8601 calendar date (2024-05-21)."""
    found = _safe_date(*(int(match.group(g)) for g in ("y", "m", "d")))
    return None if found is None else _mention(match, found)


def _bare_year(match: re.Match[str], ctx: _Context) -> DateMention | None:
    """A year on its own after a date cue ("en 2025", "by 2030"), within a plausible range."""
    year = int(match.group("y"))
    if year not in BARE_YEARS:
        return None
    return DateMention(match.start("span"), match.end("span"), f"{year:04d}", "gYear")


RULES: tuple[tuple[re.Pattern[str], Rule], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), rule)
    for pattern, rule in (
        (DAY_FIRST, _textual),
        (MONTH_FIRST_TEXT, _textual),
        (MONTH_YEAR, _month_precision),
        (MONTH_CUED, _month_precision),
        (MONTH_RELATIVE, _month_precision),
        (NUMERIC, _numeric),
        (ISO, _iso),
        (BARE_YEAR, _bare_year),
    )
)


def _candidates(text: str, ctx: _Context) -> list[tuple[int, int, DateMention | None]]:
    """Every rule's matches as (start, end, mention); an invalid one keeps its span so no shorter rule reuses it."""
    return [
        (match.start("span"), match.end("span"), rule(match, ctx))
        for pattern, rule in RULES
        for match in pattern.finditer(text)
    ]


def find_dates(text: str, lang: str = "fr", context_year: int | None = None) -> list[DateMention]:
    """The date expressions in `text`, sorted by start, longest first where they overlap."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}: expected one of {sorted(LANGS)}")
    taken: list[tuple[int, int, DateMention | None]] = []
    for start, end, mention in sorted(
        _candidates(text, _Context(lang, context_year)), key=lambda c: (c[0] - c[1], c[0])
    ):
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, mention))
    return sorted((m for _, _, m in taken if m is not None), key=lambda m: m.start)
