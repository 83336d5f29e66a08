from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from servicehub.core.audit import record_change, save_changes, save_new, snapshot
from servicehub.core.choices import AuditEvent
from servicehub.core.models import User
from servicehub.core.tenancy import ensure_can
from servicehub.org.choices import HolidayCountry, HolidayOverrideKind, ObjectiveMetric, OrganisationKind
from servicehub.org.models import HolidayOverride, Objective, Organisation, Programme, Site, WorkingHours

_SITE_EDITABLE = {"name", "address", "seats", "timezone", "holiday_country"}


@transaction.atomic
def do_create_organisation(
    *,
    name: str,
    code: str,
    kind: OrganisationKind,
    parent: Organisation | None = None,
    country: str = "",
    city: str = "",
    actor: User | None,
) -> Organisation:
    org = Organisation(name=name, code=code, kind=kind, parent=parent, country=country, city=city)
    save_new(org, actor=actor, event=AuditEvent.ORGANISATION_CREATED)
    return org


@transaction.atomic
def do_create_site(
    *,
    provider: Organisation,
    name: str,
    code: str,
    city: str,
    timezone: str,
    opened_on: dt.date,
    seats: int,
    address: str = "",
    holiday_country: HolidayCountry = HolidayCountry.MOROCCO,
    actor: User | None,
) -> Site:
    site = Site(
        provider=provider,
        name=name,
        code=code,
        city=city,
        address=address,
        timezone=timezone,
        opened_on=opened_on,
        seats=seats,
        holiday_country=holiday_country,
    )
    save_new(site, actor=actor, event=AuditEvent.SITE_CREATED)
    return site


@transaction.atomic
def do_update_site(site: Site, *, actor: User | None, **changes: Any) -> Site:
    unknown = set(changes) - _SITE_EDITABLE
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    site = Site.objects.select_for_update().get(pk=site.pk)
    for name, value in changes.items():
        setattr(site, name, value)
    save_changes(site, sorted(changes), actor=actor, event=AuditEvent.SITE_UPDATED)
    return site


@transaction.atomic
def do_create_programme(
    *,
    owner: Organisation,
    name: str,
    code: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    sponsor: Organisation | None = None,
    description: str = "",
    actor: User | None,
) -> Programme:
    programme = Programme(
        owner=owner,
        sponsor=sponsor,
        name=name,
        code=code,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    save_new(programme, actor=actor, event=AuditEvent.PROGRAMME_CREATED)
    return programme


@transaction.atomic
def do_set_objective(
    programme: Programme,
    *,
    metric: ObjectiveMetric,
    target: Decimal,
    due_on: dt.date,
    label: str,
    site: Site | None = None,
    actor: User | None,
) -> Objective:
    objective = Objective(
        programme=programme, metric=metric, target=target, due_on=due_on, label=label, site=site
    )
    save_new(objective, actor=actor, event=AuditEvent.OBJECTIVE_SET)
    return objective


@transaction.atomic
def do_set_working_hours(
    site: Site,
    *,
    hours: Mapping[int, Sequence[tuple[dt.time, dt.time]]],
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    actor: User | None,
) -> list[WorkingHours]:
    """Set a site's usual week (no dates) or one period's week (both dates), e.g. Ramadan hours.

    `hours` maps a weekday (0 = Monday) to its intervals; a weekday left out is
    closed, and empty `hours` removes the week or the period. Only the
    difference is written: intervals already there stay (no audit row), others
    are removed, new ones created, each with its audit row. Returns the week as
    it now stands.
    """
    ensure_can(actor, Site.objects.all(), site)
    # Locking the site serialises two people editing its hours at once.
    site = Site.objects.select_for_update().get(pk=site.pk)
    if (valid_from is None) != (valid_until is None):
        missing = "valid_until" if valid_until is None else "valid_from"
        raise ValidationError({missing: _("Give both dates of the period, or neither.")})
    wanted = {(weekday, start, end) for weekday, intervals in hours.items() for start, end in intervals}
    kept = set()
    for row in site.working_hours.filter(valid_from=valid_from, valid_until=valid_until):
        key = (row.weekday, row.starts_at, row.ends_at)
        if key in wanted:
            kept.add(key)
            continue
        record_change(actor, row, AuditEvent.WORKING_HOURS_REMOVED, before=snapshot(row))
        row.delete()
    for weekday, start, end in sorted(wanted - kept):
        row = WorkingHours(
            site=site,
            weekday=weekday,
            starts_at=start,
            ends_at=end,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        save_new(row, actor=actor, event=AuditEvent.WORKING_HOURS_SET)
    return list(site.working_hours.filter(valid_from=valid_from, valid_until=valid_until))


@transaction.atomic
def do_add_holiday_override(
    *,
    date: dt.date,
    name: str,
    kind: HolidayOverrideKind,
    country: HolidayCountry | None = None,
    site: Site | None = None,
    actor: User | None,
) -> HolidayOverride:
    """Add a day off (`ADD`) or cancel a public holiday (`REMOVE`), for a country or for one site."""
    if site is not None:
        ensure_can(actor, Site.objects.all(), site)
    override = HolidayOverride(country=country or "", site=site, date=date, name=name, kind=kind)
    save_new(override, actor=actor, event=AuditEvent.HOLIDAY_OVERRIDE_ADDED)
    return override


@transaction.atomic
def do_remove_holiday_override(override: HolidayOverride, *, actor: User | None) -> None:
    """Delete an override: the date goes back to what the `holidays` library says."""
    ensure_can(actor, HolidayOverride.objects.all(), override)
    override = HolidayOverride.objects.select_for_update().get(pk=override.pk)
    record_change(actor, override, AuditEvent.HOLIDAY_OVERRIDE_REMOVED, before=snapshot(override))
    override.delete()
