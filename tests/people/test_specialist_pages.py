"""Specialist pages: provider staff only, site staff see their site; filters, sort, pages, queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import World
from servicehub.core.choices import Currency
from servicehub.core.models import User
from servicehub.people.actions import (
    do_create_grade,
    do_create_skill,
    do_create_specialist,
    do_deactivate_specialist,
    do_record_absence,
)
from servicehub.people.choices import AbsenceKind, Role, SkillFamily
from servicehub.people.models import Grade, Skill, Specialist

LIST = reverse("people:specialist-list")
PROVIDER_KEYS = ["director", "site_manager", "delivery_lead", "resource_manager", "recruiter", "specialist"]


def _detail(pk: int) -> str:
    return reverse("people:specialist-detail", args=[pk])


def _numbers(response: Any) -> list[str]:
    return [s.employee_number for s in response.context["list"].rows]


def _hire(world: World, number: str, last_name: str, **extra: Any) -> Specialist:
    values: dict[str, Any] = {
        "first_name": "Nour",
        "site": world.casablanca,
        "role": Role.DEVELOPER,
        "grade": Grade.objects.get(code="eng"),
        "hourly_cost": Decimal("200.00"),
        "cost_currency": Currency.MAD,
        "hired_on": dt.date(2022, 1, 3),
        **extra,
    }
    return do_create_specialist(employee_number=number, last_name=last_name, actor=None, **values)


@pytest.mark.parametrize("key", PROVIDER_KEYS)
def test_provider_staff_get_the_list(client: Client, personas: dict[str, User], key: str) -> None:
    client.force_login(personas[key])
    response = client.get(LIST)
    assert response.status_code == 200
    # Site manager and specialist are both at Rabat and see their site only.
    expected = ["E0"] if key in {"site_manager", "specialist"} else ["E1", "E0"]
    assert _numbers(response) == expected  # sorted by last name: Casablanca, Rabat


@pytest.mark.parametrize("key", ["client_a", "client_b"])
def test_clients_get_404_on_every_specialist_page(
    client: Client, personas: dict[str, User], world: World, key: str
) -> None:
    client.force_login(personas[key])
    assert client.get(LIST).status_code == 404
    assert client.get(LIST, headers={"HX-Request": "true"}).status_code == 404
    for specialist in (world.specialist_rabat, world.specialist_casa):
        response = client.get(_detail(specialist.pk))
        assert response.status_code == 404
        assert str(specialist) not in response.content.decode()


@pytest.mark.parametrize(
    ("key", "rabat", "casa"),
    [
        ("director", 200, 200),
        ("site_manager", 200, 404),
        ("delivery_lead", 200, 200),
        ("resource_manager", 200, 200),
        ("recruiter", 200, 200),
        ("specialist", 200, 404),
    ],
)
def test_specialist_pages_per_persona(
    client: Client, personas: dict[str, User], world: World, key: str, rabat: int, casa: int
) -> None:
    client.force_login(personas[key])
    assert client.get(_detail(world.specialist_rabat.pk)).status_code == rabat
    assert client.get(_detail(world.specialist_casa.pk)).status_code == casa


def test_detail_shows_skills_levels_and_absences(
    client: Client, personas: dict[str, User], world: World
) -> None:
    do_record_absence(
        world.specialist_rabat,
        kind=AbsenceKind.SICKNESS,
        starts_on=dt.date(2026, 2, 9),
        ends_on=dt.date(2026, 2, 10),
        note="Grippe",
        actor=None,
    )
    client.force_login(personas["site_manager"])
    response = client.get(_detail(world.specialist_rabat.pk))
    assert [(e.skill.name, e.level) for e in response.context["skill_levels"]] == [("Java", 4)]
    assert [a.note for a in response.context["absences"]] == ["Grippe"]
    body = response.content.decode()
    assert "Java" in body and "4 / 5" in body and "Maladie" in body and "09/02/2026" in body
    # The site manager manages the record, so sees the cost rate.
    assert "180,00\u00a0MAD" in body


def test_colleagues_see_neither_cost_nor_absences(
    client: Client, personas: dict[str, User], world: World
) -> None:
    colleague = _hire(world, "E7", "Collègue", site=world.rabat)
    do_record_absence(
        colleague,
        kind=AbsenceKind.LEAVE,
        starts_on=dt.date(2026, 5, 4),
        ends_on=dt.date(2026, 5, 8),
        actor=None,
    )
    client.force_login(personas["specialist"])
    response = client.get(_detail(colleague.pk))
    assert response.status_code == 200
    assert list(response.context["absences"]) == [] and response.context["show_cost"] is False
    assert "MAD" not in response.content.decode()


def test_filters_by_site_role_grade_skill_and_status(
    client: Client, personas: dict[str, User], world: World
) -> None:
    senior = do_create_grade(code="senior", name="Senior", rank=3, actor=None)
    figma = do_create_skill(code="figma", name="Figma", family=SkillFamily.DESIGN, actor=None)
    _hire(world, "E2", "Designer", role=Role.DESIGNER, grade=senior, skills={figma: 3})
    gone = _hire(world, "E3", "Parti")
    do_deactivate_specialist(gone, actor=None)
    client.force_login(personas["director"])

    assert _numbers(client.get(LIST, {"site": world.rabat.pk})) == ["E0"]
    assert _numbers(client.get(LIST, {"role": Role.DESIGNER})) == ["E2"]
    assert _numbers(client.get(LIST, {"grade": senior.pk})) == ["E2"]
    assert _numbers(client.get(LIST, {"skill": Skill.objects.get(code="java").pk})) == ["E1", "E0"]
    assert _numbers(client.get(LIST, {"active": "0"})) == ["E3"]
    assert _numbers(client.get(LIST, {"site": world.casablanca.pk, "active": "1"})) == ["E1", "E2"]
    # The site manager may pick any site, but restrict() still limits them to their own people.
    client.force_login(personas["site_manager"])
    assert _numbers(client.get(LIST, {"site": world.casablanca.pk})) == []
    # A value that is not one of the choices is ignored rather than applied.
    assert _numbers(client.get(LIST, {"site": 999_999, "role": "pilot"})) == ["E0"]


def test_search_sort_and_empty_state(client: Client, personas: dict[str, User], world: World) -> None:
    _hire(world, "E2", "Zerhouni", hired_on=dt.date(2010, 6, 1))
    client.force_login(personas["director"])
    assert _numbers(client.get(LIST, {"q": "zerh"})) == ["E2"]
    assert _numbers(client.get(LIST, {"q": "E1"})) == ["E1"]
    assert _numbers(client.get(LIST, {"sort": "hired"})) == ["E2", "E0", "E1"]
    assert _numbers(client.get(LIST, {"sort": "-name"})) == ["E2", "E0", "E1"]
    response = client.get(LIST, {"q": "personne"})
    assert _numbers(response) == []
    body = response.content.decode()
    assert "Aucun résultat pour «\u00a0personne\u00a0»" in body


def test_pagination_and_htmx_partial(
    client: Client, personas: dict[str, User], world: World, settings: Any
) -> None:
    settings.PAGE_SIZE = 2
    _hire(world, "E2", "Zerhouni")
    client.force_login(personas["director"])
    page2 = client.get(LIST, {"page": 2, "sort": "name"}, headers={"HX-Request": "true"})
    assert _numbers(page2) == ["E2"]
    body = page2.content.decode()
    assert "<html" not in body and 'id="list-results"' in body
    assert 'hx-get="/people/specialists/?page=1&amp;sort=name"' in body
    assert 'name="sort" value="name" form="list-form"' in body
    full = client.get(LIST, {"page": 2})
    assert "<html" in full.content.decode() and 'id="list-form"' in full.content.decode()


def test_specialist_list_queries_do_not_grow_with_rows(
    client: Client, personas: dict[str, User], world: World, django_assert_max_num_queries: Any
) -> None:
    client.force_login(personas["director"])
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    java = Skill.objects.get(code="java")
    for i in range(12):
        _hire(world, f"N{i}", f"Nouveau {i}", skills={java: 3})
    with django_assert_max_num_queries(len(few)):
        response = client.get(LIST)
    assert len(response.context["list"].rows) == 14
    assert len(few) <= 9
