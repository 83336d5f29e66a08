"""Client A never reaches client B's objects, by any page or endpoint that takes an id.

The matrix is checked against the URL configuration: a new page or endpoint with an id
fails `test_matrix_covers_every_url_with_an_id` until it is added here.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import World
from servicehub.api.actions import do_issue_token
from servicehub.core.models import User

# url name -> (attribute of World for client A's object, for client B's object, client A may see its own)
MATRIX: dict[str, tuple[str, str, bool]] = {
    "org:site-detail": ("rabat", "casablanca", True),
    "people:specialist-detail": ("specialist_rabat", "specialist_casa", False),
    "catalogue:workunit-detail": ("work_unit_a", "work_unit_b", True),
    "catalogue:pricelist-detail": ("price_list_a", "price_list_b", True),
    "contracts:contract-detail": ("contract_a", "contract_b", True),
    "api:get_organisation": ("client_a", "client_b", True),
    "api:get_site": ("rabat", "casablanca", True),
    "api:get_specialist": ("specialist_rabat", "specialist_casa", False),
    "api:get_work_unit": ("work_unit_a", "work_unit_b", True),
    "api:get_price_list": ("price_list_a", "price_list_b", True),
    "api:get_contract": ("contract_a", "contract_b", True),
    # Tokens are personal: tested below with each client's own token.
    "token-revoke": ("", "", True),
}


def _urls_with_an_id(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _urls_with_an_id(entry, inner)
        elif isinstance(entry, URLPattern) and entry.pattern.regex.groupindex and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_matrix_covers_every_url_with_an_id() -> None:
    assert _urls_with_an_id(get_resolver()) == set(MATRIX)


def _unmasked(content: bytes, url: str) -> bytes:
    # The page names its own URL (the language switch comes back to it) and masks its CSRF token.
    return re.sub(rb"[A-Za-z0-9]{64}", b"<csrf>", content.replace(url.encode(), b"<url>"))


def _url(name: str, obj: Any) -> str:
    kwarg = {
        "api:get_organisation": "organisation_id",
        "api:get_site": "site_id",
        "api:get_specialist": "specialist_id",
        "api:get_work_unit": "work_unit_id",
        "api:get_price_list": "price_list_id",
        "api:get_contract": "contract_id",
    }.get(name, "pk")
    return reverse(name, kwargs={kwarg: obj.pk})


@pytest.mark.parametrize("name", sorted(n for n in MATRIX if n != "token-revoke"))
def test_client_a_gets_404_on_client_b_objects(
    client: Client, world: World, personas: dict[str, User], name: str
) -> None:
    own_attr, foreign_attr, sees_own = MATRIX[name]
    own, foreign = getattr(world, own_attr), getattr(world, foreign_attr)
    user = personas["client_a"]
    if name.startswith("api:"):
        _, plain = do_issue_token(name="matrix", actor=user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    else:
        client.force_login(user)
        headers = {}
    foreign_url = _url(name, foreign)
    missing_url = foreign_url.replace(str(foreign.pk), "987654321")
    foreign_response = client.get(foreign_url, **headers)
    missing_response = client.get(missing_url, **headers)
    own_response = client.get(_url(name, own), **headers)
    assert foreign_response.status_code == 404
    assert missing_response.status_code == 404
    # Forbidden and missing cannot be told apart.
    assert _unmasked(foreign_response.content, foreign_url) == _unmasked(
        missing_response.content, missing_url
    )
    assert own_response.status_code == (200 if sees_own else 404)
    if name.startswith("api:"):
        assert foreign_response.json() == missing_response.json()


def test_client_b_cannot_revoke_client_a_token(client: Client, personas: dict[str, User]) -> None:
    token, _ = do_issue_token(name="a's script", actor=personas["client_a"])
    client.force_login(personas["client_b"])
    url = reverse("token-revoke", kwargs={"pk": token.pk})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
