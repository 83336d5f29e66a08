"""Persona fixtures shared by every test module.

`world` builds, through the real actions, a provider with two sites and two
client organisations (A with a business unit, B), each with a contract, a
price list and a work unit; `personas` adds one user per persona. Tests ask
for `personas["client_a"]` and the like.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from servicehub.catalogue.actions import (
    do_create_price_list,
    do_create_service_line,
    do_create_work_unit,
    do_publish_price_list_version,
)
from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import PriceList, WorkUnit
from servicehub.contracts.actions import do_add_purchase_order, do_create_contract, do_define_service_level
from servicehub.contracts.choices import Comparison, MeasurementWindow, MeasureUnit, ServiceLevelKind
from servicehub.contracts.models import Contract
from servicehub.core.actions import do_create_user
from servicehub.core.choices import Currency, Persona
from servicehub.core.models import User
from servicehub.org.actions import do_create_organisation, do_create_site
from servicehub.org.choices import OrganisationKind
from servicehub.org.models import Organisation, Site
from servicehub.people.actions import do_create_grade, do_create_skill, do_create_specialist
from servicehub.people.choices import Role, SkillFamily
from servicehub.people.models import Specialist

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Path) -> None:
    # Argon2 is deliberately slow; the suite signs in hundreds of times (test_passwords checks Argon2).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production serves hashed files collected by `collectstatic`; tests read the apps' folders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "attachments"},
        },
    }


EFFORTS = {
    Complexity.SIMPLE: Decimal("8"),
    Complexity.MEDIUM: Decimal("16"),
    Complexity.COMPLEX: Decimal("32"),
    Complexity.VERY_COMPLEX: Decimal("64"),
}


@dataclass
class World:
    provider: Organisation
    rabat: Site
    casablanca: Site
    client_a: Organisation
    client_a_unit: Organisation
    client_b: Organisation
    contract_a: Contract
    contract_b: Contract
    price_list_a: PriceList
    price_list_b: PriceList
    work_unit_a: WorkUnit
    work_unit_b: WorkUnit
    specialist_rabat: Specialist
    specialist_casa: Specialist
    users: dict[str, User] = field(default_factory=dict)


def _price_list(provider: Organisation, code: str, unit: WorkUnit, amount: str) -> PriceList:
    price_list = do_create_price_list(
        provider=provider, code=code, name=code.upper(), currency=Currency.MAD, actor=None
    )
    do_publish_price_list_version(
        price_list,
        valid_from=dt.date(2026, 1, 1),
        prices={(unit, grade): Decimal(amount) * (i + 1) for i, grade in enumerate(Complexity)},
        actor=None,
    )
    return price_list


@pytest.fixture
def world(db: None) -> World:
    group = do_create_organisation(name="Group", code="group", kind=OrganisationKind.GROUP, actor=None)
    provider = do_create_organisation(
        name="Provider", code="provider", kind=OrganisationKind.PROVIDER, parent=group, actor=None
    )
    rabat = do_create_site(
        provider=provider,
        name="Rabat",
        code="rabat",
        city="Rabat",
        timezone="Africa/Casablanca",
        opened_on=dt.date(2004, 1, 1),
        seats=400,
        actor=None,
    )
    casablanca = do_create_site(
        provider=provider,
        name="Casablanca",
        code="casablanca",
        city="Casablanca",
        timezone="Africa/Casablanca",
        opened_on=dt.date(2017, 12, 12),
        seats=200,
        actor=None,
    )
    client_a = do_create_organisation(
        name="Client A", code="client-a", kind=OrganisationKind.CLIENT, actor=None
    )
    client_a_unit = do_create_organisation(
        name="Client A payments",
        code="client-a-pay",
        kind=OrganisationKind.BUSINESS_UNIT,
        parent=client_a,
        actor=None,
    )
    client_b = do_create_organisation(
        name="Client B", code="client-b", kind=OrganisationKind.CLIENT, actor=None
    )
    line = do_create_service_line(provider=provider, code="dev", name="Development", actor=None)
    unit_a = do_create_work_unit(
        service_line=line, code="DEV-A", deliverable="Screen A", efforts=EFFORTS, actor=None
    )
    unit_b = do_create_work_unit(
        service_line=line, code="DEV-B", deliverable="Screen B", efforts=EFFORTS, actor=None
    )
    list_a = _price_list(provider, "pl-a", unit_a, "1000")
    list_b = _price_list(provider, "pl-b", unit_b, "2000")
    contract_a = do_create_contract(
        reference="CA-1",
        title="Contract A",
        provider=provider,
        client=client_a_unit,
        serving_sites=[rabat],
        price_list_version=list_a.versions.get(),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2028, 12, 31),
        actor=None,
    )
    contract_b = do_create_contract(
        reference="CB-1",
        title="Contract B",
        provider=provider,
        client=client_b,
        serving_sites=[casablanca],
        price_list_version=list_b.versions.get(),
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2028, 12, 31),
        actor=None,
    )
    for contract in (contract_a, contract_b):
        do_add_purchase_order(
            contract,
            number=f"PO-{contract.reference}",
            amount=Decimal("500000.00"),
            issued_on=dt.date(2026, 1, 15),
            valid_until=dt.date(2030, 12, 31),
            actor=None,
        )
        do_define_service_level(
            contract,
            code="resolution",
            name="Resolution time",
            kind=ServiceLevelKind.RESOLUTION_TIME,
            comparison=Comparison.AT_MOST,
            threshold=Decimal("16"),
            unit=MeasureUnit.BUSINESS_HOURS,
            window=MeasurementWindow.MONTHLY,
            penalty_percent=Decimal("2"),
            penalty_cap_percent=Decimal("10"),
            actor=None,
        )
    grade = do_create_grade(code="eng", name="Engineer", rank=2, actor=None)
    java = do_create_skill(code="java", name="Java", family=SkillFamily.DEVELOPMENT, actor=None)
    specialists = [
        do_create_specialist(
            employee_number=f"E{i}",
            first_name="Sam",
            last_name=site.name,
            site=site,
            role=Role.DEVELOPER,
            grade=grade,
            hourly_cost=Decimal("180.00"),
            cost_currency=Currency.MAD,
            hired_on=dt.date(2020, 9, 1),
            skills={java: 4},
            actor=None,
        )
        for i, site in enumerate((rabat, casablanca))
    ]
    return World(
        provider=provider,
        rabat=rabat,
        casablanca=casablanca,
        client_a=client_a,
        client_a_unit=client_a_unit,
        client_b=client_b,
        contract_a=contract_a,
        contract_b=contract_b,
        price_list_a=list_a,
        price_list_b=list_b,
        work_unit_a=unit_a,
        work_unit_b=unit_b,
        specialist_rabat=specialists[0],
        specialist_casa=specialists[1],
    )


PERSONA_KEYS = [
    "director",
    "site_manager",
    "delivery_lead",
    "resource_manager",
    "recruiter",
    "specialist",
    "client_a",
    "client_b",
]


@pytest.fixture
def personas(world: World) -> dict[str, User]:
    def user(key: str, persona: Persona, org: Organisation, **extra: object) -> User:
        return do_create_user(
            username=key, password=PASSWORD, persona=persona, organisation=org, actor=None, **extra
        )  # type: ignore[arg-type]

    users = {
        "director": user("director", Persona.DIRECTOR, world.provider),
        "site_manager": user("site_manager", Persona.SITE_MANAGER, world.provider, site=world.rabat),
        "delivery_lead": user("delivery_lead", Persona.DELIVERY_LEAD, world.provider),
        "resource_manager": user("resource_manager", Persona.RESOURCE_MANAGER, world.provider),
        "recruiter": user("recruiter", Persona.RECRUITER, world.provider),
        "specialist": user(
            "specialist",
            Persona.SPECIALIST,
            world.provider,
            site=world.rabat,
            specialist=world.specialist_rabat,
        ),
        "client_a": user("client_a", Persona.CLIENT_REQUESTER, world.client_a),
        "client_b": user("client_b", Persona.CLIENT_REQUESTER, world.client_b),
    }
    world.users = users
    return users
