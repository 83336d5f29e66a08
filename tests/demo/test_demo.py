"""The demo builds the reference case deterministically, idempotently, through the actions.

A build costs seconds, so the module builds once (plus a rolled-back control build
for determinism and a second, empty-handed build for idempotence) inside one
transaction that is rolled back when the module is done. Each test runs in its
own savepoint on top of it (the `db` fixture), so logins and the like leave
nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Max, Min
from django.test import Client, override_settings
from django.utils.translation import gettext as _

from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import Price, PriceList, WorkUnitEffort
from servicehub.contracts.models import Contract, ServiceLevel
from servicehub.core.choices import CLIENT_PERSONAS, AuditEvent, Persona
from servicehub.core.models import AuditLog, User
from servicehub.demands.actions import do_import_servicenow
from servicehub.demands.choices import Decision, DemandState
from servicehub.demands.clocks import rule_for
from servicehub.demands.imports.servicenow import STATES
from servicehub.demands.service_review import measure_month
from servicehub.demo.builder import DEMO_LOGINS, DEMO_PASSWORD, DemoReport, build_demo
from servicehub.demo.data import INCIDENT_CONTRACT
from servicehub.demo.roster import draw_roster, role_counts
from servicehub.org.calendars import calendar_for_site
from servicehub.org.choices import ObjectiveMetric, OrganisationKind
from servicehub.org.models import Objective, Organisation, Site
from servicehub.people.choices import Role
from servicehub.people.models import Specialist, SpecialistSkill

SEED = 2004


def table_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def roster_digest() -> str:
    """The specialists and their skills as stored, without primary keys."""
    skills: dict[str, list[str]] = {}
    for number, code, level in SpecialistSkill.objects.values_list(
        "specialist__employee_number", "skill__code", "level"
    ):
        skills.setdefault(number, []).append(f"{code}={level}")
    rows = [
        "|".join(str(value) for value in row) + "|" + ",".join(sorted(skills.get(row[0], [])))
        for row in Specialist.objects.order_by("employee_number").values_list(
            "employee_number",
            "first_name",
            "last_name",
            "site__code",
            "role",
            "grade__code",
            "hourly_cost",
            "hired_on",
            "school__code",
            "weekly_hours",
            "active",
        )
    ]
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


@dataclass
class DemoRun:
    control_digest: str
    digest: str
    first: DemoReport
    second: DemoReport
    counts_after_first: dict[str, int]
    counts_after_second: dict[str, int]
    last_audit_id_after_first: int


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoRun]:
    # The module's build outlives any one test, so it does not get conftest's per-test
    # settings; it hashes the demo password the way the tests will check it.
    fast_hashers = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hashers, transaction.atomic():
        assert not Organisation.objects.exists(), "the demo tests need an empty database"
        # A control build on the empty database, then rolled back: the next build
        # starts from an empty database again and must give the same roster.
        with transaction.atomic():
            build_demo(SEED)
            control_digest = roster_digest()
            transaction.set_rollback(True)
        assert not Specialist.objects.exists()
        first = build_demo(SEED)
        counts_after_first = table_counts()
        last_audit_id = AuditLog.objects.aggregate(last=Max("id"))["last"]
        second = build_demo(SEED)
        yield DemoRun(
            control_digest=control_digest,
            digest=roster_digest(),
            first=first,
            second=second,
            counts_after_first=counts_after_first,
            counts_after_second=table_counts(),
            last_audit_id_after_first=last_audit_id,
        )
        transaction.set_rollback(True)


def test_two_sites_with_their_headcount(demo: DemoRun, db: None) -> None:
    assert Site.objects.count() == 2
    rabat, casablanca = Site.objects.get(code="rabat"), Site.objects.get(code="casablanca")
    assert rabat.opened_on.year == 2004 and rabat.timezone == "Africa/Casablanca" and rabat.seats >= 400
    assert casablanca.opened_on == dt.date(2017, 12, 12) and "Casanearshore" in casablanca.address
    assert casablanca.seats >= 200
    assert Specialist.objects.filter(site=rabat, active=True).count() == 380
    assert Specialist.objects.filter(site=casablanca, active=True).count() == 180
    assert rabat.provider.code == "sofrecom" and rabat.provider.parent is not None
    assert rabat.provider.parent.kind == OrganisationKind.GROUP


def test_a_second_build_adds_no_row_anywhere(demo: DemoRun, db: None) -> None:
    assert demo.first.anything_created
    assert not demo.second.anything_created
    assert demo.second.audit_rows == 0
    assert demo.counts_after_second == demo.counts_after_first
    assert not AuditLog.objects.filter(id__gt=demo.last_audit_id_after_first).exists()


def test_the_same_seed_gives_the_same_roster_on_a_fresh_database(demo: DemoRun, db: None) -> None:
    assert demo.digest == demo.control_digest
    assert draw_roster(SEED) == draw_roster(SEED)
    assert draw_roster(SEED).specialists != draw_roster(SEED + 1).specialists


def test_every_specialist_is_plausible(demo: DemoRun, db: None) -> None:
    skill_counts = Specialist.objects.annotate(n=Count("skill_levels")).values_list("n", flat=True)
    assert set(skill_counts) <= {2, 3, 4, 5}
    assert {level for level in SpecialistSkill.objects.values_list("level", flat=True)} <= {1, 2, 3, 4, 5}
    assert set(Specialist.objects.values_list("role", flat=True)) == set(Role)
    for site in Site.objects.all():
        roles = dict(Specialist.objects.filter(site=site).values_list("role").annotate(n=Count("id")))
        assert roles == dict(role_counts(site.specialists.count()))
        assert roles[Role.DEVELOPER] == max(roles.values())
        assert not Specialist.objects.filter(site=site, hired_on__lt=site.opened_on).exists()
        prefix = {"rabat": "SOF-R-", "casablanca": "SOF-C-"}[site.code]
        numbers = site.specialists.values_list("employee_number", flat=True)
        assert all(re.fullmatch(re.escape(prefix) + r"\d{4}", n) for n in numbers)
    assert set(Specialist.objects.values_list("weekly_hours", flat=True)) == {44}
    assert set(Specialist.objects.values_list("cost_currency", flat=True)) == {"MAD"}
    assert not Specialist.objects.filter(school__isnull=True).exists()
    assert set(Specialist.objects.values_list("school__kind", flat=True)) == {OrganisationKind.SCHOOL}
    # Cost follows grade: each grade's cheapest specialist costs more than the grade below's dearest.
    ranges = list(
        Specialist.objects.values("grade__rank")
        .annotate(low=Min("hourly_cost"), high=Max("hourly_cost"))
        .order_by("grade__rank")
    )
    assert len(ranges) == 5
    for lower, higher in itertools.pairwise(ranges):
        assert lower["high"] < higher["low"]


def test_casablanca_objective_of_180_jobs_is_met_by_the_roster(demo: DemoRun, db: None) -> None:
    objective = Objective.objects.get(
        programme__name="Plan Maroc Numérique 2020",
        metric=ObjectiveMetric.JOBS_CREATED,
        site__code="casablanca",
    )
    assert objective.target == 180 and objective.due_on == dt.date(2020, 12, 31)
    assert objective.programme.sponsor is not None
    assert objective.programme.sponsor.kind == OrganisationKind.PUBLIC_BODY
    hired = Specialist.objects.filter(site__code="casablanca", hired_on__lte=objective.due_on).count()
    assert hired == 180


def test_catalogue_prices_and_service_levels(demo: DemoRun, db: None) -> None:
    order = list(Complexity)
    for unit_id in WorkUnitEffort.objects.order_by().values_list("work_unit", flat=True).distinct():
        hours = dict(WorkUnitEffort.objects.filter(work_unit=unit_id).values_list("complexity", "hours"))
        assert [hours[c] for c in order] == sorted(hours.values()) and len(set(hours.values())) == 4
    assert {pl.currency for pl in PriceList.objects.all()} == {"EUR", "MAD"}
    assert PriceList.objects.annotate(n=Count("versions")).filter(n__gte=2).count() >= 2
    for version, unit in Price.objects.order_by().values_list("version", "work_unit").distinct():
        prices = dict(
            Price.objects.filter(version=version, work_unit=unit).values_list("complexity", "unit_price")
        )
        assert [prices[c] for c in order] == sorted(prices.values())
    for contract in Contract.objects.all():
        assert contract.currency == contract.price_list_version.price_list.currency
        assert contract.serving_sites.exists() and contract.purchase_orders.exists()
        kinds = set(contract.service_levels.values_list("kind", flat=True))
        if contract.reference != INCIDENT_CONTRACT:
            assert {"resolution_time", "on_time_delivery", "first_time_acceptance"} <= kinds
    on_time = ServiceLevel.objects.filter(kind="on_time_delivery")
    assert all(level.threshold >= 95 and level.comparison == "at_least" for level in on_time)
    # The contract for imported incidents: every indicator has a clock, on states incidents reach.
    imported_states = {mapped.state for mapped in STATES.values()}
    incident_levels = ServiceLevel.objects.filter(contract__reference=INCIDENT_CONTRACT)
    assert {"response_time", "resolution_time"} <= set(incident_levels.values_list("kind", flat=True))
    for level in incident_levels:
        rule = rule_for(level)
        assert rule is not None, level.code
        assert rule.start_states <= imported_states and rule.stop_states <= imported_states, level.code


def test_an_imported_incident_history_is_measured_on_the_incident_contract(
    demo: DemoRun, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    from servicehub.demands.models import Demand, SlaClock

    contract = Contract.objects.get(reference=INCIDENT_CONTRACT)
    excerpt = Path(__file__).resolve().parents[1] / "data" / "servicenow_excerpt.csv"
    with django_capture_on_commit_callbacks(execute=True):
        report = do_import_servicenow(contract, excerpt, actor=None)

    assert report.incidents_imported == 41
    levels = set(contract.service_levels.values_list("code", flat=True))
    assert SlaClock.objects.filter(demand__contract=contract).count() == 41 * len(levels)
    for month in (dt.date(2016, 2, 1), dt.date(2016, 3, 1)):
        assert {m.level.code for m in measure_month(contract, month)} == levels, month
    # The demo's own demands are left as they were.
    assert not Demand.objects.exclude(contract=contract).filter(source="servicenow").exists()


def test_every_persona_can_sign_in(demo: DemoRun, db: None) -> None:
    assert {login.persona for login in DEMO_LOGINS} == set(Persona)
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        assert user.persona == login.persona and user.organisation.code == login.organisation
        assert Client().login(username=login.username, password=DEMO_PASSWORD), login.username
    specialist = User.objects.get(persona=Persona.SPECIALIST)
    assert specialist.specialist is not None and specialist.site is not None
    assert specialist.specialist.site == specialist.site and specialist.site.code == "rabat"
    assert User.objects.get(username="manager.casa").site == Site.objects.get(code="casablanca")


def test_clients_see_only_their_own_tree(demo: DemoRun, db: None) -> None:
    maroc, ci, groupe = (User.objects.get(username=u) for u in ("client.maroc", "client.ci", "client.groupe"))
    assert maroc.persona in CLIENT_PERSONAS and ci.persona in CLIENT_PERSONAS
    assert set(Contract.objects.restrict(maroc).values_list("client__code", flat=True)) == {"orange-maroc"}
    assert set(Contract.objects.restrict(ci).values_list("client__code", flat=True)) == {"orange-ci"}
    assert set(Contract.objects.restrict(groupe).values_list("client__code", flat=True)) == {
        "orange-sa-experience",
        "orange-sa-money",
    }
    seen_by_ci = set(Organisation.objects.restrict(ci).values_list("code", flat=True))
    assert seen_by_ci == {"orange-ci", "sofrecom"}  # its own organisation and the provider serving it
    assert not Specialist.objects.restrict(ci).exists()


def test_one_audit_row_per_created_object_all_by_the_system(demo: DemoRun, db: None) -> None:
    rows = AuditLog.objects.filter(id__lte=demo.last_audit_id_after_first)
    # The activity: demands, invoices and service levels, and the candidates' files (those of the past
    # loaded as an import, one row each by the system; those of the open campaigns, step by step).
    history = [
        e
        for e in AuditEvent
        if e.value.split(".")[0] in {"demand", "invoice", "sla"} or e.value.startswith("talent.candidate")
    ]
    activity = ("demands.", "talent.candidate", "talent.stagechange")
    reference = rows.exclude(event__in=history)
    # Reference data: one row per object, by the system.
    assert reference.count() == sum(
        n for label, n in demo.first.created.items() if not label.startswith(activity)
    )
    assert set(reference.values_list("actor_label", flat=True)) == {"system"}
    # The year of activity is the demo's people at work, each step audited.
    activity = set(rows.filter(event__in=history).values_list("actor_label", flat=True))
    assert {"delivery", "client.maroc", "approbateur.maroc"} <= activity
    assert rows.filter(event=AuditEvent.SPECIALIST_CREATED).count() == 560
    assert rows.filter(event=AuditEvent.SPECIALIST_SKILL_SET).count() == SpecialistSkill.objects.count()
    assert rows.filter(event=AuditEvent.ORGANISATION_CREATED).count() == Organisation.objects.count()
    assert rows.filter(event=AuditEvent.USER_CREATED).count() == len(DEMO_LOGINS)


def test_the_command_says_when_there_is_nothing_to_add(demo: DemoRun, db: None) -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    assert _("The demo is already loaded, nothing to add.") in out.getvalue()
    assert all(login.username in out.getvalue() for login in DEMO_LOGINS)
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert _("The demo is already loaded.") in out.getvalue()
    assert demo.counts_after_second == table_counts()


def test_both_centres_keep_their_hours_and_ramadan_2026_hours(demo: DemoRun, db: None) -> None:
    for site in Site.objects.all():
        cal = calendar_for_site(site, [2026])
        at = {
            when: cal.is_business_moment(
                dt.datetime.fromisoformat(when).replace(tzinfo=ZoneInfo(site.timezone))
            )
            for when in ("2026-01-05 09:30", "2026-01-05 13:30", "2026-03-02 13:30", "2026-03-02 15:30")
        }
        # The usual week breaks for lunch; during Ramadan the centres work straight through to 15:00.
        assert at == {
            "2026-01-05 09:30": True,
            "2026-01-05 13:30": False,
            "2026-03-02 13:30": True,
            "2026-03-02 15:30": False,
        }, site.code


def test_role_counts_split_the_headcount_exactly() -> None:
    for headcount in (1, 7, 180, 380, 1001):
        counts = dict(role_counts(headcount))
        assert sum(counts.values()) == headcount and set(counts) == set(Role)


def test_a_year_of_activity_in_every_state_with_breaches_and_invoices(demo: DemoRun, db: None) -> None:
    from servicehub.demands.models import Demand, Invoice, InvoiceLine, SlaClock

    states = set(Demand.objects.values_list("state", flat=True))
    assert states == set(DemandState)
    # A few recent deliveries rejected with a reason and not yet sent to rework.
    rejected = Demand.objects.filter(state=DemandState.REJECTED)
    assert 1 <= rejected.count() <= 3
    for demand in rejected:
        last = demand.deliveries.order_by("-number").first()
        assert last is not None and last.decision == Decision.REJECTED and last.reason
        assert demand.events.order_by("-at", "-id").values_list("to_state", flat=True)[0] == "rejected"
        assert last.decided_at is not None and last.decided_at.date() >= dt.date(2026, 8, 1)
    assert SlaClock.objects.filter(breached_at__isnull=False).exists()
    assert InvoiceLine.objects.filter(kind="penalty").exists()
    for invoice in Invoice.objects.prefetch_related("lines"):
        assert invoice.total == sum(line.amount for line in invoice.lines.all())
        assert invoice.total == invoice.deliverables_amount - invoice.penalties_amount


# -- recruiting: partnerships, headcount targets, campaigns and candidates


def test_headcount_follows_the_roster_and_its_targets(demo: DemoRun, db: None) -> None:
    from servicehub.talent.headcount import headcount_on, site_headcounts, target_on, targets

    director = User.objects.get(username="directeur")
    rabat, casablanca = Site.objects.get(code="rabat"), Site.objects.get(code="casablanca")
    days = [dt.date(2017, 12, 11), dt.date(2017, 12, 12), dt.date(2018, 12, 31), dt.date(2026, 9, 1)]
    counts = headcount_on(director, [rabat, casablanca], days)
    assert counts[casablanca.pk][0] == 0 and counts[casablanca.pk][1] >= 1
    assert counts[casablanca.pk][2:] == [180, 180]
    assert counts[rabat.pk][-1] == 380
    plans = targets(director, [rabat, casablanca])
    assert target_on(plans[casablanca.pk], dt.date(2017, 12, 11)) is None
    assert target_on(plans[casablanca.pk], dt.date(2017, 12, 12)) == 0
    assert target_on(plans[casablanca.pk], dt.date(2018, 12, 31)) == 180
    assert target_on(plans[rabat.pk], dt.date(2026, 9, 1)) == 380
    casa = site_headcounts(director, dt.date(2026, 9, 1))[1]
    assert casa.site == casablanca and casa.points[0].day == dt.date(2017, 12, 12)
    assert casa.points[0].actual >= 1 and casa.points[0].target == 0
    assert casa.hired_total == 180 and [y.year for y in casa.years if y.hired] == [2017, 2018]
    # The plan stays within a tenth of the ramp the roster drew, at each year's end.
    for point in casa.points:
        if point.day.month == 12 and point.day.day == 31 and point.target:
            assert abs(point.actual - point.target) <= 0.1 * point.target + 5, point


def test_every_specialist_was_hired_through_a_campaign(demo: DemoRun, db: None) -> None:
    from servicehub.talent.choices import PIPELINE, CampaignStatus, Stage
    from servicehub.talent.models import Candidate, StageChange

    hired = Candidate.objects.filter(specialist__isnull=False).select_related("specialist", "campaign")
    assert hired.count() == Specialist.objects.count() == 560
    assert not Candidate.objects.filter(stage=Stage.HIRED, specialist__isnull=True).exists()
    history: dict[int, list[tuple[str, dt.datetime]]] = {}
    for candidate_id, to_stage, at in StageChange.objects.filter(candidate__in=hired).values_list(
        "candidate_id", "to_stage", "at"
    ):
        history.setdefault(candidate_id, []).append((to_stage, at))
    zone = ZoneInfo("Africa/Casablanca")
    for candidate in hired:
        person = candidate.specialist
        assert person is not None
        assert candidate.stage == Stage.HIRED and candidate.campaign.status == CampaignStatus.CLOSED
        assert candidate.campaign.site_id == person.site_id and candidate.campaign.role == person.role
        assert candidate.school_id == person.school_id
        steps = sorted(history[candidate.pk], key=lambda step: step[1])
        assert [stage for stage, _ in steps] == list(PIPELINE), person
        assert steps[0][1].astimezone(zone).date() == candidate.applied_on
        assert steps[-1][1].astimezone(zone).date() <= person.hired_on, person
        assert candidate.campaign.opens_on <= candidate.applied_on <= candidate.campaign.closes_on


def test_past_campaigns_have_other_candidates_rejected_or_withdrawn(demo: DemoRun, db: None) -> None:
    from servicehub.talent.choices import CampaignStatus, Stage
    from servicehub.talent.models import Campaign, Candidate

    closed = Campaign.objects.filter(status=CampaignStatus.CLOSED)
    assert closed.exclude(closes_on__lt=dt.date(2026, 9, 1)).count() == 0
    assert closed.order_by("opens_on").first().opens_on.year in (2003, 2004)  # type: ignore[union-attr]
    others = Candidate.objects.filter(campaign__in=closed, specialist__isnull=True)
    assert set(others.values_list("stage", flat=True)) == {Stage.REJECTED, Stage.WITHDREW}
    assert 560 <= others.count() <= 5 * 560
    # Every campaign of the past hired someone, and only the people of its site and role.
    assert not closed.exclude(candidates__specialist__isnull=False).exists()
    # Files closed more than two years before the demo's today were anonymised by the purge.
    old = Candidate.objects.filter(stage_changed_at__lt=dt.datetime(2024, 8, 1, tzinfo=dt.UTC))
    assert old.exists() and not old.filter(anonymised_at__isnull=True).exists()
    assert set(old.values_list("first_name", flat=True)) == {"—"}
    recent = Candidate.objects.filter(stage_changed_at__gte=dt.datetime(2024, 9, 2, tzinfo=dt.UTC))
    assert recent.exists() and not recent.filter(anonymised_at__isnull=False).exists()


def test_open_campaigns_have_candidates_at_every_stage(demo: DemoRun, db: None) -> None:
    from servicehub.talent.choices import CampaignStatus, Stage
    from servicehub.talent.models import Campaign, Candidate

    open_now = Campaign.objects.filter(status=CampaignStatus.OPEN)
    assert {c.site.code for c in open_now} == {"rabat", "casablanca"}
    for campaign in open_now:
        stages = set(campaign.candidates.values_list("stage", flat=True))
        assert stages == set(Stage) - {Stage.HIRED}, campaign
    # Replayed through the actions by the demo's recruiter, at their dates, all before the demo's today.
    candidates = Candidate.objects.filter(campaign__in=open_now)
    rows = AuditLog.objects.filter(
        object_type="talent.candidate",
        object_id__in=[str(pk) for pk in candidates.values_list("pk", flat=True)],
    )
    assert set(rows.values_list("actor_label", flat=True)) == {"recrutement"}
    assert rows.filter(event=AuditEvent.CANDIDATE_ADDED).count() == candidates.count()
    assert not candidates.filter(stage_changed_at__gte=dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC)).exists()
    assert not candidates.filter(applied_on__lt=dt.date(2026, 6, 15)).exists()


def test_partnerships_with_every_school(demo: DemoRun, db: None) -> None:
    from servicehub.talent.choices import PartnershipActionKind
    from servicehub.talent.models import Partnership

    partnerships = Partnership.objects.prefetch_related("contacts", "actions")
    assert partnerships.count() == Organisation.objects.filter(kind=OrganisationKind.SCHOOL).count() == 11
    assert min(p.since for p in partnerships) == dt.date(2004, 3, 1)
    for partnership in partnerships:
        assert partnership.contacts.count() == 1 and partnership.fields
        summers = {
            a.starts_on.year for a in partnership.actions.all() if a.kind == PartnershipActionKind.INTERNSHIPS
        }
        first = partnership.since.year + (partnership.since.month >= 7)
        assert summers == set(range(first, 2027)), partnership
        assert any(a.kind == PartnershipActionKind.RECRUITMENT_DAY for a in partnership.actions.all())
        assert all(a.ends_on < dt.date(2026, 9, 1) for a in partnership.actions.all())
    assert (
        sum(1 for p in partnerships for a in p.actions.all() if a.kind == PartnershipActionKind.PROJECT) >= 5
    )


def test_the_demo_funnel_narrows_and_hires_take_weeks(demo: DemoRun, db: None) -> None:
    from servicehub.talent.funnel import funnel_report

    report = funnel_report(User.objects.get(username="recrutement"))
    counts = [step.reached for step in report.overall.steps]
    assert counts == sorted(counts, reverse=True) and counts[-1] == 560
    assert report.overall.time_to_hire.hires == 560
    median = report.overall.time_to_hire.median_days
    assert median is not None and 20 <= median <= 120
    manager = funnel_report(User.objects.get(username="manager.casa"))
    assert manager.overall.hired == 180
