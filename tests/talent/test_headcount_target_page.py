"""Setting a site's headcount target from the headcount page: directors for any site, a site manager
for theirs; the others are refused, and bad input names its field."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from conftest import World
from servicehub.core.choices import AuditEvent
from servicehub.core.models import AuditLog, User
from servicehub.talent.models import HeadcountTarget

URL = reverse("talent:headcount-target")


def _post(client: Client, user: User, **data: object) -> object:
    client.force_login(user)
    return client.post(URL, data)


def test_a_director_sets_and_then_changes_a_target(
    client: Client, world: World, personas: dict[str, User]
) -> None:
    director = personas["director"]
    client.force_login(director)
    page = client.get(reverse("talent:headcount"))
    assert URL in page.content.decode()  # the page offers the form
    response = client.post(URL, {"site": world.casablanca.pk, "on": "2027-12-31", "headcount": "220"})
    assert response.status_code == 302 and response["Location"] == reverse("talent:headcount")
    follow = client.get(response["Location"])
    assert "220" in follow.content.decode() and "31/12/2027" in follow.content.decode()
    client.post(
        URL, {"site": world.casablanca.pk, "on": "2027-12-31", "headcount": "240", "note": "Extension"}
    )
    target = HeadcountTarget.objects.get(site=world.casablanca, on=dt.date(2027, 12, 31))
    assert (target.headcount, target.note) == (240, "Extension")
    assert AuditLog.objects.filter(event=AuditEvent.HEADCOUNT_TARGET_SET, actor=director).count() == 2


def test_a_site_manager_sets_targets_for_their_site_only(
    client: Client, world: World, personas: dict[str, User]
) -> None:
    manager = personas["site_manager"]  # Rabat
    response = _post(client, manager, site=world.casablanca.pk, on="2027-12-31", headcount="10")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Sélectionnez un choix valide" in response.content.decode()  # type: ignore[attr-defined]
    assert not HeadcountTarget.objects.exists()
    response = _post(client, manager, site=world.rabat.pk, on="2027-12-31", headcount="400")
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert HeadcountTarget.objects.get().site == world.rabat


def test_others_are_refused_and_bad_input_names_the_field(
    client: Client, world: World, personas: dict[str, User]
) -> None:
    for key, status in (
        ("recruiter", 403),
        ("resource_manager", 403),
        ("specialist", 403),
        ("client_a", 404),
    ):
        client.force_login(personas[key])
        assert client.get(URL).status_code == status, key
        assert (
            client.post(URL, {"site": world.rabat.pk, "on": "2027-12-31", "headcount": "1"}).status_code
            == status
        )
    response = _post(client, personas["director"], site=world.rabat.pk, on="31/31/2027", headcount="-3")
    body = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Effectif" in body and "Saisissez une date valide" in body
    assert not HeadcountTarget.objects.exists()
