from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from servicehub.core.choices import Persona
from servicehub.core.tenancy import Action, RestrictedQuerySet, client_organisation_ids, is_client, persona_in

if TYPE_CHECKING:
    from servicehub.core.models import User

_CONTRACT_EDITORS = (Persona.DIRECTOR, Persona.DELIVERY_LEAD)


class ContractQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        if is_client(user):
            if action is Action.VIEW:
                return self.filter(client_id__in=client_organisation_ids(user))
            return self.none()
        mine = self.filter(provider_id=user.organisation_id)
        if action is Action.VIEW:
            if persona_in(user, Persona.SITE_MANAGER, Persona.SPECIALIST):
                # Site staff see the contracts their site serves.
                return mine.filter(Q(serving_sites=user.site_id)).distinct()
            return mine
        if persona_in(user, *_CONTRACT_EDITORS):
            return mine
        return self.none()


class ContractPartQuerySet(RestrictedQuerySet[Any]):
    """Purchase orders and service levels follow their contract."""

    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        from servicehub.contracts.models import Contract

        return self.filter(contract__in=Contract.objects.restrict(user, action))
