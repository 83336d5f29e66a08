"""Shared machinery: the base model, users and the audit log."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehub.core.choices import CLIENT_PERSONAS, PROVIDER_PERSONAS, AuditEvent, Persona
from servicehub.core.tenancy import Action, RestrictedQuerySet


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A person who signs in: provider staff or a client's requester/approver."""

    persona = models.CharField(_("persona"), max_length=32, choices=Persona.choices)
    organisation = models.ForeignKey(
        "org.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
    )
    site = models.ForeignKey(
        "org.Site",
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        help_text=_("The site of a site manager or a specialist."),
    )
    specialist = models.OneToOneField(
        "people.Specialist",
        verbose_name=_("specialist record"),
        on_delete=models.SET_NULL,
        related_name="user",
        null=True,
        blank=True,
    )

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]
    REQUIRED_FIELDS: ClassVar[list[str]] = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_provider_staff(self) -> bool:
        return self.persona in PROVIDER_PERSONAS

    @property
    def is_client(self) -> bool:
        return self.persona in CLIENT_PERSONAS


class AuditLogQuerySet(RestrictedQuerySet["AuditLog"]):
    def scope(self, user: User, action: Action) -> models.QuerySet[AuditLog]:
        # Reading only: the director reviews every change; nobody may change the log.
        if action is Action.VIEW and user.persona == Persona.DIRECTOR:
            return self.all()
        return self.none()

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class AuditLog(models.Model):
    """One row per state change, written by the action in the same transaction.

    Append-only: saving an existing row, updating or deleting raises. No page,
    API endpoint or admin screen offers to change it.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("actor"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("actor label"), max_length=150)
    event = models.CharField(_("event"), max_length=64, choices=AuditEvent.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.event} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")
