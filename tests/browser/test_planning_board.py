"""The planning board in Chromium, in French: a resource manager runs the plan, watches its progress,
reads the result and accepts it. Screenshots go to test-artifacts/planning-*.png."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine

from conftest import PASSWORD, World
from demands.conftest import PATH, run
from servicehub.catalogue.choices import Complexity
from servicehub.core.models import User
from servicehub.demands import actions as demand_actions
from servicehub.demands.actions import LineInput
from servicehub.demands.choices import DemandState
from servicehub.planning import jobs
from servicehub.planning.models import Assignment, PlanRun

pytestmark = pytest.mark.browser


@time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC), tick=True)
def test_a_resource_manager_runs_watches_and_accepts_a_plan(
    transactional_db: None,
    live_server: Any,
    browser: Any,
    artifacts: Path,
    world: World,
    personas: dict[str, User],
) -> None:
    for quantity in ("2", "3"):
        demand = demand_actions.do_create_demand(
            world.contract_b,
            title="Écran de paiement",
            lines=[LineInput(world.work_unit_b, Complexity.MEDIUM, Decimal(quantity))],
            actor=None,
        )
        for name in PATH[DemandState.ORDERED]:
            run(name, demand, None)
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "resource_manager")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/planning/")
    page.fill(".run-form input[name=weeks]", "4")
    page.fill(".run-form input[name=time_limit]", "5")
    page.screenshot(path=str(artifacts / "planning-1-board.png"), full_page=True)
    page.click(".run-form button[type=submit]")
    page.wait_for_selector("progress#run-progress-bar")
    page.screenshot(path=str(artifacts / "planning-2-progress.png"), full_page=True)

    solved = jobs.work_once()
    assert solved is not None and solved.state == "done", solved and solved.message
    # The polling fragment sees the end and reloads the page with the result.
    page.wait_for_selector('[data-figure="objective"]', timeout=10_000)
    page.screenshot(path=str(artifacts / "planning-3-result.png"), full_page=True)

    page.click(f"a[href='/planning/runs/{solved.pk}/accept/']")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert Assignment.objects.filter(plan_run=PlanRun.objects.get(pk=solved.pk)).exists()
    page.screenshot(path=str(artifacts / "planning-4-accepted.png"), full_page=True)
    context.close()
