"""Each demo persona signs in with Chromium and sees its French home page; a screenshot is kept.

Screenshots go to test-artifacts/home-<login>.png for people to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("SERVICEHUB_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server's ORM calls are
    # made from its own threads, and the test's own ORM calls happen before any page opens.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def test_every_persona_signs_in_and_sees_its_french_home(
    transactional_db: None, live_server: Any, browser: Any
) -> None:
    from django.utils import translation

    from servicehub.contracts.models import Contract
    from servicehub.core.choices import Persona
    from servicehub.demo.builder import DEMO_LOGINS, DEMO_PASSWORD, build_demo

    build_demo()
    client_ci = next(x for x in DEMO_LOGINS if x.username == "client.ci")
    others_of_client_ci = list(
        Contract.objects.exclude(client__code=client_ci.organisation).values_list("reference", flat=True)
    )
    assert others_of_client_ci
    ARTIFACTS.mkdir(exist_ok=True)
    for login in DEMO_LOGINS:
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        # Not signed in: the home page sends people to the sign-in form.
        assert "/login" in page.url, login.username
        page.fill("input[name=username]", login.username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.url.rstrip("/") == live_server.url, (login.username, page.url)
        assert page.locator("html").get_attribute("lang") == "fr"
        body = page.inner_text("body")
        with translation.override("fr"):
            assert str(login.persona.label) in body, login.username
        if login.persona == Persona.DIRECTOR:
            # Real figures from the demo: the two centres' headcounts.
            assert "380" in body and "180" in body and "560" in body
        if login.username == "client.ci":
            assert "SOF-CS-2025-005" in body
            assert not any(ref in body for ref in others_of_client_ci), "another client's contract is shown"
        page.screenshot(path=str(ARTIFACTS / f"home-{login.username}.png"), full_page=True)
        context.close()
