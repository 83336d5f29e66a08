from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from servicehub.core import clock
from servicehub.core.audit import record_change, save_new, snapshot
from servicehub.core.choices import AuditEvent, Currency
from servicehub.core.models import User
from servicehub.core.tenancy import ensure_can
from servicehub.org.models import Organisation, Site
from servicehub.people.choices import AbsenceKind, Role, SkillFamily
from servicehub.people.models import Absence, Grade, Skill, Specialist, SpecialistSkill


@transaction.atomic
def do_create_grade(*, code: str, name: str, rank: int, actor: User | None) -> Grade:
    grade = Grade(code=code, name=name, rank=rank)
    save_new(grade, actor=actor, event=AuditEvent.GRADE_CREATED)
    return grade


@transaction.atomic
def do_create_skill(*, code: str, name: str, family: SkillFamily, actor: User | None) -> Skill:
    skill = Skill(code=code, name=name, family=family)
    save_new(skill, actor=actor, event=AuditEvent.SKILL_CREATED)
    return skill


@transaction.atomic
def do_create_specialist(
    *,
    employee_number: str,
    first_name: str,
    last_name: str,
    site: Site,
    role: Role,
    grade: Grade,
    hourly_cost: Decimal,
    cost_currency: Currency,
    hired_on: dt.date,
    weekly_hours: Decimal = Decimal("44.0"),
    school: Organisation | None = None,
    skills: Mapping[Skill, int] | None = None,
    actor: User | None,
) -> Specialist:
    specialist = Specialist(
        employee_number=employee_number,
        first_name=first_name,
        last_name=last_name,
        site=site,
        role=role,
        grade=grade,
        hourly_cost=hourly_cost,
        cost_currency=cost_currency,
        hired_on=hired_on,
        weekly_hours=weekly_hours,
        school=school,
    )
    save_new(specialist, actor=actor, event=AuditEvent.SPECIALIST_CREATED)
    for skill, level in (skills or {}).items():
        do_set_specialist_skill(specialist, skill, level, actor=actor)
    return specialist


@transaction.atomic
def do_set_specialist_skill(
    specialist: Specialist, skill: Skill, level: int, *, actor: User | None
) -> SpecialistSkill:
    ensure_can(actor, Specialist.objects.all(), specialist)
    current = SpecialistSkill.objects.filter(specialist=specialist, skill=skill).first()
    before = snapshot(current, ["skill_id", "level"]) if current else None
    entry = current or SpecialistSkill(specialist=specialist, skill=skill)
    entry.level = level
    entry.full_clean()
    entry.save()
    record_change(
        actor,
        specialist,
        AuditEvent.SPECIALIST_SKILL_SET,
        before=before,
        after=snapshot(entry, ["skill_id", "level"]),
    )
    return entry


@transaction.atomic
def do_deactivate_specialist(
    specialist: Specialist, *, left_on: dt.date | None = None, actor: User | None
) -> Specialist:
    """The specialist leaves the centre on `left_on` (today by default): out of the staffing pool, and
    out of the headcount from that day."""
    specialist = Specialist.objects.select_for_update().get(pk=specialist.pk)
    ensure_can(actor, Specialist.objects.all(), specialist)
    left_on = left_on or clock.localdate()
    if left_on < specialist.hired_on:
        raise ValidationError({"left_on": _("A specialist cannot leave before being hired.")})
    specialist.active = False
    specialist.left_on = left_on
    specialist.save(update_fields=["active", "left_on", "updated_at"])
    record_change(
        actor,
        specialist,
        AuditEvent.SPECIALIST_DEACTIVATED,
        before={"active": True, "left_on": None},
        after={"active": False, "left_on": left_on.isoformat()},
    )
    return specialist


@transaction.atomic
def do_record_absence(
    specialist: Specialist,
    *,
    kind: AbsenceKind,
    starts_on: dt.date,
    ends_on: dt.date,
    note: str = "",
    actor: User | None,
) -> Absence:
    absence = Absence(specialist=specialist, kind=kind, starts_on=starts_on, ends_on=ends_on, note=note)
    save_new(absence, actor=actor, event=AuditEvent.ABSENCE_RECORDED)
    return absence
