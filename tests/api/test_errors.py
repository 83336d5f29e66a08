"""Errors are JSON, name the field, speak the request's language and never show internals."""

from __future__ import annotations

import logging
from typing import Any, NoReturn

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from servicehub.core.models import User
from servicehub.org import api as org_api


def test_422_names_the_field_in_french(api_get: Any, personas: dict[str, User]) -> None:
    response = api_get("director", "/contracts/", {"limit": 0}, lang="fr")
    assert response.status_code == 422
    assert response["Content-Language"] == "fr"
    [error] = response.json()["errors"]
    assert error == {
        "field": "limit",
        "location": "query",
        "message": "Assurez-vous que cette valeur est supérieure ou égale à 1.",
        "code": "greater_than_equal",
    }


def test_422_in_english(api_get: Any, personas: dict[str, User]) -> None:
    response = api_get("director", "/contracts/", {"limit": 0}, lang="en")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Some fields are not valid."
    assert body["errors"][0]["message"] == "Ensure this value is greater than or equal to 1."


def test_every_bad_field_is_listed(api_get: Any, personas: dict[str, User]) -> None:
    params = {"limit": "many", "offset": -1, "role": "astronaut", "active": "maybe"}
    response = api_get("director", "/specialists/", params, lang="fr")
    assert response.status_code == 422
    errors = {error["field"]: error for error in response.json()["errors"]}
    assert set(errors) == {"limit", "offset", "role", "active"}
    assert errors["limit"]["message"] == "Saisissez un nombre entier."
    assert errors["offset"]["message"] == "Assurez-vous que cette valeur est supérieure ou égale à 0."
    assert errors["role"]["message"].endswith("'architect', 'manager'.")
    assert " or " not in errors["role"]["message"]
    assert errors["active"]["code"] == "bool_parsing"


def test_a_bad_path_parameter_is_a_422_naming_it(api_get: Any, personas: dict[str, User]) -> None:
    response = api_get("director", "/contracts/first/", lang="fr")
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error == {
        "field": "contract_id",
        "location": "path",
        "message": "Saisissez un nombre entier.",
        "code": "int_parsing",
    }


def test_a_bad_date_and_a_long_search(api_get: Any, personas: dict[str, User]) -> None:
    response = api_get("director", "/contracts/", {"active_on": "31/12/2026", "q": "x" * 101}, lang="fr")
    assert response.status_code == 422
    errors = {error["field"]: error for error in response.json()["errors"]}
    assert errors["active_on"]["message"] == "Saisissez une date valide."
    assert errors["q"]["code"] == "string_too_long"


def test_an_unexpected_error_is_a_json_500_without_internals(
    api_get: Any, personas: dict[str, User], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(*args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("secret-internal-detail in /srv/servicehub/db.py")

    monkeypatch.setattr(org_api, "paginate", explode)
    with caplog.at_level(logging.ERROR, logger="servicehub.api"):
        response = api_get("director", "/sites/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "request_id"}
    assert body["request_id"] == response["X-Request-ID"]
    assert "secret-internal-detail" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    # ... but the administrators get the whole story in the log.
    assert "secret-internal-detail" in caplog.text


def test_debug_does_not_turn_a_500_into_a_traceback(
    api_get: Any, personas: dict[str, User], monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.DEBUG = True

    def explode(*args: Any, **kwargs: Any) -> NoReturn:
        raise KeyError("internal")

    monkeypatch.setattr(org_api, "paginate", explode)
    response = api_get("director", "/sites/")
    assert response.status_code == 500
    assert "Traceback" not in response.content.decode()


def test_an_action_refusal_is_a_422_naming_the_field(
    api_get: Any, personas: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> NoReturn:
        raise ValidationError({"seats": ["A site needs at least one seat."]})

    monkeypatch.setattr(org_api, "paginate", refuse)
    response = api_get("director", "/sites/")
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error == {
        "field": "seats",
        "location": "body",
        "message": "A site needs at least one seat.",
        "code": "invalid",
    }


def test_permission_denied_is_a_json_403(
    api_get: Any, personas: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    def deny(*args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionDenied("internal reason")

    monkeypatch.setattr(org_api, "paginate", deny)
    response = api_get("director", "/sites/", lang="en")
    assert response.status_code == 403
    assert response.json() == {"detail": "You are not allowed to do this."}


def test_404_bodies_are_the_same_whatever_the_endpoint(api_get: Any, personas: dict[str, User]) -> None:
    english = api_get("director", "/contracts/424242/", lang="en")
    assert english.status_code == 404
    assert english.json() == {"detail": "No such object, or you may not see it."}
    assert api_get("director", "/sites/424242/", lang="en").content == english.content


def test_ids_beyond_the_database_range_are_a_422_not_a_500(api_get: Any, personas: dict[str, User]) -> None:
    too_big = 2**63
    response = api_get("director", "/contracts/", {"site": too_big, "client": too_big, "offset": too_big})
    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {"site", "client", "offset"}
    assert api_get("director", f"/contracts/{too_big}/").status_code == 422
    assert api_get("director", "/contracts/0/").status_code == 422


def test_an_unknown_api_path_is_a_json_404(client: Any) -> None:
    response = client.get("/api/v1/no-such-endpoint/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Introuvable."}
