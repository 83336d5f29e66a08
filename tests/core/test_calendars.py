"""Business calendars: properties of business time, and deadlines worked out by hand.

The properties are checked on the sites' real calendars (Casablanca with
Moroccan holidays and Ramadan hours, Paris with French holidays), on 24/7
calendars (where business time must equal real elapsed time, DST or not) and on
random calendars whose hours start and end inside the hours the clocks skip or
repeat. Instants are drawn around every offset change of 2025-2027, whole
seconds or not.

The invariants, for a calendar f = business_seconds_between, add = add_business_seconds:
- f(a, b) is an integer, 0 <= f(a, b) <= real seconds from a to b (both cut to the second);
- f(a, c) == f(a, b) + f(b, c) for a <= b <= c;
- f(start, add(start, s)) == s, and for s > 0 the second just before the deadline
  is business time (the deadline is the earliest instant with s business seconds);
- add(start, f(start, end)) <= end, with no business time left between the two;
- next_business_moment(t) >= t is a business moment, with no business time before it;
- on a weekend day or a holiday, f over the whole local day is 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicehub.core.calendars import (
    DEFAULT_WORKING_HOURS,
    MIDNIGHT,
    BusinessCalendar,
    HolidaysNotCovered,
    HoursPeriod,
    calendar_for_country,
    holidays_for_country,
)

UTC = dt.UTC
CASABLANCA = ZoneInfo("Africa/Casablanca")
PARIS = ZoneInfo("Europe/Paris")
HOUR = 3600

WEEKDAYS = range(5)
RAMADAN_2025 = HoursPeriod(
    dt.date(2025, 3, 1), dt.date(2025, 3, 29), {d: ((dt.time(9), dt.time(15)),) for d in WEEKDAYS}
)
RAMADAN_2026 = HoursPeriod(
    dt.date(2026, 2, 18), dt.date(2026, 3, 19), {d: ((dt.time(9), dt.time(15)),) for d in WEEKDAYS}
)
PARIS_HOURS = {d: ((dt.time(9), dt.time(12, 30)), (dt.time(13, 30), dt.time(18))) for d in WEEKDAYS}
ALL_DAY = {d: ((MIDNIGHT, MIDNIGHT),) for d in range(7)}
YEARS = range(2024, 2029)

CASABLANCA_CAL = calendar_for_country(
    "MA", "Africa/Casablanca", years=YEARS, periods=[RAMADAN_2025, RAMADAN_2026]
)
PARIS_CAL = calendar_for_country("FR", "Europe/Paris", PARIS_HOURS, years=YEARS)
ALWAYS_CASABLANCA = BusinessCalendar("Africa/Casablanca", ALL_DAY)
ALWAYS_PARIS = BusinessCalendar("Europe/Paris", ALL_DAY)

# Every offset change of 2025-2027 in the two zones, as UTC instants.
TRANSITIONS = [
    dt.datetime(2025, 2, 23, 2, tzinfo=UTC),  # Casablanca: 03:00 (+01) -> 02:00 (+00) for Ramadan
    dt.datetime(2025, 4, 6, 2, tzinfo=UTC),  # Casablanca: 02:00 (+00) -> 03:00 (+01)
    dt.datetime(2026, 2, 15, 2, tzinfo=UTC),
    dt.datetime(2026, 3, 22, 2, tzinfo=UTC),
    dt.datetime(2027, 2, 7, 2, tzinfo=UTC),
    dt.datetime(2027, 3, 14, 2, tzinfo=UTC),
    dt.datetime(2025, 3, 30, 1, tzinfo=UTC),  # Paris: summer time
    dt.datetime(2025, 10, 26, 1, tzinfo=UTC),
    dt.datetime(2026, 3, 29, 1, tzinfo=UTC),
    dt.datetime(2026, 10, 25, 1, tzinfo=UTC),
    dt.datetime(2027, 3, 28, 1, tzinfo=UTC),
    dt.datetime(2027, 10, 31, 1, tzinfo=UTC),
]


def test_the_tz_database_has_the_offset_changes_the_cases_rely_on() -> None:
    for instant in TRANSITIONS:
        zone = CASABLANCA if instant.hour == 2 else PARIS
        before = (instant - dt.timedelta(seconds=1)).astimezone(zone).utcoffset()
        assert before != instant.astimezone(zone).utcoffset(), instant


# -- strategies


def instants(whole_seconds: bool = False) -> st.SearchStrategy[dt.datetime]:
    """Instants within a fortnight of an offset change, in UTC or in a site's zone."""
    fortnight = 14 * 24 * HOUR
    micro = st.just(0) if whole_seconds else st.one_of(st.just(0), st.integers(0, 999_999))
    return st.builds(
        lambda anchor, seconds, microseconds, zone: (
            anchor + dt.timedelta(seconds=seconds, microseconds=microseconds)
        ).astimezone(zone),
        st.sampled_from(TRANSITIONS),
        st.integers(-fortnight, fortnight),
        micro,
        st.sampled_from([UTC, CASABLANCA, PARIS]),
    )


def _times_in_a_day() -> st.SearchStrategy[dt.time]:
    # Hours near 02:00-03:00 are the ones the clocks skip or repeat: weigh them.
    return st.one_of(
        st.builds(dt.time, st.integers(1, 3), st.sampled_from([0, 15, 30, 45, 59]), st.integers(0, 59)),
        st.builds(dt.time, st.integers(0, 23), st.integers(0, 59)),
    )


@st.composite
def random_calendars(draw: st.DrawFn) -> BusinessCalendar:
    week: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for weekday in range(7):
        edges = sorted(set(draw(st.lists(_times_in_a_day(), max_size=6))))
        if len(edges) % 2:
            # An odd edge out runs to midnight, the end of the day.
            edges.append(MIDNIGHT)
        week[weekday] = list(zip(edges[::2], edges[1::2], strict=True))
    if not any(week.values()):
        week[6] = [(dt.time(2, 30), dt.time(3, 30))]
    holidays = draw(st.frozensets(st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)), max_size=40))
    zone = draw(st.sampled_from(["Africa/Casablanca", "Europe/Paris"]))
    return BusinessCalendar(zone, week, holidays)


calendars = st.one_of(
    st.sampled_from([CASABLANCA_CAL, PARIS_CAL, ALWAYS_CASABLANCA, ALWAYS_PARIS]),
    random_calendars(),
)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(UTC)


def _in_order(*moments: dt.datetime) -> list[dt.datetime]:
    # Aware datetimes sharing a tzinfo compare by wall clock, fold ignored (PEP 495):
    # order them as instants.
    return sorted(moments, key=_utc)


def _whole(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def _real_seconds(start: dt.datetime, end: dt.datetime) -> int:
    return int((_whole(end) - _whole(start)).total_seconds())


# -- properties


@settings(max_examples=300, deadline=None)
@given(calendars, instants(), instants(), instants())
def test_business_time_adds_up(cal: BusinessCalendar, x: dt.datetime, y: dt.datetime, z: dt.datetime) -> None:
    a, b, c = _in_order(x, y, z)
    ab, bc, ac = (cal.business_seconds_between(*pair) for pair in ((a, b), (b, c), (a, c)))
    assert isinstance(ac, int)
    assert ac == ab + bc
    assert 0 <= ab <= _real_seconds(a, b)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([ALWAYS_CASABLANCA, ALWAYS_PARIS]), instants(), instants())
def test_round_the_clock_business_time_is_real_elapsed_time(
    cal: BusinessCalendar, x: dt.datetime, y: dt.datetime
) -> None:
    # A 23-hour or 25-hour day is worked for 23 or 25 hours, whatever the wall clock says.
    start, end = _in_order(x, y)
    assert cal.business_seconds_between(start, end) == _real_seconds(start, end)


def _weekly_seconds(cal: BusinessCalendar) -> int:
    def seconds(t: dt.time) -> int:
        return t.hour * HOUR + t.minute * 60 + t.second

    return sum(
        (seconds(end) if end != MIDNIGHT else 24 * HOUR) - seconds(start)
        for intervals in cal.working_hours.values()
        for start, end in intervals
    )


@settings(max_examples=300, deadline=None)
@given(calendars, instants(), st.data())
def test_the_deadline_is_the_first_instant_with_that_much_business_time(
    cal: BusinessCalendar, start: dt.datetime, data: st.DataObject
) -> None:
    # Bounded by two usual weeks of business time, so sparse random calendars stay quick.
    seconds = data.draw(st.integers(0, max(1, min(2 * _weekly_seconds(cal), 5 * 24 * HOUR))))
    deadline = cal.add_business_seconds(start, seconds)
    assert deadline.tzinfo is UTC
    assert deadline >= _whole(start)
    assert cal.business_seconds_between(start, deadline) == seconds
    if seconds:
        assert cal.is_business_moment(deadline - dt.timedelta(seconds=1))
        assert cal.business_seconds_between(start, deadline - dt.timedelta(seconds=1)) == seconds - 1


@settings(max_examples=300, deadline=None)
@given(calendars, instants(), instants())
def test_the_deadline_of_the_business_time_elapsed_is_no_later_than_the_end(
    cal: BusinessCalendar, x: dt.datetime, y: dt.datetime
) -> None:
    start, end = _in_order(x, y)
    deadline = cal.add_business_seconds(start, cal.business_seconds_between(start, end))
    assert deadline <= _whole(end)
    assert cal.business_seconds_between(deadline, end) == 0


@settings(max_examples=300, deadline=None)
@given(calendars, instants())
def test_the_next_business_moment_skips_no_business_time(cal: BusinessCalendar, moment: dt.datetime) -> None:
    following = cal.next_business_moment(moment)
    assert following.tzinfo is UTC
    assert following >= _utc(moment)
    assert cal.is_business_moment(following)
    assert cal.business_seconds_between(moment, following) == 0
    if cal.is_business_moment(moment):
        assert following == _utc(moment)


@settings(max_examples=200, deadline=None)
@given(calendars, instants(whole_seconds=True))
def test_a_business_moment_is_a_business_second(cal: BusinessCalendar, moment: dt.datetime) -> None:
    second = cal.business_seconds_between(moment, _utc(moment) + dt.timedelta(seconds=1))
    assert cal.is_business_moment(moment) == (second == 1)


def _closed_days(cal: BusinessCalendar, country: str) -> list[dt.date]:
    day, days = dt.date(2025, 1, 1), []
    holidays = holidays_for_country(country, [2025, 2026, 2027])
    while day.year < 2028:
        if day.weekday() >= 5 or day in holidays:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_no_business_time_on_weekends_and_holidays(data: st.DataObject) -> None:
    cal, zone, country = data.draw(
        st.sampled_from([(CASABLANCA_CAL, CASABLANCA, "MA"), (PARIS_CAL, PARIS, "FR")])
    )
    day = data.draw(st.sampled_from(_closed_days(cal, country)))
    start = dt.datetime.combine(day, MIDNIGHT, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), MIDNIGHT, tzinfo=zone)
    assert cal.business_seconds_between(start, end) == 0
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=zone)
    assert not cal.is_business_moment(noon)
    assert cal.next_business_moment(noon).astimezone(zone).date() > day


# -- deadlines worked out by hand

MOROCCO = calendar_for_country("MA", "Africa/Casablanca", years=[2025, 2026], periods=[RAMADAN_2026])
SLA = 16 * HOUR


def test_the_library_estimates_the_holidays_the_cases_rely_on() -> None:
    morocco = holidays_for_country("MA", [2025, 2026])
    assert "Eid al-Fitr" in morocco[dt.date(2026, 3, 20)] and "Eid al-Fitr" in morocco[dt.date(2026, 3, 21)]
    assert dt.date(2026, 3, 19) not in morocco and dt.date(2026, 3, 23) not in morocco
    assert morocco[dt.date(2025, 11, 18)] == "Independence Day"
    assert not any(dt.date(2025, 2, 21) <= day <= dt.date(2025, 2, 25) for day in morocco)
    assert holidays_for_country("FR", [2027])[dt.date(2027, 11, 1)] == "All Saints' Day"


def test_friday_afternoon_before_the_ramadan_offset_change_2025() -> None:
    # Submitted Friday 21 February 2025 at 14:30 in Casablanca (UTC+1), usual hours.
    #   Fri 21  14:30-18:00                                 3h30  (3h30)
    #   Sat 22, Sun 23: weekend; Sunday 03:00 becomes 02:00, UTC+0 from then
    #   Mon 24  09:00-13:00, 14:00-18:00                    8h    (11h30)
    #   Tue 25  09:00-13:00                                 4h    (15h30)
    #           14:00-14:30                                 0h30  (16h)
    # Deadline Tuesday 25 February 14:30 local = 14:30 UTC (13:30 UTC had the offset been kept).
    start = dt.datetime(2025, 2, 21, 14, 30, tzinfo=CASABLANCA)
    assert start.utcoffset() == dt.timedelta(hours=1)
    deadline = MOROCCO.add_business_seconds(start, SLA)
    assert deadline == dt.datetime(2025, 2, 25, 14, 30, tzinfo=UTC)
    assert deadline.astimezone(CASABLANCA) == dt.datetime(2025, 2, 25, 14, 30, tzinfo=CASABLANCA)


def test_friday_afternoon_on_eid_before_the_offset_change_back_2026() -> None:
    # Submitted Friday 20 March 2026 at 15:00 in Casablanca (UTC+0 during Ramadan), which is
    # Eid al-Fitr (the library's estimate: Friday 20 and Saturday 21).
    #   Fri 20, Sat 21: Eid; Sun 22: weekend, and 02:00 becomes 03:00, UTC+1 from then
    #   Mon 23  09:00-13:00, 14:00-18:00 (+01)              8h    (8h)
    #   Tue 24  09:00-13:00, 14:00-18:00 (+01)              8h    (16h)
    # Deadline Tuesday 24 March 18:00 local = 17:00 UTC; the clock starts Monday 08:00 UTC.
    start = dt.datetime(2026, 3, 20, 15, tzinfo=CASABLANCA)
    assert start.utcoffset() == dt.timedelta(0)
    assert MOROCCO.next_business_moment(start) == dt.datetime(2026, 3, 23, 8, tzinfo=UTC)
    deadline = MOROCCO.add_business_seconds(start, SLA)
    assert deadline == dt.datetime(2026, 3, 24, 17, tzinfo=UTC)
    assert MOROCCO.business_seconds_between(start, deadline) == SLA


EID_START = dt.datetime(2026, 3, 19, 11, tzinfo=CASABLANCA)


def test_last_day_of_ramadan_across_eid_the_weekend_and_the_offset_change() -> None:
    # Submitted Thursday 19 March 2026 at 11:00 (UTC+0), last day of the Ramadan hours 09:00-15:00.
    #   Thu 19  11:00-15:00 (Ramadan hours, +00)            4h    (4h)
    #   Fri 20, Sat 21: Eid al-Fitr; Sun 22: 02:00 becomes 03:00, UTC+1
    #   Mon 23  09:00-13:00, 14:00-18:00 (usual, +01)       8h    (12h)
    #   Tue 24  09:00-13:00                                 4h    (16h)
    # Deadline Tuesday 24 March 13:00 local = 12:00 UTC.
    deadline = MOROCCO.add_business_seconds(EID_START, SLA)
    assert deadline == dt.datetime(2026, 3, 24, 12, tzinfo=UTC)
    # The business time elapsed reads the same way, piece by piece.
    monday = dt.datetime(2026, 3, 23, tzinfo=CASABLANCA)
    assert MOROCCO.business_seconds_between(EID_START, monday) == 4 * HOUR
    assert MOROCCO.business_seconds_between(monday, deadline) == 12 * HOUR


def test_an_added_eid_day_moves_the_deadline_by_one_business_day() -> None:
    # The same demand, but Monday 23 March is declared a holiday too (a second day of Eid):
    #   Thu 19 4h (4h); Fri 20 - Mon 23 closed; Tue 24 8h (12h); Wed 25 09:00-13:00 4h (16h)
    # Deadline Wednesday 25 March 13:00 local = 12:00 UTC: one business day later.
    cal = calendar_for_country(
        "MA", "Africa/Casablanca", years=[2026], additions=[dt.date(2026, 3, 23)], periods=[RAMADAN_2026]
    )
    assert cal.add_business_seconds(EID_START, SLA) == dt.datetime(2026, 3, 25, 12, tzinfo=UTC)


def test_a_removed_holiday_does_not_count() -> None:
    # The moon was sighted a day late: Friday 20 March is worked after all (usual hours, the
    # Ramadan hours ended on the 19th, still UTC+0).
    #   Thu 19 4h (4h); Fri 20 09:00-13:00, 14:00-18:00 8h (12h); Sat 21 Eid, Sun 22 weekend;
    #   Mon 23 09:00-13:00 (+01) 4h (16h)
    # Deadline Monday 23 March 13:00 local = 12:00 UTC.
    cal = calendar_for_country(
        "MA", "Africa/Casablanca", years=[2026], removals=[dt.date(2026, 3, 20)], periods=[RAMADAN_2026]
    )
    assert cal.add_business_seconds(EID_START, SLA) == dt.datetime(2026, 3, 23, 12, tzinfo=UTC)
    assert cal.is_business_moment(dt.datetime(2026, 3, 20, 10, tzinfo=CASABLANCA))
    assert not MOROCCO.is_business_moment(dt.datetime(2026, 3, 20, 10, tzinfo=CASABLANCA))


def test_independence_day_2025() -> None:
    # Submitted Friday 14 November 2025 at 15:00 (UTC+1).
    #   Fri 14  15:00-18:00 3h (3h); Mon 17 8h (11h); Tue 18 Independence Day;
    #   Wed 19  09:00-13:00 4h (15h), 14:00-15:00 1h (16h)
    # Deadline Wednesday 19 November 15:00 local = 14:00 UTC.
    start = dt.datetime(2025, 11, 14, 15, tzinfo=CASABLANCA)
    assert MOROCCO.add_business_seconds(start, SLA) == dt.datetime(2025, 11, 19, 14, tzinfo=UTC)


def test_paris_friday_afternoon_across_the_end_of_summer_time_and_all_saints() -> None:
    # Paris office hours 09:00-12:30, 13:30-18:00. Submitted Friday 29 October 2027 at 15:00 CEST (UTC+2).
    #   Fri 29  15:00-18:00                                 3h    (3h)
    #   Sat 30; Sun 31: 03:00 CEST becomes 02:00 CET (UTC+1)
    #   Mon 1 November: All Saints' Day
    #   Tue 2   09:00-12:30 3h30 (6h30), 13:30-18:00 4h30   (11h)
    #   Wed 3   09:00-12:30 3h30 (14h30), 13:30-15:00 1h30  (16h)
    # Deadline Wednesday 3 November 15:00 CET = 14:00 UTC.
    cal = calendar_for_country("FR", "Europe/Paris", PARIS_HOURS, years=[2027])
    start = dt.datetime(2027, 10, 29, 15, tzinfo=PARIS)
    assert start.utcoffset() == dt.timedelta(hours=2)
    deadline = cal.add_business_seconds(start, SLA)
    assert deadline == dt.datetime(2027, 11, 3, 14, tzinfo=UTC)
    assert cal.business_seconds_between(start, deadline) == SLA


def test_an_sla_running_out_at_closing_time_ends_at_closing_time() -> None:
    start = dt.datetime(2026, 1, 5, 9, tzinfo=CASABLANCA)  # a Monday
    assert MOROCCO.add_business_seconds(start, 8 * HOUR) == dt.datetime(2026, 1, 5, 17, tzinfo=UTC)
    assert MOROCCO.add_business_seconds(start, 8 * HOUR + 1) == dt.datetime(2026, 1, 6, 8, 0, 1, tzinfo=UTC)
    assert not MOROCCO.is_business_moment(dt.datetime(2026, 1, 5, 18, tzinfo=CASABLANCA))
    assert MOROCCO.is_business_moment(dt.datetime(2026, 1, 5, 17, 59, 59, tzinfo=CASABLANCA))


# -- the edges of working hours when the clocks change


def test_hours_inside_the_skipped_and_repeated_hour_in_paris() -> None:
    cal = BusinessCalendar("Europe/Paris", {6: ((dt.time(2, 30), dt.time(4)),)})
    # 30 March 2025: 02:00 CET jumps to 03:00 CEST. 02:30 never happens: the hours start at the jump.
    spring = dt.date(2025, 3, 30)
    start, end = dt.datetime(2025, 3, 30, tzinfo=PARIS), dt.datetime(2025, 3, 31, tzinfo=PARIS)
    assert cal.business_seconds_between(start, end) == 1 * HOUR  # 01:00-02:00 UTC
    assert cal.next_business_moment(start) == dt.datetime(2025, 3, 30, 1, tzinfo=UTC)
    # 26 October 2025: 03:00 CEST goes back to 02:00 CET. From the first 02:30 to 04:00 CET.
    autumn_start = dt.datetime(2025, 10, 26, tzinfo=PARIS)
    autumn_end = dt.datetime(2025, 10, 27, tzinfo=PARIS)
    assert cal.business_seconds_between(autumn_start, autumn_end) == 2 * HOUR + 30 * 60  # 00:30-03:00 UTC
    assert cal.next_business_moment(autumn_start) == dt.datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    assert spring.weekday() == 6


def test_intervals_that_meet_in_the_repeated_hour_count_each_second_once() -> None:
    cal = BusinessCalendar("Europe/Paris", {6: ((MIDNIGHT, dt.time(2, 30)), (dt.time(2, 30), MIDNIGHT))})
    start, end = dt.datetime(2025, 10, 26, tzinfo=PARIS), dt.datetime(2025, 10, 27, tzinfo=PARIS)
    assert cal.business_seconds_between(start, end) == 25 * HOUR


# -- refusals


NAIVE = dt.datetime(2026, 3, 19, 11)
AWARE = dt.datetime(2026, 3, 19, 11, tzinfo=UTC)


@pytest.mark.parametrize(
    "call",
    [
        lambda: MOROCCO.is_business_moment(NAIVE),
        lambda: MOROCCO.next_business_moment(NAIVE),
        lambda: MOROCCO.business_seconds_between(NAIVE, AWARE),
        lambda: MOROCCO.business_seconds_between(AWARE, NAIVE),
        lambda: MOROCCO.add_business_seconds(NAIVE, 60),
    ],
)
def test_naive_datetimes_are_refused(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


def test_other_refusals() -> None:
    with pytest.raises(ValueError, match="before start"):
        MOROCCO.business_seconds_between(AWARE, AWARE - dt.timedelta(seconds=1))
    with pytest.raises(ValueError, match="negative"):
        MOROCCO.add_business_seconds(AWARE, -1)
    with pytest.raises(TypeError):
        MOROCCO.add_business_seconds(AWARE, 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown time zone"):
        BusinessCalendar("Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="ends before it starts"):
        BusinessCalendar("Europe/Paris", {0: ((dt.time(18), dt.time(9)),)})
    with pytest.raises(ValueError, match="overlap"):
        BusinessCalendar("Europe/Paris", {0: ((dt.time(9), dt.time(13)), (dt.time(12), dt.time(18)))})
    with pytest.raises(ValueError, match="weekday"):
        BusinessCalendar("Europe/Paris", {7: ((dt.time(9), dt.time(13)),)})
    with pytest.raises(ValueError, match="at least one weekday"):
        BusinessCalendar("Europe/Paris", {})
    with pytest.raises(ValueError, match="periods overlap"):
        BusinessCalendar("Africa/Casablanca", periods=(RAMADAN_2026, RAMADAN_2026))
    with pytest.raises(ValueError, match="country"):
        holidays_for_country("ES", [2026])
    with pytest.raises(ValueError, match="both added and removed"):
        calendar_for_country("MA", "Africa/Casablanca", years=[2026], additions=[dt.date(2026, 3, 20)],
                             removals=[dt.date(2026, 3, 20)])  # fmt: skip


def test_a_calendar_refuses_years_it_has_no_holidays_for() -> None:
    cal = calendar_for_country("MA", "Africa/Casablanca", years=[2026])
    thursday = dt.datetime(2026, 12, 31, 17, tzinfo=CASABLANCA)
    # The last hour of 2026 needs nothing of 2027 ...
    assert cal.add_business_seconds(thursday, HOUR) == dt.datetime(2026, 12, 31, 18, tzinfo=CASABLANCA)
    # ... one more second does: 1 January is a holiday the calendar cannot know of.
    with pytest.raises(HolidaysNotCovered, match="2027"):
        cal.add_business_seconds(thursday, HOUR + 1)


def test_holidays_may_be_a_function_and_calendars_compare_by_value() -> None:
    def first_of_month(day: dt.date) -> bool:
        return day.day == 1

    cal = BusinessCalendar("Europe/Paris", DEFAULT_WORKING_HOURS, first_of_month)
    assert not cal.is_business_moment(dt.datetime(2026, 6, 1, 10, tzinfo=PARIS))  # a Monday
    assert cal.is_business_moment(dt.datetime(2026, 6, 2, 10, tzinfo=PARIS))
    same = calendar_for_country("MA", "Africa/Casablanca", years=[2026], periods=[RAMADAN_2026])
    assert same == calendar_for_country("MA", "Africa/Casablanca", years=[2026], periods=[RAMADAN_2026])
    assert hash(same) == hash(
        calendar_for_country("MA", "Africa/Casablanca", years=[2026], periods=[RAMADAN_2026])
    )
