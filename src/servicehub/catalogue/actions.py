from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import (
    Price,
    PriceList,
    PriceListVersion,
    ServiceLine,
    WorkUnit,
    WorkUnitEffort,
    WorkUnitSkill,
)
from servicehub.core.audit import record_change, save_new
from servicehub.core.choices import AuditEvent, Currency
from servicehub.core.models import User
from servicehub.core.tenancy import ensure_can
from servicehub.org.models import Organisation
from servicehub.people.models import Skill


@transaction.atomic
def do_create_service_line(
    *, provider: Organisation, code: str, name: str, actor: User | None
) -> ServiceLine:
    line = ServiceLine(provider=provider, code=code, name=name)
    save_new(line, actor=actor, event=AuditEvent.SERVICE_LINE_CREATED)
    return line


@transaction.atomic
def do_create_work_unit(
    *,
    service_line: ServiceLine,
    code: str,
    deliverable: str,
    efforts: Mapping[Complexity, Decimal],
    description: str = "",
    skills: Mapping[Skill, int] | None = None,
    actor: User | None,
) -> WorkUnit:
    missing = [grade.label for grade in Complexity if grade not in efforts]
    if missing:
        raise ValidationError(
            {
                "efforts": _("An effort is needed for every complexity grade; missing: %(grades)s")
                % {"grades": ", ".join(str(m) for m in missing)}
            }
        )
    unit = WorkUnit(service_line=service_line, code=code, deliverable=deliverable, description=description)
    save_new(unit, actor=actor, event=AuditEvent.WORK_UNIT_CREATED)
    for complexity, hours in efforts.items():
        effort = WorkUnitEffort(work_unit=unit, complexity=complexity, hours=hours)
        effort.full_clean()
        effort.save()
    for skill, level in (skills or {}).items():
        requirement = WorkUnitSkill(work_unit=unit, skill=skill, level=level)
        requirement.full_clean()
        requirement.save()
    return unit


@transaction.atomic
def do_create_price_list(
    *, provider: Organisation, code: str, name: str, currency: Currency, actor: User | None
) -> PriceList:
    price_list = PriceList(provider=provider, code=code, name=name, currency=currency)
    save_new(price_list, actor=actor, event=AuditEvent.PRICE_LIST_CREATED)
    return price_list


@transaction.atomic
def do_publish_price_list_version(
    price_list: PriceList,
    *,
    valid_from: dt.date,
    prices: Mapping[tuple[WorkUnit, Complexity], Decimal],
    actor: User | None,
) -> PriceListVersion:
    """Publish the next version of a price list and close the previous one the day before."""
    price_list = PriceList.objects.select_for_update().get(pk=price_list.pk)
    ensure_can(actor, PriceList.objects.all(), price_list)
    if not prices:
        raise ValidationError({"prices": _("A version needs at least one price.")})
    previous = price_list.versions.order_by("-number").first()
    if previous is not None:
        if valid_from <= previous.valid_from:
            raise ValidationError(
                {
                    "valid_from": _("A new version must start after the previous one (%(date)s).")
                    % {"date": previous.valid_from.isoformat()}
                }
            )
        previous.valid_until = valid_from - dt.timedelta(days=1)
        previous.save(update_fields=["valid_until", "updated_at"])
    version = PriceListVersion(
        price_list=price_list, number=(previous.number + 1) if previous else 1, valid_from=valid_from
    )
    version.full_clean()
    version.save()
    rows = [
        Price(version=version, work_unit=unit, complexity=grade, unit_price=amount)
        for (unit, grade), amount in prices.items()
    ]
    for row in rows:
        row.full_clean(exclude=["version"])
    Price.objects.bulk_create(rows)
    record_change(
        actor,
        price_list,
        AuditEvent.PRICE_LIST_VERSION_PUBLISHED,
        after={"version": version.number, "valid_from": valid_from.isoformat(), "prices": len(rows)},
    )
    return version
