"""REST endpoints for planning: plan runs, assignments, scenarios and the capacity forecast
(mounted by servicehub.api.api).

Reads go through restrict(); writes need a personal access token, call the planning actions, take an
`Idempotency-Key` and, on an existing object, an `If-Match`, as the demands' endpoints do.
"""

# ruff: noqa: RUF001, RUF002, RUF003 (×, ÷ and − are the right signs in these texts)
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.responses import NinjaJSONEncoder

from servicehub.api.auth import TokenAuth, auth_user
from servicehub.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from servicehub.api.idempotency import HEADER_DESCRIPTION as IDEMPOTENCY_DESCRIPTION
from servicehub.api.idempotency import Answer, answer_once
from servicehub.api.pagination import Orderings, paginate
from servicehub.api.preconditions import IF_MATCH_DESCRIPTION, entity_tag, require_match
from servicehub.api.schemas import (
    CREATE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    UPDATE_ERRORS,
    DecimalString,
    ObjectId,
    PageOut,
    PageParams,
    SiteRef,
)
from servicehub.core.choices import Persona
from servicehub.core.models import User
from servicehub.core.tenancy import Action, get_visible_or_404, persona_in, visible_or_refused
from servicehub.demands.models import Demand
from servicehub.org.models import Site
from servicehub.people.models import Specialist
from servicehub.planning import actions, forecast
from servicehub.planning.choices import RunState
from servicehub.planning.models import Assignment, PlanRun, Scenario
from servicehub.planning.querysets import PLAN_READERS, PLANNERS
from servicehub.planning.scenario_actions import do_create_scenario
from servicehub.planning.scenarios import ScenarioError

router = Router(tags=["planning"])

IdempotencyKey = Annotated[
    str | None,
    Header(alias=IDEMPOTENCY_HEADER, min_length=1, max_length=255, description=IDEMPOTENCY_DESCRIPTION),
]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=1000, description=IF_MATCH_DESCRIPTION)]
PLANNERS_TEXT = "\n\nPersonas allowed: " + ", ".join(f"`{p.value}`" for p in Persona if p in PLANNERS) + "."


def _encode(schema: type[Schema], obj: Any) -> dict[str, Any]:
    # Encoded as ninja encodes its answers, so that a replayed answer is the same to the byte.
    body: dict[str, Any] = json.loads(json.dumps(schema.from_orm(obj).model_dump(), cls=NinjaJSONEncoder))
    return body


# --- plan runs -------------------------------------------------------------------------------------------


class ScenarioRef(Schema):
    id: int
    name: str


class PlanRunOut(Schema):
    id: int
    state: RunState
    site: SiteRef | None = Field(description="Null: every site of the provider.")
    scenario: ScenarioRef | None = Field(description="The what-if this run solves, if any.")
    starts_on: dt.date = Field(description="The Monday of the first week.")
    weeks: int
    time_limit: int = Field(description="Seconds the solver may take.")
    progress: float = Field(description="From 0 to 1.")
    cancel_requested: bool
    planned_items: int | None
    unplanned_items: int | None
    objective: DecimalString | None
    bound: DecimalString | None = Field(description="The best objective the solver proved possible.")
    message: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    accepted_at: dt.datetime | None
    created_at: dt.datetime


class RunSummaryOut(Schema):
    status: str = Field(description="The solver's status (optimal, feasible, …); empty until done.")
    assignments: int = Field(description="Rows of the plan (specialist × demand × week).")
    assigned_hours: int
    unplanned_by_reason: dict[str, int]
    gap_percent: float | None = Field(description="How far the plan may be from the best one, in %.")


class PlanRunDetailOut(PlanRunOut):
    summary: RunSummaryOut | None = Field(description="The result in figures, once the run is done.")

    @staticmethod
    def resolve_summary(obj: PlanRun) -> dict[str, Any] | None:
        result = obj.result
        if not result:
            return None
        reasons: dict[str, int] = {}
        for row in result.get("unplanned", []):
            reasons[str(row.get("reason"))] = reasons.get(str(row.get("reason")), 0) + 1
        rows = result.get("assignments", [])
        return {
            "status": str(result.get("status", "")),
            "assignments": len(rows),
            "assigned_hours": sum(int(row["hours"]) for row in rows),
            "unplanned_by_reason": reasons,
            "gap_percent": obj.gap_percent,
        }


class PlanRunPage(PageOut):
    items: list[PlanRunOut]


def _runs(user: User) -> models.QuerySet[PlanRun]:
    return PlanRun.objects.restrict(user, Action.VIEW).select_related("site", "scenario")


def run_etag(run: PlanRun) -> str:
    return entity_tag("plan-run", run.pk, run.updated_at.isoformat(), run.state, run.accepted_at)


RUN_SORTS: Orderings = {"created_at": ["created_at"], "starts_on": ["starts_on"], "state": ["state"]}


class PlanRunQuery(PageParams):
    state: RunState | None = Field(None, description="Only the runs in this state.")
    sort: Literal["created_at", "-created_at", "starts_on", "-starts_on", "state", "-state"] = "-created_at"


@router.get("/plan-runs/", response={200: PlanRunPage, **LIST_ERRORS}, summary="List plan runs")
def list_plan_runs(request: HttpRequest, params: Query[PlanRunQuery]) -> dict[str, Any]:
    """Plan runs you may see: the provider's planning staff see theirs, a site manager those of their site
    and of every site."""
    rows = _runs(auth_user(request))
    if params.state is not None:
        rows = rows.filter(state=params.state)
    return paginate(rows, params, params.sort, RUN_SORTS)


@router.get(
    "/plan-runs/{run_id}/", response={200: PlanRunDetailOut, **DETAIL_ERRORS}, summary="Read a plan run"
)
def get_plan_run(request: HttpRequest, run_id: ObjectId, response: HttpResponse) -> PlanRun:
    """The run, its progress and, once done, its result in figures. The `ETag` header identifies this
    version: send it back as `If-Match` to cancel or accept it."""
    run: PlanRun = get_visible_or_404(auth_user(request), _runs(auth_user(request)), pk=run_id)
    response["ETag"] = run_etag(run)
    return run


class PlanRunIn(Schema):
    site: ObjectId | None = Field(None, description="The site (id) to plan; every site by default.")
    starts_on: dt.date = Field(description="A day of the first week (the plan starts on its Monday).")
    weeks: int = Field(26, ge=1, le=104)
    time_limit: int = Field(30, ge=5, le=3600, description="Seconds the solver may take.")
    scenario: ObjectId | None = Field(None, description="A scenario (id) whose changes to solve.")


def _run_answer(user: User, run_id: int, *, status: int) -> Answer:
    run: PlanRun = get_visible_or_404(user, _runs(user), pk=run_id)
    headers = {"ETag": run_etag(run)}
    if status == 201:
        headers["Location"] = reverse("api:get_plan_run", kwargs={"run_id": run.pk})
    return status, _encode(PlanRunDetailOut, run), headers


@router.post(
    "/plan-runs/",
    auth=TokenAuth(),
    response={201: PlanRunDetailOut, **CREATE_ERRORS},
    summary="Request a plan run",
    description="""Queue a plan run of your organisation's work; a worker solves it (follow `progress`). The
    instance is built now, from what you see."""
    + PLANNERS_TEXT,
)
def create_plan_run(
    request: HttpRequest, payload: PlanRunIn, idempotency_key: IdempotencyKey = None
) -> HttpResponse:
    user = auth_user(request)

    def write() -> Answer:
        site = (
            None
            if payload.site is None
            else visible_or_refused(user, Site.objects.all(), payload.site, "site")
        )
        scenario = (
            None
            if payload.scenario is None
            else visible_or_refused(user, Scenario.objects.all(), payload.scenario, "scenario")
        )
        run = actions.do_request_plan_run(
            provider=user.organisation,
            site=site,
            starts_on=payload.starts_on,
            weeks=payload.weeks,
            time_limit=payload.time_limit,
            scenario=scenario,
            actor=user,
        )
        return _run_answer(user, run.pk, status=201)

    return answer_once(request, user=user, key=idempotency_key, write=write)


def _move_run(
    request: HttpRequest,
    run_id: int,
    *,
    if_match: str | None,
    idempotency_key: str | None,
    act: Callable[[PlanRun, User], object],
) -> HttpResponse:
    user = auth_user(request)

    def write() -> Answer:
        run: PlanRun = get_visible_or_404(user, PlanRun.objects.select_for_update(), pk=run_id)
        if persona_in(user, *PLANNERS):
            require_match(
                if_match,
                run_etag(run),
                message=_("The plan run has changed since you read it. Read it again."),
            )
        act(run, user)
        return _run_answer(user, run.pk, status=200)

    return answer_once(request, user=user, key=idempotency_key, write=write)


@router.post(
    "/plan-runs/{run_id}/cancel/",
    auth=TokenAuth(),
    response={200: PlanRunDetailOut, **UPDATE_ERRORS},
    summary="Cancel a plan run",
    description="Stop a queued or running run; a run that has ended answers 422 on `state`." + PLANNERS_TEXT,
)
def cancel_plan_run(
    request: HttpRequest, run_id: ObjectId, if_match: IfMatch = None, idempotency_key: IdempotencyKey = None
) -> HttpResponse:
    return _move_run(
        request,
        run_id,
        if_match=if_match,
        idempotency_key=idempotency_key,
        act=lambda run, user: actions.do_cancel_plan_run(run, actor=user),
    )


@router.post(
    "/plan-runs/{run_id}/accept/",
    auth=TokenAuth(),
    response={200: PlanRunDetailOut, **UPDATE_ERRORS},
    summary="Accept a plan run's plan",
    description=(
        "Make a finished run's plan the current one: its assignments replace those that are not pinned, "
        "in its weeks and for its people. A scenario's run cannot be accepted (422)." + PLANNERS_TEXT
    ),
)
def accept_plan_run(
    request: HttpRequest, run_id: ObjectId, if_match: IfMatch = None, idempotency_key: IdempotencyKey = None
) -> HttpResponse:
    return _move_run(
        request,
        run_id,
        if_match=if_match,
        idempotency_key=idempotency_key,
        act=lambda run, user: actions.do_accept_plan_run(run, actor=user),
    )


# --- assignments -----------------------------------------------------------------------------------------


class DemandRef(Schema):
    id: int
    reference: str
    title: str


class SpecialistRef(Schema):
    id: int
    employee_number: str
    name: str

    @staticmethod
    def resolve_name(obj: Specialist) -> str:
        return f"{obj.first_name} {obj.last_name}"


class AssignmentOut(Schema):
    id: int
    demand: DemandRef
    specialist: SpecialistRef
    week_start: dt.date = Field(description="The Monday of the week.")
    hours: int
    pinned: bool = Field(description="Set by hand: replanning keeps it.")
    plan_run: int | None = Field(description="The accepted run (id) it comes from; null when pinned by hand.")

    @staticmethod
    def resolve_plan_run(obj: Assignment) -> int | None:
        return obj.plan_run_id


class AssignmentPage(PageOut):
    items: list[AssignmentOut]


def _assignments(user: User) -> models.QuerySet[Assignment]:
    return Assignment.objects.restrict(user, Action.VIEW).select_related("demand", "specialist")


def assignment_etag(assignment: Assignment) -> str:
    return entity_tag("assignment", assignment.pk, assignment.updated_at.isoformat(), assignment.pinned)


ASSIGNMENT_SORTS: Orderings = {"week_start": ["week_start"], "hours": ["hours"]}


class AssignmentQuery(PageParams):
    specialist: ObjectId | None = Field(None, description="Only this specialist's work (id).")
    demand: ObjectId | None = Field(None, description="Only the work on this demand (id).")
    site: ObjectId | None = Field(None, description="Only the work of this site's people (id).")
    from_week: dt.date | None = Field(None, description="Weeks starting on or after this day.")
    to_week: dt.date | None = Field(None, description="Weeks starting on or before this day.")
    sort: Literal["week_start", "-week_start", "hours", "-hours"] = "week_start"


@router.get("/assignments/", response={200: AssignmentPage, **LIST_ERRORS}, summary="List assignments")
def list_assignments(request: HttpRequest, params: Query[AssignmentQuery]) -> dict[str, Any]:
    """Who works on which demand in which week: planning staff see their people's work, a specialist
    their own."""
    rows = _assignments(auth_user(request))
    if params.specialist is not None:
        rows = rows.filter(specialist_id=params.specialist)
    if params.demand is not None:
        rows = rows.filter(demand_id=params.demand)
    if params.site is not None:
        rows = rows.filter(specialist__site_id=params.site)
    if params.from_week is not None:
        rows = rows.filter(week_start__gte=params.from_week)
    if params.to_week is not None:
        rows = rows.filter(week_start__lte=params.to_week)
    return paginate(rows, params, params.sort, ASSIGNMENT_SORTS)


def _assignment_answer(user: User, assignment_id: int, *, status: int) -> Answer:
    assignment: Assignment = get_visible_or_404(user, _assignments(user), pk=assignment_id)
    headers = {"ETag": assignment_etag(assignment)}
    if status == 201:
        headers["Location"] = reverse("api:get_assignment", kwargs={"assignment_id": assignment.pk})
    return status, _encode(AssignmentOut, assignment), headers


class PinIn(Schema):
    demand: ObjectId = Field(description="An ordered, planned, started or reworked demand (id).")
    specialist: ObjectId = Field(description="An active specialist (id).")
    week_start: dt.date = Field(description="A day of the week (its Monday is kept).")
    hours: int = Field(ge=1, le=80)


@router.post(
    "/assignments/pin/",
    auth=TokenAuth(),
    response={201: AssignmentOut, **CREATE_ERRORS},
    summary="Pin work by hand",
    description="Set how many hours a specialist works on a demand in a week; replanning keeps it. "
    "Pinning the same demand, specialist and week again sets its hours." + PLANNERS_TEXT,
)
def pin_assignment(
    request: HttpRequest, payload: PinIn, idempotency_key: IdempotencyKey = None
) -> HttpResponse:
    user = auth_user(request)

    def write() -> Answer:
        demand = visible_or_refused(user, Demand.objects.all(), payload.demand, "demand")
        specialist = visible_or_refused(user, Specialist.objects.all(), payload.specialist, "specialist")
        assignment = actions.do_pin_assignment(
            demand, specialist, week_start=payload.week_start, hours=payload.hours, actor=user
        )
        return _assignment_answer(user, assignment.pk, status=201)

    return answer_once(request, user=user, key=idempotency_key, write=write)


# After POST /assignments/pin/: the path of one assignment would take "pin" for its id.
@router.get(
    "/assignments/{assignment_id}/",
    response={200: AssignmentOut, **DETAIL_ERRORS},
    summary="Read an assignment",
)
def get_assignment(request: HttpRequest, assignment_id: ObjectId, response: HttpResponse) -> Assignment:
    """One assignment; its `ETag` is the `If-Match` of unpinning it."""
    user = auth_user(request)
    assignment: Assignment = get_visible_or_404(user, _assignments(user), pk=assignment_id)
    response["ETag"] = assignment_etag(assignment)
    return assignment


@router.post(
    "/assignments/{assignment_id}/unpin/",
    auth=TokenAuth(),
    response={200: AssignmentOut, **UPDATE_ERRORS},
    summary="Unpin work",
    description="Let the next accepted plan change this work again." + PLANNERS_TEXT,
)
def unpin_assignment(
    request: HttpRequest,
    assignment_id: ObjectId,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> HttpResponse:
    user = auth_user(request)

    def write() -> Answer:
        assignment: Assignment = get_visible_or_404(
            user, Assignment.objects.select_for_update(), pk=assignment_id
        )
        if persona_in(user, *PLANNERS):
            require_match(
                if_match,
                assignment_etag(assignment),
                message=_("The assignment has changed since you read it. Read it again."),
            )
        actions.do_unpin_assignment(assignment, actor=user)
        return _assignment_answer(user, assignment.pk, status=200)

    return answer_once(request, user=user, key=idempotency_key, write=write)


# --- scenarios -------------------------------------------------------------------------------------------


class ScenarioOut(Schema):
    id: int
    name: str
    base_run: int | None = Field(description="The plan run (id) it is compared with.")
    changes: list[dict[str, Any]] = Field(description="The changes, in order (see the scenario page).")
    created_at: dt.datetime

    @staticmethod
    def resolve_base_run(obj: Scenario) -> int | None:
        return obj.base_run_id


class ScenarioDetailOut(ScenarioOut):
    runs: list[int] = Field(description="Its plan runs (ids), newest first.")

    @staticmethod
    def resolve_runs(obj: Scenario, context: dict[str, Any]) -> list[int]:
        user = auth_user(context["request"])
        return list(
            PlanRun.objects.restrict(user, Action.VIEW).filter(scenario=obj).values_list("pk", flat=True)
        )


class ScenarioPage(PageOut):
    items: list[ScenarioOut]


SCENARIO_SORTS: Orderings = {"created_at": ["created_at"], "name": ["name"]}


class ScenarioQuery(PageParams):
    sort: Literal["created_at", "-created_at", "name", "-name"] = "-created_at"


@router.get("/scenarios/", response={200: ScenarioPage, **LIST_ERRORS}, summary="List scenarios")
def list_scenarios(request: HttpRequest, params: Query[ScenarioQuery]) -> dict[str, Any]:
    """The what-if scenarios of your organisation's planning staff."""
    rows = Scenario.objects.restrict(auth_user(request), Action.VIEW)
    return paginate(rows, params, params.sort, SCENARIO_SORTS)


@router.get(
    "/scenarios/{scenario_id}/", response={200: ScenarioDetailOut, **DETAIL_ERRORS}, summary="Read a scenario"
)
def get_scenario(request: HttpRequest, scenario_id: ObjectId) -> Scenario:
    """A scenario, its changes and its runs."""
    scenario: Scenario = get_visible_or_404(auth_user(request), Scenario.objects.all(), pk=scenario_id)
    return scenario


class ScenarioIn(Schema):
    name: str = Field(min_length=1, max_length=150)
    base_run: ObjectId | None = Field(None, description="A plan run (id) to compare with.")
    changes: list[dict[str, Any]] = Field(
        description="Objects with a `kind`: add_specialists, close_site, scale_demand, remove_specialists."
    )


@router.post(
    "/scenarios/",
    auth=TokenAuth(),
    response={201: ScenarioDetailOut, **CREATE_ERRORS},
    summary="Create a scenario",
    description="Open a what-if. The changes are tried at once on the base run's instance (else on "
    "today's): one that cannot apply answers 422 on `changes`." + PLANNERS_TEXT,
)
def create_scenario(
    request: HttpRequest, payload: ScenarioIn, idempotency_key: IdempotencyKey = None
) -> HttpResponse:
    user = auth_user(request)

    def write() -> Answer:
        base_run = (
            None
            if payload.base_run is None
            else visible_or_refused(user, PlanRun.objects.all(), payload.base_run, "base_run")
        )
        scenario = do_create_scenario(
            provider=user.organisation,
            name=payload.name,
            changes=payload.changes,
            base_run=base_run,
            actor=user,
        )
        body = json.loads(
            json.dumps(
                ScenarioDetailOut.from_orm(scenario, context={"request": request}).model_dump(),
                cls=NinjaJSONEncoder,
            )
        )
        location = reverse("api:get_scenario", kwargs={"scenario_id": scenario.pk})
        return 201, body, {"Location": location}

    return answer_once(request, user=user, key=idempotency_key, write=write)


# --- the capacity forecast -------------------------------------------------------------------------------


class ForecastWeekOut(Schema):
    week: dt.date
    demand_hours: DecimalString
    capacity_hours: DecimalString
    shortfall_hours: DecimalString
    scenario_demand_hours: DecimalString | None
    scenario_capacity_hours: DecimalString | None
    scenario_shortfall_hours: DecimalString | None


class ForecastRowOut(Schema):
    site: SiteRef
    role: str | None = Field(description="A role code; null: demand at a site with nobody to share it.")
    shortfall_hours: DecimalString = Field(description="Over the period.")
    people_to_hire: DecimalString = Field(
        description="The worst week's shortfall ÷ one person's weekly hours."
    )
    scenario_shortfall_hours: DecimalString | None
    scenario_people_to_hire: DecimalString | None
    weeks: list[ForecastWeekOut]


class ForecastSkillRowOut(Schema):
    site: SiteRef
    skill: str | None = Field(
        description="A skill code; null: work whose work unit needs no skill, against everyone at the site."
    )
    level: int = Field(
        description="The least level: the row is the work needing at least this level of the skill, "
        "against the people holding it at this level or above (0 when `skill` is null)."
    )
    shortfall_hours: DecimalString = Field(description="Over the period.")
    people_to_hire: DecimalString = Field(
        description="The worst week's shortfall ÷ the mean weekly hours of the row's people (else 44)."
    )
    scenario_shortfall_hours: DecimalString | None
    scenario_people_to_hire: DecimalString | None
    weeks: list[ForecastWeekOut]


class ForecastOut(Schema):
    win_probability: DecimalString = Field(description="The weight of quoted, not yet ordered, work.")
    weeks: list[dt.date]
    scenario: int | None
    total_shortfall_hours: DecimalString
    scenario_total_shortfall_hours: DecimalString | None
    rows: list[ForecastRowOut]
    skill_rows: list[ForecastSkillRowOut] = Field(
        description="Site × skill × least level. Not additive: a person counts in every row they qualify "
        "for, work in every skill it needs and in the lower levels of each."
    )


class ForecastQuery(Schema):
    site: ObjectId | None = Field(None, description="Only this site (id).")
    start: dt.date | None = Field(
        None, alias="from", description="A day of the first week; this week by default."
    )
    weeks: int = Field(12, ge=1, le=forecast.MAX_WEEKS, description="How many weeks.")
    scenario: ObjectId | None = Field(None, description="Also the forecast with this scenario (id).")


def _hours(value: Decimal | None) -> str | None:
    return None if value is None else format(forecast.tenth(value), "f")


@router.get("/forecast/", response={200: ForecastOut, **LIST_ERRORS}, summary="Capacity forecast")
def get_forecast(request: HttpRequest, params: Query[ForecastQuery]) -> dict[str, Any]:
    """Demand against capacity by site × role × week and by site × skill × least level × week, and the
    hiring need (see the forecast page for the method). Planning staff only: anyone else gets no rows."""
    user = auth_user(request)
    site = None if params.site is None else visible_or_refused(user, Site.objects.all(), params.site, "site")
    scenario = (
        None
        if params.scenario is None
        else visible_or_refused(user, Scenario.objects.all(), params.scenario, "scenario")
    )
    if persona_in(user, Persona.SITE_MANAGER):
        site = user.site
    try:
        result = forecast.forecast(
            user=user,
            start=params.start or dt.date.today(),
            weeks=params.weeks,
            site=site,
            scenario=scenario,
        )
    except ScenarioError as error:
        raise ValidationError({"scenario": str(error)}) from None
    if not persona_in(user, *PLAN_READERS):
        result.rows = []
        result.skill_rows = []
    rows = [
        {"site": row.site, "role": row.role or None, **_forecast_figures(row, result.weeks)}
        for row in result.rows
    ]
    skill_rows = [
        {
            "site": row.site,
            "skill": row.skill or None,
            "level": row.level,
            **_forecast_figures(row, result.weeks),
        }
        for row in result.skill_rows
    ]
    return {
        "win_probability": format(result.win_probability, "f"),
        "weeks": result.weeks,
        "scenario": scenario.pk if scenario is not None else None,
        "total_shortfall_hours": _hours(result.total_shortfall),
        "scenario_total_shortfall_hours": _hours(result.total_shortfall_after),
        "rows": rows,
        "skill_rows": skill_rows,
    }


def _forecast_figures(row: forecast.Row | forecast.SkillRow, week_starts: list[dt.date]) -> dict[str, Any]:
    """A forecast row's totals and weeks, as ForecastRowOut and ForecastSkillRowOut give them."""
    weeks = []
    for n, week in enumerate(week_starts):
        cell = row.cells[n]
        after = row.after[n] if row.after is not None else None
        weeks.append(
            {
                "week": week,
                "demand_hours": _hours(cell.demand),
                "capacity_hours": _hours(cell.capacity),
                "shortfall_hours": _hours(cell.shortfall),
                "scenario_demand_hours": _hours(after.demand if after else None),
                "scenario_capacity_hours": _hours(after.capacity if after else None),
                "scenario_shortfall_hours": _hours(after.shortfall if after else None),
            }
        )
    return {
        "shortfall_hours": _hours(row.shortfall),
        "people_to_hire": _hours(row.peak_people),
        "scenario_shortfall_hours": _hours(row.shortfall_after),
        "scenario_people_to_hire": _hours(row.peak_people_after),
        "weeks": weeks,
    }
