"""Sites' business calendars: the pure `core.calendars.BusinessCalendar` built from a site's rows.

The SLA clocks call this for the system, across every tenant, never for a
user: it reads the tables directly rather than through `restrict()`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from servicehub.core.calendars import (
    DEFAULT_WORKING_HOURS,
    BusinessCalendar,
    HoursPeriod,
    Interval,
    WeeklyHours,
    calendar_for_country,
)
from servicehub.org.choices import HolidayOverrideKind
from servicehub.org.models import HolidayOverride, Site, WorkingHours


def calendar_for_site(site: Site, years: Iterable[int]) -> BusinessCalendar:
    """`site`'s calendar, knowing the public holidays of `years` (it refuses to compute outside them)."""
    return calendars_for_sites([site], years)[site.pk]


def calendars_for_sites(sites: Iterable[Site], years: Iterable[int]) -> dict[int, BusinessCalendar]:
    """Calendars of several sites by site id, in two queries whatever their number."""
    sites = list(sites)
    years = frozenset(years)
    usual: dict[int, dict[int, list[Interval]]] = defaultdict(lambda: defaultdict(list))
    periods: dict[int, dict[tuple[dt.date, dt.date], dict[int, list[Interval]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    rows = WorkingHours.objects.filter(site__in=sites).values_list(
        "site_id", "weekday", "starts_at", "ends_at", "valid_from", "valid_until"
    )
    for site_id, weekday, starts_at, ends_at, valid_from, valid_until in rows:
        if valid_from is None or valid_until is None:
            usual[site_id][weekday].append((starts_at, ends_at))
        else:
            periods[site_id][valid_from, valid_until][weekday].append((starts_at, ends_at))

    # Overrides of the sites' countries and of the sites themselves; a site's own wins.
    by_country: dict[str, dict[dt.date, str]] = defaultdict(dict)
    by_site: dict[int, dict[dt.date, str]] = defaultdict(dict)
    overrides = HolidayOverride.objects.filter(
        Q(site__in=sites) | Q(site__isnull=True, country__in={site.holiday_country for site in sites})
    ).values_list("country", "site_id", "date", "kind")
    for country, site_id, day, kind in overrides:
        if site_id is None:
            by_country[country][day] = kind
        else:
            by_site[site_id][day] = kind

    calendars = {}
    for site in sites:
        kinds = {**by_country[site.holiday_country], **by_site[site.pk]}
        working_hours: WeeklyHours = usual[site.pk] or DEFAULT_WORKING_HOURS
        calendars[site.pk] = calendar_for_country(
            site.holiday_country,
            site.timezone,
            working_hours,
            years=years,
            additions={day for day, kind in kinds.items() if kind == HolidayOverrideKind.ADD},
            removals={day for day, kind in kinds.items() if kind == HolidayOverrideKind.REMOVE},
            periods=[
                HoursPeriod(valid_from, valid_until, week)
                for (valid_from, valid_until), week in sorted(periods[site.pk].items())
            ],
        )
    return calendars
