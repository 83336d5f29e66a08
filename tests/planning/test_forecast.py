"""The capacity forecast: exact figures on a small world, the CSV, and a scenario's hires.

Frozen on Monday 20 April 2026 (Casablanca); the forecast starts on the week of 27 April, which holds
Labour Day (Friday 1 May): Rabat's one developer (44 h) then has 44 − 44 × 8/40 = 35.2 hours.

The skill tests (`skilled`) make work unit A need Java 3 and give Rabat two more developers: one with
Java 2 (44 h a week, 35.2 h in the week of 27 April) and one with Java 3 (40 h, 32 h that week), next to
the world's Java 4 developer (44 h, 35.2 h).
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
from servicehub.api.actions import do_issue_token
from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import WorkUnitSkill
from servicehub.core.models import User
from servicehub.demands import actions
from servicehub.demands.actions import LineInput
from servicehub.demands.choices import DemandState
from servicehub.demands.models import Demand
from servicehub.people.actions import do_create_specialist
from servicehub.people.choices import Role
from servicehub.people.models import Grade, Skill
from servicehub.planning.forecast import ANY_SKILL, WIN_PROBABILITY, Forecast, SkillRow, forecast
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
    def make(state: DemandState, quantity: str, complexity: Complexity = Complexity.MEDIUM) -> Demand:
        demand = actions.do_create_demand(
            world.contract_a,
            title="Payment screen",
            lines=[LineInput(world.work_unit_a, complexity, Decimal(quantity))],
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
    assert lines[0] == (
        "dimension;site;role;skill;level;week;demand_hours;capacity_hours;shortfall_hours;shortfall_people"
    )
    assert "role;casablanca;developer;;;2026-04-27;0,0;35,2;0,0;0,0" in lines
    assert "role;rabat;developer;;;2026-04-27;100,0;35,2;64,8;1,5" in lines
    assert "role;rabat;developer;;;2026-05-04;100,0;44,0;56,0;1,3" in lines
    # The work unit needs no skill: its work is on the "any skill" line (empty skill, level 0).
    assert "skill;rabat;;;0;2026-04-27;100,0;35,2;64,8;1,5" in lines
    assert "skill;casablanca;;;0;2026-04-27;0,0;35,2;0,0;0,0" in lines
    # A header, a line per row (2 roles, 2 skills) and week, the final newline.
    assert len(lines) == 1 + 4 * 4 + 1


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
    assert "role;rabat;developer;;;2026-05-04;100,0;44,0;56,0;1,3;100,0;84,0;16,0;0,4" in lines


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


# --- skills ------------------------------------------------------------------------------------------


@pytest.fixture
def skilled(world: World, busy: None, make_demand: Callable[..., Demand]) -> None:
    java = Skill.objects.get(code="java")
    WorkUnitSkill.objects.create(work_unit=world.work_unit_a, skill=java, level=3)
    for number, level, hours in (("J2", 2, "44"), ("J3", 3, "40")):
        do_create_specialist(
            employee_number=number,
            first_name="Jo",
            last_name=number,
            site=world.rabat,
            role=Role.DEVELOPER,
            grade=Grade.objects.get(),
            hourly_cost=Decimal("150.00"),
            cost_currency=world.specialist_rabat.cost_currency,
            hired_on=dt.date(2020, 9, 1),
            weekly_hours=Decimal(hours),
            skills={java: level},
            actor=None,
        )
    # Complex: 20 × 32 h = 640 h over 8 weeks = 80 h a week, needing Java 3 + 1 = 4.
    make_demand(DemandState.ORDERED, "20", Complexity.COMPLEX)


def skill_row(result: Forecast, site: str, skill: str, level: int) -> SkillRow:
    return next(r for r in result.skill_rows if (r.site.code, r.skill, r.level) == (site, skill, level))


def test_demand_and_capacity_by_skill_and_level(
    world: World, personas: dict[str, User], skilled: None
) -> None:
    result = forecast(user=personas["resource_manager"], start=START, weeks=WEEKS)
    # Medium lines need Java 3, the complex one Java 4; Casablanca has no such work but a Java 4 person.
    assert {(r.site.code, r.skill, r.level) for r in result.skill_rows} == {
        ("rabat", "java", 3),
        ("rabat", "java", 4),
        ("casablanca", "java", 3),
        ("casablanca", "java", 4),
    }
    java4 = skill_row(result, "rabat", "java", 4)
    # Only the complex work, against the Java 4 developer alone.
    assert [c.demand for c in java4.cells] == [80, 80, 80, 80]
    assert [c.capacity for c in java4.cells] == [Decimal("35.2"), 44, 44, 44]
    assert [c.shortfall for c in java4.cells] == [Decimal("44.8"), 36, 36, 36]
    java3 = skill_row(result, "rabat", "java", 3)
    # Java 3 work (80 h ordered + 20 h quoted) and the Java 4 work, which takes Java 3 people too;
    # the Java 4 and Java 3 developers, not the Java 2 one (35.2 h, in the role row only).
    assert [c.demand for c in java3.cells] == [180, 180, 180, 180]
    assert [c.capacity for c in java3.cells] == [Decimal("67.2"), 84, 84, 84]
    assert java3.peak == Decimal("112.8")
    assert java3.week_hours == 42  # (44 + 40) / 2
    assert java3.peak_people == Decimal("2.7")  # 112.8 / 42
    assert java4.peak_people == Decimal("1.0")  # 44.8 / 44
    # The role row holds all three developers and all the work, once.
    developers = next(r for r in result.rows if (r.site.code, r.role) == ("rabat", "developer"))
    assert [c.capacity for c in developers.cells] == [Decimal("102.4"), 128, 128, 128]
    assert [c.demand for c in developers.cells] == [180, 180, 180, 180]
    assert skill_row(result, "casablanca", "java", 4).shortfall == 0
    assert [(r.skill, r.level) for r in result.skill_shortfalls()] == [("java", 3), ("java", 4)]


def test_work_needing_no_skill_is_on_the_any_skill_row(
    world: World, personas: dict[str, User], busy: None
) -> None:
    result = forecast(user=personas["resource_manager"], start=START, weeks=WEEKS)
    rows = {(r.site.code, r.skill, r.level): r for r in result.skill_rows}
    assert set(rows) == {("rabat", ANY_SKILL, 0), ("casablanca", ANY_SKILL, 0)}
    assert [c.demand for c in rows["rabat", ANY_SKILL, 0].cells] == [100, 100, 100, 100]
    assert [c.capacity for c in rows["rabat", ANY_SKILL, 0].cells] == [Decimal("35.2"), 44, 44, 44]


def test_hires_with_java_4_lower_the_java_rows_from_their_first_week(
    world: World, personas: dict[str, User], skilled: None
) -> None:
    planner = personas["resource_manager"]
    # Week 2 from 20 April is the week of 4 May, this forecast's second week; 2 × 15 h.
    hire = {**HIRE, "skills": {"java": 4}, "hours": 15, "from_week": 2}
    scenario = do_create_scenario(provider=world.provider, name="Java 4", changes=[hire], actor=planner)
    result = forecast(user=planner, start=START, weeks=WEEKS, scenario=scenario)
    for level in (4, 3):  # they count in every row they qualify for
        row = skill_row(result, "rabat", "java", level)
        assert row.after is not None
        lowered = [b.shortfall - a.shortfall for b, a in zip(row.cells, row.after, strict=True)]
        assert lowered == [0, 30, 30, 30], level
    java4 = skill_row(result, "rabat", "java", 4)
    assert java4.shortfall_after == Decimal("44.8") + 3 * 6
    # A hire with Java 3 only does not touch the Java 4 row.
    junior = do_create_scenario(
        provider=world.provider, name="Java 3", changes=[{**HIRE, "from_week": 2}], actor=planner
    )
    result = forecast(user=planner, start=START, weeks=WEEKS, scenario=junior)
    assert (
        skill_row(result, "rabat", "java", 4).shortfall_after
        == skill_row(result, "rabat", "java", 4).shortfall
    )
    assert skill_row(result, "rabat", "java", 3).shortfall_after == Decimal("112.8") + 3 * (96 - 40)


def test_people_leaving_and_scaled_demand_change_the_skill_rows(
    world: World, personas: dict[str, User], skilled: None
) -> None:
    planner = personas["resource_manager"]
    complex_work = Demand.objects.get(state=DemandState.ORDERED, quotes__lines__complexity=Complexity.COMPLEX)
    scenario = do_create_scenario(
        provider=world.provider,
        name="J3 leaves, twice the complex work",
        changes=[
            {"kind": "remove_specialists", "specialists": ["J3"]},
            {"kind": "scale_demand", "items": [complex_work.reference], "factor": 2},
        ],
        actor=planner,
    )
    result = forecast(user=planner, start=START, weeks=WEEKS, scenario=scenario)
    java3, java4 = skill_row(result, "rabat", "java", 3), skill_row(result, "rabat", "java", 4)
    assert java3.after is not None and java4.after is not None
    assert [c.capacity for c in java3.after] == [Decimal("35.2"), 44, 44, 44]  # the Java 3 developer left
    assert [c.capacity for c in java4.after] == [Decimal("35.2"), 44, 44, 44]  # unchanged
    assert [c.demand for c in java4.after] == [160, 160, 160, 160]
    assert [c.demand for c in java3.after] == [260, 260, 260, 260]


def test_the_skill_rows_on_the_page_in_the_csv_and_the_api(
    client: Client, world: World, personas: dict[str, User], skilled: None
) -> None:
    client.login(username="director", password=PASSWORD)
    page = client.get("/planning/forecast/", {"start": "2026-04-29", "weeks": 4})
    assert [(row.skill, row.level) for row, _cells in page.context["skill_heat_rows"]] == [
        ("java", 3),
        ("java", 4),
        ("java", 3),
        ("java", 4),
    ]
    html = page.content.decode()
    assert "Besoins de recrutement par compétence" in html and "≥ 4" in html
    csv = client.get("/planning/forecast.csv", {"start": "2026-04-29", "weeks": 4})
    lines = csv.content.decode("utf-8").removeprefix("\ufeff").split("\r\n")
    assert "skill;rabat;;java;3;2026-04-27;180,0;67,2;112,8;2,7" in lines
    assert "skill;rabat;;java;4;2026-05-04;80,0;44,0;36,0;0,8" in lines
    assert "skill;casablanca;;java;4;2026-04-27;0,0;35,2;0,0;0,0" in lines
    assert len(lines) == 1 + (2 + 4) * 4 + 1
    token = do_issue_token(name="tests", actor=personas["director"])[1]
    read = client.get(
        "/api/v1/forecast/", {"from": "2026-04-27", "weeks": 2}, headers={"Authorization": f"Bearer {token}"}
    )
    rows = {(r["site"]["code"], r["skill"], r["level"]): r for r in read.json()["skill_rows"]}
    java3 = rows["rabat", "java", 3]
    assert [w["shortfall_hours"] for w in java3["weeks"]] == ["112.8", "96.0"]
    assert (java3["shortfall_hours"], java3["people_to_hire"]) == ("208.8", "2.7")
    token = do_issue_token(name="tests", actor=personas["client_a"])[1]
    refused = client.get("/api/v1/forecast/", headers={"Authorization": f"Bearer {token}"})
    assert refused.json()["skill_rows"] == []
