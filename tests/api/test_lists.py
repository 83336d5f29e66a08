"""Pages, sorting and filters of the list endpoints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, get_args

import pytest

from servicehub.api.pagination import Orderings, sort_keys
from servicehub.catalogue.api import PRICE_LIST_SORTS, WORK_UNIT_SORTS, PriceListQuery, WorkUnitQuery
from servicehub.contracts.api import CONTRACT_SORTS, ContractQuery
from servicehub.core.choices import Currency
from servicehub.core.models import User
from servicehub.org.api import ORGANISATION_SORTS, SITE_SORTS, OrganisationQuery, SiteQuery
from servicehub.people.actions import do_create_specialist, do_deactivate_specialist
from servicehub.people.api import SPECIALIST_SORTS, SpecialistQuery
from servicehub.people.choices import Role
from servicehub.people.models import Grade, Skill, Specialist

LAST_NAMES = ["Alaoui", "Bennani", "Chraibi", "Daoudi", "El Fassi", "Filali", "Guessous"]


@pytest.fixture
def staff(world: Any, personas: dict[str, User]) -> list[Specialist]:
    """Seven more specialists: Rabat developers and Casablanca consultants, one of whom has left."""
    grade = Grade.objects.get()
    java = Skill.objects.get()
    made = []
    for i, last_name in enumerate(LAST_NAMES):
        site = world.rabat if i % 2 == 0 else world.casablanca
        made.append(
            do_create_specialist(
                employee_number=f"S{i:03d}",
                first_name="Nour",
                last_name=last_name,
                site=site,
                role=Role.DEVELOPER if site == world.rabat else Role.CONSULTANT,
                grade=grade,
                hourly_cost=Decimal("150.00"),
                cost_currency=Currency.MAD,
                hired_on=dt.date(2021, 1, 1 + i),
                skills={java: 3},
                actor=None,
            )
        )
    do_deactivate_specialist(made[-1], actor=None)
    return made


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["last_name"] for item in response.json()["items"]]


def test_pages_walk_the_whole_list_once(api_get: Any, staff: list[Specialist]) -> None:
    everyone = names(api_get("director", "/specialists/", {"limit": 200}))
    assert len(everyone) == 9

    seen: list[str] = []
    for offset in range(0, 9, 4):
        body = api_get("director", "/specialists/", {"limit": 4, "offset": offset}).json()
        assert body["count"] == 9
        assert body["limit"] == 4
        assert body["offset"] == offset
        seen += [item["last_name"] for item in body["items"]]
    assert seen == everyone

    past_the_end = api_get("director", "/specialists/", {"offset": 50}).json()
    assert past_the_end["count"] == 9
    assert past_the_end["items"] == []


def test_the_page_size_is_capped(api_get: Any, staff: list[Specialist], settings: Any) -> None:
    settings.API_MAX_PAGE_SIZE = 3
    body = api_get("director", "/specialists/", {"limit": 100}).json()
    assert body["limit"] == 3
    assert len(body["items"]) == 3
    assert body["count"] == 9


def test_the_default_page_size_comes_from_settings(
    api_get: Any, personas: dict[str, User], settings: Any
) -> None:
    body = api_get("director", "/sites/").json()
    assert body["limit"] == settings.PAGE_SIZE
    assert body["offset"] == 0


def test_sorting_both_ways(api_get: Any, staff: list[Specialist]) -> None:
    ascending = names(api_get("director", "/specialists/", {"sort": "name", "limit": 200}))
    assert ascending == sorted(ascending)
    assert names(api_get("director", "/specialists/", {"sort": "-name", "limit": 200})) == ascending[::-1]

    by_hire = api_get("director", "/specialists/", {"sort": "-hired_on", "limit": 200}).json()["items"]
    hire_dates = [item["hired_on"] for item in by_hire]
    assert hire_dates == sorted(hire_dates, reverse=True)

    by_site = api_get("director", "/specialists/", {"sort": "site"}).json()["items"]
    assert [item["site"]["name"] for item in by_site] == sorted(item["site"]["name"] for item in by_site)


def test_an_unknown_sort_key_is_refused(api_get: Any, personas: dict[str, User]) -> None:
    response = api_get("director", "/specialists/", {"sort": "hourly_cost"})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "sort"
    assert error["location"] == "query"
    assert "'name'" in error["message"]


def test_specialist_filters(api_get: Any, world: Any, staff: list[Specialist]) -> None:
    at_rabat = names(api_get("director", "/specialists/", {"site": world.rabat.pk}))
    assert set(at_rabat) == {"Rabat", "Alaoui", "Chraibi", "El Fassi", "Guessous"}

    consultants = names(api_get("director", "/specialists/", {"role": Role.CONSULTANT}))
    assert set(consultants) == {"Bennani", "Daoudi", "Filali"}

    gone = names(api_get("director", "/specialists/", {"active": "false"}))
    assert gone == ["Guessous"]
    assert "Guessous" not in names(api_get("director", "/specialists/", {"active": "true", "limit": 200}))

    assert names(api_get("director", "/specialists/", {"q": "fassi"})) == ["El Fassi"]
    assert names(api_get("director", "/specialists/", {"q": "nour el"})) == ["El Fassi"]
    assert names(api_get("director", "/specialists/", {"q": "S001"})) == ["Bennani"]


def test_filters_never_widen_what_restrict_allows(api_get: Any, world: Any, staff: list[Specialist]) -> None:
    # The site manager of Rabat asks for Casablanca's specialists: the filter narrows, it cannot open.
    response = api_get("site_manager", "/specialists/", {"site": world.casablanca.pk})
    assert response.json()["count"] == 0
    response = api_get("client_a", "/contracts/", {"client": world.client_b.pk})
    assert response.json()["count"] == 0


def test_contract_filters(api_get: Any, world: Any, personas: dict[str, User]) -> None:
    def refs(params: dict[str, Any]) -> list[str]:
        return [item["reference"] for item in api_get("director", "/contracts/", params).json()["items"]]

    assert refs({"sort": "reference"}) == ["CA-1", "CB-1"]
    assert refs({"sort": "-reference"}) == ["CB-1", "CA-1"]
    assert refs({"client": world.client_b.pk}) == ["CB-1"]
    assert refs({"site": world.rabat.pk}) == ["CA-1"]
    assert refs({"active_on": "2027-06-30", "sort": "reference"}) == ["CA-1", "CB-1"]
    assert refs({"active_on": "2030-01-01"}) == []
    assert refs({"q": "contract b"}) == ["CB-1"]


def test_catalogue_and_organisation_filters(api_get: Any, world: Any, personas: dict[str, User]) -> None:
    def codes(path: str, params: dict[str, Any]) -> list[str]:
        return [item["code"] for item in api_get("director", path, params).json()["items"]]

    assert codes("/work-units/", {"sort": "-code"}) == ["DEV-B", "DEV-A"]
    assert codes("/work-units/", {"q": "screen b"}) == ["DEV-B"]
    line = api_get("director", "/work-units/").json()["items"][0]["service_line"]["id"]
    assert api_get("director", "/work-units/", {"service_line": line}).json()["count"] == 2
    assert api_get("director", "/work-units/", {"service_line": line + 1000}).json()["count"] == 0

    assert api_get("director", "/price-lists/", {"currency": "MAD"}).json()["count"] == 2
    assert api_get("director", "/price-lists/", {"currency": "EUR"}).json()["count"] == 0

    assert codes("/organisations/", {"kind": "client", "sort": "-name"}) == ["client-b", "client-a"]
    assert codes("/sites/", {"sort": "-seats"}) == ["rabat", "casablanca"]
    assert codes("/sites/", {"q": "casa"}) == ["casablanca"]


def test_money_and_decimals_are_strings(api_get: Any, world: Any, personas: dict[str, User]) -> None:
    body = api_get("director", f"/price-lists/{world.price_list_b.pk}/").json()
    assert body["currency"] == "MAD"
    prices = body["versions"][0]["prices"]
    assert [p["complexity"] for p in prices] == ["simple", "medium", "complex", "very_complex"]
    assert [p["unit_price"] for p in prices] == [
        {"amount": amount, "currency": "MAD"} for amount in ("2000.00", "4000.00", "6000.00", "8000.00")
    ]
    unit = api_get("director", f"/work-units/{world.work_unit_a.pk}/").json()
    assert [effort["hours"] for effort in unit["efforts"]] == ["8.0", "16.0", "32.0", "64.0"]
    specialist = api_get("director", f"/specialists/{world.specialist_rabat.pk}/").json()
    assert specialist["weekly_hours"] == "44.0"
    assert specialist["skills"] == [{"code": "java", "name": "Java", "family": "development", "level": 4}]
    assert "hourly_cost" not in specialist


@pytest.mark.parametrize(
    ("query", "orderings"),
    [
        (OrganisationQuery, ORGANISATION_SORTS),
        (SiteQuery, SITE_SORTS),
        (SpecialistQuery, SPECIALIST_SORTS),
        (WorkUnitQuery, WORK_UNIT_SORTS),
        (PriceListQuery, PRICE_LIST_SORTS),
        (ContractQuery, CONTRACT_SORTS),
    ],
)
def test_the_sort_parameter_offers_exactly_the_orderings(query: Any, orderings: Orderings) -> None:
    offered = get_args(query.model_fields["sort"].annotation)
    assert sorted(offered) == sorted(sort_keys(orderings))
    assert query.model_fields["sort"].default in offered
