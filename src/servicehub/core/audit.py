"""Writing the audit log. Called by actions inside their transaction."""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from servicehub.core.choices import AuditEvent
from servicehub.core.models import AuditLog, User

# Set by RequestIdMiddleware for web and API requests; empty for the CLI.
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

SYSTEM_ACTOR = "system"


def _plain(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The concrete field values of `obj` as JSON-ready data, for before/after."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _plain(getattr(obj, name)) for name in names}


def audit_entry(
    actor: User | None,
    obj: models.Model,
    event: AuditEvent,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditLog:
    """The audit row for a change of `obj`, not yet saved."""
    return AuditLog(
        actor=actor,
        actor_label=actor.get_username() if actor else SYSTEM_ACTOR,
        event=event,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
        request_id=current_request_id.get(),
    )


def _ensure_in_transaction(function: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        # An audit row outside the action's transaction could survive a rolled-back change.
        raise RuntimeError(f"{function} must run inside the action's transaction")


def record_change(
    actor: User | None,
    obj: models.Model,
    event: AuditEvent,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditLog:
    _ensure_in_transaction("record_change")
    entry = audit_entry(actor, obj, event, before=before, after=after)
    entry.save()
    return entry


def record_changes(entries: list[AuditLog]) -> list[AuditLog]:
    """Insert many rows built by `audit_entry` at once (bulk imports), in the action's transaction."""
    _ensure_in_transaction("record_changes")
    return AuditLog.objects.bulk_create(entries)


def save_new(obj: models.Model, *, actor: User | None, event: AuditEvent) -> None:
    """Validate, insert, check the actor may hold what it made, and audit it.

    Must run inside the action's transaction: a PermissionDenied raised after
    the insert rolls the insert back with it (the NetBox re-check after write).
    """
    from servicehub.core.tenancy import ensure_can

    obj.full_clean()
    obj.save()
    ensure_can(actor, type(obj)._default_manager.all(), obj)
    record_change(actor, obj, event, after=snapshot(obj))


def save_changes(obj: models.Model, fields: list[str], *, actor: User | None, event: AuditEvent) -> None:
    """Validate and save `fields` of an existing row, auditing before and after."""
    from servicehub.core.tenancy import ensure_can

    ensure_can(actor, type(obj)._default_manager.all(), obj)
    before = snapshot(type(obj)._default_manager.get(pk=obj.pk), fields)
    obj.full_clean()
    obj.save(update_fields=[*fields, "updated_at"] if hasattr(obj, "updated_at") else fields)
    record_change(actor, obj, event, before=before, after=snapshot(obj, fields))
