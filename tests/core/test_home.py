"""Each persona's home page shows real figures read through restrict(), in French by default."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PERSONA_KEYS, World
from servicehub.core.choices import Currency
from servicehub.core.models import User
from servicehub.core.money import Money
from servicehub.org.actions import do_create_organisation, do_create_programme, do_set_objective
from servicehub.org.choices import ObjectiveMetric, OrganisationKind
from servicehub.people.actions import do_create_specialist, do_deactivate_specialist, do_record_absence
from servicehub.people.choices import AbsenceKind, Role
from servicehub.people.models import Grade, Skill

# No-break spaces: the French thousands separator, and between the amount and its currency code.
NBSP = "\u00a0"


def _home(client: Client, user: User) -> Any:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


@pytest.fixture
def more_people(world: World) -> None:
    """A second active architect in Rabat from a school, and one who left (not counted)."""
    grade = Grade.objects.get()
    school = do_create_organisation(name="ENSIAS", code="ensias", kind=OrganisationKind.SCHOOL, actor=None)
    for number, active in (("E10", True), ("E11", False)):
        specialist = do_create_specialist(
            employee_number=number,
            first_name="Lina",
            last_name=f"Architect {number}",
            site=world.rabat,
            role=Role.ARCHITECT,
            grade=grade,
            hourly_cost=Decimal("300.00"),
            cost_currency=Currency.MAD,
            hired_on=dt.date(2021, 3, 1),
            school=school,
            skills={Skill.objects.get(): 5},
            actor=None,
        )
        if not active:
            do_deactivate_specialist(specialist, actor=None)


@pytest.mark.parametrize("key", PERSONA_KEYS)
def test_every_persona_has_a_home_page_in_french(client: Client, personas: dict[str, User], key: str) -> None:
    response = _home(client, personas[key])
    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert personas[key].get_persona_display() in body  # type: ignore[attr-defined]
    assert "Accueil" in body
    assert "Traceback" not in body


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, world: World) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_director_sees_headcount_against_seats_contracts_and_objectives(
    client: Client, personas: dict[str, User], world: World, more_people: None
) -> None:
    programme = do_create_programme(
        owner=world.provider, name="Plan numérique", code="pn", starts_on=dt.date(2017, 1, 1), actor=None
    )
    do_set_objective(
        programme,
        metric=ObjectiveMetric.JOBS_CREATED,
        target=Decimal("180"),
        due_on=dt.date(2030, 12, 31),
        label="Emplois créés",
        site=world.casablanca,
        actor=None,
    )
    response = _home(client, personas["director"])
    home = response.context["home"]
    assert [(s.site.name, s.headcount, s.seats) for s in home.sites] == [
        ("Rabat", 2, 400),
        ("Casablanca", 1, 200),
    ]
    assert home.headcount == 3
    assert home.utilisation == 0  # 3 of 600 seats rounds to 0 %
    assert home.contract_count == 2
    assert home.order_totals == [Money(Decimal("1000000.00"), "MAD")]
    assert [o.label for o in home.objectives] == ["Emplois créés"]
    body = response.content.decode()
    assert f"1{NBSP}000{NBSP}000,00{NBSP}MAD" in body
    assert "Emplois créés" in body and "Plan numérique" in body
    assert "CA-1" in body and "CB-1" in body


def test_site_manager_sees_their_site_by_role(
    client: Client, personas: dict[str, User], world: World, more_people: None
) -> None:
    home = _home(client, personas["site_manager"]).context["home"]
    assert [(s.site.name, s.headcount, s.seats, s.open_seats) for s in home.sites] == [("Rabat", 2, 400, 398)]
    counts = {r.role: r.count for r in home.roles}
    assert counts[Role.DEVELOPER] == 1 and counts[Role.ARCHITECT] == 1 and counts[Role.DESIGNER] == 0
    assert home.contract_count == 1  # Rabat serves contract A only


def test_delivery_lead_sees_contracts_catalogue_and_order_totals(
    client: Client, personas: dict[str, User]
) -> None:
    response = _home(client, personas["delivery_lead"])
    home = response.context["home"]
    assert home.contract_count == 2 and home.active_contract_count == 2
    assert home.work_unit_count == 2 and home.price_list_count == 2 and home.service_line_count == 1
    assert [c.order_total for c in home.contracts] == [Decimal("500000.00"), Decimal("500000.00")]
    assert str(home.order_totals[0]) == f"1{NBSP}000{NBSP}000,00{NBSP}MAD"


def test_resource_manager_sees_specialists_by_site_and_role_and_top_skills(
    client: Client, personas: dict[str, User], more_people: None
) -> None:
    home = _home(client, personas["resource_manager"]).context["home"]
    roles = list(Role)
    matrix = {row.site.name: dict(zip(roles, row.counts, strict=True)) for row in home.role_matrix}
    assert matrix["Rabat"][Role.DEVELOPER] == 1 and matrix["Rabat"][Role.ARCHITECT] == 1
    assert matrix["Casablanca"][Role.DEVELOPER] == 1 and matrix["Casablanca"][Role.ARCHITECT] == 0
    assert [(s["skill__name"], s["specialists"]) for s in home.top_skills] == [("Java", 3)]
    assert home.top_skills[0]["average_level"] == pytest.approx(13 / 3)


def test_recruiter_sees_open_seats_and_schools_of_origin(
    client: Client, personas: dict[str, User], more_people: None
) -> None:
    response = _home(client, personas["recruiter"])
    home = response.context["home"]
    assert home.open_seats == 597
    assert [(s["school__name"], s["specialists"]) for s in home.schools] == [(None, 2), ("ENSIAS", 1)]
    assert "ENSIAS" in response.content.decode()


def test_specialist_sees_own_record_skills_and_absences(
    client: Client, personas: dict[str, User], world: World
) -> None:
    do_record_absence(
        world.specialist_rabat,
        kind=AbsenceKind.TRAINING,
        starts_on=dt.date(2026, 3, 2),
        ends_on=dt.date(2026, 3, 6),
        actor=None,
    )
    do_record_absence(
        world.specialist_casa,
        kind=AbsenceKind.LEAVE,
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2026, 4, 3),
        actor=None,
    )
    response = _home(client, personas["specialist"])
    home = response.context["home"]
    assert home.specialist == world.specialist_rabat
    assert [(s.skill.name, s.level) for s in home.skills] == [("Java", 4)]
    assert [(a.kind, a.starts_on) for a in home.absences] == [(AbsenceKind.TRAINING, dt.date(2026, 3, 2))]
    body = response.content.decode()
    assert "E0" in body and "Formation" in body and "Congés payés" not in body


@pytest.mark.parametrize(
    ("key", "mine", "theirs"), [("client_a", "CA-1", "CB-1"), ("client_b", "CB-1", "CA-1")]
)
def test_client_sees_only_their_contracts_service_levels_and_orders(
    client: Client, personas: dict[str, User], key: str, mine: str, theirs: str
) -> None:
    response = _home(client, personas[key])
    home = response.context["home"]
    assert [c.reference for c in home.contracts] == [mine]
    assert [(sl.contract.reference, sl.name) for sl in home.service_levels] == [(mine, "Resolution time")]
    assert [po.number for po in home.purchase_orders] == [f"PO-{mine}"]
    assert home.order_totals == [Money(Decimal("500000.00"), "MAD")]
    body = response.content.decode()
    assert mine in body and theirs not in body
    assert f"500{NBSP}000,00{NBSP}MAD" in body
    assert "au plus 16 heures ouvrées" in body


def test_home_page_switches_to_english(client: Client, personas: dict[str, User]) -> None:
    client.force_login(personas["director"])
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in body
    assert "Active specialists" in body
    assert f"1,000,000.00{NBSP}MAD" in body
