"""Planning through the REST API: a plan run's lifecycle, stale ETags, idempotent requests, and
objects that a client never reaches."""

# ruff: noqa: RUF003 (× and − are the right signs; figures read best on one line)
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client

from conftest import World
from servicehub.api.actions import do_issue_token
from servicehub.core.models import User
from servicehub.planning.choices import RunState
from servicehub.planning.jobs import work_once
from servicehub.planning.models import Assignment, PlanRun, Scenario

API = "/api/v1"
TODAY = dt.datetime(2026, 4, 20, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def call(client: Client, personas: dict[str, User]) -> Any:
    tokens = {key: do_issue_token(name="tests", actor=user)[1] for key, user in personas.items()}

    def send(persona: str, method: str, path: str, body: Any = None, **headers: str) -> HttpResponse:
        sent = {
            "Authorization": f"Bearer {tokens[persona]}",
            **{k.replace("_", "-"): v for k, v in headers.items()},
        }
        if method == "get":
            response: HttpResponse = client.get(f"{API}{path}", body or {}, headers=sent)
        else:
            data = "" if body is None else json.dumps(body)
            response = client.post(f"{API}{path}", data, content_type="application/json", headers=sent)
        return response

    return send


def test_a_plan_run_from_request_to_acceptance(call: Any, world: World) -> None:
    body = {"starts_on": "2026-04-27", "weeks": 4, "time_limit": 5, "site": world.rabat.pk}
    created = call("resource_manager", "post", "/plan-runs/", body, Idempotency_Key="run-1")
    assert created.status_code == 201, created.content
    run = created.json()
    assert run["state"] == "queued" and run["site"]["code"] == "rabat" and run["summary"] is None
    assert created["Location"] == f"{API}/plan-runs/{run['id']}/"
    again = call("resource_manager", "post", "/plan-runs/", body, Idempotency_Key="run-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == run and PlanRun.objects.count() == 1
    reused = call("resource_manager", "post", "/plan-runs/", {**body, "weeks": 5}, Idempotency_Key="run-1")
    assert reused.status_code == 422

    stale = call("resource_manager", "get", f"/plan-runs/{run['id']}/")["ETag"]
    assert work_once() is not None
    read = call("resource_manager", "get", f"/plan-runs/{run['id']}/")
    assert read.json()["state"] == RunState.DONE
    assert read.json()["summary"]["status"]
    refused = call("resource_manager", "post", f"/plan-runs/{run['id']}/accept/", If_Match=stale)
    assert refused.status_code == 412 and refused.json()["etag"] == read["ETag"]
    accepted = call("resource_manager", "post", f"/plan-runs/{run['id']}/accept/", If_Match=read["ETag"])
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["accepted_at"] is not None
    again_accept = call("resource_manager", "post", f"/plan-runs/{run['id']}/accept/")
    assert again_accept.status_code == 422
    listed = call("director", "get", "/plan-runs/", {"state": "done"})
    assert [row["id"] for row in listed.json()["items"]] == [run["id"]]
    assert call("director", "get", "/plan-runs/", {"state": "queued"}).json()["count"] == 0
    # Who may read may not act.
    assert call("site_manager", "post", f"/plan-runs/{run['id']}/cancel/").status_code == 403


def test_cancel_a_queued_run(call: Any, world: World) -> None:
    run = call("director", "post", "/plan-runs/", {"starts_on": "2026-04-27", "weeks": 2}).json()
    done = call("director", "post", f"/plan-runs/{run['id']}/cancel/")
    assert done.status_code == 200 and done.json()["state"] == "cancelled"


def test_pin_and_unpin(call: Any, world: World, personas: dict[str, User]) -> None:
    from demands.conftest import PATH, run
    from servicehub.catalogue.choices import Complexity
    from servicehub.demands import actions
    from servicehub.demands.actions import LineInput
    from servicehub.demands.choices import DemandState

    demand = actions.do_create_demand(
        world.contract_a,
        title="Pinned",
        lines=[LineInput(world.work_unit_a, Complexity.MEDIUM, 2)],
        actor=None,
    )
    for name in PATH[DemandState.ORDERED]:
        run(name, demand, None)
    body = {
        "demand": demand.pk,
        "specialist": world.specialist_rabat.pk,
        "week_start": "2026-04-29",
        "hours": 8,
    }
    pinned = call("resource_manager", "post", "/assignments/pin/", body)
    assert pinned.status_code == 201, pinned.content
    row = pinned.json()
    assert row["week_start"] == "2026-04-27" and row["pinned"] is True
    hidden = call("resource_manager", "post", "/assignments/pin/", {**body, "demand": 987654})
    assert hidden.status_code == 422 and hidden.json()["errors"][0]["field"] == "demand"
    listed = call("director", "get", "/assignments/", {"site": world.rabat.pk, "from_week": "2026-04-27"})
    assert [r["id"] for r in listed.json()["items"]] == [row["id"]]
    assert call("director", "get", "/assignments/", {"site": world.casablanca.pk}).json()["count"] == 0
    refused = call("resource_manager", "post", f"/assignments/{row['id']}/unpin/", If_Match='"stale"')
    assert refused.status_code == 412
    etag = call("resource_manager", "get", f"/assignments/{row['id']}/")["ETag"]
    unpinned = call("resource_manager", "post", f"/assignments/{row['id']}/unpin/", If_Match=etag)
    assert unpinned.status_code == 200 and unpinned.json()["pinned"] is False
    assert not Assignment.objects.get(pk=row["id"]).pinned


def test_scenarios_and_the_forecast(call: Any, world: World) -> None:
    change = {"kind": "add_specialists", "count": 1, "site": "rabat", "hours": 40, "cost_per_hour": 100}
    created = call("resource_manager", "post", "/scenarios/", {"name": "One more", "changes": [change]})
    assert created.status_code == 201, created.content
    scenario = created.json()
    assert scenario["changes"] == [change] and scenario["runs"] == []
    bad = call("resource_manager", "post", "/scenarios/", {"name": "Bad", "changes": [{"kind": "nope"}]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "changes"
    assert call("site_manager", "get", "/scenarios/").json()["count"] == 1
    read = call(
        "director", "get", "/forecast/", {"from": "2026-04-27", "weeks": 2, "scenario": scenario["id"]}
    )
    assert read.status_code == 200, read.content
    rabat = next(row for row in read.json()["rows"] if row["site"]["code"] == "rabat")
    assert [w["capacity_hours"] for w in rabat["weeks"]] == ["35.2", "44.0"]
    assert [w["scenario_capacity_hours"] for w in rabat["weeks"]] == ["75.2", "84.0"]
    # No work in these weeks: no skill is needed, so no skill row (the role rows show the capacity).
    assert read.json()["skill_rows"] == []
    refused = call("client_a", "get", "/forecast/", {"scenario": scenario["id"]})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "scenario"
    assert call("client_a", "get", "/forecast/").json()["rows"] == []


def test_a_client_reaches_no_planning_object(call: Any, world: World, personas: dict[str, User]) -> None:
    planner = personas["resource_manager"]
    from servicehub.planning.actions import do_pin_assignment, do_request_plan_run
    from servicehub.planning.scenario_actions import do_create_scenario

    run = do_request_plan_run(
        provider=world.provider,
        site=None,
        starts_on=dt.date(2026, 4, 27),
        weeks=2,
        time_limit=5,
        actor=planner,
    )
    scenario = do_create_scenario(
        provider=world.provider,
        name="Closed",
        changes=[{"kind": "close_site", "site": "rabat", "from_week": 0, "to_week": 1}],
        actor=planner,
    )
    assert Scenario.objects.count() == 1
    for persona in ("client_a", "client_b"):
        for path in (f"/plan-runs/{run.pk}/", f"/scenarios/{scenario.pk}/"):
            assert call(persona, "get", path).status_code == 404, (persona, path)
        for action in ("cancel", "accept"):
            assert call(persona, "post", f"/plan-runs/{run.pk}/{action}/").status_code == 404
        assert call(persona, "get", "/plan-runs/").json()["count"] == 0
        assert call(persona, "get", "/scenarios/").json()["count"] == 0
    del do_pin_assignment
