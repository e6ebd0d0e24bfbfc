"""Dates as the graph states them (XML Schema `date`, `dateTime`, `gYearMonth`, `gYear`): a value known to the
day, the month or the year covers a range of days, and values that cannot all be true form a dispute."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

__all__ = ["PRECISIONS", "When", "parse", "precise"]

PRECISIONS = ("day", "month", "year")  # from the most precise
# The lexical forms of xsd:date / xsd:dateTime (the day is kept), xsd:gYearMonth and xsd:gYear; a timezone is ignored.
_FORM = re.compile(r"(?P<y>-?\d{4,})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?(?:T[\d:.]+)?(?:Z|[+-]\d{2}:\d{2})?")


@dataclass(frozen=True, order=True)
class When:
    """A date as stated: the first and last day it may be, its precision and its lexical value."""

    first: date
    last: date
    precision: str
    value: str

    def covers(self, other: When) -> bool:
        """Is `other` within this date's range (so both can be true)?"""
        return self.first <= other.first and other.last <= self.last

    @property
    def year(self) -> int:
        """The year."""
        return self.first.year

    @property
    def month(self) -> int:
        """The month (1-12)."""
        return self.first.month


def parse(value: str) -> When | None:
    """The When of a date literal's lexical form, or None when it is not a date the calendar knows."""
    found = _FORM.fullmatch(value.strip())
    if found is None:
        return None
    try:
        year = int(found["y"])
        if found["d"]:
            day = date(year, int(found["m"]), int(found["d"]))
            return When(day, day, "day", value)
        if found["m"]:
            month = int(found["m"])
            return When(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), "month", value)
        return When(date(year, 1, 1), date(year, 12, 31), "year", value)
    except ValueError:
        return None


def precise(whens: Iterable[When]) -> list[When]:
    """The most precise values: a value covering another one is dropped (May 2024 says less than 21 May 2024);
    more than one left means the values disagree."""
    found = sorted({(w.first, w.last): w for w in sorted(set(whens), reverse=True)}.values())
    return [w for w in found if not any((o.first, o.last) != (w.first, w.last) and w.covers(o) for o in found)]
