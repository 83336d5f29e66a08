from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from servicehub.core.tenancy import Action, RestrictedQuerySet

if TYPE_CHECKING:
    from servicehub.core.models import User


class DemandQuerySet(RestrictedQuerySet[Any]):
    """A demand is seen by whoever sees its contract; who may move it is the transitions' business."""

    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        from servicehub.contracts.models import Contract

        return self.filter(contract__in=Contract.objects.restrict(user, Action.VIEW))


class DemandPartQuerySet(RestrictedQuerySet[Any]):
    """Lines, quotes, deliveries and events follow their demand."""

    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        from servicehub.demands.models import Demand

        return self.filter(demand__in=Demand.objects.restrict(user, action))
