"""Calling the REST API as a persona, with a personal access token issued by the real action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from servicehub.api.actions import do_issue_token
from servicehub.core.models import User

API = "/api/v1"

# Calls an endpoint as a persona (a key of `personas`) and returns the response.
ApiGet = Callable[..., HttpResponse]


@pytest.fixture
def tokens(personas: dict[str, User]) -> dict[str, str]:
    return {key: do_issue_token(name="tests", actor=user)[1] for key, user in personas.items()}


@pytest.fixture
def api_get(client: Client, tokens: dict[str, str]) -> ApiGet:
    def get(persona: str, path: str, params: dict[str, Any] | None = None, lang: str = "en") -> HttpResponse:
        response: HttpResponse = client.get(
            f"{API}{path}",
            params or {},
            headers={"Authorization": f"Bearer {tokens[persona]}", "Accept-Language": lang},
        )
        return response

    return get
