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


class InvoiceQuerySet(RestrictedQuerySet[Any]):
    """Provider staff who see the contract see its invoices; a client sees only issued ones."""

    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        from servicehub.contracts.models import Contract
        from servicehub.core.choices import Persona
        from servicehub.core.tenancy import is_client
        from servicehub.demands.choices import InvoiceState

        visible = self.filter(contract__in=Contract.objects.restrict(user, Action.VIEW))
        if is_client(user):
            return visible.filter(state=InvoiceState.ISSUED) if action is Action.VIEW else self.none()
        if action is Action.VIEW or user.persona in (Persona.DIRECTOR, Persona.DELIVERY_LEAD):
            return visible
        return self.none()


class InvoiceLineQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        from servicehub.demands.models import Invoice

        return self.filter(invoice__in=Invoice.objects.restrict(user, action))
