"""Every change to partnerships, campaigns, candidates and headcount targets, each with its audit row.

Stage rules (`do_move_candidate`): a candidate moves forward one stage at a time along
applied → screened → interview → offer; from any of those they may be rejected or withdraw, with a
reason; `hired` is reached only through `do_hire_candidate`, which makes them a specialist. Hired,
rejected and withdrew are final.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from servicehub.core import clock
from servicehub.core.audit import record_change, save_new, snapshot
from servicehub.core.choices import AuditEvent, Currency
from servicehub.core.models import User
from servicehub.core.tenancy import ensure_can
from servicehub.org.choices import OrganisationKind
from servicehub.org.models import Organisation, Site
from servicehub.people.actions import do_create_specialist
from servicehub.people.choices import Role
from servicehub.people.models import Grade, Skill, Specialist
from servicehub.talent import cv
from servicehub.talent.choices import ENDED, PIPELINE, CampaignStatus, PartnershipActionKind, Stage
from servicehub.talent.models import (
    Campaign,
    CampaignSkill,
    Candidate,
    CandidateSkill,
    HeadcountTarget,
    Partnership,
    PartnershipAction,
    PartnershipContact,
    StageChange,
)

#: What anonymisation leaves in place of a name.
ANONYMOUS = "—"
#: A candidate's fields the audit log keeps: none of their personal data, which the purge could not
#: reach there (names, contacts and the CV's name stay on the candidate row only).
TRACEABLE = ("id", "campaign_id", "school_id", "graduation_year", "stage", "applied_on")


def _school(school: Organisation | None) -> None:
    if school is not None and school.kind != OrganisationKind.SCHOOL:
        raise ValidationError({"school": _("Choose a school or university.")})


@transaction.atomic
def do_create_partnership(
    *,
    provider: Organisation,
    school: Organisation,
    since: dt.date,
    fields: str = "",
    note: str = "",
    actor: User | None,
) -> Partnership:
    _school(school)
    if Partnership.objects.filter(provider=provider, school=school).exists():
        raise ValidationError({"school": _("This school is already a partner.")})
    partnership = Partnership(provider=provider, school=school, since=since, fields=fields, note=note)
    save_new(partnership, actor=actor, event=AuditEvent.PARTNERSHIP_CREATED)
    return partnership


@transaction.atomic
def do_add_partnership_contact(
    partnership: Partnership,
    *,
    name: str,
    title: str = "",
    email: str = "",
    phone: str = "",
    actor: User | None,
) -> PartnershipContact:
    ensure_can(actor, Partnership.objects.all(), partnership)
    contact = PartnershipContact(partnership=partnership, name=name, title=title, email=email, phone=phone)
    contact.full_clean()
    contact.save()
    record_change(actor, partnership, AuditEvent.PARTNERSHIP_CONTACT_ADDED, after=snapshot(contact))
    return contact


@transaction.atomic
def do_record_partnership_action(
    partnership: Partnership,
    *,
    kind: PartnershipActionKind,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    site: Site | None = None,
    people: int = 0,
    note: str = "",
    actor: User | None,
) -> PartnershipAction:
    ensure_can(actor, Partnership.objects.all(), partnership)
    ends_on = ends_on or starts_on
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end comes before the start.")})
    action = PartnershipAction(
        partnership=partnership,
        kind=kind,
        title=title,
        site=site,
        starts_on=starts_on,
        ends_on=ends_on,
        people=people,
        note=note,
    )
    action.full_clean()
    action.save()
    record_change(actor, partnership, AuditEvent.PARTNERSHIP_ACTION_RECORDED, after=snapshot(action))
    return action


@transaction.atomic
def do_create_campaign(
    *,
    site: Site,
    title: str,
    role: Role,
    openings: int,
    opens_on: dt.date,
    closes_on: dt.date,
    skills: Mapping[Skill, int] | None = None,
    hiring_need: Mapping[str, Any] | None = None,
    status: CampaignStatus = CampaignStatus.OPEN,
    actor: User | None,
) -> Campaign:
    """A campaign at `site`; `hiring_need` keeps what the capacity forecast said when it came from one."""
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The campaign closes before it opens.")})
    for skill, level in (skills or {}).items():
        if not 1 <= int(level) <= 5:
            raise ValidationError({"skills": _("%(skill)s: a level is 1 to 5.") % {"skill": skill}})
    campaign = Campaign(
        provider_id=site.provider_id,
        site=site,
        title=title,
        role=role,
        openings=openings,
        opens_on=opens_on,
        closes_on=closes_on,
        status=status,
        hiring_need=dict(hiring_need) if hiring_need else None,
        created_by=actor,
    )
    save_new(campaign, actor=actor, event=AuditEvent.CAMPAIGN_CREATED)
    CampaignSkill.objects.bulk_create(
        CampaignSkill(campaign=campaign, skill=skill, level=int(level))
        for skill, level in (skills or {}).items()
    )
    return campaign


@transaction.atomic
def do_set_campaign_status(campaign: Campaign, status: CampaignStatus, *, actor: User | None) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    ensure_can(actor, Campaign.objects.all(), campaign)
    if campaign.status == status:
        raise ValidationError(
            {"status": _("The campaign is already %(status)s.") % {"status": campaign.get_status_display()}}
        )
    before = campaign.status
    campaign.status = status
    campaign.save(update_fields=["status", "updated_at"])
    record_change(
        actor, campaign, AuditEvent.CAMPAIGN_STATUS_SET, before={"status": before}, after={"status": status}
    )
    return campaign


@transaction.atomic
def do_add_candidate(
    campaign: Campaign,
    *,
    first_name: str,
    last_name: str,
    email: str = "",
    phone: str = "",
    school: Organisation | None = None,
    graduation_year: int | None = None,
    skills: Mapping[Skill, int] | None = None,
    applied_on: dt.date | None = None,
    cv_file: UploadedFile | None = None,
    actor: User | None,
) -> Candidate:
    """A candidate applying to an open campaign, at stage applied (the first line of their history).
    Only those who may see the campaign's candidates add one (checked once the row exists)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError({"campaign": _("The campaign is not open to applications.")})
    _school(school)
    cv_name = cv.accepted_name(cv_file) if cv_file is not None else ""
    now = clock.now()
    candidate = Candidate(
        campaign=campaign,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        school=school,
        graduation_year=graduation_year,
        stage=Stage.APPLIED,
        applied_on=applied_on or clock.localdate(),
        stage_changed_at=now,
    )
    candidate.full_clean()
    candidate.save()
    ensure_can(actor, Candidate.objects.all(), candidate)
    record_change(actor, candidate, AuditEvent.CANDIDATE_ADDED, after=snapshot(candidate, TRACEABLE))
    for skill, level in (skills or {}).items():
        entry = CandidateSkill(candidate=candidate, skill=skill, level=int(level))
        entry.full_clean()
        entry.save()
    StageChange.objects.create(candidate=candidate, from_stage="", to_stage=Stage.APPLIED, at=now, by=actor)
    if cv_file is not None:
        _store_cv(candidate, cv_file, cv_name, actor=actor)
    return candidate


@transaction.atomic
def do_attach_cv(candidate: Candidate, cv_file: UploadedFile, *, actor: User | None) -> Candidate:
    """Add or replace a candidate's CV (the previous file is deleted once the change is committed)."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    ensure_can(actor, Candidate.objects.all(), candidate)
    if candidate.anonymised_at is not None:
        raise ValidationError({"cv": _("This candidate's data has been anonymised.")})
    _store_cv(candidate, cv_file, cv.accepted_name(cv_file), actor=actor)
    return candidate


def _store_cv(candidate: Candidate, upload: UploadedFile, name: str, *, actor: User | None) -> None:
    """Keep an accepted CV (`name` from `cv.accepted_name`) on the candidate, replacing any earlier one."""
    old = candidate.cv.name if candidate.cv else ""
    before = {"cv_size": candidate.cv_size, "cv_sha256": candidate.cv_sha256} if old else None
    candidate.cv_name = name
    candidate.cv_size = upload.size
    candidate.cv_sha256 = cv.sha256_of(upload)
    candidate.cv.save(candidate.cv_name, upload, save=False)
    candidate.save(update_fields=["cv", "cv_name", "cv_size", "cv_sha256", "updated_at"])
    record_change(
        actor,
        candidate,
        AuditEvent.CANDIDATE_CV_ATTACHED,
        before=before,
        after={"cv_size": candidate.cv_size, "cv_sha256": candidate.cv_sha256},
    )
    # The file is written last in the action, so nothing after it can roll the row back; the one
    # it replaces goes once the change is committed.
    if old:
        transaction.on_commit(lambda: cv.storage().delete(old))


@transaction.atomic
def do_move_candidate(
    candidate: Candidate, to_stage: Stage, *, reason: str = "", actor: User | None
) -> Candidate:
    """Move a candidate along the pipeline (see the module's stage rules)."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    ensure_can(actor, Candidate.objects.all(), candidate)
    current = Stage(candidate.stage)
    if current in ENDED:
        raise ValidationError(
            {"stage": _("The candidate's file is closed (%(stage)s).") % {"stage": current.label}}
        )
    if to_stage == Stage.HIRED:
        raise ValidationError({"stage": _("Hire the candidate from their offer: it creates the specialist.")})
    if to_stage in (Stage.REJECTED, Stage.WITHDREW):
        if not reason.strip():
            raise ValidationError({"reason": _("Say why.")})
    elif to_stage not in PIPELINE or PIPELINE.index(to_stage) != PIPELINE.index(current) + 1:
        raise ValidationError(
            {
                "stage": _("From %(current)s the candidate moves to %(next)s, or is rejected or withdraws.")
                % {"current": current.label, "next": PIPELINE[PIPELINE.index(current) + 1].label}
            }
        )
    return _move(candidate, to_stage, reason=reason.strip(), actor=actor)


def _move(candidate: Candidate, to_stage: Stage, *, reason: str, actor: User | None) -> Candidate:
    now = clock.now()
    before = candidate.stage
    candidate.stage = to_stage
    candidate.stage_changed_at = now
    candidate.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    StageChange.objects.create(
        candidate=candidate, from_stage=before, to_stage=to_stage, at=now, by=actor, reason=reason
    )
    record_change(
        actor,
        candidate,
        AuditEvent.CANDIDATE_MOVED,
        before={"stage": before},
        after={"stage": to_stage, "reason": reason},
    )
    return candidate


@transaction.atomic
def do_hire_candidate(
    candidate: Candidate,
    *,
    employee_number: str,
    starts_on: dt.date,
    grade: Grade,
    hourly_cost: Decimal,
    cost_currency: Currency,
    role: Role | None = None,
    site: Site | None = None,
    weekly_hours: Decimal = Decimal("44.0"),
    skills: Mapping[Skill, int] | None = None,
    actor: User | None,
) -> Specialist:
    """Turn an accepted offer into a specialist: the campaign's site and role unless given, the
    candidate's skills unless given, hired on `starts_on` (their capacity counts from that day)."""
    candidate = Candidate.objects.select_for_update().select_related("campaign").get(pk=candidate.pk)
    ensure_can(actor, Candidate.objects.all(), candidate)
    if candidate.stage != Stage.OFFER:
        raise ValidationError({"stage": _("Only a candidate with an offer can be hired.")})
    site = site or candidate.campaign.site
    if site.provider_id != candidate.campaign.provider_id:
        raise ValidationError({"site": _("Choose one of the provider's sites.")})
    if skills is None:
        skills = {entry.skill: entry.level for entry in candidate.skill_levels.select_related("skill")}
    specialist = do_create_specialist(
        employee_number=employee_number,
        first_name=candidate.first_name,
        last_name=candidate.last_name,
        site=site,
        role=Role(role or candidate.campaign.role),
        grade=grade,
        hourly_cost=hourly_cost,
        cost_currency=cost_currency,
        hired_on=starts_on,
        weekly_hours=weekly_hours,
        school=candidate.school,
        skills=skills,
        actor=actor,
    )
    candidate.specialist = specialist
    candidate.save(update_fields=["specialist", "updated_at"])
    _move(candidate, Stage.HIRED, reason="", actor=actor)
    record_change(
        actor,
        candidate,
        AuditEvent.CANDIDATE_HIRED,
        after={
            "specialist": specialist.pk,
            "employee_number": employee_number,
            "starts_on": starts_on.isoformat(),
        },
    )
    return specialist


@transaction.atomic
def do_set_headcount_target(
    site: Site, *, on: dt.date, headcount: int, note: str = "", actor: User | None
) -> HeadcountTarget:
    """Set (or change) the headcount `site` aims at by `on`."""
    target: HeadcountTarget | None = HeadcountTarget.objects.filter(site=site, on=on).first()
    if target is None:
        target = HeadcountTarget(site=site, on=on, headcount=headcount, note=note)
        save_new(target, actor=actor, event=AuditEvent.HEADCOUNT_TARGET_SET)
        return target
    ensure_can(actor, HeadcountTarget.objects.all(), target)
    before = snapshot(target, ["headcount", "note"])
    target.headcount, target.note = headcount, note
    target.full_clean()
    target.save(update_fields=["headcount", "note", "updated_at"])
    record_change(
        actor,
        target,
        AuditEvent.HEADCOUNT_TARGET_SET,
        before=before,
        after=snapshot(target, ["headcount", "note"]),
    )
    return target


@transaction.atomic
def do_purge_candidates(*, before: dt.datetime, actor: User | None = None) -> int:
    """Anonymise the candidates whose file closed (hired, rejected, withdrew) before `before`, or
    whose open file has not moved since then: names, email, phone, CV and the reasons in their history
    go; school, graduation year, skills, stages and dates stay, for the funnel. Returns how many."""
    due = list(
        Candidate.objects.select_for_update()
        .filter(anonymised_at__isnull=True, stage_changed_at__lt=before)
        .order_by("pk")
    )
    now = clock.now()
    files: list[str] = []
    for candidate in due:
        if candidate.cv:
            files.append(candidate.cv.name)
        candidate.first_name = candidate.last_name = ANONYMOUS
        candidate.email = candidate.phone = ""
        candidate.cv = ""
        candidate.cv_name = candidate.cv_sha256 = ""
        candidate.cv_size = None
        candidate.anonymised_at = now
        candidate.updated_at = now
    Candidate.objects.bulk_update(
        due,
        [
            "first_name",
            "last_name",
            "email",
            "phone",
            "cv",
            "cv_name",
            "cv_sha256",
            "cv_size",
            "anonymised_at",
            "updated_at",
        ],
        batch_size=500,
    )
    StageChange.objects.filter(candidate__in=due).exclude(reason="").update(reason="")
    for candidate in due:
        record_change(
            actor, candidate, AuditEvent.CANDIDATE_ANONYMISED, after={"anonymised_at": now.isoformat()}
        )

    def delete_files() -> None:
        for name in files:
            cv.storage().delete(name)

    transaction.on_commit(delete_files)
    return len(due)
