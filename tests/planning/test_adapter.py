"""The database adapter: demands and specialists into a staffing instance, a result back into rows.

The demands are brought into their states through the real actions, at a frozen date
(Monday 20 April 2026, Casablanca), and planned from Wednesday 29 April: week 0 is the
ISO week of 27 April, which holds Labour Day (Friday 1 May).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import World
from demands.conftest import PATH, run
from servicehub.catalogue.choices import Complexity
from servicehub.core.choices import Currency
from servicehub.core.models import User
from servicehub.demands import actions
from servicehub.demands.actions import LineInput
from servicehub.demands.choices import DemandState
from servicehub.demands.models import Demand
from servicehub.org.actions import do_add_holiday_override
from servicehub.org.choices import HolidayOverrideKind
from servicehub.people.actions import do_create_specialist, do_deactivate_specialist, do_record_absence
from servicehub.people.choices import AbsenceKind, Role
from servicehub.people.models import Grade, Specialist
from servicehub.planning.adapter import (
    PAIR_CHARGE,
    SITE_BONUS_PER_HOUR,
    LeftOut,
    PlannedWork,
    assignments_from,
    build_instance,
)

CASA = ZoneInfo("Africa/Casablanca")
TODAY = dt.datetime(2026, 4, 20, 10, 0, tzinfo=CASA)
START = dt.date(2026, 4, 29)
MONDAY = dt.date(2026, 4, 27)
WEEKS = 8

SCHEMA_DIRS = [
    Path(__file__).resolve().parents[2] / "src/servicehub/planning/solver/schemas",
    Path(__file__).resolve().parents[1] / "data/staffing",
]

MakeDemand = Callable[..., Demand]


@pytest.fixture
def _frozen() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def make_demand(_frozen: None, world: World) -> MakeDemand:
    def make(
        state: DemandState,
        *,
        client: str = "a",
        quantity: str = "2",
        desired_on: dt.date | None = None,
    ) -> Demand:
        contract, unit = (
            (world.contract_a, world.work_unit_a) if client == "a" else (world.contract_b, world.work_unit_b)
        )
        demand = actions.do_create_demand(
            contract,
            title=f"Payment screen {client.upper()}",
            lines=[LineInput(unit, Complexity.MEDIUM, Decimal(quantity))],
            desired_on=desired_on,
            actor=None,
        )
        for name in PATH[state]:
            run(name, demand, None)
        demand.refresh_from_db()
        assert demand.state == state
        return demand

    return make


def instance_schema() -> dict[str, Any]:
    for folder in SCHEMA_DIRS:
        path = folder / "staffing-instance.schema.json"
        if path.exists():
            schema: dict[str, Any] = json.loads(path.read_text())
            return schema
    pytest.skip("the staffing instance schema is not there yet")


def assert_valid(doc: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(doc, instance_schema())
    # Round-trips through JSON unchanged: no Decimal, date or set slipped in.
    assert json.loads(json.dumps(doc)) == doc


def by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in rows}


# --- items -----------------------------------------------------------------------------------------------


def test_items_are_the_ordered_planned_and_rework_demands(make_demand: MakeDemand, world: World) -> None:
    ordered = make_demand(DemandState.ORDERED, quantity="2.55", desired_on=dt.date(2026, 5, 20))
    planned = make_demand(DemandState.PLANNED)
    big = make_demand(DemandState.ORDERED, client="b", quantity="10")
    rework = make_demand(DemandState.REWORK, quantity="3")
    others = [
        make_demand(state)
        for state in (DemandState.DRAFT, DemandState.QUOTED, DemandState.IN_PROGRESS, DemandState.CANCELLED)
    ]

    planning = build_instance(start=START, weeks=WEEKS)
    doc = planning.doc

    assert doc["format"] == "servicehub-staffing/1" and doc["weeks"] == WEEKS
    assert doc["weights"] == {"pair_charge": PAIR_CHARGE, "site_bonus_per_hour": SITE_BONUS_PER_HOUR}
    items = by_id(doc["items"])
    assert set(items) == {ordered.reference, planned.reference, big.reference, rework.reference}
    assert not {demand.reference for demand in others} & set(items)
    assert planning.items == {d.reference: d.pk for d in (ordered, planned, big, rework)}

    # 2.55 medium screens at 16 h = 40.8 h, rounded up; 2.55 x 2 000 MAD; due the week of 20 May.
    assert items[ordered.reference] == {
        "id": ordered.reference,
        "hours": 41,
        "value": 5100,
        "skills": {},
        "release": 0,
        "due": 3,
        "preferred_sites": ["rabat"],
        "max_people": 1,
        "whole": False,
    }
    # Planned: committed (by the fixture's path) for the day it was made, before the horizon:
    # due is clamped to its release.
    assert items[planned.reference] | {"id": ""} == {
        "id": "",
        "hours": 32,
        "value": 4000,
        "skills": {},
        "release": 0,
        "due": 0,
        "preferred_sites": ["rabat"],
        "max_people": 1,
        "whole": True,
    }
    # 160 h: shared by at most two people; no date wanted, so due at the horizon's end.
    assert items[big.reference]["hours"] == 160 and items[big.reference]["value"] == 40000
    assert items[big.reference]["max_people"] == 2 and items[big.reference]["whole"] is False
    assert items[big.reference]["due"] == WEEKS - 1
    assert items[big.reference]["preferred_sites"] == ["casablanca"]
    # Rework needs a quarter of the 48 quoted hours again; the whole amount is at stake.
    assert items[rework.reference]["hours"] == 12 and items[rework.reference]["value"] == 6000
    assert planning.week_starts[0] == MONDAY and planning.week_starts[-1] == MONDAY + dt.timedelta(weeks=7)
    assert planning.currencies == {Currency.MAD}
    assert_valid(doc)


def test_release_is_the_week_of_the_order_and_later_orders_are_left_out(
    make_demand: MakeDemand, world: World
) -> None:
    early = make_demand(DemandState.ORDERED)
    with time_machine.travel(dt.datetime(2026, 5, 13, 11, 0, tzinfo=CASA), tick=False):
        later = make_demand(DemandState.ORDERED, desired_on=dt.date(2026, 5, 4))
    items = by_id(build_instance(start=START, weeks=WEEKS).doc["items"])
    assert (items[early.reference]["release"], items[early.reference]["due"]) == (0, WEEKS - 1)
    # Ordered on Wednesday of week 2 and wanted before: due clamped to the release.
    assert (items[later.reference]["release"], items[later.reference]["due"]) == (2, 2)

    # Already late when planned: 160 h at two people cannot be done in week 0; its window is
    # the three weeks two people need at 35 h a week.
    late = make_demand(DemandState.ORDERED, client="b", quantity="10", desired_on=dt.date(2026, 4, 24))
    items = by_id(build_instance(start=START, weeks=WEEKS).doc["items"])
    assert (items[late.reference]["release"], items[late.reference]["due"]) == (0, 2)

    # Ordered after a two-week horizon: not an item, and said why.
    planning = build_instance(start=START, weeks=2)
    assert [item["id"] for item in planning.doc["items"]] == [early.reference, late.reference]
    assert planning.left_out == {later.pk: LeftOut.AFTER_HORIZON}


def test_a_priority_weighs_on_the_value(make_demand: MakeDemand) -> None:
    urgent = make_demand(DemandState.ORDERED)
    Demand.objects.filter(pk=urgent.pk).update(priority=1)
    items = by_id(build_instance(start=START, weeks=WEEKS).doc["items"])
    assert items[urgent.reference]["value"] == 6000  # 4 000 MAD x 1.5


def test_rates_bring_amounts_to_one_unit(make_demand: MakeDemand, world: World) -> None:
    demand = make_demand(DemandState.ORDERED)
    rates: dict[str, Decimal] = {Currency.MAD: Decimal("0.1"), Currency.EUR: Decimal("1")}
    doc = build_instance(start=START, weeks=WEEKS, rates=rates).doc
    assert by_id(doc["items"])[demand.reference]["value"] == 400
    assert by_id(doc["specialists"])[world.specialist_rabat.employee_number]["cost_per_hour"] == 18


def test_sites_choose_the_contracts_and_the_specialists(make_demand: MakeDemand, world: World) -> None:
    make_demand(DemandState.ORDERED)
    of_b = make_demand(DemandState.ORDERED, client="b")
    doc = build_instance(start=START, weeks=WEEKS, sites=[world.casablanca]).doc
    assert [item["id"] for item in doc["items"]] == [of_b.reference]
    assert [s["id"] for s in doc["specialists"]] == [world.specialist_casa.employee_number]
    assert doc["name"] == "casablanca-2026-W18-8w"


# --- specialists -----------------------------------------------------------------------------------------


def test_specialists_with_capacity_holidays_and_absences(_frozen: None, world: World) -> None:
    grade = Grade.objects.get()
    newcomer = do_create_specialist(
        employee_number="E9",
        first_name="Nour",
        last_name="New",
        site=world.rabat,
        role=Role.DESIGNER,
        grade=grade,
        hourly_cost=Decimal("150.50"),
        cost_currency=Currency.MAD,
        hired_on=dt.date(2026, 5, 13),  # Wednesday of week 2
        weekly_hours=Decimal("40"),
        actor=None,
    )
    gone = do_create_specialist(
        employee_number="E8",
        first_name="Old",
        last_name="Timer",
        site=world.rabat,
        role=Role.DEVELOPER,
        grade=grade,
        hourly_cost=Decimal("200"),
        cost_currency=Currency.MAD,
        hired_on=dt.date(2010, 1, 4),
        actor=None,
    )
    do_deactivate_specialist(gone, actor=None)
    do_record_absence(
        world.specialist_casa,
        kind=AbsenceKind.LEAVE,
        starts_on=dt.date(2026, 5, 12),  # Tuesday and Wednesday of week 2
        ends_on=dt.date(2026, 5, 13),
        actor=None,
    )
    # Casablanca only: Eid al-Adha seen a day later than the estimate (Friday 29 May too).
    do_add_holiday_override(
        date=dt.date(2026, 5, 29),
        name="Aïd al-Adha",
        kind=HolidayOverrideKind.ADD,
        site=world.casablanca,
        actor=None,
    )

    planning = build_instance(start=START, weeks=WEEKS)
    specialists = by_id(planning.doc["specialists"])

    assert list(specialists) == ["E0", "E1", "E9"]  # active only, by employee number
    # 44 h a week; a Moroccan holiday takes a fifth of it: Labour Day (week 0), Eid al-Adha
    # (estimated Wednesday and Thursday 27-28 May, week 4), Islamic New Year (16 June, week 7).
    assert specialists["E0"] == {
        "id": "E0",
        "site": "rabat",
        "cost_per_hour": 180,
        "hours": 44,
        "skills": {"java": 4},
        "unavailable": {"0": 8.8, "4": 17.6, "7": 8.8},
    }
    assert specialists["E1"]["site"] == "casablanca"
    assert specialists["E1"]["unavailable"] == {"0": 8.8, "2": 17.6, "4": 26.4, "7": 8.8}
    # Hired on Wednesday of week 2: nothing before, two days short that week.
    assert specialists["E9"] | {"unavailable": None} == {
        "id": "E9",
        "site": "rabat",
        "cost_per_hour": 150.5,
        "hours": 40,
        "skills": {},
        "unavailable": None,
    }
    assert specialists["E9"]["unavailable"] == {"0": 40, "1": 40, "2": 16, "4": 16, "7": 8}
    assert planning.specialists == {
        "E0": world.specialist_rabat.pk,
        "E1": world.specialist_casa.pk,
        "E9": newcomer.pk,
    }
    assert_valid(planning.doc)


def test_reduced_hours_reduce_capacity(_frozen: None, world: World) -> None:
    from servicehub.org.models import WorkingHours

    # Ramadan timetable at Rabat for week 1: 09:00-15:00, 6 h a day instead of 8.
    for weekday in range(5):
        WorkingHours.objects.create(
            site=world.rabat,
            weekday=weekday,
            starts_at=dt.time(9),
            ends_at=dt.time(15),
            valid_from=dt.date(2026, 5, 4),
            valid_until=dt.date(2026, 5, 10),
        )
    specialists = by_id(build_instance(start=START, weeks=WEEKS).doc["specialists"])
    assert specialists["E0"]["unavailable"]["1"] == 11  # a quarter of 44 h
    assert "1" not in specialists["E1"]["unavailable"]


# --- who sees what ---------------------------------------------------------------------------------------


def test_a_user_sees_only_what_restrict_gives(
    make_demand: MakeDemand, world: World, personas: dict[str, User]
) -> None:
    of_a = make_demand(DemandState.ORDERED)
    of_b = make_demand(DemandState.ORDERED, client="b")

    def seen(key: str) -> tuple[set[str], set[str]]:
        doc = build_instance(start=START, weeks=WEEKS, user=personas[key]).doc
        assert_valid(doc)
        return {item["id"] for item in doc["items"]}, {s["id"] for s in doc["specialists"]}

    # Clients see their own demands and no specialist, whatever sites they ask for.
    assert seen("client_a") == ({of_a.reference}, set())
    assert seen("client_b") == ({of_b.reference}, set())
    doc = build_instance(start=START, weeks=WEEKS, sites=[world.casablanca], user=personas["client_a"]).doc
    assert doc["items"] == [] and doc["specialists"] == []
    # The provider's planners see everything; a site manager her site's contracts and people.
    assert seen("resource_manager") == ({of_a.reference, of_b.reference}, {"E0", "E1"})
    assert seen("site_manager") == ({of_a.reference}, {"E0"})


# --- back from a result ----------------------------------------------------------------------------------


def test_assignments_map_back_to_specialists_demands_and_mondays(
    make_demand: MakeDemand, world: World
) -> None:
    demand = make_demand(DemandState.ORDERED)
    planning = build_instance(start=START, weeks=WEEKS)
    result = {
        "format": "servicehub-staffing-result/1",
        "assignments": [
            {"specialist": "E0", "item": demand.reference, "week": 1, "hours": 20},
            {"specialist": "E1", "item": demand.reference, "week": 3, "hours": 12},
        ],
    }
    assert assignments_from(result, planning) == [
        PlannedWork(world.specialist_rabat.pk, demand.pk, dt.date(2026, 5, 4), 20),
        PlannedWork(world.specialist_casa.pk, demand.pk, dt.date(2026, 5, 18), 12),
    ]
    for wrong in ({"specialist": "E7"}, {"item": "DEM-0"}, {"week": WEEKS}, {"week": -1}):
        bad = {"specialist": "E0", "item": demand.reference, "week": 0, "hours": 1} | wrong
        with pytest.raises(ValueError, match="does not match"):
            assignments_from({"assignments": [bad]}, planning)


def test_round_trip_through_the_solver(make_demand: MakeDemand, world: World) -> None:
    solver = pytest.importorskip("servicehub.planning.solver")
    if not hasattr(solver, "solve"):
        pytest.skip("the solver is not there yet")
    demands = [
        make_demand(DemandState.ORDERED, client="b", quantity="10"),
        make_demand(DemandState.ORDERED, client="b", quantity="2"),
        make_demand(DemandState.PLANNED, client="b", quantity="1.5"),
        make_demand(DemandState.ORDERED, client="a", quantity="2.55"),
    ]
    planning = build_instance(start=START, weeks=WEEKS)
    solver.validate(planning.doc)
    result = solver.solve(planning.doc, time_limit=5)
    assert result["status"] in ("optimal", "feasible"), result

    done: dict[int, int] = defaultdict(int)
    for work in assignments_from(result, planning):
        done[work.demand_id] += work.hours
        assert work.week_start.weekday() == 0 and work.week_start >= MONDAY
    quoted = {d.pk: int(d.current_quote.total_hours.to_integral_value(ROUND_CEILING)) for d in demands}  # type: ignore[union-attr]
    # Contract B sells hours above their cost: its demands are worth planning.
    assert {d.pk for d in demands[:3]} <= set(done)
    for demand_id, hours in done.items():
        assert hours == quoted[demand_id]


# --- the demo --------------------------------------------------------------------------------------------


def test_the_demo_makes_a_valid_instance_and_a_plan(db: None) -> None:
    from servicehub.demo.builder import build_demo
    from servicehub.demo.data import AS_OF

    build_demo(2004)  # about 15 s
    planning = build_instance(start=AS_OF)
    doc = planning.doc
    assert_valid(doc)
    assert len(doc["specialists"]) == Specialist.objects.filter(active=True).count() == 560
    assert {row["site"] for row in doc["specialists"]} == {"rabat", "casablanca"}
    assert all(row["skills"] for row in doc["specialists"])
    waiting = Demand.objects.filter(state__in=[DemandState.ORDERED, DemandState.PLANNED, DemandState.REWORK])
    assert set(planning.items.values()) | set(planning.left_out) == set(waiting.values_list("pk", flat=True))
    assert doc["items"], "the demo has demands waiting for people"

    solver = pytest.importorskip("servicehub.planning.solver")
    if not hasattr(solver, "solve"):
        pytest.skip("the solver is not there yet")
    result = solver.solve(doc, time_limit=2)
    # A demand of several work units is several items; each is planned whole or not at all.
    planned = {row["item"] for row in result["assignments"]}
    due: dict[int, int] = defaultdict(int)
    for item in doc["items"]:
        if item["id"] in planned:
            due[planning.items[item["id"]]] += item["hours"]
    done: dict[int, int] = defaultdict(int)
    for work in assignments_from(result, planning):
        done[work.demand_id] += work.hours
    assert done, result["unplanned"]
    assert done == due
