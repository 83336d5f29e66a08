from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from servicehub.core.choices import Persona
from servicehub.core.tenancy import Action, RestrictedQuerySet, client_organisation_ids, is_client, persona_in

if TYPE_CHECKING:
    from servicehub.core.models import User

# The catalogue is agreed with clients by delivery leads, under the director.
_CATALOGUE_EDITORS = (Persona.DIRECTOR, Persona.DELIVERY_LEAD)


class _CatalogueQuerySet(RestrictedQuerySet[Any]):
    """Provider staff see their provider's catalogue; a client sees only what its contracts price.

    Subclasses name the lookup from the row to its provider and to the clients of the
    contracts whose price-list version prices it.
    """

    provider_lookup: str
    client_lookup: str

    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        if is_client(user):
            if action is Action.VIEW:
                return self.filter(**{f"{self.client_lookup}__in": client_organisation_ids(user)}).distinct()
            return self.none()
        if action is Action.VIEW or persona_in(user, *_CATALOGUE_EDITORS):
            return self.filter(**{self.provider_lookup: user.organisation_id})
        return self.none()


class ServiceLineQuerySet(_CatalogueQuerySet):
    provider_lookup = "provider_id"
    client_lookup = "work_units__prices__version__contracts__client_id"


class WorkUnitQuerySet(_CatalogueQuerySet):
    provider_lookup = "service_line__provider_id"
    client_lookup = "prices__version__contracts__client_id"


class PriceListQuerySet(_CatalogueQuerySet):
    provider_lookup = "provider_id"
    client_lookup = "versions__contracts__client_id"


class PriceListVersionQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        if is_client(user):
            if action is Action.VIEW:
                return self.filter(contracts__client_id__in=client_organisation_ids(user)).distinct()
            return self.none()
        from servicehub.catalogue.models import PriceList

        return self.filter(price_list__in=PriceList.objects.restrict(user, action))
