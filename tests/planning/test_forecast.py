"""The capacity forecast: exact figures on a small world, the CSV, and a scenario's hires.

Frozen on Monday 20 April 2026 (Casablanca); the forecast starts on the week of 27 April, which holds
Labour Day (Friday 1 May): Rabat's one developer (44 h) then has 44 − 44 × 8/40 = 35.2 hours.
"""

# ruff: noqa: RUF002, RUF003 (× and − are the right signs; figures read best on one line)
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from conftest import PASSWORD, World
from demands.conftest import PATH, run
from servicehub.catalogue.choices import Complexity
from servicehub.core.models import User
from servicehub.demands import actions
from servicehub.demands.actions import LineInput
from servicehub.demands.choices import DemandState
from servicehub.demands.models import Demand
from servicehub.planning.forecast import WIN_PROBABILITY, forecast
from servicehub.planning.scenario_actions import do_create_scenario

CASA = ZoneInfo("Africa/Casablanca")
TODAY = dt.datetime(2026, 4, 20, 10, 0, tzinfo=CASA)
START = dt.date(2026, 4, 29)
WEEKS = 4
HIRE = {
    "kind": "add_specialists",
    "count": 2,
    "site": "rabat",
    "skills": {"java": 3},
    "hours": 20,
    "cost_per_hour": 150,
}


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def make_demand(world: World) -> Callable[..., Demand]:
    def make(state: DemandState, quantity: str) -> Demand:
        demand = actions.do_create_demand(
            world.contract_a,
            title="Payment screen",
            lines=[LineInput(world.work_unit_a, Complexity.MEDIUM, Decimal(quantity))],
            actor=None,
        )
        for name in PATH[state]:
            run(name, demand, None)
        demand.refresh_from_db()
        return demand

    return make


@pytest.fixture
def busy(make_demand: Callable[..., Demand]) -> None:
    # Ordered: 40 × 16 h = 640 h over 8 weeks (no date) = 80 h a week at Rabat (contract A's only site).
    make_demand(DemandState.ORDERED, "40")
    # Quoted: 20 × 16 h = 320 h × 0.5 = 160 h over 8 weeks = 20 h a week.
    make_demand(DemandState.QUOTED, "20")
    # Neither drafts nor delivered work count.
    make_demand(DemandState.DRAFT, "100")
    make_demand(DemandState.DELIVERED, "100")


def test_capacity_demand_and_shortfall(world: World, personas: dict[str, User], busy: None) -> None:
    assert Decimal("0.5") == WIN_PROBABILITY
    result = forecast(user=personas["resource_manager"], start=START, weeks=WEEKS)
    assert result.weeks == [dt.date(2026, 4, 27) + dt.timedelta(weeks=w) for w in range(WEEKS)]
    rows = {(row.site.code, row.role): row for row in result.rows}
    assert set(rows) == {("casablanca", "developer"), ("rabat", "developer")}
    rabat = rows["rabat", "developer"]
    assert [c.capacity for c in rabat.cells] == [Decimal("35.2"), 44, 44, 44]
    assert [c.demand for c in rabat.cells] == [100, 100, 100, 100]
    assert [c.shortfall for c in rabat.cells] == [Decimal("64.8"), 56, 56, 56]
    assert rabat.shortfall == Decimal("232.8")
    assert rabat.peak_people == Decimal("1.5")  # 64.8 / 44
    casa = rows["casablanca", "developer"]
    assert [c.demand for c in casa.cells] == [0, 0, 0, 0]
    assert [c.balance for c in casa.cells] == [Decimal("35.2"), 44, 44, 44]
    assert result.shortfalls() == [rabat]


def test_a_site_manager_sees_their_site_and_a_client_is_refused(
    client: Client, world: World, personas: dict[str, User], busy: None
) -> None:
    client.login(username="site_manager", password=PASSWORD)
    page = client.get("/planning/forecast/", {"start": "2026-04-27", "weeks": 4})
    assert page.status_code == 200
    assert [row.site.code for row in page.context["forecast"].rows] == ["rabat"]
    client.login(username="client_a", password=PASSWORD)
    assert client.get("/planning/forecast/").status_code == 403


def test_the_page_and_the_csv(client: Client, world: World, personas: dict[str, User], busy: None) -> None:
    client.login(username="director", password=PASSWORD)
    page = client.get("/planning/forecast/", {"start": "2026-04-29", "weeks": 4})
    assert page.status_code == 200
    html = page.content.decode()
    assert "heat-short-3" in html and "50 %" in html
    csv = client.get("/planning/forecast.csv", {"start": "2026-04-29", "weeks": 4})
    assert csv.status_code == 200 and csv["Content-Type"] == "text/csv; charset=utf-8"
    text = csv.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.removeprefix("\ufeff").split("\r\n")
    assert lines[0] == "site;role;week;demand_hours;capacity_hours;shortfall_hours;shortfall_people"
    assert "casablanca;developer;2026-04-27;0,0;35,2;0,0;0,0" in lines
    assert "rabat;developer;2026-04-27;100,0;35,2;64,8;1,5" in lines
    assert "rabat;developer;2026-05-04;100,0;44,0;56,0;1,3" in lines
    assert len(lines) == 1 + 2 * 4 + 1  # a header, a line per row and week, the final newline


def test_a_scenario_with_hires_reduces_the_shortfall_by_their_hours(
    client: Client, world: World, personas: dict[str, User], busy: None
) -> None:
    planner = personas["resource_manager"]
    # Week numbers count from the week the scenario is made (20 April): week 2 is the week of 4 May.
    scenario = do_create_scenario(
        provider=world.provider, name="Two hires", changes=[{**HIRE, "from_week": 2}], actor=planner
    )
    result = forecast(user=planner, start=START, weeks=WEEKS, scenario=scenario)
    rabat = next(row for row in result.rows if row.site.code == "rabat")
    assert rabat.after is not None
    before = [c.shortfall for c in rabat.cells]
    after = [c.shortfall for c in rabat.after]
    # Not hired yet in the week of 27 April; 2 × 20 h fewer missing from 4 May.
    assert [b - a for b, a in zip(before, after, strict=True)] == [0, 40, 40, 40]
    assert result.total_shortfall - (result.total_shortfall_after or 0) == 120
    client.login(username="director", password=PASSWORD)
    csv = client.get("/planning/forecast.csv", {"start": "2026-04-27", "weeks": 4, "scenario": scenario.pk})
    lines = csv.content.decode().removeprefix("\ufeff").split("\r\n")
    assert lines[0].endswith(
        ";scenario_demand_hours;scenario_capacity_hours;scenario_shortfall_hours;scenario_shortfall_people"
    )
    assert "rabat;developer;2026-05-04;100,0;44,0;56,0;1,3;100,0;84,0;16,0;0,4" in lines


def test_a_scenario_scaling_demand_and_closing_a_site(
    world: World, personas: dict[str, User], busy: None
) -> None:
    planner = personas["resource_manager"]
    ordered = Demand.objects.get(state=DemandState.ORDERED)
    scenario = do_create_scenario(
        provider=world.provider,
        name="Double and close",
        changes=[
            {"kind": "scale_demand", "items": [ordered.reference], "factor": 2},
            {"kind": "close_site", "site": "casablanca", "from_week": 1, "to_week": 1},
        ],
        actor=planner,
    )
    result = forecast(user=planner, start=START, weeks=WEEKS, scenario=scenario)
    rows = {row.site.code: row for row in result.rows}
    assert rows["rabat"].after is not None and rows["casablanca"].after is not None
    assert [c.demand for c in rows["rabat"].after] == [180, 180, 180, 180]
    # Week 1 from 20 April is this forecast's first week.
    assert [c.capacity for c in rows["casablanca"].after] == [0, 44, 44, 44]
