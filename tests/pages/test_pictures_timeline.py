"""The timeline's data (govkg.pages.pictures.timeline) over the sample on both engines, its dates
(govkg.pages.pictures.dates) and its layout in both frames (govkg.pages.pictures.gantt)."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest
from pictures_sample import BASE, ID, Select, sample_select

from govkg.engine import FILE_ENGINES
from govkg.pages.pictures import dates, gantt, timeline
from govkg.pages.pictures.dates import When


@pytest.fixture(scope="module", params=sorted(FILE_ENGINES))
def model(request: pytest.FixtureRequest) -> timeline.Timeline:
    select: Select = sample_select(request.param)
    return timeline.timeline(select, BASE)


def item(model: timeline.Timeline, iri: str, kind: str) -> timeline.Item:
    return next(i for i in model.items if i.iri == ID + iri and i.kind == kind)


def test_dates_know_their_precision() -> None:
    assert dates.parse("2024-05-21") == When(date(2024, 5, 21), date(2024, 5, 21), "day", "2024-05-21")
    assert dates.parse("2024-02") == When(date(2024, 2, 1), date(2024, 2, 29), "month", "2024-02")
    assert dates.parse("2025") == When(date(2025, 1, 1), date(2025, 12, 31), "year", "2025")
    assert dates.parse("2024-05-21T10:00:00Z").precision == "day"  # type: ignore[union-attr]
    assert dates.parse("2024-13") is None and dates.parse("soon") is None and dates.parse("2023-02-29") is None


def test_a_less_precise_value_gives_way_and_different_days_are_a_dispute() -> None:
    may, day21, day22 = (dates.parse(v) for v in ("2024-05", "2024-05-21", "2024-05-22"))
    assert may and day21 and day22
    assert dates.precise([may, day21]) == [day21]  # May 2024 says less than 21 May 2024: no dispute
    assert dates.precise([may, day21, day22]) == [day21, day22]
    same = dates.parse("2024-05-21T09:00:00")
    assert same and dates.precise([day21, same]) == [day21]  # one day, written two ways: one value


def test_events_with_their_stated_and_disputed_dates(model: timeline.Timeline) -> None:
    summit = item(model, "summit", "event")
    assert summit.lane == "event" and summit.disputed
    assert [w.value for w in summit.starts] == ["2024-05-21", "2024-05-22"]
    assert [w.value for w in summit.ends] == ["2024-05-23"]
    assert {d.when.value: d.sources for d in summit.start} == {
        "2024-05": (),
        "2024-05-21": (BASE + "source/doc-a",),
        "2024-05-22": (BASE + "source/doc-b",),
    }
    assert summit.disagreement == ID + "disagreement-summit-start"
    forum = item(model, "forum", "event")
    assert [w.precision for w in forum.starts] == ["year"] and not forum.disputed


def test_sessions_and_the_dates_they_take_from_their_event(model: timeline.Timeline) -> None:
    day2 = item(model, "summit-day2", "session")
    assert day2.parent == ID + "summit" and [w.value for w in day2.starts] == ["2024-05-22"] and not day2.disputed
    opening = item(model, "summit-opening", "session")  # undated: its event's dates, said to be its event's
    assert {d.via for d in opening.start} == {ID + "summit"} and opening.disputed


def test_acts_give_instruments_their_dates(model: timeline.Timeline) -> None:
    pact = item(model, "pact", "adopted")
    assert pact.link == ID + "adoption-pact" and pact.disputed  # two accounts, two days
    assert [w.value for w in pact.starts] == ["2024-05-21", "2024-05-22"]
    assert [i.kind for i in model.items if i.iri == ID + "pact"] == ["adopted"]  # adoptedAt gives way to the act
    pledge = item(model, "pledge", "signed")  # no date of its own: its event's
    assert [(d.when.value, d.via) for d in pledge.start] == [("2024-05-22", ID + "summit-day2")]
    plan = item(model, "plan", "launched")
    assert plan.lane == "launch" and [(d.when.precision, d.via) for d in plan.start] == [("year", ID + "forum")]


def test_rows_in_lane_order_then_by_date(model: timeline.Timeline) -> None:
    lanes = [timeline.LANES.index(i.lane) for i in model.items]
    assert lanes == sorted(lanes)
    events = [i.iri for i in model.items if i.lane == "event"]
    assert events == [ID + "forum", ID + "summit"]
    assert model.names[ID + "summit"].labels == {"en": "Great Summit", "fr": "Grand sommet"}
    assert model.names[BASE + "source/doc-a"].labels["en"] == "Document A"


def test_layout_in_both_frames(model: timeline.Timeline) -> None:
    for frame in gantt.FRAMES:
        chart = gantt.chart(model.dated, frame)
        assert [lane for lane, _ in chart.headings] == ["event", "session", "instrument", "launch"]
        assert len(chart.rows) == len(model.dated)
        tops = [r.label_y for r in chart.rows]
        assert tops == sorted(tops) and chart.height > tops[-1]
        for row in chart.rows:
            assert all(chart.left <= m.x1 <= m.x2 <= frame.width for m in row.marks), row
        ticks = chart.ticks
        assert (ticks[0].year, ticks[0].month) == (2023, 1) and (ticks[-1].year, ticks[-1].month) == (2024, 6)
        assert [t.year for t in ticks if t.labelled] == [2023, 2024]  # each January has room


def test_marks_say_how_much_is_known(model: timeline.Timeline) -> None:
    wide, narrow = (gantt.chart(model.dated, f) for f in gantt.FRAMES)
    rows = {(r.item.iri, r.item.kind): r for r in wide.rows}
    summit = rows[(ID + "summit", "event")]
    assert [m.shape for m in summit.marks] == ["span", "link", "day", "day"]
    assert [m.dy for m in summit.marks if m.shape == "day"] == [-3.0, 3.0]  # disputed days a day apart both show
    assert all(m.disputed for m in summit.marks if m.shape in ("day", "link"))
    forum = rows[(ID + "forum", "event")]
    assert [m.shape for m in forum.marks] == ["range"] and forum.marks[0].x2 - forum.marks[0].x1 > 200
    assert wide.rows[0].label_y - wide.rows[0].mark_y < 10  # wide: label beside its marks
    assert narrow.rows[0].mark_y - narrow.rows[0].label_y > 10  # narrow: label above them
    assert all(r.text_y > r.mark_y for r in narrow.rows)


def test_a_year_at_the_right_edge_is_not_written() -> None:
    year = dates.parse("2025")
    assert year is not None
    items = [timeline.Item(ID + "x", "event", "event", ID + "x", (timeline.Dated(year),))]
    chart = gantt.chart(items, gantt.FRAMES[0])
    assert [(t.year, t.month) for t in chart.ticks if t.labelled] == [(2025, 1)]
    assert (chart.ticks[-1].year, chart.ticks[-1].month) == (2026, 1)  # the edge, too close to write 2026


def test_the_first_and_last_days_of_the_calendar_make_a_short_axis() -> None:
    """Dates in year 1 and on 31 December 9999 are valid xsd:dates: drawn with a tick a few centuries apart (not one
    a month, 120,000 of them) and no day past the calendar's end."""
    first, last = dates.parse("0001-01-01"), dates.parse("9999-12-31")
    assert first is not None and last is not None
    items = [
        timeline.Item(ID + "old", "event", "event", ID + "old", (timeline.Dated(first),), (timeline.Dated(last),)),
        timeline.Item(ID + "end", "event", "event", ID + "end", (timeline.Dated(dates.parse("9999") or last),)),
    ]
    for frame in gantt.FRAMES:
        chart = gantt.chart(items, frame)
        assert 2 <= len(chart.ticks) <= gantt.MAX_TICKS + 2
        assert [(t.year, t.month) for t in chart.ticks[:2]] == [(1, 1), (50, 1)]  # every fifty years
        assert any(t.labelled for t in chart.ticks[1:])
        assert max(m.x2 for r in chart.rows for m in r.marks) <= frame.width - frame.pad


def test_a_span_of_decades_gets_a_tick_every_few_months_or_years() -> None:
    days = [dates.parse(d) for d in ("1990-03-02", "2024-05-21")]
    items = [timeline.Item(ID + d.value, "event", "event", ID, (timeline.Dated(d),)) for d in days if d]
    ticks = gantt.chart(items, gantt.FRAMES[0]).ticks
    assert [(t.year, t.month) for t in ticks[:3]] == [(1990, 3), (1990, 4), (1990, 7)]  # every three months
    written = [t.x for t in ticks if t.labelled]
    assert len(ticks) <= gantt.MAX_TICKS and len(written) > 10
    assert all(b - a >= gantt.YEAR_WIDTH for a, b in pairwise(written))
