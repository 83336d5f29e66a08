"""Audit rows for sign-in, sign-out and failed sign-in, which Django performs itself."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from servicehub.core.audit import current_request_id, record_change
from servicehub.core.choices import AuditEvent
from servicehub.core.middleware import TIMEZONE_SESSION_KEY, timezone_name_for
from servicehub.core.models import AuditLog, User


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    with transaction.atomic():
        record_change(user, user, AuditEvent.USER_LOGGED_IN)
    session = getattr(request, "session", None)
    if session is not None:
        # Decided once per sign-in; the middleware falls back to the same rule for older sessions.
        session[TIMEZONE_SESSION_KEY] = timezone_name_for(user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        with transaction.atomic():
            record_change(user, user, AuditEvent.USER_LOGGED_OUT)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # No user row to point at; the attempted name is kept (never the password).
    with transaction.atomic():
        AuditLog.objects.create(
            actor=None,
            actor_label=str(credentials.get("username", ""))[:150],
            event=AuditEvent.USER_LOGIN_FAILED,
            object_type="core.user",
            object_id="",
            object_repr=str(credentials.get("username", ""))[:200],
            request_id=current_request_id.get(),
        )
