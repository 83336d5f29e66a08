"""Each endpoint, for each persona, answers exactly what restrict() allows, and nothing of another tenant."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import models

from servicehub.catalogue.actions import do_publish_price_list_version
from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import PriceList, PriceListVersion, WorkUnit
from servicehub.contracts.actions import do_create_contract
from servicehub.contracts.models import Contract
from servicehub.core.models import User
from servicehub.org.models import Organisation, Site
from servicehub.people.models import Specialist

PERSONAS = [
    "director",
    "site_manager",
    "delivery_lead",
    "resource_manager",
    "recruiter",
    "specialist",
    "client_a",
    "client_b",
]

LISTS: list[tuple[str, type[models.Model]]] = [
    ("/organisations/", Organisation),
    ("/sites/", Site),
    ("/specialists/", Specialist),
    ("/work-units/", WorkUnit),
    ("/price-lists/", PriceList),
    ("/contracts/", Contract),
]


def visible(model: type[models.Model], user: User) -> set[int]:
    manager: Any = model._default_manager
    return set(manager.restrict(user, "view").values_list("pk", flat=True))


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("path", "model"), LISTS)
def test_lists_answer_what_restrict_allows(
    api_get: Any, personas: dict[str, User], persona: str, path: str, model: type[models.Model]
) -> None:
    response = api_get(persona, path, {"limit": 200})
    assert ids(response) == visible(model, personas[persona])
    assert response.json()["count"] == len(visible(model, personas[persona]))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("path", "model"), LISTS)
def test_details_answer_200_for_visible_rows_and_404_for_the_others(
    api_get: Any, personas: dict[str, User], persona: str, path: str, model: type[models.Model]
) -> None:
    allowed = visible(model, personas[persona])
    for pk in model._default_manager.values_list("pk", flat=True):
        response = api_get(persona, f"{path}{pk}/")
        if pk in allowed:
            assert response.status_code == 200, (persona, path, pk)
            assert response.json()["id"] == pk
        else:
            assert response.status_code == 404, (persona, path, pk)


def test_the_world_as_each_persona_sees_it(api_get: Any, world: Any, personas: dict[str, User]) -> None:
    """The same matrix, spelled out, so that a too-generous restrict() cannot hide behind the comparison."""
    both_contracts = {world.contract_a.pk, world.contract_b.pk}
    both_specialists = {world.specialist_rabat.pk, world.specialist_casa.pk}
    expected_contracts = {
        "director": both_contracts,
        "delivery_lead": both_contracts,
        "resource_manager": both_contracts,
        "recruiter": both_contracts,
        "site_manager": {world.contract_a.pk},
        "specialist": {world.contract_a.pk},
        "client_a": {world.contract_a.pk},
        "client_b": {world.contract_b.pk},
    }
    for persona, contracts in expected_contracts.items():
        assert ids(api_get(persona, "/contracts/")) == contracts, persona

    for persona in ("director", "delivery_lead", "resource_manager", "recruiter"):
        assert ids(api_get(persona, "/specialists/")) == both_specialists, persona
    for persona in ("site_manager", "specialist"):
        assert ids(api_get(persona, "/specialists/")) == {world.specialist_rabat.pk}, persona

    assert ids(api_get("client_a", "/sites/")) == {world.rabat.pk}
    assert ids(api_get("client_b", "/sites/")) == {world.casablanca.pk}
    assert ids(api_get("client_a", "/work-units/")) == {world.work_unit_a.pk}
    assert ids(api_get("client_b", "/work-units/")) == {world.work_unit_b.pk}
    assert ids(api_get("client_a", "/price-lists/")) == {world.price_list_a.pk}
    assert ids(api_get("client_b", "/price-lists/")) == {world.price_list_b.pk}
    assert ids(api_get("client_a", "/organisations/")) == {
        world.client_a.pk,
        world.client_a_unit.pk,
        world.provider.pk,
    }
    assert ids(api_get("client_b", "/organisations/")) == {world.client_b.pk, world.provider.pk}


@pytest.mark.parametrize("persona", ["client_a", "client_b"])
def test_clients_see_no_specialist(api_get: Any, personas: dict[str, User], persona: str) -> None:
    response = api_get(persona, "/specialists/")
    assert response.json()["count"] == 0
    assert ids(response) == set()


def test_client_a_gets_404_on_client_bs_objects_and_on_any_specialist(api_get: Any, world: Any) -> None:
    missing = api_get("client_a", "/contracts/999999/")
    assert missing.status_code == 404
    for path in (
        f"/contracts/{world.contract_b.pk}/",
        f"/price-lists/{world.price_list_b.pk}/",
        f"/work-units/{world.work_unit_b.pk}/",
        f"/specialists/{world.specialist_rabat.pk}/",
        f"/specialists/{world.specialist_casa.pk}/",
        f"/sites/{world.casablanca.pk}/",
        f"/organisations/{world.client_b.pk}/",
    ):
        response = api_get("client_a", path)
        assert response.status_code == 404, path
        # Forbidden and missing are indistinguishable: same status, same body.
        assert response.content == missing.content, path


def test_client_as_contract_list_holds_its_organisation_and_business_unit_contracts(
    api_get: Any, world: Any, personas: dict[str, User]
) -> None:
    own = do_create_contract(
        reference="CA-2",
        title="Contract A head office",
        provider=world.provider,
        client=world.client_a,
        serving_sites=[world.casablanca],
        price_list_version=world.price_list_a.versions.get(),
        starts_on=world.contract_a.starts_on,
        ends_on=world.contract_a.ends_on,
        actor=None,
    )
    response = api_get("client_a", "/contracts/")
    items = response.json()["items"]
    assert {item["id"] for item in items} == {world.contract_a.pk, own.pk}
    assert {item["client"]["id"] for item in items} == {world.client_a.pk, world.client_a_unit.pk}
    # Contract B's serving site stays hidden from client A, contract A's head-office site does not.
    assert ids(api_get("client_a", "/sites/")) == {world.rabat.pk, world.casablanca.pk}
    assert ids(api_get("client_b", "/contracts/")) == {world.contract_b.pk}


def test_a_clients_price_list_shows_only_the_versions_its_contracts_use(
    api_get: Any, world: Any, personas: dict[str, User]
) -> None:
    price_list = world.price_list_a
    do_publish_price_list_version(
        price_list,
        valid_from=price_list.versions.get().valid_from.replace(year=2027),
        prices={(world.work_unit_a, Complexity.SIMPLE): Decimal("1100.00")},
        actor=None,
    )
    assert PriceListVersion.objects.filter(price_list=price_list).count() == 2

    as_client = api_get("client_a", f"/price-lists/{price_list.pk}/").json()
    assert [v["number"] for v in as_client["versions"]] == [1]
    as_provider = api_get("delivery_lead", f"/price-lists/{price_list.pk}/").json()
    assert [v["number"] for v in as_provider["versions"]] == [2, 1]


def test_contract_detail_parts_follow_the_contract(api_get: Any, world: Any) -> None:
    body = api_get("client_a", f"/contracts/{world.contract_a.pk}/").json()
    assert [site["code"] for site in body["serving_sites"]] == ["rabat"]
    assert [po["number"] for po in body["purchase_orders"]] == ["PO-CA-1"]
    assert body["purchase_orders"][0]["amount"] == {"amount": "500000.00", "currency": "MAD"}
    assert [sl["code"] for sl in body["service_levels"]] == ["resolution"]
    assert body["service_levels"][0]["threshold"] == "16.00"
    assert body["service_levels"][0]["earn_back_months"] is None
