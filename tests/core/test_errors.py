"""Error pages are friendly and translated, never a traceback."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.test import Client, RequestFactory
from django.utils import translation

from servicehub.core import views
from servicehub.core.models import User


def test_unknown_page_is_a_friendly_404(client: Client, personas: dict[str, User]) -> None:
    client.force_login(personas["director"])
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page introuvable" in body
    assert "Traceback" not in body and "urlpatterns" not in body


def test_a_404_is_friendly_for_anonymous_visitors_too(client: Client, db: None) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_forbidden_page(rf: RequestFactory, personas: dict[str, User]) -> None:
    request = rf.get("/")
    request.user = personas["director"]
    with translation.override("fr"):
        response = views.forbidden(request, PermissionError("no"))
    assert response.status_code == 403
    assert "Action non autorisée" in response.content.decode()


def test_server_error_page_needs_no_database_or_context(
    rf: RequestFactory, db: None, django_assert_num_queries: Any
) -> None:
    with translation.override("fr"), django_assert_num_queries(0):
        response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Une erreur est survenue" in body and "Traceback" not in body


def test_not_found_view_hides_the_reason(rf: RequestFactory, personas: dict[str, User]) -> None:
    request = rf.get("/")
    request.user = personas["client_a"]
    with translation.override("fr"):
        response = views.not_found(request, Http404("secret detail"))
    assert response.status_code == 404
    assert "secret detail" not in response.content.decode()
