"""Every action leaves one audit row in its own transaction; the log cannot be edited or deleted."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from conftest import EFFORTS, PASSWORD, World
from servicehub.api.actions import do_issue_token, do_revoke_token
from servicehub.catalogue.actions import (
    do_create_price_list,
    do_create_service_line,
    do_create_work_unit,
    do_publish_price_list_version,
)
from servicehub.catalogue.choices import Complexity
from servicehub.contracts.actions import do_add_purchase_order, do_create_contract, do_define_service_level
from servicehub.contracts.choices import Comparison, MeasurementWindow, MeasureUnit, ServiceLevelKind
from servicehub.core.actions import do_create_user
from servicehub.core.choices import AuditEvent, Currency, Persona
from servicehub.core.models import AuditLog, User
from servicehub.demands import actions as demands
from servicehub.demands.actions import LineInput
from servicehub.demands.models import Demand, Invoice
from servicehub.org.actions import (
    do_add_holiday_override,
    do_create_organisation,
    do_create_programme,
    do_create_site,
    do_remove_holiday_override,
    do_set_objective,
    do_set_working_hours,
    do_update_site,
)
from servicehub.org.choices import HolidayCountry, HolidayOverrideKind, ObjectiveMetric, OrganisationKind
from servicehub.org.models import HolidayOverride
from servicehub.people.actions import (
    do_create_grade,
    do_create_skill,
    do_create_specialist,
    do_deactivate_specialist,
    do_record_absence,
    do_set_specialist_skill,
)
from servicehub.people.choices import AbsenceKind, Role, SkillFamily
from servicehub.planning import actions as planning
from servicehub.planning import jobs
from servicehub.planning.models import Assignment, PlanRun
from servicehub.planning.scenario_actions import do_create_scenario
from servicehub.talent import actions as talent
from servicehub.talent.choices import CampaignStatus, PartnershipActionKind, Stage
from servicehub.talent.models import Candidate

ACTION_MODULES = [
    "servicehub.core.actions",
    "servicehub.org.actions",
    "servicehub.people.actions",
    "servicehub.catalogue.actions",
    "servicehub.contracts.actions",
    "servicehub.api.actions",
    "servicehub.demands.actions",
    "servicehub.planning.actions",
    "servicehub.planning.scenario_actions",
    "servicehub.talent.actions",
]

D = dt.date(2026, 3, 2)
SERVICENOW_EXCERPT = Path(__file__).resolve().parents[1] / "data" / "servicenow_excerpt.csv"


def _removed_override(w: World, actor: User) -> HolidayOverride:
    override = do_add_holiday_override(
        country=HolidayCountry.MOROCCO, date=D, name="Aïd", kind=HolidayOverrideKind.ADD, actor=actor
    )
    do_remove_holiday_override(override, actor=actor)
    return override


def _school(w: World) -> Any:
    return do_create_organisation(name="ENSIAS", code="ensias", kind=OrganisationKind.SCHOOL, actor=None)


def _partnership(w: World) -> Any:
    return talent.do_create_partnership(provider=w.provider, school=_school(w), since=D, actor=None)


def _campaign(w: World) -> Any:
    return talent.do_create_campaign(
        site=w.rabat,
        title="Java",
        role=Role.DEVELOPER,
        openings=2,
        opens_on=D,
        closes_on=D + dt.timedelta(days=60),
        actor=None,
    )


def _candidate(w: World, stage: Stage = Stage.APPLIED) -> Candidate:
    candidate = talent.do_add_candidate(_campaign(w), first_name="Imane", last_name="Alaoui", actor=None)
    for step in (Stage.SCREENED, Stage.INTERVIEW, Stage.OFFER):
        if candidate.stage == stage:
            break
        candidate = talent.do_move_candidate(candidate, step, actor=None)
    return candidate


def _talent_cases(w: World, u: dict[str, User]) -> dict[str, tuple[Callable[[], Any], AuditEvent]]:
    recruiter = u["recruiter"]
    pdf = b"%PDF-1.4\n%%EOF\n"
    return {
        "do_create_partnership": (
            lambda: talent.do_create_partnership(
                provider=w.provider, school=_school(w), since=D, actor=recruiter
            ),
            AuditEvent.PARTNERSHIP_CREATED,
        ),
        "do_add_partnership_contact": (
            lambda: (
                partnership := _partnership(w),
                talent.do_add_partnership_contact(partnership, name="Pr. Bennani", actor=recruiter),
            )[0],
            AuditEvent.PARTNERSHIP_CONTACT_ADDED,
        ),
        "do_record_partnership_action": (
            lambda: (
                partnership := _partnership(w),
                talent.do_record_partnership_action(
                    partnership,
                    kind=PartnershipActionKind.RECRUITMENT_DAY,
                    title="Forum",
                    starts_on=D,
                    actor=recruiter,
                ),
            )[0],
            AuditEvent.PARTNERSHIP_ACTION_RECORDED,
        ),
        "do_create_campaign": (
            lambda: talent.do_create_campaign(
                site=w.rabat,
                title="Java",
                role=Role.DEVELOPER,
                openings=2,
                opens_on=D,
                closes_on=D,
                actor=recruiter,
            ),
            AuditEvent.CAMPAIGN_CREATED,
        ),
        "do_set_campaign_status": (
            lambda: talent.do_set_campaign_status(_campaign(w), CampaignStatus.CLOSED, actor=recruiter),
            AuditEvent.CAMPAIGN_STATUS_SET,
        ),
        "do_add_candidate": (
            lambda: talent.do_add_candidate(
                _campaign(w), first_name="Amine", last_name="Tazi", actor=recruiter
            ),
            AuditEvent.CANDIDATE_ADDED,
        ),
        "do_attach_cv": (
            lambda: talent.do_attach_cv(_candidate(w), SimpleUploadedFile("cv.pdf", pdf), actor=recruiter),
            AuditEvent.CANDIDATE_CV_ATTACHED,
        ),
        "do_move_candidate": (
            lambda: talent.do_move_candidate(_candidate(w), Stage.SCREENED, actor=recruiter),
            AuditEvent.CANDIDATE_MOVED,
        ),
        "do_hire_candidate": (
            lambda: (
                candidate := _candidate(w, Stage.OFFER),
                talent.do_hire_candidate(
                    candidate,
                    employee_number="RBT-9100",
                    starts_on=D,
                    grade=w.specialist_rabat.grade,
                    hourly_cost=Decimal("120"),
                    cost_currency=Currency.MAD,
                    actor=recruiter,
                ),
            )[0],
            AuditEvent.CANDIDATE_HIRED,
        ),
        "do_set_headcount_target": (
            lambda: talent.do_set_headcount_target(w.rabat, on=D, headcount=400, actor=u["director"]),
            AuditEvent.HEADCOUNT_TARGET_SET,
        ),
        "do_purge_candidates": (
            lambda: (
                _candidate(w),
                talent.do_purge_candidates(before=timezone.now() + dt.timedelta(seconds=1), actor=recruiter),
            )[0],
            AuditEvent.CANDIDATE_ANONYMISED,
        ),
    }


def _cases(w: World, u: dict[str, User]) -> dict[str, tuple[Callable[[], Any], AuditEvent]]:
    director = u["director"]
    return {
        **_talent_cases(w, u),
        "do_create_user": (
            lambda: do_create_user(
                username="new",
                password=PASSWORD,
                persona=Persona.RECRUITER,
                organisation=w.provider,
                actor=director,
            ),
            AuditEvent.USER_CREATED,
        ),
        "do_create_organisation": (
            lambda: do_create_organisation(
                name="ENSIAS", code="ensias", kind=OrganisationKind.SCHOOL, actor=director
            ),
            AuditEvent.ORGANISATION_CREATED,
        ),
        "do_create_site": (
            lambda: do_create_site(
                provider=w.provider,
                name="Tanger",
                code="tanger",
                city="Tanger",
                timezone="Africa/Casablanca",
                opened_on=D,
                seats=50,
                actor=director,
            ),
            AuditEvent.SITE_CREATED,
        ),
        "do_update_site": (
            lambda: do_update_site(w.rabat, seats=420, actor=director),
            AuditEvent.SITE_UPDATED,
        ),
        "do_set_working_hours": (
            lambda: do_set_working_hours(w.rabat, hours={0: [(dt.time(9), dt.time(13))]}, actor=director)[0],
            AuditEvent.WORKING_HOURS_SET,
        ),
        "do_add_holiday_override": (
            lambda: do_add_holiday_override(
                site=w.rabat, date=D, name="Pont", kind=HolidayOverrideKind.ADD, actor=director
            ),
            AuditEvent.HOLIDAY_OVERRIDE_ADDED,
        ),
        "do_remove_holiday_override": (
            lambda: _removed_override(w, director),
            AuditEvent.HOLIDAY_OVERRIDE_REMOVED,
        ),
        "do_create_programme": (
            lambda: do_create_programme(
                owner=w.provider, name="Plan", code="plan", starts_on=D, actor=director
            ),
            AuditEvent.PROGRAMME_CREATED,
        ),
        "do_set_objective": (
            lambda: do_set_objective(
                do_create_programme(owner=w.provider, name="P2", code="p2", starts_on=D, actor=director),
                metric=ObjectiveMetric.JOBS_CREATED,
                target=Decimal("180"),
                due_on=D,
                label="Jobs",
                actor=director,
            ),
            AuditEvent.OBJECTIVE_SET,
        ),
        "do_create_grade": (
            lambda: do_create_grade(code="senior", name="Senior", rank=3, actor=director),
            AuditEvent.GRADE_CREATED,
        ),
        "do_create_skill": (
            lambda: do_create_skill(
                code="react", name="React", family=SkillFamily.DEVELOPMENT, actor=director
            ),
            AuditEvent.SKILL_CREATED,
        ),
        "do_create_specialist": (
            lambda: do_create_specialist(
                employee_number="E99",
                first_name="Nadia",
                last_name="Alaoui",
                site=w.casablanca,
                role=Role.DESIGNER,
                grade=w.specialist_rabat.grade,
                hourly_cost=Decimal("150.00"),
                cost_currency=Currency.MAD,
                hired_on=D,
                actor=u["resource_manager"],
            ),
            AuditEvent.SPECIALIST_CREATED,
        ),
        "do_set_specialist_skill": (
            lambda: do_set_specialist_skill(
                w.specialist_rabat, w.specialist_rabat.skills.get(), 5, actor=u["resource_manager"]
            ),
            AuditEvent.SPECIALIST_SKILL_SET,
        ),
        "do_deactivate_specialist": (
            lambda: do_deactivate_specialist(w.specialist_rabat, actor=u["site_manager"]),
            AuditEvent.SPECIALIST_DEACTIVATED,
        ),
        "do_record_absence": (
            lambda: do_record_absence(
                w.specialist_rabat, kind=AbsenceKind.LEAVE, starts_on=D, ends_on=D, actor=u["specialist"]
            ),
            AuditEvent.ABSENCE_RECORDED,
        ),
        "do_create_service_line": (
            lambda: do_create_service_line(
                provider=w.provider, code="ux", name="UX", actor=u["delivery_lead"]
            ),
            AuditEvent.SERVICE_LINE_CREATED,
        ),
        "do_create_work_unit": (
            lambda: do_create_work_unit(
                service_line=w.work_unit_a.service_line,
                code="DEV-C",
                deliverable="API",
                efforts=EFFORTS,
                actor=u["delivery_lead"],
            ),
            AuditEvent.WORK_UNIT_CREATED,
        ),
        "do_create_price_list": (
            lambda: do_create_price_list(
                provider=w.provider, code="pl-x", name="X", currency=Currency.EUR, actor=u["delivery_lead"]
            ),
            AuditEvent.PRICE_LIST_CREATED,
        ),
        "do_publish_price_list_version": (
            lambda: do_publish_price_list_version(
                w.price_list_a,
                valid_from=dt.date(2027, 1, 1),
                prices={(w.work_unit_a, Complexity.SIMPLE): Decimal("1100.00")},
                actor=u["delivery_lead"],
            ),
            AuditEvent.PRICE_LIST_VERSION_PUBLISHED,
        ),
        "do_create_contract": (
            lambda: do_create_contract(
                reference="CA-2",
                title="Second",
                provider=w.provider,
                client=w.client_a,
                serving_sites=[w.rabat],
                price_list_version=w.price_list_a.versions.get(),
                starts_on=D,
                ends_on=D,
                actor=u["delivery_lead"],
            ),
            AuditEvent.CONTRACT_CREATED,
        ),
        "do_add_purchase_order": (
            lambda: do_add_purchase_order(
                w.contract_a,
                number="PO-2",
                amount=Decimal("10.00"),
                issued_on=D,
                valid_until=D,
                actor=u["delivery_lead"],
            ),
            AuditEvent.PURCHASE_ORDER_ADDED,
        ),
        "do_define_service_level": (
            lambda: do_define_service_level(
                w.contract_a,
                code="otd",
                name="On time",
                kind=ServiceLevelKind.ON_TIME_DELIVERY,
                comparison=Comparison.AT_LEAST,
                threshold=Decimal("95"),
                unit=MeasureUnit.PERCENT,
                window=MeasurementWindow.MONTHLY,
                penalty_percent=Decimal("1"),
                penalty_cap_percent=Decimal("5"),
                actor=u["delivery_lead"],
            ),
            AuditEvent.SERVICE_LEVEL_DEFINED,
        ),
        "do_issue_token": (lambda: do_issue_token(name="ci", actor=director), AuditEvent.TOKEN_ISSUED),
        **_demand_cases(w, u),
        **_planning_cases(w, u),
        "do_revoke_token": (
            lambda: do_revoke_token(do_issue_token(name="old", actor=director)[0], actor=director),
            AuditEvent.TOKEN_REVOKED,
        ),
    }


def _plan_run(w: World, actor: User) -> PlanRun:
    return planning.do_request_plan_run(
        provider=w.provider, site=None, starts_on=D, weeks=4, time_limit=5, actor=actor
    )


def _solved_run(w: World, actor: User) -> PlanRun:
    _demand_in(w, "submit", "quote", "order")
    queued = _plan_run(w, actor)
    done = jobs.work_once()
    assert done is not None and done.pk == queued.pk
    return done


def _planning_cases(w: World, u: dict[str, User]) -> dict[str, tuple[Callable[[], Any], AuditEvent]]:
    lead = u["delivery_lead"]

    def pinned() -> Assignment:
        demand = _demand_in(w, "submit", "quote", "order")
        return planning.do_pin_assignment(demand, w.specialist_rabat, week_start=D, hours=8, actor=lead)

    def accepted() -> PlanRun:
        done = _solved_run(w, lead)
        planning.do_accept_plan_run(done, actor=lead)
        return done

    return {
        "do_request_plan_run": (lambda: _plan_run(w, lead), AuditEvent.PLAN_RUN_REQUESTED),
        "do_cancel_plan_run": (
            lambda: planning.do_cancel_plan_run(_plan_run(w, lead), actor=lead),
            AuditEvent.PLAN_RUN_CANCELLED,
        ),
        "do_accept_plan_run": (accepted, AuditEvent.PLAN_ACCEPTED),
        "do_pin_assignment": (pinned, AuditEvent.ASSIGNMENT_PINNED),
        "do_create_scenario": (
            lambda: do_create_scenario(
                provider=w.provider,
                name="Two more in Casablanca",
                changes=[
                    {
                        "kind": "add_specialists",
                        "count": 2,
                        "site": "casablanca",
                        "hours": 40,
                        "cost_per_hour": 30,
                    }
                ],
                actor=lead,
            ),
            AuditEvent.SCENARIO_CREATED,
        ),
        "do_unpin_assignment": (
            lambda: planning.do_unpin_assignment(pinned(), actor=lead),
            AuditEvent.ASSIGNMENT_UNPINNED,
        ),
    }


def _demand_in(w: World, *steps: str) -> Demand:
    demand = demands.do_create_demand(
        w.contract_a, title="t", lines=[LineInput(w.work_unit_a, Complexity.SIMPLE, Decimal("1"))], actor=None
    )
    for step in steps:
        {
            "submit": lambda: demands.do_submit_demand(demand, actor=None),
            "quote": lambda: demands.do_quote_demand(demand, actor=None, quoted_on=D),
            "order": lambda: demands.do_order_demand(demand, actor=None),
            "plan": lambda: demands.do_plan_demand(demand, site=w.rabat, committed_on=D, actor=None),
            "start": lambda: demands.do_start_demand(demand, actor=None),
            "deliver": lambda: demands.do_deliver_demand(demand, actor=None),
            "reject": lambda: demands.do_reject_delivery(demand, actor=None, reason="r"),
            "accept": lambda: demands.do_accept_delivery(demand, actor=None),
        }[step]()
    return demand


def _invoice(w: World) -> Invoice:
    _demand_in(w, "submit", "quote", "order", "plan", "start", "deliver", "accept")
    return demands.do_prepare_invoice(w.contract_a, month=timezone.localdate(), actor=None)


def _approver(w: World) -> User:
    return do_create_user(
        username="approver",
        password=PASSWORD,
        persona=Persona.CLIENT_APPROVER,
        organisation=w.client_a,
        actor=None,
    )


def _demand_cases(w: World, u: dict[str, User]) -> dict[str, tuple[Callable[[], Any], AuditEvent]]:
    lead, client = u["delivery_lead"], u["client_a"]
    director = u["director"]
    before_order = ("submit", "quote")
    delivered = ("submit", "quote", "order", "plan", "start", "deliver")
    return {
        "do_create_demand": (
            lambda: demands.do_create_demand(
                w.contract_a,
                title="t",
                lines=[LineInput(w.work_unit_a, Complexity.SIMPLE, Decimal("1"))],
                actor=client,
            ),
            AuditEvent.DEMAND_CREATED,
        ),
        "do_edit_demand": (
            lambda: demands.do_edit_demand(
                _demand_in(w),
                title="t2",
                lines=[LineInput(w.work_unit_a, Complexity.COMPLEX, Decimal("2"))],
                actor=client,
            ),
            AuditEvent.DEMAND_EDITED,
        ),
        "do_attach_file": (
            lambda: demands.do_attach_file(
                _demand_in(w), upload=SimpleUploadedFile("spec.pdf", b"%PDF-1.7"), actor=client
            ),
            AuditEvent.ATTACHMENT_ADDED,
        ),
        "do_remove_attachment": (
            lambda: demands.do_remove_attachment(
                demands.do_attach_file(_demand_in(w), upload=SimpleUploadedFile("a.txt", b"a"), actor=None),
                actor=lead,
            ),
            AuditEvent.ATTACHMENT_REMOVED,
        ),
        "do_submit_demand": (
            lambda: demands.do_submit_demand(_demand_in(w), actor=client),
            AuditEvent.DEMAND_SUBMITTED,
        ),
        "do_quote_demand": (
            lambda: demands.do_quote_demand(_demand_in(w, "submit"), actor=lead, quoted_on=D).demand,
            AuditEvent.DEMAND_QUOTED,
        ),
        "do_order_demand": (
            lambda: demands.do_order_demand(_demand_in(w, *before_order), actor=director).demand,
            AuditEvent.DEMAND_ORDERED,
        ),
        "do_plan_demand": (
            lambda: demands.do_plan_demand(
                _demand_in(w, *before_order, "order"), site=w.rabat, committed_on=D, actor=lead
            ),
            AuditEvent.DEMAND_PLANNED,
        ),
        "do_start_demand": (
            lambda: demands.do_start_demand(_demand_in(w, *before_order, "order", "plan"), actor=lead),
            AuditEvent.DEMAND_STARTED,
        ),
        "do_deliver_demand": (
            lambda: (
                demands.do_deliver_demand(
                    _demand_in(w, *before_order, "order", "plan", "start"), actor=lead
                ).demand
            ),
            AuditEvent.DEMAND_DELIVERED,
        ),
        "do_accept_delivery": (
            lambda: demands.do_accept_delivery(_demand_in(w, *delivered), actor=_approver(w)).demand,
            AuditEvent.DEMAND_ACCEPTED,
        ),
        "do_reject_delivery": (
            lambda: (
                demands.do_reject_delivery(_demand_in(w, *delivered), actor=_approver(w), reason="no").demand
            ),
            AuditEvent.DEMAND_REJECTED,
        ),
        "do_start_rework": (
            lambda: demands.do_start_rework(_demand_in(w, *delivered, "reject"), actor=lead),
            AuditEvent.DEMAND_REWORK,
        ),
        "do_prepare_invoice": (
            lambda: demands.do_prepare_invoice(w.contract_a, month=timezone.localdate(), actor=lead),
            AuditEvent.INVOICE_PREPARED,
        ),
        "do_issue_invoice": (
            lambda: demands.do_issue_invoice(_invoice(w), actor=lead),
            AuditEvent.INVOICE_ISSUED,
        ),
        "do_issue_credit_note": (
            lambda: demands.do_issue_credit_note(
                demands.do_issue_invoice(_invoice(w), actor=None), reason="wrong order", actor=director
            ),
            AuditEvent.CREDIT_NOTE_ISSUED,
        ),
        "do_cancel_demand": (
            lambda: demands.do_cancel_demand(_demand_in(w), actor=client, reason="no"),
            AuditEvent.DEMAND_CANCELLED,
        ),
        "do_import_servicenow": (
            # One row per imported demand; the oldest, checked below, is the file's first incident's.
            lambda: (
                demands.do_import_servicenow(w.contract_a, SERVICENOW_EXCERPT, actor=lead),
                Demand.objects.get(reference="SN-0000045"),
            )[1],
            AuditEvent.DEMAND_IMPORTED,
        ),
    }


def _all_actions() -> list[str]:
    names = []
    for module_name in ACTION_MODULES:
        module = importlib.import_module(module_name)
        names += [
            n
            for n, f in inspect.getmembers(module, inspect.isfunction)
            if n.startswith("do_") and f.__module__ == module_name
        ]
    return sorted(names)


def test_every_action_has_an_audit_case(world: World, personas: dict[str, User]) -> None:
    # A new action without a case here fails this test: add it to _cases.
    assert _all_actions() == sorted(_cases(world, personas))


@pytest.mark.parametrize("name", _all_actions())
def test_action_writes_its_audit_row(world: World, personas: dict[str, User], name: str) -> None:
    run, event = _cases(world, personas)[name]
    last = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    result = run()
    rows = list(AuditLog.objects.filter(id__gt=last, event=event))
    assert rows, f"{name} wrote no {event} row"
    row = rows[-1]
    assert row.actor is not None and row.actor_label == row.actor.username
    obj = result[0] if isinstance(result, tuple) else result
    assert row.object_type in {obj._meta.label_lower, "catalogue.pricelist", "people.specialist"}
    if row.object_type == "demands.demand":
        assert row.object_id == str(obj.pk)


def test_refused_action_leaves_no_row_and_no_object(world: World, personas: dict[str, User]) -> None:
    before = AuditLog.objects.count()
    with pytest.raises(PermissionDenied):
        # A site manager of Rabat may not open a site.
        do_create_site(
            provider=world.provider,
            name="Oujda",
            code="oujda",
            city="Oujda",
            timezone="Africa/Casablanca",
            opened_on=D,
            seats=10,
            actor=personas["site_manager"],
        )
    with pytest.raises(PermissionDenied):
        do_deactivate_specialist(world.specialist_casa, actor=personas["site_manager"])
    assert AuditLog.objects.count() == before
    assert not world.provider.sites.filter(code="oujda").exists()


def test_invalid_input_names_the_field_and_writes_nothing(world: World, personas: dict[str, User]) -> None:
    before = AuditLog.objects.count()
    with pytest.raises(ValidationError) as caught:
        do_create_site(
            provider=world.provider,
            name="Fès",
            code="fes",
            city="Fès",
            timezone="Africa/Fes",
            opened_on=D,
            seats=10,
            actor=personas["director"],
        )
    assert "timezone" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        do_record_absence(
            world.specialist_rabat,
            kind=AbsenceKind.LEAVE,
            starts_on=D,
            ends_on=D - dt.timedelta(1),
            actor=personas["director"],
        )
    assert AuditLog.objects.count() == before


def test_audit_log_is_append_only(world: World) -> None:
    row = AuditLog.objects.first()
    assert row is not None
    row.object_repr = "tampered"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=row.pk).update(object_repr="tampered")
    with pytest.raises(PermissionError):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.get(pk=row.pk).object_repr != "tampered"


def test_sign_in_and_out_are_audited_with_the_request_id(personas: dict[str, User]) -> None:
    client = Client()
    assert client.login(username="director", password=PASSWORD)
    assert AuditLog.objects.filter(event=AuditEvent.USER_LOGGED_IN, actor=personas["director"]).exists()
    assert not client.login(username="director", password="wrong")
    assert AuditLog.objects.filter(event=AuditEvent.USER_LOGIN_FAILED, actor_label="director").exists()
