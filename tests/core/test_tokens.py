"""The access tokens page: create (shown once), list own tokens only, revoke after confirming; all audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from servicehub.api.actions import digest_of, do_issue_token
from servicehub.api.models import AccessToken
from servicehub.core.choices import AuditEvent
from servicehub.core.models import AuditLog, User


@pytest.fixture
def signed_in(client: Client, personas: dict[str, User]) -> User:
    client.force_login(personas["delivery_lead"])
    return personas["delivery_lead"]


def test_creating_a_token_shows_it_once_and_writes_an_audit_row(client: Client, signed_in: User) -> None:
    response = client.post(reverse("token-list"), {"name": "nightly export"})
    assert response.status_code == 200
    plain = response.context["new_token_plain"]
    token = AccessToken.objects.get(user=signed_in)
    assert token.name == "nightly export" and token.digest == digest_of(plain)
    assert plain in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    audit = AuditLog.objects.get(event=AuditEvent.TOKEN_ISSUED)
    assert (audit.actor, audit.object_id) == (signed_in, str(token.pk))

    again = client.get(reverse("token-list")).content.decode()
    assert "nightly export" in again and token.prefix in again
    assert plain not in again


def test_a_token_without_a_name_is_refused_and_the_error_names_the_field(
    client: Client, signed_in: User
) -> None:
    response = client.post(reverse("token-list"), {"name": "   "})
    assert response.status_code == 400
    assert not AccessToken.objects.exists()
    body = response.content.decode()
    assert "Nom du jeton" in body and "Ce champ est obligatoire." in body
    assert "Nom du jeton\u00a0: Ce champ est obligatoire." in body


def test_the_page_lists_only_own_tokens(client: Client, signed_in: User, personas: dict[str, User]) -> None:
    do_issue_token(name="mine", actor=signed_in)
    do_issue_token(name="someone else's", actor=personas["director"])
    response = client.get(reverse("token-list"))
    assert [t.name for t in response.context["tokens"]] == ["mine"]
    assert "someone else" not in response.content.decode()


def test_revoking_asks_first_then_revokes_and_audits(client: Client, signed_in: User) -> None:
    token, _ = do_issue_token(name="ci", actor=signed_in)
    url = reverse("token-revoke", args=[token.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Révoquer le jeton" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None

    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("token-list")
    token.refresh_from_db()
    assert token.revoked_at is not None
    audit = AuditLog.objects.get(event=AuditEvent.TOKEN_REVOKED)
    assert (audit.actor, audit.object_id) == (signed_in, str(token.pk))
    listing = client.get(reverse("token-list")).content.decode()
    assert "Révoqué" in listing and url not in listing


def test_someone_elses_token_cannot_be_revoked(
    client: Client, signed_in: User, personas: dict[str, User]
) -> None:
    token, _ = do_issue_token(name="director's", actor=personas["director"])
    url = reverse("token-revoke", args=[token.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditLog.objects.filter(event=AuditEvent.TOKEN_REVOKED).exists()


def test_token_pages_need_sign_in(client: Client, world: object) -> None:
    assert client.get(reverse("token-list")).status_code == 302
    assert client.post(reverse("token-list"), {"name": "x"}).status_code == 302
    assert not AccessToken.objects.exists()
