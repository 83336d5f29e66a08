"""Scenario pages: the list and its creation form, one scenario's page, running it, and the comparison."""

# ruff: noqa: RUF003 (× and − are the right signs; figures read best on one line)
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client

from conftest import PASSWORD, World
from servicehub.core.models import User
from servicehub.planning.actions import do_request_plan_run
from servicehub.planning.jobs import work_once
from servicehub.planning.models import PlanRun, Scenario
from servicehub.planning.scenario_actions import do_create_scenario

TODAY = dt.datetime(2026, 4, 20, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=True):
        yield


def test_create_a_scenario_from_the_form(client: Client, world: World, personas: dict[str, User]) -> None:
    client.login(username="resource_manager", password=PASSWORD)
    assert client.get("/planning/scenarios/").status_code == 200
    form = {
        "name": "Two hires in May",
        "add": "on",
        "add_count": "2",
        "add_site": world.rabat.pk,
        "add_from": "2026-05-04",
        "add_hours": "40",
        "add_cost": "150",
        "remove": "on",
        "remove_people": [world.specialist_casa.pk],
    }
    response = client.post("/planning/scenarios/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    scenario = Scenario.objects.get()
    assert scenario.changes == [
        {
            "kind": "add_specialists",
            "count": 2,
            "site": "rabat",
            "skills": {},
            "hours": 40,
            "cost_per_hour": 150,
            "from_week": 2,
        },
        {"kind": "remove_specialists", "specialists": ["E1"]},
    ]
    page = client.get(response["Location"])
    assert "Recruter 2 personnes à Rabat" in page.content.decode()
    assert f"/planning/forecast/?scenario={scenario.pk}" in page.content.decode()
    # A change ticked without its fields, and no change at all, are refused.
    assert client.post("/planning/scenarios/", {"name": "x", "close": "on"}).status_code == 400
    assert client.post("/planning/scenarios/", {"name": "x"}).status_code == 400
    assert Scenario.objects.count() == 1


def test_who_sees_and_who_creates(client: Client, world: World, personas: dict[str, User]) -> None:
    scenario = do_create_scenario(
        provider=world.provider,
        name="Closed",
        changes=[{"kind": "close_site", "site": "rabat", "from_week": 0, "to_week": 1}],
        actor=personas["director"],
    )
    client.login(username="site_manager", password=PASSWORD)
    assert client.get(f"/planning/scenarios/{scenario.pk}/").status_code == 200
    assert client.post("/planning/scenarios/", {"name": "x"}).status_code == 403
    assert client.post(f"/planning/scenarios/{scenario.pk}/run/").status_code == 403
    client.login(username="client_a", password=PASSWORD)
    assert client.get(f"/planning/scenarios/{scenario.pk}/").status_code == 404
    assert client.post(f"/planning/scenarios/{scenario.pk}/run/").status_code == 404


def test_run_a_scenario_and_compare_it(client: Client, world: World, personas: dict[str, User]) -> None:
    planner = personas["resource_manager"]
    base = do_request_plan_run(
        provider=world.provider,
        site=None,
        starts_on=dt.date(2026, 4, 27),
        weeks=2,
        time_limit=5,
        actor=planner,
    )
    work_once()
    scenario = do_create_scenario(
        provider=world.provider,
        name="Hire",
        base_run=base,
        changes=[{"kind": "add_specialists", "count": 1, "site": "rabat", "hours": 40, "cost_per_hour": 100}],
        actor=planner,
    )
    client.login(username="resource_manager", password=PASSWORD)
    response = client.post(f"/planning/scenarios/{scenario.pk}/run/")
    run = PlanRun.objects.get(scenario=scenario)
    assert response.status_code == 302 and response["Location"] == f"/planning/runs/{run.pk}/"
    assert (run.starts_on, run.weeks) == (base.starts_on, base.weeks)
    assert client.get(f"/planning/scenarios/{scenario.pk}/").context["comparison"] is None
    work_once()
    page = client.get(f"/planning/scenarios/{scenario.pk}/")
    assert page.context["comparison"] is not None
    assert page.context["comparison"].sites["rabat"].capacity.delta == 80  # 40 h × 2 weeks
    assert 'class="panel table-wrap comparison"' in page.content.decode()
