"""Where the timeline's marks go: a row per dated item under a time axis, grouped by lane, in two frames (wide:
labels in a column on the left; narrow: each label above its marks) so the picture reads at 1280 and at 390 px."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

from govkg.pages.pictures.dates import When
from govkg.pages.pictures.timeline import LANES, Item

__all__ = ["FRAMES", "Chart", "Frame", "Mark", "Row", "Tick", "chart"]

CHAR = 7.2  # mean advance of a 13 px sans-serif character: SVG text cannot be measured on the server
HEADER = 44  # the band of the time axis
LANE = 30  # a lane's heading
DATE_CHARS = 15  # the longest written date ("21 septembre 2024")
DISPUTED_CHARS = 14  # " (contestée)" and the separators
LINE = 16  # a line of text added to a row whose date fits beside its marks on neither side
YEAR_WIDTH = 34  # room a year needs on the axis
STAGGER = 6.0  # vertical distance between the marks of disputed values
# Months between ticks, the smallest giving at most MAX_TICKS: a span of centuries (a date in year 1 or 9999 is a
# valid xsd:date) gets a tick a decade or more rather than one a month.
TICK_STEPS = (1, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000)
MAX_TICKS = 240


@dataclass(frozen=True)
class Frame:
    """A width to draw at: `label_width` 0 puts each label above its marks."""

    name: str
    width: int
    label_width: int
    row: int
    pad: int = 10


FRAMES = (Frame("wide", 1100, 380, 26), Frame("narrow", 360, 0, 44))


@dataclass(frozen=True)
class Mark:
    """A mark on a row: a known day, a range of days (only the month or year is known), the span from start to end,
    or the link between values sources disagree on."""

    shape: str
    x1: float
    x2: float
    disputed: bool = False
    dy: float = 0.0  # disputed values a day apart are staggered, so both show


@dataclass(frozen=True)
class Row:
    """An item's place: the baselines of its label and marks, its marks, where its date is written (beside the
    marks, or on a line of its own below them when it fits on neither side), and how many characters of its label
    fit."""

    item: Item
    label_y: float
    mark_y: float
    marks: tuple[Mark, ...]
    text_x: float
    text_y: float
    anchor: str
    chars: int


@dataclass(frozen=True)
class Tick:
    """The first day of a month on the axis; `labelled` when its year is written there (each January, and the
    first month when the next January is not too close)."""

    x: float
    year: int
    month: int
    labelled: bool = False


@dataclass(frozen=True)
class Chart:
    """The timeline laid out in a frame."""

    frame: Frame
    height: float
    left: float
    ticks: tuple[Tick, ...]
    headings: tuple[tuple[str, float], ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class _Scale:
    """Days to x."""

    first: date
    stop: date
    left: float
    right: float

    def x(self, day: date) -> float:
        span = (self.stop - self.first).days or 1
        return round(self.left + (day - self.first).days / span * (self.right - self.left), 1)


def chart(items: list[Item], frame: Frame) -> Chart:
    """Lay the dated items out in `frame`, lane by lane."""
    scale = _scale(items, frame)
    y, headings, rows = float(HEADER), [], []
    for lane in LANES:
        found = [i for i in items if i.lane == lane and i.dated]
        if found:
            headings.append((lane, y + 20))
            y += LANE
        for item in found:
            rows.append(_row(item, y, scale, frame))
            y += frame.row + (LINE if rows[-1].text_y > rows[-1].mark_y + 4 else 0)
    return Chart(frame, y + frame.pad, scale.left, _ticks(scale), tuple(headings), tuple(rows))


def _scale(items: list[Item], frame: Frame) -> _Scale:
    """Whole months from the earliest date to the latest."""
    whens = [w for i in items for w in (*i.starts, *i.ends)] or [When(date.today(), date.today(), "day", "")]
    first, last = min(w.first for w in whens), max(w.last for w in whens)
    stop = _month(_index(last) + 1)
    left = frame.label_width + frame.pad if frame.label_width else frame.pad
    return _Scale(first.replace(day=1), stop, left, frame.width - frame.pad)


def _ticks(scale: _Scale) -> tuple[Tick, ...]:
    """A tick on the first day of the first month and of every month a whole number of steps from year 1 (each
    month, or every few months or years on a long span); years written where there is room for them."""
    start, end = _index(scale.first), _index(scale.stop)
    step = next((s for s in TICK_STEPS if (end - start) // s <= MAX_TICKS), TICK_STEPS[-1])
    days = [_month(m) for m in (start, *range(start - start % step + step, end + 1, step))]
    januaries = [scale.x(d) for d in days if d.month == 1]
    ticks, written = [], -float(YEAR_WIDTH)
    for d in days:
        x = scale.x(d)
        after = bisect_right(januaries, x)  # a first month other than January gives way to the next January
        ahead = januaries[after] - x if d.month != 1 and after < len(januaries) else YEAR_WIDTH
        room = min(ahead, scale.right - x, x - written)
        labelled = (d.month == 1 or d == scale.first) and room >= YEAR_WIDTH
        written = x if labelled else written
        ticks.append(Tick(x, d.year, d.month, labelled))
    return tuple(ticks)


def _index(day: date) -> int:
    """The month of `day` counted from January of year 0."""
    return day.year * 12 + day.month - 1


def _month(index: int) -> date:
    """The first day of a month counted by `_index`; the last day the calendar knows past December 9999."""
    return date(index // 12, index % 12 + 1, 1) if index < _index(date.max) + 1 else date.max


def _after(day: date) -> date:
    """The day after `day` (where a range of days ends on the axis), or `day` itself at the calendar's end."""
    return day + timedelta(days=1) if day < date.max else day


def _row(item: Item, top: float, scale: _Scale, frame: Frame) -> Row:
    """An item's row starting at `top`."""
    starts, ends = item.starts, item.ends
    marks = [_mark(w, scale, item.disputed, (i - (len(starts) - 1) / 2) * STAGGER) for i, w in enumerate(starts)]
    if len(starts) > 1:
        marks.insert(0, Mark("link", scale.x(starts[0].first), scale.x(starts[-1].first), True))
    if ends:
        marks.insert(0, Mark("span", scale.x(starts[0].first), scale.x(_after(ends[-1].last))))
    room = CHAR * (DATE_CHARS * (len(starts) + len(ends)) + (DISPUTED_CHARS if item.disputed else 0))
    x2, x1 = max(m.x2 for m in marks) + 8, min(m.x1 for m in marks) - 8
    above = not frame.label_width
    label_y, mark_y = (top + 15, top + 31) if above else (top + 17, top + 13)
    chars = int((frame.width if above else frame.label_width - frame.pad) / CHAR)
    if x2 + room <= frame.width:
        return Row(item, label_y, mark_y, tuple(marks), x2, mark_y + 4, "start", chars)
    if x1 - room >= scale.left:
        return Row(item, label_y, mark_y, tuple(marks), x1, mark_y + 4, "end", chars)
    return Row(item, label_y, mark_y, tuple(marks), scale.left, mark_y + 4 + LINE, "start", chars)


def _mark(when: When, scale: _Scale, disputed: bool, dy: float) -> Mark:
    """A day as a point, a month or a year as the range of its days."""
    x1 = scale.x(when.first)
    if when.precision == "day":
        return Mark("day", x1, x1, disputed, dy)
    return Mark("range", x1, scale.x(_after(when.last)), disputed, dy)
