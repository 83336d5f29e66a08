"""Plan runs end to end without pages: request (instance built, pinned work kept out), solve in the
worker, accept (assignments written, pinned work kept), cancel, and a worker that died."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from conftest import EFFORTS, World
from demands.conftest import PATH, run
from servicehub.catalogue.actions import do_create_work_unit, do_publish_price_list_version
from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import WorkUnitSkill
from servicehub.core.choices import AuditEvent
from servicehub.core.models import AuditLog, User
from servicehub.demands import actions as demand_actions
from servicehub.demands.actions import LineInput
from servicehub.demands.choices import DemandState
from servicehub.demands.models import Demand
from servicehub.people.models import Skill, Specialist
from servicehub.planning import actions, jobs
from servicehub.planning.choices import RunState
from servicehub.planning.models import Assignment, PlanRun
from servicehub.planning.solver.generator import generate

CASA = ZoneInfo("Africa/Casablanca")
TODAY = dt.datetime(2026, 4, 20, 10, 0, tzinfo=CASA)
MONDAY = dt.date(2026, 4, 20)

MakeDemand = Callable[..., Demand]


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    # The actions' messages are read in English here.
    with time_machine.travel(TODAY, tick=True), translation.override("en"):
        yield


@pytest.fixture
def ordered(world: World) -> MakeDemand:
    # The test world prices a work unit below its people's cost (180 MAD an hour): at 40 MAD an hour,
    # staffing a demand is worth it and the plan places it.
    Specialist.objects.update(hourly_cost=Decimal("40"))

    def make(quantity: str = "2") -> Demand:
        demand = demand_actions.do_create_demand(
            world.contract_a,
            title="Payment screen",
            lines=[LineInput(world.work_unit_a, Complexity.MEDIUM, Decimal(quantity))],
            actor=None,
        )
        for name in PATH[DemandState.ORDERED]:
            run(name, demand, None)
        demand.refresh_from_db()
        return demand

    return make


def _request(user: User, world: World, **changes: object) -> PlanRun:
    options: dict[str, object] = {
        "provider": world.provider,
        "site": None,
        "starts_on": MONDAY,
        "weeks": 6,
        "time_limit": 5,
        **changes,
    }
    return actions.do_request_plan_run(actor=user, **options)  # type: ignore[arg-type]


def test_a_run_is_queued_solved_by_the_worker_and_accepted(
    world: World, personas: dict[str, User], ordered: MakeDemand
) -> None:
    demand = ordered()
    lead = personas["delivery_lead"]
    plan_run = _request(lead, world)
    assert plan_run.state == RunState.QUEUED
    assert plan_run.instance is not None
    assert [item["id"] for item in plan_run.instance["items"]] == [demand.reference]
    assert AuditLog.objects.filter(event=AuditEvent.PLAN_RUN_REQUESTED, object_id=str(plan_run.pk)).exists()

    done = jobs.work_once()
    assert done is not None and done.pk == plan_run.pk
    assert done.state == RunState.DONE, done.message
    assert done.progress == 1.0
    assert done.objective is not None and done.bound is not None and done.bound >= done.objective
    assert (done.planned_items, done.unplanned_items) == (1, 0), done.result
    hours = sum(row["hours"] for row in done.result["assignments"])  # type: ignore[index]
    assert hours == plan_run.instance["items"][0]["hours"]

    written = actions.do_accept_plan_run(done, actor=lead)
    assert sum(a.hours for a in written) == hours
    assert {a.demand_id for a in written} == {demand.pk}
    assert all(MONDAY <= a.week_start < MONDAY + dt.timedelta(weeks=6) for a in written)
    assert all(a.week_start.weekday() == 0 for a in written)
    with pytest.raises(ValidationError, match="already been accepted"):
        actions.do_accept_plan_run(done, actor=lead)


def test_pinned_work_is_kept_out_of_the_instance_and_through_acceptance(
    world: World, personas: dict[str, User], ordered: MakeDemand
) -> None:
    demand = ordered()
    lead = personas["delivery_lead"]
    pinned = actions.do_pin_assignment(
        demand, world.specialist_rabat, week_start=MONDAY + dt.timedelta(days=2), hours=10, actor=lead
    )
    assert pinned.week_start == MONDAY and pinned.pinned
    plan_run = _request(lead, world)
    assert plan_run.instance is not None
    specialist = next(
        s for s in plan_run.instance["specialists"] if s["id"] == world.specialist_rabat.employee_number
    )
    unavailable_week0 = specialist.get("unavailable", {}).get("0", 0)
    assert unavailable_week0 >= 10
    quoted = demand.current_quote
    assert quoted is not None
    item = plan_run.instance["items"][0]
    assert item["hours"] == int(quoted.total_hours.to_integral_value(rounding="ROUND_CEILING")) - 10
    done = jobs.work_once()
    assert done is not None and done.state == RunState.DONE
    actions.do_accept_plan_run(done, actor=lead)
    pinned.refresh_from_db()
    assert (pinned.hours, pinned.pinned) == (10, True)
    total = sum(Assignment.objects.filter(demand=demand).values_list("hours", flat=True))
    assert total == item["hours"] + 10


def test_a_queued_run_is_cancelled_at_once_and_the_worker_skips_it(
    world: World, personas: dict[str, User], ordered: MakeDemand
) -> None:
    ordered()
    lead = personas["delivery_lead"]
    plan_run = actions.do_cancel_plan_run(_request(lead, world), actor=lead)
    assert plan_run.state == RunState.CANCELLED
    assert jobs.work_once() is None
    with pytest.raises(ValidationError, match="already ended"):
        actions.do_cancel_plan_run(plan_run, actor=lead)
    with pytest.raises(ValidationError, match="finished run"):
        actions.do_accept_plan_run(plan_run, actor=lead)


def test_a_cancel_asked_while_running_stops_the_solve(
    world: World, personas: dict[str, User], ordered: MakeDemand
) -> None:
    ordered()
    lead = personas["delivery_lead"]
    _request(lead, world)
    claimed = jobs.claim_next()
    assert claimed is not None and claimed.state == RunState.RUNNING
    actions.do_cancel_plan_run(claimed, actor=lead)
    ended = jobs.execute(claimed)
    assert ended.state == RunState.CANCELLED
    assert ended.result is None


@pytest.mark.django_db(transaction=True)
def test_a_cancel_clicked_during_a_long_solve_ends_it_and_the_heartbeat_ran_meanwhile(
    world: World, personas: dict[str, User], ordered: MakeDemand
) -> None:
    ordered()
    lead = personas["delivery_lead"]
    plan_run = _request(lead, world, time_limit=3600)
    # A generated instance whose MIP takes far longer than this test: only the cancel can end it.
    PlanRun.objects.filter(pk=plan_run.pk).update(instance=generate(30, 100, 26, seed=1))
    claimed = jobs.claim_next()
    assert claimed is not None
    seen: dict[str, object] = {}

    def click_cancel() -> None:
        try:
            running = PlanRun.objects.get(pk=claimed.pk)
            seen["progress"], seen["heartbeat"] = running.progress, running.updated_at
            actions.do_cancel_plan_run(running, actor=lead)
        finally:
            connection.close()

    timer = threading.Timer(2.5, click_cancel)
    started = time.monotonic()
    timer.start()
    ended = jobs.execute(claimed)
    timer.join()
    assert ended.state == RunState.CANCELLED and ended.result is None
    # Not a speed target: the cancel, not the hour-long limit, ended the solve.
    assert time.monotonic() - started < 600
    assert isinstance(seen["progress"], float) and 0.0 < seen["progress"] < 1.0
    assert claimed.started_at is not None and seen["heartbeat"] > claimed.started_at


def test_a_run_whose_worker_died_is_marked_failed(
    world: World, personas: dict[str, User], ordered: MakeDemand
) -> None:
    ordered()
    plan_run = _request(personas["delivery_lead"], world)
    assert jobs.claim_next() is not None
    assert jobs.fail_stale_runs() == 0
    with time_machine.travel(TODAY + dt.timedelta(seconds=jobs.STALE_AFTER + 5), tick=False):
        assert jobs.fail_stale_runs() == 1
    plan_run.refresh_from_db()
    assert plan_run.state == RunState.FAILED
    assert "stopped" in plan_run.message


@pytest.mark.parametrize("key", ["specialist", "recruiter", "client_a", "site_manager"])
def test_only_planners_request_runs(world: World, personas: dict[str, User], key: str) -> None:
    with pytest.raises(PermissionDenied):
        _request(personas[key], world)
    assert not PlanRun.objects.exists()


def test_bad_run_settings_name_the_field(world: World, personas: dict[str, User]) -> None:
    with pytest.raises(ValidationError) as refused:
        _request(personas["director"], world, weeks=0)
    assert "weeks" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _request(personas["director"], world, time_limit=1)
    assert "time_limit" in refused.value.message_dict


def test_pinning_refuses_bad_hours_and_finished_demands(
    world: World, personas: dict[str, User], ordered: MakeDemand
) -> None:
    demand = ordered()
    lead = personas["delivery_lead"]
    with pytest.raises(ValidationError) as refused:
        actions.do_pin_assignment(demand, world.specialist_rabat, week_start=MONDAY, hours=0, actor=lead)
    assert "hours" in refused.value.message_dict
    draft = demand_actions.do_create_demand(
        world.contract_a,
        title="Draft",
        lines=[LineInput(world.work_unit_a, Complexity.SIMPLE, Decimal("1"))],
        actor=None,
    )
    with pytest.raises(ValidationError) as refused:
        actions.do_pin_assignment(draft, world.specialist_rabat, week_start=MONDAY, hours=4, actor=lead)
    assert "demand" in refused.value.message_dict
    assert not Assignment.objects.exists()


def test_the_worker_command_runs_one_round(
    world: World, personas: dict[str, User], ordered: MakeDemand
) -> None:
    ordered()
    plan_run = _request(personas["delivery_lead"], world)
    out = StringIO()
    call_command("worker", "--once", "--sla-every", "0", stdout=out)
    plan_run.refresh_from_db()
    assert plan_run.state == RunState.DONE
    assert f"{plan_run.pk}" in out.getvalue()


def test_items_need_the_skills_of_their_work_units_one_level_more_when_complex(
    world: World, personas: dict[str, User], ordered: MakeDemand
) -> None:
    java = Skill.objects.get(code="java")
    WorkUnitSkill.objects.create(work_unit=world.work_unit_a, skill=java, level=3)
    medium = ordered()
    complex_demand = demand_actions.do_create_demand(
        world.contract_a,
        title="Harder",
        lines=[LineInput(world.work_unit_a, Complexity.COMPLEX, Decimal("1"))],
        actor=None,
    )
    for name in PATH[DemandState.ORDERED]:
        run(name, complex_demand, None)
    plan_run = _request(personas["director"], world)
    assert plan_run.instance is not None
    skills = {item["id"]: item["skills"] for item in plan_run.instance["items"]}
    assert skills == {medium.reference: {"java": 3}, complex_demand.reference: {"java": 4}}


def test_a_demand_of_two_work_units_is_two_items_each_with_its_skills_and_share(
    world: World, personas: dict[str, User]
) -> None:
    Specialist.objects.update(hourly_cost=Decimal("40"))
    java = Skill.objects.get(code="java")
    WorkUnitSkill.objects.create(work_unit=world.work_unit_a, skill=java, level=2)
    second = do_create_work_unit(
        service_line=world.work_unit_a.service_line,
        code="DEV-B2",
        deliverable="Report",
        efforts=EFFORTS,
        actor=None,
    )
    do_publish_price_list_version(
        world.price_list_a,
        valid_from=dt.date(2026, 4, 1),
        prices={
            (unit, grade): Decimal("500") for unit in (world.work_unit_a, second) for grade in Complexity
        },
        actor=None,
    )
    demand = demand_actions.do_create_demand(
        world.contract_a,
        title="Screen and report",
        lines=[
            LineInput(world.work_unit_a, Complexity.SIMPLE, Decimal("1")),
            LineInput(second, Complexity.MEDIUM, Decimal("3")),
        ],
        actor=None,
    )
    for name in PATH[DemandState.ORDERED]:
        run(name, demand, None)
    demand.refresh_from_db()
    plan_run = _request(personas["director"], world)
    assert plan_run.instance is not None
    items = {item["id"]: item for item in plan_run.instance["items"]}
    assert set(items) == {f"{demand.reference}/{world.work_unit_a.code}", f"{demand.reference}/DEV-B2"}
    first, other = items[f"{demand.reference}/{world.work_unit_a.code}"], items[f"{demand.reference}/DEV-B2"]
    assert (first["hours"], first["skills"]) == (8, {"java": 2})
    assert (other["hours"], other["skills"]) == (48, {})
    # The demand's worth, shared by the lines' quoted amounts (1 and 3 units at one price).
    assert demand.ordered_amount is not None
    assert Decimal(str(first["value"])) + Decimal(str(other["value"])) == demand.ordered_amount
    assert Decimal(str(other["value"])) == 3 * Decimal(str(first["value"]))
    assert plan_run.keys["items"] == {key: demand.pk for key in items}
