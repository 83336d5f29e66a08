"""Site list and site pages: who sees which site, headcount by role, contracts served, bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PERSONA_KEYS, World
from servicehub.core.models import User
from servicehub.org.actions import do_create_site
from servicehub.people.choices import Role

LIST = reverse("org:site-list")


def _detail(site_pk: int) -> str:
    return reverse("org:site-detail", args=[site_pk])


@pytest.mark.parametrize("key", PERSONA_KEYS)
def test_every_persona_gets_the_site_list(client: Client, personas: dict[str, User], key: str) -> None:
    client.force_login(personas[key])
    response = client.get(LIST)
    assert response.status_code == 200
    names = [site.name for site in response.context["list"].rows]
    expected = {"client_a": ["Rabat"], "client_b": ["Casablanca"]}.get(key, ["Rabat", "Casablanca"])
    assert names == expected


def test_director_sees_headcount_and_contracts_per_site(client: Client, personas: dict[str, User]) -> None:
    client.force_login(personas["director"])
    rows = client.get(LIST).context["list"].rows
    assert [(s.name, s.headcount, s.seats, s.contract_count) for s in rows] == [
        ("Rabat", 1, 400, 1),
        ("Casablanca", 1, 200, 1),
    ]


def test_clients_see_no_headcount_column(client: Client, personas: dict[str, User]) -> None:
    client.force_login(personas["client_a"])
    response = client.get(LIST)
    assert "Effectif actif" not in response.content.decode()
    assert [h.column.key for h in response.context["list"].headers] == [
        "name",
        "city",
        "opened",
        "seats",
        "contracts",
    ]


@pytest.mark.parametrize(
    ("key", "rabat", "casablanca"),
    [
        ("director", 200, 200),
        ("site_manager", 200, 200),
        ("delivery_lead", 200, 200),
        ("resource_manager", 200, 200),
        ("recruiter", 200, 200),
        ("specialist", 200, 200),
        ("client_a", 200, 404),
        ("client_b", 404, 200),
    ],
)
def test_site_pages_per_persona(
    client: Client, personas: dict[str, User], world: World, key: str, rabat: int, casablanca: int
) -> None:
    client.force_login(personas[key])
    assert client.get(_detail(world.rabat.pk)).status_code == rabat
    assert client.get(_detail(world.casablanca.pk)).status_code == casablanca


def test_missing_site_is_a_404(client: Client, personas: dict[str, User]) -> None:
    client.force_login(personas["director"])
    assert client.get(_detail(999_999)).status_code == 404


def test_site_page_shows_headcount_by_role_and_contracts_served(
    client: Client, personas: dict[str, User], world: World
) -> None:
    client.force_login(personas["director"])
    response = client.get(_detail(world.rabat.pk))
    roles = {r["role"]: r["count"] for r in response.context["roles"]}
    assert roles == {
        Role.DESIGNER: 0,
        Role.DEVELOPER: 1,
        Role.CONSULTANT: 0,
        Role.ARCHITECT: 0,
        Role.MANAGER: 0,
    }
    assert [c.reference for c in response.context["contracts"]] == ["CA-1"]
    body = response.content.decode()
    assert "CA-1" in body and "CB-1" not in body
    assert "Développeur" in body and "1 janvier 2004" in body


def test_client_site_page_shows_only_their_contracts_and_no_people(
    client: Client, personas: dict[str, User], world: World
) -> None:
    client.force_login(personas["client_a"])
    response = client.get(_detail(world.rabat.pk))
    body = response.content.decode()
    assert "CA-1" in body and "Effectif par rôle" not in body


def test_search_and_htmx_partial(client: Client, personas: dict[str, User]) -> None:
    client.force_login(personas["director"])
    response = client.get(LIST, {"q": "casa"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and body.lstrip().startswith('<div id="list-results"')
    assert [s.name for s in response.context["list"].rows] == ["Casablanca"]


def test_site_list_queries_do_not_grow_with_sites(
    client: Client, personas: dict[str, User], world: World
) -> None:
    client.force_login(personas["director"])
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for i in range(8):
        do_create_site(
            provider=world.provider,
            name=f"Site {i}",
            code=f"site-{i}",
            city="Tanger",
            timezone="Africa/Casablanca",
            opened_on=dt.date(2020, 1, 1 + i),
            seats=50,
            actor=None,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(response.context["list"].rows) == 10
    assert len(many) == len(few) <= 6
