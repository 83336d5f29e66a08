"""A recruiter's whole loop in Chromium, in French: a hiring need of the capacity forecast becomes a
campaign in one click; a candidate applies with a PDF CV, moves through the pipeline and is hired;
the new specialist is in the staffing pool from their start date.
Screenshots: test-artifacts/recruiting-*.png."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine

from conftest import PASSWORD, World
from planning.test_forecast import TODAY, _frozen, busy, make_demand  # noqa: F401 (fixtures)
from servicehub.core.models import User
from servicehub.people.models import Specialist
from servicehub.planning.adapter import build_instance
from servicehub.talent.choices import Stage
from servicehub.talent.models import Campaign, Candidate
from talent.conftest import PDF

pytestmark = pytest.mark.browser


def test_a_recruiter_takes_a_hiring_need_to_a_hire_in_the_staffing_pool(
    transactional_db: None,
    live_server: Any,
    browser: Any,
    artifacts: Path,
    tmp_path: Path,
    world: World,
    personas: dict[str, User],
    busy: None,  # noqa: F811
) -> None:
    cv = tmp_path / "cv-imane-alaoui.pdf"
    cv.write_bytes(PDF)
    with time_machine.travel(TODAY, tick=True):
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", "recruiter")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")

        # 1. The hiring needs: Rabat is short of developers; one click opens the prefilled form.
        page.goto(f"{live_server.url}/talent/campaigns/needs/?start=2026-04-27&weeks=4")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts / "recruiting-1-needs.png"), full_page=True)
        needs = page.inner_text("#by-role")
        assert "Rabat" in needs and "Développeur" in needs, needs
        page.locator("#by-role a", has_text="Ouvrir une campagne").first.click()
        page.wait_for_load_state("networkidle")
        assert page.locator("select[name=site] option:checked").inner_text() == "Rabat"
        page.screenshot(path=str(artifacts / "recruiting-2-campaign-form.png"), full_page=True)
        page.get_by_role("button", name="Créer la campagne").click()
        page.wait_for_load_state("networkidle")
        campaign = Campaign.objects.get()
        assert campaign.site == world.rabat and campaign.hiring_need is not None
        assert campaign.hiring_need["site"] == "rabat"
        assert campaign.openings >= 1

        # 2. A candidate applies with a CV.
        page.goto(f"{live_server.url}/talent/candidates/new/?campaign={campaign.pk}")
        page.wait_for_load_state("networkidle")
        page.fill("input[name=first_name]", "Imane")
        page.fill("input[name=last_name]", "Alaoui")
        page.fill("input[name=email]", "imane.alaoui@example.ma")
        page.set_input_files("input[name=cv]", str(cv))
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_load_state("networkidle")
        candidate = Candidate.objects.get(last_name="Alaoui")
        assert candidate.cv_name == "cv-imane-alaoui.pdf"

        # 3. Quick moves on the board: présélectionné, entretien, offre.
        page.goto(f"{live_server.url}/talent/candidates/?campaign={campaign.pk}")
        page.wait_for_load_state("networkidle")
        for stage in ("Présélectionné", "Entretien", "Offre"):
            card = page.locator(f"#candidate-{candidate.pk}")
            card.get_by_role("button", name=f"Passer à « {stage} »").or_(
                card.locator("button", has_text=stage)
            ).first.click()
            page.wait_for_load_state("networkidle")
            page.wait_for_function(
                "([id, n]) => document.querySelector('#candidate-' + id) !== null", arg=[candidate.pk, 0]
            )
        page.screenshot(path=str(artifacts / "recruiting-3-board.png"), full_page=True)
        candidate.refresh_from_db()
        assert candidate.stage == Stage.OFFER

        # 4. Hire from the offer.
        page.goto(f"{live_server.url}/talent/candidates/{candidate.pk}/#hire")
        page.wait_for_load_state("networkidle")
        page.fill("input[name=employee_number]", "RBT-0999")
        page.fill("input[name=starts_on]", "2026-05-06")
        page.select_option("select[name=grade]", index=1)
        page.fill("input[name=hourly_cost]", "150")
        page.locator("#hire button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts / "recruiting-4-hired.png"), full_page=True)
        specialist = Specialist.objects.get(employee_number="RBT-0999")
        assert "Imane Alaoui" in page.inner_text("main")

        # 5. The new specialist in the staffing pool: their page, and the planner's instance.
        page.goto(f"{live_server.url}/people/specialists/{specialist.pk}/")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts / "recruiting-5-specialist.png"), full_page=True)
        assert "Imane" in page.inner_text("main") and "Rabat" in page.inner_text("main")
        context.close()

    planning = build_instance(start=dt.date(2026, 5, 4), weeks=2, sites=[world.rabat])
    assert specialist.pk in planning.specialists.values()
