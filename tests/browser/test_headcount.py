"""The headcount page on the demo's data, in Chromium and in French: Casablanca's chart shows the ramp from
its opening on 12 December 2017 to the 180 jobs of the national plan by the end of 2018, against its
target. Screenshots: test-artifacts/demo-headcount-casablanca.png (the site's panel) and
demo-headcount.png (the page)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine

pytestmark = pytest.mark.browser


def _points(polyline: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (pair.split(",") for pair in polyline.split())]


@time_machine.travel(dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC), tick=True)
def test_casablanca_ramps_to_180_from_december_2017(
    transactional_db: None, live_server: Any, browser: Any, artifacts: Path
) -> None:
    from servicehub.demo.builder import DEMO_PASSWORD, build_demo

    build_demo()
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "directeur")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/talent/headcount/")
    assert page.locator("html").get_attribute("lang") == "fr"
    casablanca = page.locator("#site-casablanca")
    casablanca.scroll_into_view_if_needed()
    casablanca.locator("svg[role=img]").screenshot(
        path=str(artifacts / "demo-headcount-casablanca-chart.png")
    )
    casablanca.screenshot(path=str(artifacts / "demo-headcount-casablanca.png"))
    page.screenshot(path=str(artifacts / "demo-headcount.png"), full_page=True)

    # The chart is an image with a French description: from December 2017, up to 180 people.
    description = casablanca.locator("svg desc").text_content() or ""
    assert "décembre 2017" in description and "180" in description, description
    assert casablanca.locator('[data-figure="headcount"]').inner_text() == "180"
    assert casablanca.locator('[data-figure="target"]').inner_text() == "180"

    # The line rises from a few people in its first weeks to 180 by the end of 2018, then stays.
    # (The table sits in a closed <details>: its text is read from the DOM, not as rendered.)
    table: list[list[str]] = casablanca.locator('[data-table="monthly"] tbody tr').evaluate_all(
        "rows => rows.map(row => [...row.children].map(cell => cell.textContent.trim()))"
    )
    monthly = {day: int(headcount) for day, headcount, _target, _gap in table}
    # From the opening day (the first hires) and its target of 0, then at each month's end.
    assert table[0][0] == "12/12/2017" and table[0][2] == "0"
    assert 0 < monthly["12/12/2017"] <= monthly["31/12/2017"] < 30
    assert monthly["31/12/2017"] < monthly["30/06/2018"] < monthly["31/12/2018"] == 180
    assert monthly["31/01/2019"] == 180 and table[-1][1] == "180"
    values = list(monthly.values())
    assert values == sorted(values)  # nobody left: the ramp never goes down

    # The drawn line follows the table: it climbs (y falls) to the level of 180 and stays there.
    actual = _points(casablanca.locator('polyline[data-series="actual"]').get_attribute("points") or "")
    assert len(actual) == len(monthly)
    ys = [y for _, y in actual]
    assert ys == sorted(ys, reverse=True) and ys[0] > ys[-1]
    ramp_end = list(monthly).index("31/12/2018")
    assert ys[ramp_end] == ys[-1]
    target = _points(casablanca.locator('polyline[data-series="target"]').get_attribute("points") or "")
    assert target[ramp_end][1] == ys[ramp_end]  # on target at the end of 2018

    # The objective of the national plan is met.
    objectives = page.locator('[data-table="objectives"]').inner_text()
    assert "180 emplois créés au centre de Casablanca" in objectives
    context.close()
