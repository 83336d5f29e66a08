from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehub.api.models import AccessToken
from servicehub.core.audit import record_change, snapshot
from servicehub.core.choices import AuditEvent
from servicehub.core.models import User

TOKEN_PREFIX = "shub_"


def digest_of(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; a slow one would only slow every API call.
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def do_issue_token(*, name: str, actor: User) -> tuple[AccessToken, str]:
    """Create a personal access token for `actor`. The plain token is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the script that will use it.")})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=actor, name=name[:100], prefix=plain[:12], digest=digest_of(plain)
    )
    record_change(actor, token, AuditEvent.TOKEN_ISSUED, after=snapshot(token, ["name", "prefix"]))
    return token, plain


@transaction.atomic
def do_revoke_token(token: AccessToken, *, actor: User) -> AccessToken:
    token = AccessToken.objects.restrict(actor, "change").select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_change(
            actor, token, AuditEvent.TOKEN_REVOKED, after={"revoked_at": token.revoked_at.isoformat()}
        )
    return token


# How stale `last_used_at` may get: writing it on every call would turn each API read into a write.
TOKEN_USE_RESOLUTION = dt.timedelta(minutes=1)


def note_token_use(token: AccessToken, *, now: dt.datetime) -> None:
    """Bump `last_used_at`, at most once per TOKEN_USE_RESOLUTION.

    Bookkeeping rather than a change anyone reviews, so, like Django's `last_login`,
    it is not audited. The conditional UPDATE keeps concurrent requests from writing twice.
    """
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_USE_RESOLUTION:
        return
    AccessToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - TOKEN_USE_RESOLUTION)
    ).update(last_used_at=now)
    token.last_used_at = now
