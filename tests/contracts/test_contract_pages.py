"""Contract list and pages: clients see their own only; orders, service levels, serving sites; queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from conftest import PERSONA_KEYS, World
from servicehub.contracts.actions import do_add_purchase_order, do_create_contract, do_define_service_level
from servicehub.contracts.choices import Comparison, MeasurementWindow, MeasureUnit, ServiceLevelKind
from servicehub.core.models import User

LIST = reverse("contracts:contract-list")
NBSP = "\u00a0"


def _detail(pk: int) -> str:
    return reverse("contracts:contract-detail", args=[pk])


def _refs(response: Any) -> list[str]:
    return [c.reference for c in response.context["list"].rows]


def _contract(world: World, reference: str, **extra: Any) -> Any:
    values: dict[str, Any] = {
        "title": f"Contract {reference}",
        "provider": world.provider,
        "client": world.client_b,
        "serving_sites": [world.casablanca],
        "price_list_version": world.price_list_b.versions.get(),
        "starts_on": dt.date(2026, 1, 1),
        "ends_on": dt.date(2028, 12, 31),
        **extra,
    }
    return do_create_contract(reference=reference, actor=None, **values)


@pytest.mark.parametrize("key", PERSONA_KEYS)
def test_every_persona_gets_the_contract_list(client: Client, personas: dict[str, User], key: str) -> None:
    client.force_login(personas[key])
    response = client.get(LIST)
    assert response.status_code == 200
    expected = {
        "client_a": ["CA-1"],
        "client_b": ["CB-1"],
        "site_manager": ["CA-1"],  # Rabat serves contract A only
        "specialist": ["CA-1"],
    }.get(key, ["CA-1", "CB-1"])
    assert _refs(response) == expected


@pytest.mark.parametrize(("key", "mine", "theirs"), [("client_a", "a", "b"), ("client_b", "b", "a")])
def test_clients_get_404_on_the_other_clients_contract(
    client: Client, personas: dict[str, User], world: World, key: str, mine: str, theirs: str
) -> None:
    client.force_login(personas[key])
    assert client.get(_detail(getattr(world, f"contract_{mine}").pk)).status_code == 200
    response = client.get(_detail(getattr(world, f"contract_{theirs}").pk))
    assert response.status_code == 404
    assert getattr(world, f"contract_{theirs}").reference not in response.content.decode()


@pytest.mark.parametrize(
    ("key", "a", "b"),
    [
        ("director", 200, 200),
        ("site_manager", 200, 404),
        ("delivery_lead", 200, 200),
        ("resource_manager", 200, 200),
        ("recruiter", 200, 200),
        ("specialist", 200, 404),
    ],
)
def test_contract_pages_for_provider_staff(
    client: Client, personas: dict[str, User], world: World, key: str, a: int, b: int
) -> None:
    client.force_login(personas[key])
    assert client.get(_detail(world.contract_a.pk)).status_code == a
    assert client.get(_detail(world.contract_b.pk)).status_code == b


def test_contract_page_shows_client_sites_version_orders_and_service_levels(
    client: Client, personas: dict[str, User], world: World
) -> None:
    do_add_purchase_order(
        world.contract_a,
        number="PO-2",
        amount=Decimal("125000.50"),
        issued_on=dt.date(2026, 6, 1),
        valid_until=dt.date(2026, 12, 31),
        actor=None,
    )
    client.force_login(personas["client_a"])
    response = client.get(_detail(world.contract_a.pk))
    context = response.context
    assert context["contract"].client == world.client_a_unit
    assert [s.name for s in context["sites"]] == ["Rabat"]
    assert [o.number for o in context["orders"]] == ["PO-2", "PO-CA-1"]
    assert context["order_total"].amount == Decimal("625000.50")
    assert [sl.code for sl in context["service_levels"]] == ["resolution"]
    body = response.content.decode()
    assert "Client A payments" in body and "PL-A v1" in body
    assert f"625{NBSP}000,50{NBSP}MAD" in body and f"125{NBSP}000,50{NBSP}MAD" in body
    assert "au plus 16 heures ouvrées" in body and "2\u00a0% par manquement" in body
    assert "01/06/2026" in body


def test_contract_page_shows_the_earn_back_period(
    client: Client, personas: dict[str, User], world: World
) -> None:
    do_define_service_level(
        world.contract_a,
        code="otd",
        name="On time",
        kind=ServiceLevelKind.ON_TIME_DELIVERY,
        comparison=Comparison.AT_LEAST,
        threshold=Decimal("95"),
        unit=MeasureUnit.PERCENT,
        window=MeasurementWindow.MONTHLY,
        penalty_percent=Decimal("1"),
        penalty_cap_percent=Decimal("5"),
        earn_back_months=3,
        actor=None,
    )
    client.force_login(personas["client_a"])
    body = client.get(_detail(world.contract_a.pk)).content.decode()
    with translation.override("fr"):
        earn_back = translation.ngettext(
            "earned back after %(months)s month met", "earned back after %(months)s months met", 3
        ) % {"months": 3}
    # Shown for the level that has it, and only once: "resolution" has no earn-back.
    assert body.count(escape(earn_back)) == 1


def test_search_filters_and_sort(client: Client, personas: dict[str, User], world: World) -> None:
    old = _contract(
        world, "CB-0", title="Ancien forfait", starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2021, 1, 1)
    )
    do_add_purchase_order(
        old,
        number="PO-OLD",
        amount=Decimal("9000000"),
        issued_on=dt.date(2020, 1, 1),
        valid_until=dt.date(2020, 12, 31),
        actor=None,
    )
    client.force_login(personas["delivery_lead"])
    assert _refs(client.get(LIST)) == ["CA-1", "CB-1", "CB-0"]  # newest first
    assert _refs(client.get(LIST, {"q": "forfait"})) == ["CB-0"]
    assert _refs(client.get(LIST, {"q": "client payments"})) == ["CA-1"]
    assert _refs(client.get(LIST, {"status": "ended"})) == ["CB-0"]
    assert _refs(client.get(LIST, {"status": "running"})) == ["CA-1", "CB-1"]
    assert _refs(client.get(LIST, {"client": world.client_b.pk, "sort": "reference"})) == ["CB-0", "CB-1"]
    assert _refs(client.get(LIST, {"sort": "-ordered"})) == ["CB-0", "CA-1", "CB-1"]
    rows = client.get(LIST, {"sort": "-ordered"}).context["list"].rows
    assert rows[0].order_total == Decimal("9000000") and rows[0].level_count == 0


def test_htmx_partial(client: Client, personas: dict[str, User]) -> None:
    client.force_login(personas["director"])
    response = client.get(LIST, {"q": "CB"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and "CB-1" in body and "CA-1" not in body


def test_contract_list_queries_do_not_grow_with_rows(
    client: Client, personas: dict[str, User], world: World, django_assert_max_num_queries: Any
) -> None:
    client.force_login(personas["director"])
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for i in range(10):
        contract = _contract(world, f"CX-{i}")
        do_add_purchase_order(
            contract,
            number="PO",
            amount=Decimal("10"),
            issued_on=dt.date(2026, 1, 1),
            valid_until=dt.date(2026, 2, 1),
            actor=None,
        )
        do_define_service_level(
            contract,
            code="otd",
            name="On time",
            kind=ServiceLevelKind.ON_TIME_DELIVERY,
            comparison=Comparison.AT_LEAST,
            threshold=Decimal("95"),
            unit=MeasureUnit.PERCENT,
            window=MeasurementWindow.QUARTERLY,
            penalty_percent=Decimal("1"),
            penalty_cap_percent=Decimal("5"),
            actor=None,
        )
    with django_assert_max_num_queries(len(few)):
        response = client.get(LIST)
    assert len(response.context["list"].rows) == 12
    assert len(few) <= 7
