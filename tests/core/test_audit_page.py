"""The audit log page: the director reads every change; nobody else finds the page; nothing edits it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from servicehub.core.choices import AuditEvent
from servicehub.core.models import AuditLog, User
from servicehub.org.actions import do_update_site

URL = reverse("audit-log")


def test_director_reads_changes_with_before_and_after(
    client: Client, world: World, personas: dict[str, User]
) -> None:
    do_update_site(world.rabat, seats=421, actor=personas["director"])
    client.force_login(personas["director"])
    response = client.get(URL, {"event": AuditEvent.SITE_UPDATED}, HTTP_ACCEPT_LANGUAGE="fr")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Site modifié" in body or str(AuditEvent.SITE_UPDATED.label) in body
    assert "421" in body and "400" in body  # after and before
    assert body.count("<tr>") == 1 + 1  # header row and the one update


@pytest.mark.parametrize(
    "key",
    ["site_manager", "delivery_lead", "resource_manager", "recruiter", "specialist", "client_a", "client_b"],
)
def test_everyone_else_gets_404(client: Client, personas: dict[str, User], key: str) -> None:
    client.force_login(personas[key])
    assert client.get(URL).status_code == 404
    assert not AuditLog.objects.restrict(personas[key]).exists()


def test_search_by_object_and_htmx_partial(client: Client, personas: dict[str, User]) -> None:
    client.force_login(personas["director"])
    response = client.get(URL, {"q": "Casablanca"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="list-results"' in body
    assert "Casablanca" in body and "Contract A" not in body


def test_the_page_changes_nothing(client: Client, personas: dict[str, User]) -> None:
    client.force_login(personas["director"])
    before = AuditLog.objects.count()
    assert client.post(URL, {"event": "x"}).status_code in {403, 405}
    assert AuditLog.objects.restrict(personas["director"], "change").count() == 0
    assert AuditLog.objects.count() == before


def test_queries_do_not_grow_with_entries(
    client: Client, world: World, personas: dict[str, User], django_assert_max_num_queries: Any
) -> None:
    client.force_login(personas["director"])
    client.get(URL)
    for seats in range(401, 431):
        do_update_site(world.rabat, seats=seats, actor=personas["director"])
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200
