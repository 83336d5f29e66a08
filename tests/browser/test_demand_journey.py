"""A demand's whole life in Chromium, in French, with the demo's people at Orange Maroc and the centre.

The requester submits from the catalogue, the delivery lead quotes, the approver orders; the lead
plans, starts and delivers; the approver rejects with a reason; the lead reworks and delivers again;
the approver accepts. Screenshots go to test-artifacts/journey-*.png.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine

pytestmark = pytest.mark.browser


class Journey:
    """One browser context per demo login, signed in once; each step checks the state badge."""

    def __init__(self, browser: Any, base_url: str, artifacts: Path, password: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.artifacts = artifacts
        self.password = password
        self.pages: dict[str, Any] = {}
        self.shots = 0

    def page_of(self, username: str) -> Any:
        if username not in self.pages:
            context = self.browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(f"{self.base_url}/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", self.password)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            assert page.url.rstrip("/") == self.base_url, (username, page.url)
            self.pages[username] = page
        return self.pages[username]

    def shot(self, page: Any, name: str) -> None:
        self.shots += 1
        page.screenshot(path=str(self.artifacts / f"journey-{self.shots:02d}-{name}.png"), full_page=True)

    def badge(self, page: Any) -> tuple[str, str]:
        badge = page.locator(".page-head [data-state]").first
        return badge.get_attribute("data-state"), badge.inner_text().strip()

    def step(
        self,
        page: Any,
        demand_url: str,
        transition: str,
        fill: dict[str, str] | None = None,
        shot_form: str = "",
    ) -> None:
        """From the demand's page: the step's button, its form, its confirmation."""
        page.goto(demand_url)
        page.click(f"a[data-transition={transition}]")
        page.wait_for_load_state("networkidle")
        for selector, value in (fill or {}).items():
            if selector.startswith("select"):
                page.select_option(selector, label=value)
            else:
                page.fill(selector, value)
        if shot_form:
            self.shot(page, shot_form)
        page.click("main form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.url == demand_url, (transition, page.url, page.inner_text("main")[:500])


# The demo's purchase orders run to the end of 2026: the journey happens in its autumn, the clock
# moving on from there, so that the test does not depend on the day it runs.
@time_machine.travel(dt.datetime(2026, 10, 15, 9, 0, tzinfo=dt.UTC), tick=True)
def test_a_demand_from_request_to_acceptance(
    transactional_db: None, live_server: Any, browser: Any, artifacts: Path
) -> None:
    from django.utils import timezone, translation

    from servicehub.demands.choices import DemandState
    from servicehub.demands.models import Demand
    from servicehub.demo.builder import DEMO_PASSWORD, build_demo

    build_demo()
    with translation.override("fr"):
        labels = {state.value: str(state.label) for state in DemandState}
    journey = Journey(browser, live_server.url, artifacts, DEMO_PASSWORD)

    def expect(page: Any, state: DemandState, shot: str) -> None:
        assert journey.badge(page) == (state.value, labels[state.value]), shot
        journey.shot(page, shot)

    # The requester opens a demand from the catalogue of Orange Maroc's running contract.
    requester = journey.page_of("client.maroc")
    requester.goto(f"{live_server.url}/demands/")
    requester.click("a[href='/demands/new/']")
    requester.wait_for_load_state("networkidle")
    assert "SOF-CS-2026-004" in requester.inner_text("select[name=contract] option:checked")
    requester.fill("input[name=title]", "Parcours de souscription en ligne")
    requester.fill("textarea[name=description]", "Nouveau parcours mobile, avec signature électronique.")
    requester.fill("input[name=desired_on]", (timezone.localdate() + dt.timedelta(days=45)).isoformat())
    requester.select_option("select[name=lines-0-work_unit]", index=1)
    requester.select_option("select[name=lines-0-complexity]", "complex")
    requester.fill("input[name=lines-0-quantity]", "2")
    # "Add a line" goes to the server and back: what was typed stays.
    requester.click("button[name=add_line]")
    requester.wait_for_load_state("networkidle")
    assert requester.input_value("input[name=title]") == "Parcours de souscription en ligne"
    assert requester.input_value("input[name=lines-0-quantity]") == "2"
    requester.select_option("select[name=lines-1-work_unit]", index=2)
    requester.select_option("select[name=lines-1-complexity]", "simple")
    requester.fill("input[name=lines-1-quantity]", "1,5")
    spec = b"%PDF-1.4\n% cahier des charges\n"
    requester.set_input_files(
        "input[name=attachments]",
        files=[{"name": "cahier-des-charges.pdf", "mimeType": "application/pdf", "buffer": spec}],
    )
    journey.shot(requester, "new-demand")
    requester.click("button[name=submit]")
    requester.wait_for_load_state("networkidle")
    assert re.search(r"/demands/\d+/$", requester.url), requester.url
    demand_url = requester.url
    expect(requester, DemandState.SUBMITTED, "submitted")
    demand = Demand.objects.get(pk=int(demand_url.rstrip("/").rsplit("/", 1)[1]))
    assert demand.lines.count() == 2
    assert "cahier-des-charges.pdf" in requester.inner_text("#attachments")
    assert [(a.name, a.size) for a in demand.attachments.all()] == [("cahier-des-charges.pdf", len(spec))]

    # The delivery lead finds it in the queue and quotes it, changing a quantity.
    lead = journey.page_of("delivery")
    lead.goto(f"{live_server.url}/demands/")
    assert demand.reference in lead.inner_text("#list-results")  # the queue, by default
    journey.shot(lead, "lead-queue")
    lead.click(f"text={demand.reference}")
    lead.wait_for_load_state("networkidle")
    assert "cahier-des-charges.pdf" in lead.inner_text("#attachments")
    # The button is a verb, the quote's heading a noun.
    assert lead.inner_text("a[data-transition=quote]") == "Chiffrer"
    lead.click("a[data-transition=quote]")
    lead.wait_for_load_state("networkidle")
    assert lead.input_value("input[name=lines-0-quantity]") == "2"
    lead.fill("input[name=lines-0-quantity]", "3")
    lead.fill("textarea[name=note]", "Recette incluse.")
    journey.shot(lead, "quote-editor")
    lead.click("button[name=save]")
    lead.wait_for_load_state("networkidle")
    expect(lead, DemandState.QUOTED, "quoted")
    demand.refresh_from_db()
    quote = demand.current_quote
    assert quote is not None and quote.lines.count() == 2

    # The approver orders on the open purchase order.
    approver = journey.page_of("approbateur.maroc")
    journey.step(approver, demand_url, "order", shot_form="order-form")
    expect(approver, DemandState.ORDERED, "ordered")

    committed = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    journey.step(
        lead,
        demand_url,
        "plan",
        {"select[name=site]": "Centre de services de Casablanca", "input[name=committed_on]": committed},
        shot_form="plan-form",
    )
    expect(lead, DemandState.PLANNED, "planned")
    journey.step(lead, demand_url, "start")
    expect(lead, DemandState.IN_PROGRESS, "in-progress")
    journey.step(lead, demand_url, "deliver", {"textarea[name=note]": "Livraison 1 : parcours complet."})
    expect(lead, DemandState.DELIVERED, "delivered")

    # The approver rejects: the reason is required, then shown.
    approver.goto(demand_url)
    approver.click("a[data-transition=reject]")
    approver.click("main form button[type=submit]")
    approver.wait_for_load_state("networkidle")
    assert approver.locator(".form-row.has-error textarea[name=reason]").count() == 1
    journey.shot(approver, "reject-needs-a-reason")
    approver.fill("textarea[name=reason]", "La signature électronique échoue sur Android.")
    approver.click("main form button[type=submit]")
    approver.wait_for_load_state("networkidle")
    expect(approver, DemandState.REJECTED, "rejected")
    assert "La signature électronique échoue sur Android." in approver.inner_text(".timeline")

    journey.step(lead, demand_url, "rework")
    expect(lead, DemandState.REWORK, "rework")
    journey.step(lead, demand_url, "deliver", {"textarea[name=note]": "Livraison 2 : correctif Android."})
    expect(lead, DemandState.DELIVERED, "delivered-again")

    journey.step(approver, demand_url, "accept", {"textarea[name=note]": "Recette validée."})
    expect(approver, DemandState.ACCEPTED, "accepted")
    assert approver.locator("[data-transition]").count() == 0
    assert approver.locator(".timeline li").count() == 11  # opened + 10 moves

    # The lead prepares October's invoice of the contract and issues it; the approver sees it.
    lead.goto(f"{live_server.url}/demands/invoices/prepare/")
    lead.select_option(
        "select[name=contract]",
        label=lead.locator("select[name=contract] option", has_text="SOF-CS-2026-004").first.inner_text(),
    )
    lead.fill("input[name=month]", "2026-10")
    lead.click("main form button[type=submit]")
    lead.wait_for_load_state("networkidle")
    journey.shot(lead, "invoice-draft")
    lead.click("a[href='?step=issue']")
    lead.click("main form button[type=submit]")
    lead.wait_for_load_state("networkidle")
    journey.shot(lead, "invoice-issued")
    approver.goto(f"{live_server.url}/demands/invoices/")
    approver.click("tbody a >> nth=0")
    approver.wait_for_load_state("networkidle")
    invoice_text = approver.inner_text("main")
    assert "FAC-202610-SOF-CS-2026-004" in invoice_text and demand.reference in invoice_text
    # The delivery at its ordered price, less 8 %: the first delivery was rejected, so the month's
    # first-time acceptance is 0 % against 90 %, a penalty capped at 8 % (3 600 MAD).
    assert "Livrables acceptés\t45\u00a0000,00\u00a0MAD" in invoice_text
    assert "Pénalités\t3\u00a0600,00\u00a0MAD" in invoice_text
    assert "Total\t41\u00a0400,00\u00a0MAD" in invoice_text
    assert "0,00 mesuré pour un seuil de 90,00, pénalité de 8,00\u00a0%" in invoice_text
    journey.shot(approver, "invoice-seen-by-the-client")
    for page in journey.pages.values():
        page.context.close()
