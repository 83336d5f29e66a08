"""The planning board and its pages: run the plan, follow its progress, read and accept the result,
a person's weeks, pinning work by hand — and who may see what.

Demands are brought to `ordered` through the real actions; runs are solved by the real worker
(`jobs.work_once`), synchronously.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import World
from demands.conftest import PATH, run
from servicehub.catalogue.choices import Complexity
from servicehub.core.models import User
from servicehub.demands import actions as demand_actions
from servicehub.demands.actions import LineInput
from servicehub.demands.choices import DemandState
from servicehub.demands.models import Demand
from servicehub.org.models import Site
from servicehub.people.models import Specialist
from servicehub.planning import actions, jobs
from servicehub.planning.choices import RunState
from servicehub.planning.explain import explain
from servicehub.planning.models import Assignment, PlanRun

# A Monday of mid-2026: the contracts, price lists and purchase orders are in force.
TODAY = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
MONDAY = dt.date(2026, 6, 1)
BOARD = reverse("planning:board")
RUNS = reverse("planning:run-list")
PIN = reverse("planning:pin")
HTMX = {"HTTP_HX_REQUEST": "true"}

MakeDemand = Callable[..., Demand]


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def make_demand(world: World) -> MakeDemand:
    def make(state: DemandState = DemandState.ORDERED, *, client: str = "a", quantity: str = "2") -> Demand:
        contract, unit = (
            (world.contract_a, world.work_unit_a) if client == "a" else (world.contract_b, world.work_unit_b)
        )
        demand = demand_actions.do_create_demand(
            contract,
            title=f"Payment screen {client.upper()}",
            lines=[LineInput(unit, Complexity.MEDIUM, Decimal(quantity))],
            actor=None,
        )
        for name in PATH[state]:
            run(name, demand, None)
        demand.refresh_from_db()
        assert demand.state == state
        return demand

    return make


def _login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _detail(plan_run: PlanRun) -> str:
    return reverse("planning:run-detail", args=[plan_run.pk])


def _queue(user: User, weeks: int = 4) -> PlanRun:
    return actions.do_request_plan_run(
        provider=user.organisation, site=None, starts_on=MONDAY, weeks=weeks, time_limit=5, actor=user
    )


def test_a_planner_runs_the_plan_from_the_board_follows_it_and_accepts_it(
    client: Client, personas: dict[str, User], world: World, make_demand: MakeDemand
) -> None:
    # Contract B pays 8,000 for 32 hours: worth the 180-an-hour people (contract A's 4,000 is not).
    demand = make_demand(client="b")
    planner = personas["resource_manager"]
    _login(client, planner)

    board = client.get(BOARD)
    assert board.status_code == 200
    body = board.content.decode()
    assert f'action="{RUNS}"' in body and 'name="time_limit"' in body
    assert 'aria-current="page"' in body and ">Planning<" in body.replace("Planification", "Planning")

    response = client.post(RUNS, {"site": "", "starts_on": "2026-06-03", "weeks": "4", "time_limit": "5"})
    plan_run = PlanRun.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(plan_run)
    assert plan_run.state == RunState.QUEUED and plan_run.starts_on == MONDAY
    assert plan_run.requested_by == planner

    page = client.get(_detail(plan_run)).content.decode()
    assert re.search(r'<progress id="run-progress-bar" max="100" value="0"', page)
    assert 'hx-trigger="every 1s"' in page
    assert reverse("planning:run-cancel", args=[plan_run.pk]) in page
    progress = client.get(reverse("planning:run-progress", args=[plan_run.pk]), **HTMX)
    assert 'hx-trigger="every 1s"' in progress.content.decode() and "HX-Refresh" not in progress

    solved = jobs.work_once()
    assert solved is not None and solved.state == RunState.DONE, solved and solved.message
    plan_run.refresh_from_db()
    assert plan_run.objective is not None and plan_run.planned_items == 1

    progress = client.get(reverse("planning:run-progress", args=[plan_run.pk]), **HTMX)
    assert "hx-trigger" not in progress.content.decode()
    assert progress["HX-Refresh"] == "true"

    page = client.get(_detail(plan_run), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<progress" not in page
    assert 'data-figure="objective"' in page and 'data-figure="bound"' in page and 'data-figure="gap"' in page
    assert demand.reference in page and demand.title in page
    assert "Sam Rabat" in page or "Sam Casablanca" in page
    names = {
        person.employee_number: f"{person.first_name} {person.last_name}"
        for person in Specialist.objects.all()
    }
    mondays = [dt.date.fromisoformat(day) for day in plan_run.keys["weeks"]]
    with translation.override("fr"):
        explained = explain(
            plan_run.instance or {},
            plan_run.result or {},
            names=names,
            week_starts=mondays,
            sites=dict(Site.objects.values_list("code", "name")),
        )
    assert explained.pairs, "the run planned the demand"
    for pair in explained.pairs:
        # People by name and weeks by their Monday, never by id or number.
        assert html.escape(pair.sentence) in page
        assert "E0" not in pair.sentence and "E1" not in pair.sentence
    accept_url = reverse("planning:run-accept", args=[plan_run.pk])
    assert accept_url in page

    assert client.get(accept_url).status_code == 200
    response = client.post(accept_url, follow=True)
    rows = Assignment.objects.filter(plan_run=plan_run)
    assert rows.exists() and set(rows.values_list("demand_id", flat=True)) == {demand.pk}
    assert sum(rows.values_list("hours", flat=True)) == 32
    texts = [str(m) for m in response.context["messages"]]
    assert any(str(rows.count()) in text for text in texts), texts

    # The board now shows those hours in the site-by-week heatmap.
    board = client.get(BOARD, {"from": MONDAY.isoformat(), "weeks": "4"})
    by_cell = {
        (row["specialist__site__name"], row["week_start"]): row["total"]
        for row in rows.values("specialist__site__name", "week_start").annotate(total=Sum("hours"))
    }
    shown = {
        (row.label, cell.week): cell.hours
        for row in board.context["heatmap"]
        for cell in row.cells
        if cell.hours
    }
    assert shown == by_cell
    body = board.content.decode()
    for (_site, _week), hours in by_cell.items():
        assert f"{hours}/44 h" in body

    # Accepting twice is refused with a message, not an error page.
    again = client.post(accept_url, follow=True)
    assert again.status_code == 200 and Assignment.objects.filter(plan_run=plan_run).count() == rows.count()


def test_a_queued_run_is_cancelled_after_confirmation(
    client: Client, personas: dict[str, User], make_demand: MakeDemand
) -> None:
    make_demand()
    plan_run = _queue(personas["delivery_lead"])
    url = reverse("planning:run-cancel", args=[plan_run.pk])

    # A site manager reads plans but does not run them.
    _login(client, personas["site_manager"])
    assert client.get(_detail(plan_run)).status_code == 200
    assert client.post(url).status_code == 403

    _login(client, personas["delivery_lead"])
    confirm = client.get(url)
    assert confirm.status_code == 200 and b'method="post"' in confirm.content
    plan_run.refresh_from_db()
    assert plan_run.state == RunState.QUEUED  # GET only asks
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == _detail(plan_run)
    plan_run.refresh_from_db()
    assert plan_run.state == RunState.CANCELLED
    assert jobs.work_once() is None  # nothing left to solve

    page = client.get(_detail(plan_run)).content.decode()
    assert "<progress" not in page and plan_run.message in page
    assert f'action="{RUNS}"' in page  # run again


def test_a_client_gets_404_on_every_planning_page(
    client: Client, personas: dict[str, User], world: World, make_demand: MakeDemand
) -> None:
    demand = make_demand()
    plan_run = _queue(personas["director"])
    pinned = actions.do_pin_assignment(
        demand, world.specialist_rabat, week_start=MONDAY, hours=8, actor=personas["director"]
    )
    pages = [
        BOARD,
        RUNS,
        PIN,
        _detail(plan_run),
        reverse("planning:run-progress", args=[plan_run.pk]),
        reverse("planning:run-cancel", args=[plan_run.pk]),
        reverse("planning:run-accept", args=[plan_run.pk]),
        reverse("planning:person-timeline", args=[world.specialist_rabat.pk]),
        reverse("planning:unpin", args=[pinned.pk]),
    ]
    for key in ("client_a", "client_b"):
        _login(client, personas[key])
        for url in pages:
            assert client.get(url).status_code == 404, (key, url)
        assert (
            client.post(RUNS, {"starts_on": "2026-06-01", "weeks": "4", "time_limit": "5"}).status_code == 404
        )
    assert PlanRun.objects.count() == 1
    # The recruiter is provider staff but has no business with plans.
    _login(client, personas["recruiter"])
    assert client.get(BOARD).status_code == 403
    assert client.get(_detail(plan_run)).status_code == 404


def test_a_specialist_sees_only_their_own_weeks(
    client: Client, personas: dict[str, User], world: World, make_demand: MakeDemand
) -> None:
    demand = make_demand()
    director = personas["director"]
    mine = actions.do_pin_assignment(
        demand, world.specialist_rabat, week_start=MONDAY, hours=12, actor=director
    )
    actions.do_pin_assignment(demand, world.specialist_casa, week_start=MONDAY, hours=7, actor=director)
    _login(client, personas["specialist"])

    own = reverse("planning:person-timeline", args=[world.specialist_rabat.pk])
    assert client.get(BOARD)["Location"] == own
    page = client.get(own)
    assert page.status_code == 200
    body = page.content.decode()
    assert demand.reference in body and f'data-assignment="{mine.pk}"' in body
    assert reverse("planning:unpin", args=[mine.pk]) not in body  # reading, not planning
    week = page.context["timeline"][0].load
    assert (week.hours, week.capacity, week.free) == (12, Decimal("44.0"), Decimal("32.0"))

    assert client.get(reverse("planning:person-timeline", args=[world.specialist_casa.pk])).status_code == 404
    assert client.get(reverse("planning:unpin", args=[mine.pk])).status_code == 403


def test_pinning_bad_hours_keeps_the_form_and_names_the_field(
    client: Client, personas: dict[str, User], world: World, make_demand: MakeDemand
) -> None:
    demand = make_demand()
    _login(client, personas["resource_manager"])
    data = {
        "demand": str(demand.pk),
        "specialist": str(world.specialist_rabat.pk),
        "week_start": "2026-06-10",
        "hours": "0",
    }
    response = client.post(PIN, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["hours"]
    body = response.content.decode()
    assert re.search(rf'<option value="{demand.pk}" selected>', body)
    assert 'value="2026-06-10"' in body and 'name="hours" value="0"' in body
    assert not Assignment.objects.exists()

    response = client.post(PIN, {**data, "hours": "6"})
    pinned = Assignment.objects.get()
    assert (pinned.hours, pinned.pinned, pinned.week_start) == (6, True, dt.date(2026, 6, 8))
    timeline = client.get(response["Location"]).content.decode()
    unpin_url = reverse("planning:unpin", args=[pinned.pk])
    assert unpin_url in timeline

    assert client.get(unpin_url).status_code == 200
    assert client.post(unpin_url).status_code == 302
    pinned.refresh_from_db()
    assert not pinned.pinned


def test_the_board_lists_unplanned_demands_with_their_reason(
    client: Client, personas: dict[str, User], make_demand: MakeDemand
) -> None:
    # 25 screens of 16 h = 400 h: more than both people have in a one-week window.
    big = make_demand(quantity="25")
    plan_run = _queue(personas["director"], weeks=1)
    done = jobs.work_once()
    assert done is not None and done.state == RunState.DONE
    assert [u["item"] for u in (done.result or {})["unplanned"]] == [big.reference]

    _login(client, personas["site_manager"])
    page = client.get(BOARD)
    assert page.status_code == 200
    body = page.content.decode()
    assert f'data-item="{big.reference}"' in body and 'data-reason="' in body
    assert f"#{plan_run.pk}" in body
    # A site manager reads the plan but does not run it.
    assert 'name="time_limit"' not in body
    assert client.post(RUNS, {"starts_on": "2026-06-01", "weeks": "4", "time_limit": "5"}).status_code == 403
