"""The one door to tenant data: `Model.objects.restrict(user, action)`.

Every tenant model's queryset subclasses `RestrictedQuerySet` and says, in
`scope()`, which rows a user may reach for an action. Views, API endpoints and
actions read through `restrict()`; `get_visible_or_404` turns "missing" and
"forbidden" into the same 404, and "visible but not for this action" into 403.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from servicehub.core.choices import CLIENT_PERSONAS, PROVIDER_PERSONAS, Persona

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from servicehub.core.models import User

M = TypeVar("M", bound=models.Model)


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"


class RestrictedQuerySet(models.QuerySet[M]):
    def restrict(self, user: User | AnonymousUser | None, action: str = Action.VIEW) -> models.QuerySet[M]:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if action not in Action.__members__.values():
            raise ValueError(f"unknown action {action!r}")
        return self.scope(user, Action(action))

    def scope(self, user: User, action: Action) -> models.QuerySet[M]:
        """Rows `user` may reach for `action`. Subclasses must say; none by default."""
        return self.none()


def is_provider(user: User) -> bool:
    return user.persona in PROVIDER_PERSONAS


def is_client(user: User) -> bool:
    return user.persona in CLIENT_PERSONAS


def persona_in(user: User, *personas: Persona) -> bool:
    return user.persona in personas


def client_organisation_ids(user: User) -> list[int]:
    """The user's organisation and every organisation below it (business units)."""
    cached: list[int] | None = getattr(user, "_client_org_ids", None)
    if cached is not None:
        return cached
    from servicehub.org.models import Organisation

    ids = [user.organisation_id]
    frontier = ids
    while frontier:
        frontier = list(Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids = ids + frontier
    user._client_org_ids = ids  # type: ignore[attr-defined]
    return ids


def visible_or_refused(user: User, queryset: models.QuerySet[Any], pk: int, field: str) -> Any:
    """A row a request body names by id: missing and forbidden are one ValidationError on `field`, as
    one 404 is for a row named in the URL."""
    from django.core.exceptions import ValidationError

    manager: Any = queryset
    row = manager.restrict(user, Action.VIEW).filter(pk=pk).first()
    if row is None:
        raise ValidationError({field: _("No such object, or you may not see it.")})
    return row


def get_visible_or_404(
    user: User | AnonymousUser, queryset: models.QuerySet[M], action: str = Action.VIEW, **lookup: Any
) -> M:
    manager: Any = queryset
    try:
        obj: M = manager.restrict(user, Action.VIEW).get(**lookup)
    except (ObjectDoesNotExist, ValueError):
        raise Http404(_("No such object, or you may not see it.")) from None
    if action != Action.VIEW and not manager.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("You may see this object but not change it."))
    return obj


def ensure_can(user: User | None, queryset: models.QuerySet[M], obj: M, action: str = Action.CHANGE) -> None:
    """Inside an action: the actor must reach `obj` for `action`. `None` is the system (CLI, demo)."""
    if user is None:
        return
    manager: Any = queryset
    if not manager.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this."))
