from __future__ import annotations

import re
import uuid
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from servicehub.core.audit import current_request_id

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Tags each request with an id (or the proxy's X-Request-ID) for the audit log and responses."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


# The session remembers the time zone chosen at the first request after sign-in.
TIMEZONE_SESSION_KEY = "servicehub_timezone"


def timezone_name_for(user: Any) -> str:
    """Site staff see their site's time; everyone else the installation's (settings.TIME_ZONE)."""
    site = getattr(user, "site", None)
    return site.timezone if site is not None else settings.TIME_ZONE


class UserTimezoneMiddleware:
    """Shows times in the user's time zone: their site's for site staff, the installation's for others.

    Must come after AuthenticationMiddleware. The zone is looked up once per session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            name = request.session.get(TIMEZONE_SESSION_KEY)
            if name is None:
                name = request.session[TIMEZONE_SESSION_KEY] = timezone_name_for(user)
            try:
                timezone.activate(zoneinfo.ZoneInfo(name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)
