"""Personal access tokens for the REST API (only a SHA-256 digest is stored), and idempotent writes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicehub.core.tenancy import Action, RestrictedQuerySet

if TYPE_CHECKING:
    from servicehub.core.models import User


class AccessTokenQuerySet(RestrictedQuerySet["AccessToken"]):
    def scope(self, user: User, action: Action) -> models.QuerySet[AccessToken]:
        # Tokens are personal: each user sees and revokes only their own.
        return self.filter(user_id=user.pk)


class AccessToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="access_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the token, shown so that people can tell their tokens apart.
    prefix = models.CharField(_("prefix"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotentRequestQuerySet(RestrictedQuerySet["IdempotentRequest"]):
    def scope(self, user: User, action: Action) -> models.QuerySet[IdempotentRequest]:
        # A key belongs to whoever sent it: two users may pick the same key without meeting.
        return self.filter(user_id=user.pk)


class IdempotentRequest(models.Model):
    """The first answer to a write sent with an `Idempotency-Key`, replayed to the retries of that write.

    Bookkeeping for retries rather than a change anyone reviews, so it is not audited.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="idempotent_requests",
    )
    key = models.CharField(max_length=255)
    # SHA-256 of the method, path and canonical JSON body: a key reused for another request is refused.
    fingerprint = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.TextField()
    response_headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    objects = IdempotentRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
