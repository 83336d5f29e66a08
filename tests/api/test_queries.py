"""No N+1: the queries of a list or detail call are bounded and do not grow with the rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicehub.catalogue.actions import do_create_work_unit, do_publish_price_list_version
from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import ServiceLine
from servicehub.contracts.actions import do_add_purchase_order, do_create_contract, do_define_service_level
from servicehub.contracts.choices import Comparison, MeasurementWindow, MeasureUnit, ServiceLevelKind
from servicehub.core.choices import Currency
from servicehub.core.models import User
from servicehub.org.actions import do_create_organisation
from servicehub.org.choices import OrganisationKind
from servicehub.people.actions import do_create_skill, do_create_specialist, do_set_specialist_skill
from servicehub.people.choices import Role, SkillFamily
from servicehub.people.models import Grade

EFFORTS = {grade: Decimal(8 * (i + 1)) for i, grade in enumerate(Complexity)}
# Token lookup, the client's organisation tree, count, page, prefetches: well under this.
MOST_QUERIES = 10

LIST_PATHS = ["/organisations/", "/sites/", "/specialists/", "/work-units/", "/price-lists/", "/contracts/"]


def queries_for(api_get: Any, persona: str, path: str) -> int:
    api_get(persona, path)  # the first call of a token also records its use
    with CaptureQueriesContext(connection) as captured:
        response = api_get(persona, path, {"limit": 200})
    assert response.status_code == 200, response.content
    return len(captured.captured_queries)


def grow(world: Any, n: int = 12) -> None:
    """Add `n` of everything: business units, specialists, work units, prices, contracts and their parts."""
    grade = Grade.objects.get()
    skills = [
        do_create_skill(code=f"skill-{i}", name=f"Skill {i}", family=SkillFamily.DATA, actor=None)
        for i in range(3)
    ]
    line = ServiceLine.objects.get()
    units = [
        do_create_work_unit(
            service_line=line, code=f"GROW-{i}", deliverable=f"Report {i}", efforts=EFFORTS, actor=None
        )
        for i in range(n)
    ]
    version = do_publish_price_list_version(
        world.price_list_a,
        valid_from=dt.date(2026, 6, 1),
        prices={(unit, grade_): Decimal("900.00") for unit in units for grade_ in Complexity},
        actor=None,
    )
    for i in range(n):
        specialist = do_create_specialist(
            employee_number=f"G{i:03d}",
            first_name="Yasmine",
            last_name=f"Growth {i}",
            site=world.rabat if i % 2 else world.casablanca,
            role=Role.ARCHITECT,
            grade=grade,
            hourly_cost=Decimal("200.00"),
            cost_currency=Currency.MAD,
            hired_on=dt.date(2022, 3, 1),
            skills={skill: 2 for skill in skills},
            actor=None,
        )
        assert specialist.pk
        unit_org = do_create_organisation(
            name=f"Client A unit {i}",
            code=f"client-a-unit-{i}",
            kind=OrganisationKind.BUSINESS_UNIT,
            parent=world.client_a,
            actor=None,
        )
        contract = do_create_contract(
            reference=f"CA-G{i:02d}",
            title=f"Growth {i}",
            provider=world.provider,
            client=unit_org,
            serving_sites=[world.rabat, world.casablanca],
            price_list_version=version,
            starts_on=dt.date(2026, 6, 1),
            ends_on=dt.date(2027, 5, 31),
            actor=None,
        )
        for j in range(2):
            do_add_purchase_order(
                contract,
                number=f"PO-{i}-{j}",
                amount=Decimal("1000.00"),
                issued_on=dt.date(2026, 6, 1 + j),
                valid_until=dt.date(2026, 12, 31),
                actor=None,
            )
            do_define_service_level(
                contract,
                code=f"sl-{j}",
                name=f"Level {j}",
                kind=ServiceLevelKind.ON_TIME_DELIVERY,
                comparison=Comparison.AT_LEAST,
                threshold=Decimal("95"),
                unit=MeasureUnit.PERCENT,
                window=MeasurementWindow.MONTHLY,
                penalty_percent=Decimal("1"),
                penalty_cap_percent=Decimal("5"),
                actor=None,
            )
        for j in range(2):
            do_add_purchase_order(
                world.contract_a,
                number=f"PO-A-{i}-{j}",
                amount=Decimal("10.00"),
                issued_on=dt.date(2026, 2, 1),
                valid_until=dt.date(2026, 12, 31),
                actor=None,
            )
    for skill in skills:
        do_set_specialist_skill(world.specialist_rabat, skill=skill, level=3, actor=None)


@pytest.mark.parametrize("persona", ["director", "site_manager", "client_a"])
def test_list_queries_do_not_grow_with_rows(
    api_get: Any, world: Any, personas: dict[str, User], persona: str
) -> None:
    before = {path: queries_for(api_get, persona, path) for path in LIST_PATHS}
    grow(world)
    after = {path: queries_for(api_get, persona, path) for path in LIST_PATHS}
    assert after == before
    assert max(after.values()) <= MOST_QUERIES, after


def test_the_grown_lists_really_hold_more_rows(api_get: Any, world: Any, personas: dict[str, User]) -> None:
    grow(world, n=3)
    assert api_get("director", "/contracts/").json()["count"] == 5
    assert api_get("client_a", "/contracts/").json()["count"] == 4
    assert api_get("director", "/specialists/").json()["count"] == 5


@pytest.mark.parametrize("persona", ["director", "client_a"])
def test_detail_queries_do_not_grow_with_children(
    api_get: Any, world: Any, personas: dict[str, User], persona: str
) -> None:
    paths = [
        f"/contracts/{world.contract_a.pk}/",
        f"/price-lists/{world.price_list_a.pk}/",
        f"/work-units/{world.work_unit_a.pk}/",
        f"/sites/{world.rabat.pk}/",
        f"/organisations/{world.provider.pk}/",
    ]
    if persona == "director":
        paths.append(f"/specialists/{world.specialist_rabat.pk}/")
    before = {path: queries_for(api_get, persona, path) for path in paths}
    grow(world)
    after = {path: queries_for(api_get, persona, path) for path in paths}
    assert after == before
    assert max(after.values()) <= MOST_QUERIES, after


def test_bounded_with_pytest_django(
    api_get: Any, world: Any, personas: dict[str, User], django_assert_max_num_queries: Any
) -> None:
    grow(world, n=5)
    api_get("client_a", "/contracts/")
    with django_assert_max_num_queries(MOST_QUERIES):
        body = api_get("client_a", "/contracts/", {"limit": 200}).json()
    assert body["count"] == 6
    with django_assert_max_num_queries(MOST_QUERIES):
        body = api_get("client_a", f"/contracts/{world.contract_a.pk}/").json()
    assert len(body["purchase_orders"]) == 11
