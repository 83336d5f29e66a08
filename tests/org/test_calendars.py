"""Sites' working hours and holiday overrides: actions, audit, permissions, the calendars built from them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import World
from servicehub.core.choices import AuditEvent
from servicehub.core.models import AuditLog, User
from servicehub.org.actions import (
    do_add_holiday_override,
    do_remove_holiday_override,
    do_set_working_hours,
    do_update_site,
)
from servicehub.org.calendars import calendar_for_site, calendars_for_sites
from servicehub.org.choices import HolidayCountry, HolidayOverrideKind
from servicehub.org.models import HolidayOverride, Site, WorkingHours

UTC = dt.UTC
CASABLANCA = ZoneInfo("Africa/Casablanca")
HOUR = 3600
T = dt.time

USUAL = {d: [(T(9), T(13)), (T(14), T(18))] for d in range(5)}
RAMADAN = {d: [(T(9), T(15))] for d in range(5)}
RAMADAN_2026 = {"valid_from": dt.date(2026, 2, 18), "valid_until": dt.date(2026, 3, 19)}
EID_START = dt.datetime(2026, 3, 19, 11, tzinfo=CASABLANCA)  # last day of Ramadan hours, see tests/core


def events(*kinds: AuditEvent) -> list[tuple[str, str]]:
    return list(AuditLog.objects.filter(event__in=kinds).order_by("id").values_list("event", "actor_label"))


def ramadan_hours(site: Site, actor: User | None = None) -> None:
    do_set_working_hours(site, hours=USUAL, actor=actor)
    do_set_working_hours(site, hours=RAMADAN, **RAMADAN_2026, actor=actor)


# -- the calendar of a site


def test_a_site_without_hours_works_the_default_week_and_follows_morocco(world: World) -> None:
    assert world.rabat.holiday_country == HolidayCountry.MOROCCO
    cal = calendar_for_site(world.rabat, [2026])
    monday = dt.date(2026, 1, 5)
    assert cal.timezone == "Africa/Casablanca"
    assert [
        cal.is_business_moment(dt.datetime.combine(monday, t, CASABLANCA)) for t in (T(9), T(13), T(17, 59))
    ] == [
        True,
        False,
        True,
    ]
    assert not cal.is_business_moment(dt.datetime(2026, 1, 10, 10, tzinfo=CASABLANCA))  # Saturday
    assert not cal.is_business_moment(dt.datetime(2026, 7, 30, 10, tzinfo=CASABLANCA))  # Throne Day


def test_ramadan_hours_and_eid_from_the_site_rows(world: World) -> None:
    ramadan_hours(world.casablanca)
    cal = calendar_for_site(world.casablanca, [2026])
    assert cal.is_business_moment(dt.datetime(2026, 3, 2, 13, 30, tzinfo=CASABLANCA))  # no lunch break
    assert not cal.is_business_moment(dt.datetime(2026, 3, 2, 15, 30, tzinfo=CASABLANCA))  # closes at 15:00
    assert cal.is_business_moment(dt.datetime(2026, 4, 6, 15, 30, tzinfo=CASABLANCA))  # usual hours again
    # Worked out by hand in tests/core/test_calendars.py: 4h on Thursday, Eid, the weekend
    # and the offset change, 8h on Monday, 4h on Tuesday morning.
    assert cal.add_business_seconds(EID_START, 16 * HOUR) == dt.datetime(2026, 3, 24, 12, tzinfo=UTC)


def test_country_overrides_move_the_deadline_and_a_site_override_wins(
    world: World, personas: dict[str, User]
) -> None:
    director = personas["director"]
    for site in (world.rabat, world.casablanca):
        ramadan_hours(site)
    second_day = do_add_holiday_override(
        country=HolidayCountry.MOROCCO,
        date=dt.date(2026, 3, 23),
        name="Aïd al-Fitr (2e jour)",
        kind=HolidayOverrideKind.ADD,
        actor=director,
    )
    # An added Eid day: one business day later (Wednesday 13:00 local, 12:00 UTC).
    assert calendar_for_site(world.casablanca, [2026]).add_business_seconds(
        EID_START, 16 * HOUR
    ) == dt.datetime(2026, 3, 25, 12, tzinfo=UTC)
    # Rabat works that Monday all the same: its own override beats the country's.
    do_add_holiday_override(
        site=world.rabat,
        date=dt.date(2026, 3, 23),
        name="Permanence",
        kind=HolidayOverrideKind.REMOVE,
        actor=director,
    )
    calendars = calendars_for_sites([world.rabat, world.casablanca], [2026])
    assert calendars[world.rabat.pk].add_business_seconds(EID_START, 16 * HOUR) == dt.datetime(
        2026, 3, 24, 12, tzinfo=UTC
    )
    assert calendars[world.casablanca.pk].add_business_seconds(EID_START, 16 * HOUR) == dt.datetime(
        2026, 3, 25, 12, tzinfo=UTC
    )
    # The estimated Friday of Eid removed: Friday is worked, the deadline is Monday 13:00 local.
    do_remove_holiday_override(second_day, actor=director)
    do_add_holiday_override(
        country=HolidayCountry.MOROCCO,
        date=dt.date(2026, 3, 20),
        name="Aïd al-Fitr (estimation)",
        kind=HolidayOverrideKind.REMOVE,
        actor=director,
    )
    assert calendar_for_site(world.casablanca, [2026]).add_business_seconds(
        EID_START, 16 * HOUR
    ) == dt.datetime(2026, 3, 23, 12, tzinfo=UTC)


def test_a_site_following_french_holidays(world: World, personas: dict[str, User]) -> None:
    do_update_site(world.casablanca, holiday_country=HolidayCountry.FRANCE, actor=personas["director"])
    world.casablanca.refresh_from_db()
    cal = calendar_for_site(world.casablanca, [2026])
    assert not cal.is_business_moment(dt.datetime(2026, 7, 14, 10, tzinfo=CASABLANCA))  # Bastille Day
    assert cal.is_business_moment(dt.datetime(2026, 7, 30, 10, tzinfo=CASABLANCA))  # not Throne Day


def test_calendars_of_many_sites_in_two_queries(world: World, django_assert_num_queries: Any) -> None:
    for site in (world.rabat, world.casablanca):
        ramadan_hours(site)
    sites = list(Site.objects.all())
    with django_assert_num_queries(2):
        calendars = calendars_for_sites(sites, [2026])
    assert set(calendars) == {world.rabat.pk, world.casablanca.pk}


# -- actions and their audit


def test_setting_hours_writes_only_the_difference_with_its_audit(
    world: World, personas: dict[str, User]
) -> None:
    director = personas["director"]
    rows = do_set_working_hours(world.rabat, hours=USUAL, actor=director)
    assert len(rows) == 10
    assert events(AuditEvent.WORKING_HOURS_SET) == [("working_hours.set", "director")] * 10
    # The same hours again: nothing written.
    do_set_working_hours(world.rabat, hours=USUAL, actor=director)
    assert (
        WorkingHours.objects.count() == 10
        and AuditLog.objects.filter(event__startswith="working_hours").count() == 10
    )
    # Friday afternoon off: one interval removed, none added.
    friday = {**USUAL, 4: [(T(9), T(13))]}
    do_set_working_hours(world.rabat, hours=friday, actor=director)
    removed = AuditLog.objects.get(event=AuditEvent.WORKING_HOURS_REMOVED)
    assert removed.before is not None
    assert (removed.before["weekday"], removed.before["starts_at"]) == (4, "14:00:00")
    assert removed.object_type == "org.workinghours" and removed.actor == director
    assert WorkingHours.objects.filter(site=world.rabat, weekday=4).count() == 1
    # A period is a separate week: setting it leaves the usual week alone.
    do_set_working_hours(world.rabat, hours=RAMADAN, **RAMADAN_2026, actor=director)
    assert WorkingHours.objects.filter(site=world.rabat, valid_from__isnull=True).count() == 9
    assert WorkingHours.objects.filter(site=world.rabat, valid_from=dt.date(2026, 2, 18)).count() == 5
    # Empty hours remove the period.
    do_set_working_hours(world.rabat, hours={}, **RAMADAN_2026, actor=director)
    assert not WorkingHours.objects.filter(valid_from__isnull=False).exists()
    assert AuditLog.objects.filter(event=AuditEvent.WORKING_HOURS_REMOVED).count() == 6


def test_holiday_overrides_are_audited(world: World, personas: dict[str, User]) -> None:
    director = personas["director"]
    override = do_add_holiday_override(
        site=world.rabat,
        date=dt.date(2026, 5, 27),
        name="Aïd al-Adha",
        kind=HolidayOverrideKind.ADD,
        actor=director,
    )
    added = AuditLog.objects.get(event=AuditEvent.HOLIDAY_OVERRIDE_ADDED)
    assert added.object_id == str(override.pk) and added.after is not None
    assert added.after["date"] == "2026-05-27" and added.after["kind"] == "add"
    pk = override.pk
    do_remove_holiday_override(override, actor=director)
    removed = AuditLog.objects.get(event=AuditEvent.HOLIDAY_OVERRIDE_REMOVED)
    assert (
        removed.object_id == str(pk)
        and removed.before is not None
        and removed.before["name"] == "Aïd al-Adha"
    )
    assert not HolidayOverride.objects.exists()


# -- permissions


def test_who_sees_and_changes_hours_and_overrides(world: World, personas: dict[str, User]) -> None:
    ramadan_hours(world.rabat)
    ramadan_hours(world.casablanca)
    country = do_add_holiday_override(
        country=HolidayCountry.MOROCCO, date=dt.date(2026, 3, 23), name="Aïd", kind="add", actor=None
    )
    rabat_day = do_add_holiday_override(
        site=world.rabat, date=dt.date(2026, 4, 1), name="Pont", kind="add", actor=None
    )
    casa_day = do_add_holiday_override(
        site=world.casablanca, date=dt.date(2026, 4, 2), name="Pont", kind="add", actor=None
    )
    rabat_hours = set(WorkingHours.objects.filter(site=world.rabat).values_list("pk", flat=True))
    all_hours = set(WorkingHours.objects.values_list("pk", flat=True))
    everything = {country.pk, rabat_day.pk, casa_day.pk}

    def reach(user: User, action: str) -> tuple[set[int], set[int]]:
        return (
            set(WorkingHours.objects.restrict(user, action).values_list("pk", flat=True)),
            set(HolidayOverride.objects.restrict(user, action).values_list("pk", flat=True)),
        )

    for key in ("director", "site_manager", "delivery_lead", "resource_manager", "recruiter", "specialist"):
        assert reach(personas[key], "view") == (all_hours, everything), key
    assert reach(personas["director"], "change") == (all_hours, everything)
    # The Rabat site manager changes Rabat's hours and Rabat's own days, not the country's.
    assert reach(personas["site_manager"], "change") == (rabat_hours, {rabat_day.pk})
    for key in ("delivery_lead", "resource_manager", "recruiter", "specialist"):
        assert reach(personas[key], "change") == (set(), set()), key
    for key in ("client_a", "client_b"):
        assert reach(personas[key], "view") == (set(), set()), key
        assert reach(personas[key], "change") == (set(), set()), key


REFUSED: dict[str, Callable[[World, User], object]] = {
    "hours of another site": lambda w, u: do_set_working_hours(w.casablanca, hours=USUAL, actor=u),
    "a country override": lambda w, u: do_add_holiday_override(
        country=HolidayCountry.MOROCCO, date=dt.date(2026, 3, 23), name="Aïd", kind="add", actor=u
    ),
    "another site's override": lambda w, u: do_add_holiday_override(
        site=w.casablanca, date=dt.date(2026, 3, 23), name="Aïd", kind="add", actor=u
    ),
}


@pytest.mark.parametrize("what", REFUSED)
@pytest.mark.parametrize("key", ["site_manager", "delivery_lead", "specialist", "client_a"])
def test_refused_changes_leave_nothing_behind(
    world: World, personas: dict[str, User], key: str, what: str
) -> None:
    audit_before = AuditLog.objects.count()
    with pytest.raises(PermissionDenied):
        REFUSED[what](world, personas[key])
    assert not WorkingHours.objects.exists() and not HolidayOverride.objects.exists()
    assert AuditLog.objects.count() == audit_before


def test_the_site_manager_keeps_the_own_site_calendar(world: World, personas: dict[str, User]) -> None:
    manager = personas["site_manager"]
    ramadan_hours(world.rabat, actor=manager)
    override = do_add_holiday_override(
        site=world.rabat, date=dt.date(2026, 4, 1), name="Pont", kind=HolidayOverrideKind.ADD, actor=manager
    )
    do_remove_holiday_override(override, actor=manager)
    assert WorkingHours.objects.filter(site=world.rabat).count() == 15
    country = do_add_holiday_override(
        country=HolidayCountry.MOROCCO, date=dt.date(2026, 3, 23), name="Aïd", kind="add", actor=None
    )
    with pytest.raises(PermissionDenied):
        do_remove_holiday_override(country, actor=manager)
    assert HolidayOverride.objects.filter(pk=country.pk).exists()


# -- validation


def _field_errors(call: Callable[[], object]) -> set[str]:
    with pytest.raises(ValidationError) as raised:
        call()
    return set(raised.value.message_dict)


def test_invalid_hours_name_the_field_and_write_nothing(world: World, personas: dict[str, User]) -> None:
    director = personas["director"]

    def hours(week: dict[int, list[tuple[dt.time, dt.time]]], **dates: dt.date) -> Callable[[], object]:
        return lambda: do_set_working_hours(world.rabat, hours=week, actor=director, **dates)

    assert _field_errors(hours({0: [(T(18), T(9))]})) == {"ends_at"}
    assert _field_errors(hours({0: [(T(9), T(9))]})) == {"ends_at"}
    assert _field_errors(hours({0: [(T(9), T(13)), (T(12), T(18))]})) == {"starts_at"}
    assert _field_errors(hours({0: [(T(9), T(13)), (T(12), T(0))]})) == {"starts_at"}
    assert _field_errors(hours({7: [(T(9), T(13))]})) == {"weekday"}
    assert _field_errors(hours(RAMADAN, valid_from=dt.date(2026, 2, 18))) == {"valid_until"}
    assert _field_errors(hours(RAMADAN, valid_until=dt.date(2026, 3, 19))) == {"valid_from"}
    assert _field_errors(
        hours(RAMADAN, valid_from=dt.date(2026, 3, 19), valid_until=dt.date(2026, 2, 18))
    ) == {"valid_until"}
    assert not WorkingHours.objects.exists()
    # Midnight ends the day: a night shift to 24:00 is valid.
    do_set_working_hours(world.rabat, hours={5: [(T(20), T(0))]}, actor=director)
    # A second period may not overlap the first.
    do_set_working_hours(world.rabat, hours=RAMADAN, **RAMADAN_2026, actor=director)
    overlapping = hours(RAMADAN, valid_from=dt.date(2026, 3, 1), valid_until=dt.date(2026, 4, 30))
    assert _field_errors(overlapping) == {"valid_from"}
    assert WorkingHours.objects.count() == 6


def test_invalid_overrides_name_the_field(world: World, personas: dict[str, User]) -> None:
    director = personas["director"]
    both = _field_errors(
        lambda: do_add_holiday_override(
            country=HolidayCountry.MOROCCO,
            site=world.rabat,
            date=dt.date(2026, 3, 23),
            name="Aïd",
            kind=HolidayOverrideKind.ADD,
            actor=director,
        )
    )
    assert both == {"country"}
    neither = _field_errors(
        lambda: do_add_holiday_override(
            date=dt.date(2026, 3, 23), name="Aïd", kind=HolidayOverrideKind.ADD, actor=director
        )
    )
    assert neither == {"country"}
    do_add_holiday_override(
        country=HolidayCountry.MOROCCO, date=dt.date(2026, 3, 23), name="Aïd", kind="add", actor=director
    )
    again = _field_errors(
        lambda: do_add_holiday_override(
            country=HolidayCountry.MOROCCO,
            date=dt.date(2026, 3, 23),
            name="Aïd",
            kind="remove",
            actor=director,
        )
    )
    assert again == {"date"}
    # The same date for one site is another override, allowed.
    do_add_holiday_override(
        site=world.rabat, date=dt.date(2026, 3, 23), name="Ouvert", kind="remove", actor=director
    )
    bad_kind = _field_errors(
        lambda: do_add_holiday_override(
            site=world.rabat,
            date=dt.date(2026, 3, 24),
            name="?",
            kind="maybe",
            actor=director,  # type: ignore[arg-type]
        )
    )
    assert bad_kind == {"kind"}
    assert HolidayOverride.objects.count() == 2
