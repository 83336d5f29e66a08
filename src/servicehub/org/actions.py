from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from servicehub.core.audit import save_changes, save_new
from servicehub.core.choices import AuditEvent
from servicehub.core.models import User
from servicehub.org.choices import ObjectiveMetric, OrganisationKind
from servicehub.org.models import Objective, Organisation, Programme, Site

_SITE_EDITABLE = {"name", "address", "seats", "timezone"}


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
