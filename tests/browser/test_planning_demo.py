"""Planning on the demo's data, in Chromium and in French: the resource manager runs the plan from the
board, watches the progress bar, reads the explanations; then a scenario with extra hires in
Casablanca, and its effect on the forecast's shortfall. Screenshots: test-artifacts/demo-planning-*.png."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine

pytestmark = pytest.mark.browser


# The demo's history ends on 1 September 2026; its ordered demands wait to be staffed from then.
@time_machine.travel(dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC), tick=True)
def test_the_demo_is_planned_explained_and_its_hires_tried(
    transactional_db: None, live_server: Any, browser: Any, artifacts: Path
) -> None:
    from servicehub.demo.builder import DEMO_PASSWORD, build_demo
    from servicehub.planning import jobs
    from servicehub.planning.models import PlanRun, Scenario

    build_demo()
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "ressources")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/planning/")
    assert page.locator("h1").inner_text() == "Tableau de planification"
    page.fill(".run-form input[name=weeks]", "12")
    page.fill(".run-form input[name=time_limit]", "10")
    page.click(".run-form button[type=submit]")
    page.wait_for_selector("progress#run-progress-bar")
    page.screenshot(path=str(artifacts / "demo-planning-1-progress.png"), full_page=True)

    solved = jobs.work_once()
    assert solved is not None and solved.state == "done", solved and solved.message
    assert solved.instance is not None and len(solved.instance["specialists"]) == 560
    page.wait_for_selector('[data-figure="objective"]', timeout=20_000)
    page.screenshot(path=str(artifacts / "demo-planning-2-result.png"), full_page=True)
    text = page.inner_text("main")
    # The explanations read in French, with people's names and the weeks' dates.
    assert "Choix fondé sur" in text, text[:2000]
    assert re.search(r"semaines? du \d\d/\d\d/2026", text), text[:2000]
    assert not re.search(
        r"\bE\d{3,}\b", page.inner_text(".plan-table") if page.locator(".plan-table").count() else ""
    )

    # A scenario: ten more developers in Casablanca from October, compared on the forecast.
    page.goto(f"{live_server.url}/planning/scenarios/")
    page.fill("input[name=name]", "Dix recrutements à Casablanca")
    page.select_option("select[name=base_run]", str(solved.pk))
    page.check("input[name=add]")
    page.fill("input[name=add_count]", "10")
    page.select_option("select[name=add_site]", label="Centre de services de Casablanca")
    page.fill("input[name=add_from]", "2026-10-05")
    page.fill("input[name=add_hours]", "44")
    page.fill("input[name=add_cost]", "150")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    scenario = Scenario.objects.get(name="Dix recrutements à Casablanca")
    assert "Recruter 10 personnes à Centre de services de Casablanca" in page.inner_text("main")

    # The scenario is solved like any plan, then compared with its base run side by side.
    page.click(f"form[action='/planning/scenarios/{scenario.pk}/run/'] button")
    page.wait_for_selector("progress#run-progress-bar")
    what_if = jobs.work_once()
    assert what_if is not None and what_if.scenario_id == scenario.pk and what_if.state == "done"
    assert what_if.instance is not None and len(what_if.instance["specialists"]) == 570
    page.wait_for_selector('[data-figure="objective"]', timeout=20_000)
    page.goto(f"{live_server.url}/planning/scenarios/{scenario.pk}/")
    page.screenshot(path=str(artifacts / "demo-planning-3-scenario.png"), full_page=True)
    compared = page.inner_text("main")
    assert "plan de référence" in compared.lower(), compared[:1500]
    assert "— Centre de services de Casablanca" in compared, compared[:1500]

    page.goto(f"{live_server.url}/planning/forecast/?scenario={scenario.pk}&weeks=12")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / "demo-planning-4-forecast.png"), full_page=True)
    assert "Dix recrutements à Casablanca" in page.inner_text("main")
    assert PlanRun.objects.count() == 2
    context.close()
