"""Work units and price lists: clients see only what their contracts use; effort charts and price grids."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import EFFORTS, PERSONA_KEYS, World
from servicehub.catalogue.actions import do_create_work_unit, do_publish_price_list_version
from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import ServiceLine, WorkUnitSkill
from servicehub.core.models import User
from servicehub.people.models import Skill

UNITS = reverse("catalogue:workunit-list")
LISTS = reverse("catalogue:pricelist-list")
NBSP = "\u00a0"


def _unit(pk: int) -> str:
    return reverse("catalogue:workunit-detail", args=[pk])


def _price_list(pk: int) -> str:
    return reverse("catalogue:pricelist-detail", args=[pk])


def _codes(response: Any) -> list[str]:
    return [row.code for row in response.context["list"].rows]


@pytest.mark.parametrize("key", PERSONA_KEYS)
def test_every_persona_gets_both_lists(client: Client, personas: dict[str, User], key: str) -> None:
    client.force_login(personas[key])
    units, lists = client.get(UNITS), client.get(LISTS)
    assert units.status_code == lists.status_code == 200
    expected_units = {"client_a": ["DEV-A"], "client_b": ["DEV-B"]}.get(key, ["DEV-A", "DEV-B"])
    expected_lists = {"client_a": ["pl-a"], "client_b": ["pl-b"]}.get(key, ["pl-a", "pl-b"])
    assert _codes(units) == expected_units
    assert _codes(lists) == expected_lists


@pytest.mark.parametrize(("key", "mine", "theirs"), [("client_a", "a", "b"), ("client_b", "b", "a")])
def test_clients_get_404_on_the_other_clients_catalogue(
    client: Client, personas: dict[str, User], world: World, key: str, mine: str, theirs: str
) -> None:
    client.force_login(personas[key])
    assert client.get(_unit(getattr(world, f"work_unit_{mine}").pk)).status_code == 200
    assert client.get(_price_list(getattr(world, f"price_list_{mine}").pk)).status_code == 200
    assert client.get(_unit(getattr(world, f"work_unit_{theirs}").pk)).status_code == 404
    assert client.get(_price_list(getattr(world, f"price_list_{theirs}").pk)).status_code == 404
    assert client.get(_unit(999_999)).status_code == 404


@pytest.mark.parametrize("key", [k for k in PERSONA_KEYS if not k.startswith("client")])
def test_provider_staff_see_every_catalogue_page(
    client: Client, personas: dict[str, User], world: World, key: str
) -> None:
    client.force_login(personas[key])
    for url in (_unit(world.work_unit_a.pk), _unit(world.work_unit_b.pk)):
        assert client.get(url).status_code == 200
    for url in (_price_list(world.price_list_a.pk), _price_list(world.price_list_b.pk)):
        assert client.get(url).status_code == 200


def test_work_unit_page_says_which_skills_it_needs(
    client: Client, personas: dict[str, User], world: World
) -> None:
    client.force_login(personas["client_a"])
    assert "aucune indiquée" in client.get(_unit(world.work_unit_a.pk)).content.decode()
    WorkUnitSkill.objects.create(work_unit=world.work_unit_a, skill=Skill.objects.get(code="java"), level=3)
    page = client.get(_unit(world.work_unit_a.pk)).content.decode()
    assert "Java (niveau 3 ou plus)" in page


def test_work_unit_page_has_the_effort_chart_in_order_and_visible_prices(
    client: Client, personas: dict[str, User], world: World
) -> None:
    client.force_login(personas["client_a"])
    response = client.get(_unit(world.work_unit_a.pk))
    assert [(e.complexity, e.hours) for e in response.context["chart"]] == [
        (grade, EFFORTS[grade]) for grade in Complexity
    ]
    [row] = response.context["price_rows"]
    assert row.label.price_list == world.price_list_a
    assert row.prices == [Decimal("1000"), Decimal("2000"), Decimal("3000"), Decimal("4000")]
    body = response.content.decode()
    assert "Très complexe" in body and f"64{NBSP}h" in body
    assert f"1{NBSP}000,00{NBSP}MAD" in body and f"4{NBSP}000,00{NBSP}MAD" in body


def test_price_list_page_shows_versions_and_the_grid_of_the_version_in_force(
    client: Client, personas: dict[str, User], world: World
) -> None:
    do_publish_price_list_version(
        world.price_list_a,
        valid_from=dt.date(2099, 1, 1),
        prices={(world.work_unit_a, Complexity.SIMPLE): Decimal("1100")},
        actor=None,
    )
    client.force_login(personas["delivery_lead"])
    response = client.get(_price_list(world.price_list_a.pk))
    assert [v.number for v in response.context["versions"]] == [2, 1]
    assert response.context["chosen"].number == 1
    [row] = response.context["grid"]
    assert row.label == world.work_unit_a and row.prices[0] == Decimal("1000")
    body = response.content.decode()
    assert "en vigueur" in body and "à venir" in body

    # Choosing another version with htmx swaps only the grid.
    grid = client.get(_price_list(world.price_list_a.pk), {"version": 2}, headers={"HX-Request": "true"})
    html = grid.content.decode()
    assert "<html" not in html and html.lstrip().startswith('<section id="price-grid"')
    assert grid.context["grid"][0].prices == [Decimal("1100"), None, None, None]
    assert f"1{NBSP}100,00{NBSP}MAD" in html


def test_clients_see_only_the_versions_their_contracts_use(
    client: Client, personas: dict[str, User], world: World
) -> None:
    do_publish_price_list_version(
        world.price_list_a,
        valid_from=dt.date(2099, 1, 1),
        prices={(world.work_unit_a, Complexity.SIMPLE): Decimal("1100")},
        actor=None,
    )
    client.force_login(personas["client_a"])
    response = client.get(_price_list(world.price_list_a.pk), {"version": 2})
    assert [v.number for v in response.context["versions"]] == [1]
    assert response.context["chosen"].number == 1
    rows = client.get(LISTS).context["list"].rows
    assert [(p.code, p.version_count, p.current_version) for p in rows] == [("pl-a", 1, 1)]


def test_work_unit_search_filter_and_sort(client: Client, personas: dict[str, User], world: World) -> None:
    line = ServiceLine.objects.get()
    do_create_work_unit(
        service_line=line, code="TST-1", deliverable="Plan de tests", efforts=EFFORTS, actor=None
    )
    client.force_login(personas["director"])
    assert _codes(client.get(UNITS, {"q": "plan"})) == ["TST-1"]
    assert _codes(client.get(UNITS, {"sort": "-code"})) == ["TST-1", "DEV-B", "DEV-A"]
    assert _codes(client.get(UNITS, {"line": line.pk, "sort": "deliverable"})) == ["TST-1", "DEV-A", "DEV-B"]


def test_catalogue_list_queries_do_not_grow_with_rows(
    client: Client, personas: dict[str, User], world: World, django_assert_max_num_queries: Any
) -> None:
    client.force_login(personas["director"])
    with CaptureQueriesContext(connection) as units_few:
        client.get(UNITS)
    with CaptureQueriesContext(connection) as lists_few:
        client.get(LISTS)
    line = ServiceLine.objects.get()
    for i in range(10):
        unit = do_create_work_unit(
            service_line=line, code=f"X-{i}", deliverable=f"Livrable {i}", efforts=EFFORTS, actor=None
        )
        do_publish_price_list_version(
            world.price_list_b,
            valid_from=dt.date(2027, 1, 1 + i),
            prices={(unit, Complexity.SIMPLE): Decimal("10")},
            actor=None,
        )
    with django_assert_max_num_queries(len(units_few)):
        assert len(client.get(UNITS).context["list"].rows) == 12
    with django_assert_max_num_queries(len(lists_few)):
        client.get(LISTS)
    assert len(units_few) <= 7 and len(lists_few) <= 6
