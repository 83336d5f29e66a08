"""Each demo persona signs in with Chromium and sees its French home page; a screenshot is kept.

Screenshots go to test-artifacts/home-<login>.png for people to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_every_persona_signs_in_and_sees_its_french_home(
    transactional_db: None, live_server: Any, browser: Any, artifacts: Path
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
        page.screenshot(path=str(artifacts / f"home-{login.username}.png"), full_page=True)
        context.close()
