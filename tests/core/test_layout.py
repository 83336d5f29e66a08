"""The page frame: sign-in and sign-out, menu per persona, user menu, language switch, static files."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from conftest import PASSWORD, World
from servicehub.core.choices import AuditEvent
from servicehub.core.models import AuditLog, User

APOS = "\u2019"  # the typographic apostrophe of the French catalogue
with translation.override("fr"):
    # Read from the catalogue, so the test holds before and after the label is translated.
    DEMANDS = gettext("Demands")
    INVOICES = gettext("Invoices")
PAGES = [
    "home",
    "token-list",
    "org:site-list",
    "people:specialist-list",
    "catalogue:workunit-list",
    "catalogue:pricelist-list",
    "contracts:contract-list",
    "demands:demand-list",
    "demands:demand-create",
    "demands:invoice-list",
    "demands:invoice-prepare",
]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_needs_sign_in(client: Client, world: World, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse(name)}"


@pytest.mark.parametrize(
    "name",
    [
        "org:site-detail",
        "people:specialist-detail",
        "catalogue:workunit-detail",
        "contracts:contract-detail",
        "demands:demand-detail",
        "demands:invoice-detail",
        "demands:service-review",
    ],
)
def test_every_detail_page_needs_sign_in(client: Client, world: World, name: str) -> None:
    assert client.get(reverse(name, args=[1])).status_code == 302


def test_sign_in_page_then_sign_in_and_out(client: Client, personas: dict[str, User]) -> None:
    page = client.get(reverse("login"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Se connecter" in body and f"Nom d{APOS}utilisateur" in body
    # The sign-in form comes before the language switch, so its button is the first one on the page.
    assert body.index('action="/login/"') < body.index('action="/i18n/setlang/"')

    response = client.post(reverse("login"), {"username": "director", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert AuditLog.objects.filter(event=AuditEvent.USER_LOGGED_IN).count() == 1

    assert client.get(reverse("logout")).status_code == 405  # signing out is a POST
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_is_refused_politely(client: Client, personas: dict[str, User]) -> None:
    response = client.post(reverse("login"), {"username": "director", "password": "nope"})
    assert response.status_code == 200
    assert f"Saisissez un nom d{APOS}utilisateur et un mot de passe valides" in response.content.decode()


@pytest.mark.parametrize(
    ("key", "menu"),
    [
        (
            "director",
            [
                "Accueil",
                "Sites",
                "Spécialistes",
                f"Unités d{APOS}œuvre",
                "Grilles tarifaires",
                "Contrats",
                DEMANDS,
                INVOICES,
                "Planification",
                "Recrutement",
                f"Journal d{APOS}audit",
            ],
        ),
        ("specialist", ["Accueil", "Sites", "Spécialistes", f"Unités d{APOS}œuvre", "Contrats", DEMANDS]),
        (
            "client_a",
            ["Accueil", "Sites", f"Unités d{APOS}œuvre", "Grilles tarifaires", "Contrats", DEMANDS, INVOICES],
        ),
        (
            "recruiter",
            [
                "Accueil",
                "Sites",
                "Spécialistes",
                f"Unités d{APOS}œuvre",
                "Grilles tarifaires",
                "Contrats",
                "Recrutement",
            ],
        ),
    ],
)
def test_menu_follows_the_persona(
    client: Client, personas: dict[str, User], key: str, menu: list[str]
) -> None:
    client.force_login(personas[key])
    body = client.get(reverse("home")).content.decode()
    nav = body[body.index('<nav class="mainnav"') : body.index("</nav>")]
    assert re.findall(r'<a href="[^"]+"(?: aria-current="page")?>([^<]+)</a>', nav) == menu


def test_current_section_is_marked(client: Client, personas: dict[str, User], world: World) -> None:
    client.force_login(personas["director"])
    body = client.get(reverse("contracts:contract-detail", args=[world.contract_a.pk])).content.decode()
    assert '<a href="/contracts/" aria-current="page">Contrats</a>' in body


def test_user_menu_names_the_user_persona_and_organisation(client: Client, personas: dict[str, User]) -> None:
    client.force_login(personas["site_manager"])
    body = client.get(reverse("home")).content.decode()
    assert "Responsable de site" in body and "Provider" in body and "Rabat" in body
    assert 'href="/tokens/"' in body and f"Jetons d{APOS}accès" in body
    assert '<form method="post" action="/logout/">' in body


def test_language_switch_and_static_files(client: Client, personas: dict[str, User]) -> None:
    client.force_login(personas["director"])
    body = client.get(reverse("home")).content.decode()
    assert 'action="/i18n/setlang/"' in body
    assert 'value="fr" lang="fr"' in body and 'value="en" lang="en"' in body
    assert "/static/vendor/htmx/htmx.min.js" in body and "/static/core/app.css" in body
    assert "cdn" not in body.lower()
    assert finders.find("vendor/htmx/htmx.min.js") and finders.find("core/app.css")


def test_times_are_shown_in_the_sites_time_zone(client: Client, personas: dict[str, User]) -> None:
    client.force_login(personas["site_manager"])
    assert "Africa/Casablanca" in client.get(reverse("home")).content.decode()
