from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
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
    token = AccessToken.objects.create(user=actor, name=name[:100], prefix=plain[:12], digest=digest_of(plain))
    record_change(actor, token, AuditEvent.TOKEN_ISSUED, after=snapshot(token, ["name", "prefix"]))
    return token, plain


@transaction.atomic
def do_revoke_token(token: AccessToken, *, actor: User) -> AccessToken:
    token = AccessToken.objects.restrict(actor, "change").select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_change(actor, token, AuditEvent.TOKEN_REVOKED, after={"revoked_at": token.revoked_at.isoformat()})
    return token
