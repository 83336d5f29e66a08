"""Planning actions: request a plan run, cancel it, accept its plan, pin work by hand, open a scenario.

Each checks who may (through `restrict`), writes in one transaction and leaves an audit row.
Solving happens in a worker (planning/jobs.py), never in a request.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from servicehub.core import clock
from servicehub.core.audit import record_change
from servicehub.core.choices import AuditEvent, Persona
from servicehub.core.models import User
from servicehub.core.tenancy import get_visible_or_404
from servicehub.demands.choices import DemandState
from servicehub.demands.models import Demand
from servicehub.org.models import Organisation, Site
from servicehub.people.models import Specialist
from servicehub.planning.adapter import PlanningInput, build_instance, monday_of
from servicehub.planning.choices import FINISHED, RunState
from servicehub.planning.models import Assignment, PlanRun, Scenario
from servicehub.planning.querysets import PLANNERS
from servicehub.planning.scenarios import apply_changes

# Demands whose work can still be planned or pinned.
PLANNABLE = (DemandState.ORDERED, DemandState.PLANNED, DemandState.IN_PROGRESS, DemandState.REWORK)


def _ensure_planner(actor: User | None) -> None:
    if actor is not None and actor.persona not in PLANNERS:
        raise PermissionDenied(
            _("As %(persona)s you may not plan work.") % {"persona": Persona(actor.persona).label}
        )


def exchange_rates() -> dict[str, Decimal]:
    """Amounts in every currency, in the provider's: values and costs must be comparable to plan."""
    return {code: Decimal(str(rate)) for code, rate in settings.PLANNING_RATES.items()}


@transaction.atomic
def do_request_plan_run(
    *,
    provider: Organisation,
    site: Site | None,
    starts_on: dt.date,
    weeks: int = 26,
    time_limit: int = 30,
    scenario: Scenario | None = None,
    actor: User | None,
) -> PlanRun:
    """Queue a plan run: the instance is built now, from the demands and people the actor sees (so that
    what is solved is what they were shown), with pinned work kept out of it; a worker solves it."""
    _ensure_planner(actor)
    if not 1 <= weeks <= 104:
        raise ValidationError({"weeks": _("Between 1 and 104 weeks.")})
    if not 5 <= time_limit <= 3600:
        raise ValidationError({"time_limit": _("Between 5 and 3,600 seconds.")})
    if actor is not None and provider.pk != actor.organisation_id:
        raise PermissionDenied(_("You plan the work of your own organisation only."))
    if site is not None and actor is not None:
        site = get_visible_or_404(actor, Site.objects.all(), pk=site.pk)
    planning = build_instance(
        start=starts_on,
        weeks=weeks,
        sites=None if site is None else [site],
        user=actor,
        rates=exchange_rates(),
    )
    _keep_pinned(planning)
    doc = planning.doc
    if scenario is not None:
        doc = apply_changes(doc, scenario.changes)
    run = PlanRun(
        provider=provider,
        site=site,
        scenario=scenario,
        starts_on=planning.week_starts[0],
        weeks=weeks,
        time_limit=time_limit,
        requested_by=actor,
        instance=doc,
        keys={
            "specialists": planning.specialists,
            "items": planning.items,
            "weeks": [day.isoformat() for day in planning.week_starts],
        },
    )
    run.full_clean()
    run.save()
    record_change(
        actor,
        run,
        AuditEvent.PLAN_RUN_REQUESTED,
        after={
            "site": site.code if site else None,
            "weeks": weeks,
            "specialists": len(doc["specialists"]),
            "demands": len(doc["items"]),
            "scenario": scenario.pk if scenario else None,
        },
    )
    return run


def _keep_pinned(planning: PlanningInput) -> None:
    """Take pinned work out of the instance: its hours leave the people's capacity and the demands' effort
    (a demand's items in turn); a demand whose effort is all pinned is not planned again."""
    by_pk = {pk: sid for sid, pk in planning.specialists.items()}
    weeks = {day: number for number, day in enumerate(planning.week_starts)}
    specialists = {entry["id"]: entry for entry in planning.doc["specialists"]}
    pinned_hours: dict[int, int] = defaultdict(int)
    for assignment in Assignment.objects.filter(
        pinned=True, week_start__in=list(weeks), specialist_id__in=list(by_pk)
    ):
        week = str(weeks[assignment.week_start])
        entry = specialists[by_pk[assignment.specialist_id]]
        unavailable = entry.setdefault("unavailable", {})
        unavailable[week] = min(entry["hours"], unavailable.get(week, 0) + assignment.hours)
        pinned_hours[assignment.demand_id] += assignment.hours
    kept = []
    for item in planning.doc["items"]:
        demand_pk = planning.items[item["id"]]
        taken = min(item["hours"], pinned_hours.get(demand_pk, 0))
        pinned_hours[demand_pk] = pinned_hours.get(demand_pk, 0) - taken
        if item["hours"] > taken:
            kept.append({**item, "hours": item["hours"] - taken})
    planning.doc["items"] = kept


@transaction.atomic
def do_cancel_plan_run(run: PlanRun, *, actor: User | None) -> PlanRun:
    """Stop a queued or running plan run; the worker notices within a second."""
    if actor is not None:
        run = get_visible_or_404(actor, PlanRun.objects.select_for_update(), pk=run.pk)
        _ensure_planner(actor)
    else:
        run = PlanRun.objects.select_for_update().get(pk=run.pk)
    if run.state in FINISHED:
        raise ValidationError(
            {"state": _("This run has already ended (%(state)s).") % {"state": run.get_state_display()}}
        )
    run.cancel_requested = True
    fields = ["cancel_requested"]
    if run.state == RunState.QUEUED:
        run.state, run.finished_at = RunState.CANCELLED, clock.now()
        run.message = _("Cancelled before it started.")
        fields += ["state", "finished_at", "message"]
    run.save(update_fields=[*fields, "updated_at"])
    record_change(actor, run, AuditEvent.PLAN_RUN_CANCELLED, after={"state": run.state})
    return run


@transaction.atomic
def do_accept_plan_run(run: PlanRun, *, actor: User | None) -> list[Assignment]:
    """Make a finished run's plan the current one: in its weeks and for its specialists, the assignments
    it found replace those that are not pinned; pinned work stays as it is. A scenario's run is a
    what-if and cannot be accepted."""
    if actor is not None:
        run = get_visible_or_404(actor, PlanRun.objects.select_for_update(), pk=run.pk)
        _ensure_planner(actor)
    else:
        run = PlanRun.objects.select_for_update().get(pk=run.pk)
    if run.scenario_id is not None:
        raise ValidationError({"run": _("A scenario's plan is a what-if: it cannot be accepted.")})
    if run.state != RunState.DONE or not run.result:
        raise ValidationError({"state": _("Only a finished run's plan can be accepted.")})
    if run.accepted_at is not None:
        raise ValidationError({"state": _("This plan has already been accepted.")})
    keys = run.keys or {}
    specialists: dict[str, int] = keys.get("specialists", {})
    items: dict[str, int] = keys.get("items", {})
    weeks = [dt.date.fromisoformat(day) for day in keys.get("weeks", [])]
    if not weeks:
        raise ValidationError({"run": _("This run does not say which weeks it planned; run it again.")})
    window = (weeks[0], weeks[-1])
    live = set(
        Demand.objects.filter(pk__in=set(items.values()), state__in=PLANNABLE).values_list("pk", flat=True)
    )
    replaced = Assignment.objects.filter(
        specialist_id__in=set(specialists.values()), week_start__range=window, pinned=False
    )
    removed = replaced.count()
    replaced.delete()
    hours: dict[tuple[int, int, dt.date], int] = defaultdict(int)
    for row in run.result.get("assignments", []):
        demand_pk = items.get(row["item"])
        if demand_pk is None or demand_pk not in live:
            continue  # the demand moved on (delivered, cancelled) since the run
        hours[(demand_pk, specialists[row["specialist"]], weeks[int(row["week"])])] += int(row["hours"])
    created = Assignment.objects.bulk_create(
        [
            Assignment(
                demand_id=demand_pk,
                specialist_id=specialist_pk,
                week_start=week,
                hours=amount,
                plan_run=run,
                created_by=actor,
            )
            for (demand_pk, specialist_pk, week), amount in sorted(hours.items())
        ]
    )
    run.accepted_at, run.accepted_by = clock.now(), actor
    run.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    record_change(
        actor, run, AuditEvent.PLAN_ACCEPTED, after={"assignments": len(created), "replaced": removed}
    )
    return created


@transaction.atomic
def do_pin_assignment(
    demand: Demand, specialist: Specialist, *, week_start: dt.date, hours: int, actor: User | None
) -> Assignment:
    """Set by hand how many hours a specialist works on a demand in a week; replanning keeps it."""
    if actor is not None:
        _ensure_planner(actor)
        demand = get_visible_or_404(actor, Demand.objects.all(), pk=demand.pk)
        specialist = get_visible_or_404(actor, Specialist.objects.all(), pk=specialist.pk)
    if demand.state not in PLANNABLE:
        raise ValidationError(
            {
                "demand": _("A demand that is “%(state)s” has no work left to plan.")
                % {"state": DemandState(demand.state).label}
            }
        )
    if not specialist.active:
        raise ValidationError({"specialist": _("This specialist is no longer active.")})
    if not 1 <= hours <= 80:
        raise ValidationError({"hours": _("Between 1 and 80 hours in a week.")})
    week = monday_of(week_start)
    # Pinning sets the week's hours by hand: a planned row for the same work gives way to it.
    Assignment.objects.filter(demand=demand, specialist=specialist, week_start=week, pinned=False).delete()
    found: tuple[Assignment, bool] = Assignment.objects.select_for_update().get_or_create(
        demand=demand,
        specialist=specialist,
        week_start=week,
        pinned=True,
        defaults={"hours": hours, "created_by": actor},
    )
    assignment, created = found
    before = None if created else {"hours": assignment.hours, "pinned": assignment.pinned}
    assignment.hours, assignment.pinned = hours, True
    assignment.full_clean()
    assignment.save()
    record_change(
        actor,
        assignment,
        AuditEvent.ASSIGNMENT_PINNED,
        before=before,
        after={
            "demand": demand.reference,
            "specialist": specialist.employee_number,
            "week": week.isoformat(),
            "hours": hours,
        },
    )
    return assignment


@transaction.atomic
def do_unpin_assignment(assignment: Assignment, *, actor: User | None) -> Assignment:
    """Let the next accepted plan change this work again."""
    if actor is not None:
        _ensure_planner(actor)
        assignment = get_visible_or_404(actor, Assignment.objects.select_for_update(), pk=assignment.pk)
    assert isinstance(assignment, Assignment)
    if not assignment.pinned:
        raise ValidationError({"pinned": _("This assignment is not pinned.")})
    if Assignment.objects.filter(
        demand_id=assignment.demand_id,
        specialist_id=assignment.specialist_id,
        week_start=assignment.week_start,
        pinned=False,
    ).exists():
        raise ValidationError(
            {
                "pinned": _(
                    "A plan already puts hours on this work that week: remove the pinned hours instead."
                )
            }
        )
    assignment.pinned = False
    assignment.save(update_fields=["pinned", "updated_at"])
    record_change(
        actor, assignment, AuditEvent.ASSIGNMENT_UNPINNED, before={"pinned": True}, after={"pinned": False}
    )
    return assignment
