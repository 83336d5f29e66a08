from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from servicehub.core.choices import Persona
from servicehub.core.tenancy import Action, RestrictedQuerySet, client_organisation_ids, is_client, persona_in

if TYPE_CHECKING:
    from servicehub.core.models import User

# The catalogue is agreed with clients by delivery leads, under the director.
_CATALOGUE_EDITORS = (Persona.DIRECTOR, Persona.DELIVERY_LEAD)


class ServiceLineQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        if is_client(user):
            if action is Action.VIEW:
                return self.filter(
                    work_units__prices__version__contracts__client_id__in=client_organisation_ids(user)
                ).distinct()
            return self.none()
        mine = self.filter(provider_id=user.organisation_id)
        if action is Action.VIEW or persona_in(user, *_CATALOGUE_EDITORS):
            return mine
        return self.none()


class WorkUnitQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        if is_client(user):
            if action is Action.VIEW:
                # Only the work units priced in a version that one of its contracts uses.
                return self.filter(
                    prices__version__contracts__client_id__in=client_organisation_ids(user)
                ).distinct()
            return self.none()
        mine = self.filter(service_line__provider_id=user.organisation_id)
        if action is Action.VIEW or persona_in(user, *_CATALOGUE_EDITORS):
            return mine
        return self.none()


class PriceListQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        if is_client(user):
            if action is Action.VIEW:
                return self.filter(
                    versions__contracts__client_id__in=client_organisation_ids(user)
                ).distinct()
            return self.none()
        mine = self.filter(provider_id=user.organisation_id)
        if action is Action.VIEW or persona_in(user, *_CATALOGUE_EDITORS):
            return mine
        return self.none()


class PriceListVersionQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        if is_client(user):
            if action is Action.VIEW:
                return self.filter(contracts__client_id__in=client_organisation_ids(user)).distinct()
            return self.none()
        from servicehub.catalogue.models import PriceList

        return self.filter(price_list__in=PriceList.objects.restrict(user, action))
