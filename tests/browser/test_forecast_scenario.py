"""The capacity forecast in Chromium, in French: a site short of Java developers, then the same forecast
with a scenario of two hires. Screenshot: test-artifacts/forecast-scenario.png."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine

from conftest import PASSWORD, World
from planning.test_forecast import HIRE, TODAY, _frozen, busy, make_demand  # noqa: F401 (fixtures)
from servicehub.core.models import User
from servicehub.planning.forecast import forecast
from servicehub.planning.scenario_actions import do_create_scenario

pytestmark = pytest.mark.browser


def test_hires_in_a_scenario_shrink_the_shortfall_on_the_page(
    transactional_db: None,
    live_server: Any,
    browser: Any,
    artifacts: Path,
    world: World,
    personas: dict[str, User],
    busy: None,  # noqa: F811
) -> None:
    with time_machine.travel(TODAY, tick=True):
        planner = personas["resource_manager"]
        scenario = do_create_scenario(
            provider=world.provider,
            name="Deux recrues Java",
            changes=[{**HIRE, "from_week": 2}],
            actor=planner,
        )
        expected = forecast(user=planner, start=dt.date(2026, 4, 27), weeks=4, scenario=scenario)
        assert expected.total_shortfall - (expected.total_shortfall_after or 0) == Decimal(120)

        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", "resource_manager")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(f"{live_server.url}/planning/forecast/?start=2026-04-27&weeks=4&scenario={scenario.pk}")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts / "forecast-scenario.png"), full_page=True)
        text = page.inner_text("main")
        assert "Deux recrues Java" in text
        # The period's shortfall before and with the scenario, as the summary shows it.
        before, after = expected.total_shortfall, expected.total_shortfall_after
        assert f"{before:.1f}".replace(".", ",") in text or f"{before:.0f}" in text, text[:1500]
        assert after is not None and (f"{after:.1f}".replace(".", ",") in text or f"{after:.0f}" in text)
        context.close()
