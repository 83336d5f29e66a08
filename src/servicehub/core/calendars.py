"""Business calendars: when a site works, and how much business time lies between two instants.

A pure module — no Django, no database — so SLA clocks, the optimiser and the
tests can use it alone. `org.calendars.calendar_for_site` builds one from a
site's rows.

A calendar is a time zone, weekly working hours (optionally replaced for a
range of dates, e.g. reduced hours during Ramadan) and a set of public
holidays. Working hours are local wall-clock times; every computation turns
each working day's intervals into UTC instants through the site's time zone
and adds up real elapsed seconds. That is what makes the arithmetic right
across offset changes: `Africa/Casablanca` leaves UTC+1 for UTC+0 during
Ramadan (2025-02-23 03:00 → 02:00, back 2025-04-06 02:00 → 03:00;
2026-02-15 and 2026-03-22 likewise), `Europe/Paris` has summer time.

Rules the functions keep:
- Inputs must be aware datetimes; a naive one raises `ValueError`.
- Results are aware datetimes in UTC.
- The clock ticks in whole seconds: `business_seconds_between` and
  `add_business_seconds` drop the fraction of a second of their arguments, so
  business time is an exact integer and adds up exactly (for a ≤ b ≤ c,
  f(a, c) == f(a, b) + f(b, c)).
- A working interval is half-open, [start, end): at 18:00 a site open until
  18:00 is closed. An interval may end at 00:00, meaning midnight at the end of
  its day (24:00); night shifts are entered as two intervals.
- When the clocks jump forward over an interval's edge, the edge is the jump;
  when they go back, an interval runs from the first time the wall clock reads
  its start to the last time it reads its end.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import holidays as holidays_library

UTC = dt.UTC
MIDNIGHT = dt.time(0)
ONE_SECOND = dt.timedelta(seconds=1)

Interval = tuple[dt.time, dt.time]
WeeklyHours = Mapping[int, Sequence[Interval]]
HolidayTest = Callable[[dt.date], bool]

#: Monday to Friday, 09:00-13:00 and 14:00-18:00: the Moroccan centres' usual week.
DEFAULT_WORKING_HOURS: Mapping[int, tuple[Interval, ...]] = MappingProxyType(
    {
        weekday: ((dt.time(9), dt.time(13)), (dt.time(14), dt.time(18)))
        for weekday in range(5)  # Monday = 0
    }
)

#: Countries whose public holidays the `holidays` library gives us.
SUPPORTED_COUNTRIES = ("MA", "FR")

# A calendar with no business time for this many days in a row is taken as
# closed for good: searching further would never end.
_SEARCH_DAYS = 3 * 366


class HolidaysNotCovered(ValueError):
    """A computation reached a year the calendar was not given the public holidays of."""


def _require_aware(value: dt.datetime, name: str) -> None:
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name} must be a timezone-aware datetime, got the naive {value.isoformat()}: "
            "say which time zone it is in"
        )


def _whole_second_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(UTC).replace(microsecond=0)


def _freeze_week(hours: WeeklyHours, what: str) -> MappingProxyType[int, tuple[Interval, ...]]:
    """Validate weekly hours and return them sorted, as tuples, without empty days."""
    week: dict[int, tuple[Interval, ...]] = {}
    for weekday, intervals in hours.items():
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise ValueError(f"{what}: weekday must be 0 (Monday) to 6 (Sunday), got {weekday!r}")
        checked: list[Interval] = []
        for interval in intervals:
            start, end = interval
            for edge in (start, end):
                if not isinstance(edge, dt.time) or edge.tzinfo is not None:
                    raise ValueError(f"{what}: working hours are naive local times, got {edge!r}")
                if edge.microsecond:
                    raise ValueError(f"{what}: working hours are whole seconds, got {edge}")
            if end != MIDNIGHT and end <= start:
                raise ValueError(f"{what}: interval {start}-{end} ends before it starts")
            checked.append((start, end))
        checked.sort()
        for (_, end_before), (start_after, _) in itertools.pairwise(checked):
            if end_before == MIDNIGHT or start_after < end_before:
                raise ValueError(f"{what}: intervals overlap on weekday {weekday}")
        if checked:
            week[weekday] = tuple(checked)
    return MappingProxyType(dict(sorted(week.items())))


def _hashable_week(week: WeeklyHours) -> tuple[tuple[int, tuple[Interval, ...]], ...]:
    return tuple((weekday, tuple(intervals)) for weekday, intervals in sorted(week.items()))


@dataclass(frozen=True)
class HoursPeriod:
    """Working hours that replace the usual week from `valid_from` to `valid_until`, both included.

    The whole week is replaced: a weekday the period does not list is closed
    during the period (Ramadan hours Monday to Friday close the Saturday too).
    """

    valid_from: dt.date
    valid_until: dt.date
    working_hours: WeeklyHours

    def __post_init__(self) -> None:
        if self.valid_until < self.valid_from:
            raise ValueError(f"hours period ends ({self.valid_until}) before it starts ({self.valid_from})")
        what = f"hours from {self.valid_from} to {self.valid_until}"
        object.__setattr__(self, "working_hours", _freeze_week(self.working_hours, what))

    def __hash__(self) -> int:
        return hash((self.valid_from, self.valid_until, _hashable_week(self.working_hours)))

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_until


@dataclass(frozen=True)
class BusinessCalendar:
    """A site's business time: time zone, weekly working hours, hours periods and public holidays.

    `holidays` is a set of dates or a function telling whether a date is a
    holiday. `holiday_years`, when given, are the years `holidays` is complete
    for: a computation that needs another year's holidays raises
    `HolidaysNotCovered` rather than silently counting a holiday as worked.
    """

    timezone: str
    working_hours: WeeklyHours = field(default_factory=lambda: DEFAULT_WORKING_HOURS)
    holidays: frozenset[dt.date] | HolidayTest = frozenset()
    periods: tuple[HoursPeriod, ...] = ()
    holiday_years: frozenset[int] | None = None
    _zone: zoneinfo.ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            zone = zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {self.timezone!r}") from None
        object.__setattr__(self, "_zone", zone)
        object.__setattr__(self, "working_hours", _freeze_week(self.working_hours, "working hours"))
        if not callable(self.holidays):
            object.__setattr__(self, "holidays", frozenset(self.holidays))
        periods = tuple(sorted(self.periods, key=lambda p: p.valid_from))
        for before, after in itertools.pairwise(periods):
            if after.valid_from <= before.valid_until:
                raise ValueError(
                    f"hours periods overlap: {before.valid_from} to {before.valid_until} "
                    f"and {after.valid_from} to {after.valid_until}"
                )
        object.__setattr__(self, "periods", periods)
        if self.holiday_years is not None:
            object.__setattr__(self, "holiday_years", frozenset(self.holiday_years))
        if not self.working_hours and not any(p.working_hours for p in periods):
            raise ValueError("a business calendar needs working hours on at least one weekday")

    def __hash__(self) -> int:
        return hash(
            (
                self.timezone,
                _hashable_week(self.working_hours),
                self.holidays,
                self.periods,
                self.holiday_years,
            )
        )

    # -- days

    def hours_on(self, day: dt.date) -> tuple[Interval, ...]:
        """The local working intervals of `day`, holidays aside."""
        week = next((p.working_hours for p in self.periods if p.covers(day)), self.working_hours)
        return tuple(week.get(day.weekday(), ()))

    def is_holiday(self, day: dt.date) -> bool:
        if self.holiday_years is not None and day.year not in self.holiday_years:
            years = ", ".join(str(y) for y in sorted(self.holiday_years))
            raise HolidaysNotCovered(
                f"the calendar knows the public holidays of {years} only, and {day} needs {day.year}'s: "
                "build it with years that cover the dates you compute with"
            )
        if callable(self.holidays):
            return self.holidays(day)
        return day in self.holidays

    def _day_intervals(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """`day`'s working intervals as UTC instants, holidays aside."""
        intervals = []
        for start, end in self.hours_on(day):
            local_start = dt.datetime.combine(day, start)
            local_end = (
                dt.datetime.combine(day + dt.timedelta(days=1), MIDNIGHT)
                if end == MIDNIGHT
                else dt.datetime.combine(day, end)
            )
            intervals.append(
                (
                    _wall_to_utc(local_start, self._zone, latest=False),
                    _wall_to_utc(local_end, self._zone, latest=True),
                )
            )
        return intervals

    def _intervals(
        self, since: dt.datetime, until: dt.datetime | None = None
    ) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Business intervals in UTC, ascending and disjoint, clipped to [since, until).

        Lazy, and a day's holidays are looked up only when one of its intervals
        falls in the range: a deadline on 31 December needs no holidays of the
        next year.
        """
        day = since.astimezone(self._zone).date() - dt.timedelta(days=1)  # a fold can reach back a day
        cursor = since
        idle_days = 0
        while True:
            found = False
            is_holiday: bool | None = None
            for start, end in self._day_intervals(day):
                if until is not None and start >= until:
                    return
                if end <= cursor:
                    continue
                if is_holiday is None:
                    is_holiday = self.is_holiday(day)
                if is_holiday:
                    break
                # When the clocks go back, the earliest start of an interval can precede
                # the latest end of the one before it: clip so that no second counts twice.
                start = max(start, cursor)
                end = end if until is None else min(end, until)
                if start < end:
                    found = True
                    cursor = end
                    yield start, end
            if until is not None and cursor >= until:
                return
            day += dt.timedelta(days=1)
            if until is not None and _wall_to_utc(dt.datetime.combine(day, MIDNIGHT), self._zone) >= until:
                return
            idle_days = 0 if found else idle_days + 1
            if idle_days > _SEARCH_DAYS:
                raise ValueError(
                    f"no business time in the {_SEARCH_DAYS} days before {day}: is the site closed?"
                )

    # -- instants

    def is_business_moment(self, moment: dt.datetime) -> bool:
        """Whether the site is working at `moment`."""
        _require_aware(moment, "moment")
        at = moment.astimezone(UTC)
        return next(self._intervals(at, at + dt.timedelta(microseconds=1)), None) is not None

    def next_business_moment(self, moment: dt.datetime) -> dt.datetime:
        """`moment` itself if the site is working then, else the start of its next working interval."""
        _require_aware(moment, "moment")
        start, _ = next(self._intervals(moment.astimezone(UTC)))
        return start

    def business_seconds_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Whole business seconds elapsed from `start` to `end` (fractions of a second dropped)."""
        _require_aware(start, "start")
        _require_aware(end, "end")
        since, until = _whole_second_utc(start), _whole_second_utc(end)
        if until < since:
            raise ValueError(f"end ({end.isoformat()}) is before start ({start.isoformat()})")
        if until == since:
            return 0
        total = dt.timedelta()
        for a, b in self._intervals(since, until):
            total += b - a
        return total // ONE_SECOND

    def add_business_seconds(self, start: dt.datetime, seconds: int) -> dt.datetime:
        """The deadline `seconds` of business time after `start`, in UTC.

        It is the earliest instant t with business_seconds_between(start, t) ==
        seconds, so an SLA that runs out exactly at closing time ends at closing
        time (18:00), not at the next opening. With seconds == 0 it is `start`,
        to the second.
        """
        _require_aware(start, "start")
        if isinstance(seconds, bool) or not isinstance(seconds, int):
            raise TypeError(f"seconds must be an int, not {type(seconds).__name__}")
        if seconds < 0:
            raise ValueError(f"seconds must not be negative, got {seconds}")
        since = _whole_second_utc(start)
        remaining = dt.timedelta(seconds=seconds)
        if not remaining:
            return since
        for a, b in self._intervals(since):
            if remaining <= b - a:
                return a + remaining
            remaining -= b - a
        raise AssertionError("unreachable: _intervals never ends without until")  # pragma: no cover


def _wall_to_utc(local: dt.datetime, zone: zoneinfo.ZoneInfo, *, latest: bool = False) -> dt.datetime:
    """The UTC instant at which the wall clock of `zone` reads the naive `local`.

    When the clocks went back the wall clock reads `local` twice: the first
    time, or with `latest` the second. When they jumped forward over it, it
    never does: the jump itself stands for it.
    """
    first = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = local.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first == second:
        return first
    if first < second:
        return second if latest else first
    return _jump_between(second, first, zone)


def _jump_between(before: dt.datetime, after: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The first whole second after `before` at which `zone`'s offset is no longer `before`'s."""
    offset = before.astimezone(zone).utcoffset()
    low, high = int(before.timestamp()), int(after.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if dt.datetime.fromtimestamp(middle, zone).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return dt.datetime.fromtimestamp(high, UTC)


# -- public holidays


def holidays_for_country(country: str, years: Iterable[int]) -> dict[dt.date, str]:
    """The public holidays of `country` ("MA" or "FR") in `years`, from the `holidays` library.

    Morocco's Islamic holidays (Eid al-Fitr, Eid al-Adha, Islamic New Year, the
    Prophet's birthday) are the library's estimates — the real dates follow the
    moon sighting, which is what overrides are for.
    """
    if country not in SUPPORTED_COUNTRIES:
        raise ValueError(
            f"no public holidays for country {country!r}: use one of {', '.join(SUPPORTED_COUNTRIES)}"
        )
    wanted = sorted(set(years))
    if not wanted:
        return {}
    found: Any = holidays_library.country_holidays(country, years=wanted)
    return {day: str(name) for day, name in sorted(found.items())}


def calendar_for_country(
    country: str,
    timezone: str,
    working_hours: WeeklyHours = DEFAULT_WORKING_HOURS,
    *,
    years: Iterable[int],
    additions: Iterable[dt.date] = (),
    removals: Iterable[dt.date] = (),
    periods: Iterable[HoursPeriod] = (),
) -> BusinessCalendar:
    """A calendar with `country`'s public holidays of `years`, plus `additions`, less `removals`.

    The calendar refuses to compute with dates outside `years` (see
    `HolidaysNotCovered`): pass every year the clocks may run in.
    """
    covered = frozenset(years)
    if not covered:
        raise ValueError("years must name at least one year")
    added, removed = frozenset(additions), frozenset(removals)
    if added & removed:
        both = ", ".join(str(d) for d in sorted(added & removed))
        raise ValueError(f"dates both added and removed as holidays: {both}")
    days = (set(holidays_for_country(country, covered)) | added) - removed
    return BusinessCalendar(
        timezone=timezone,
        working_hours=working_hours,
        holidays=frozenset(days),
        periods=tuple(periods),
        holiday_years=covered,
    )
