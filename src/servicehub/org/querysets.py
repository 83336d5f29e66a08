from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from servicehub.core.choices import Persona
from servicehub.core.tenancy import Action, RestrictedQuerySet, client_organisation_ids, is_client, persona_in

if TYPE_CHECKING:
    from servicehub.core.models import User


class OrganisationQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        if is_client(user):
            # A client sees its own tree and the providers serving it, never another client.
            if action is Action.VIEW:
                return self.filter(
                    Q(pk__in=client_organisation_ids(user))
                    | Q(provided_contracts__client_id__in=client_organisation_ids(user))
                ).distinct()
            return self.none()
        if action is Action.VIEW:
            return self.all()
        if persona_in(user, Persona.DIRECTOR):
            return self.all()
        return self.none()


class SiteQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        if is_client(user):
            if action is Action.VIEW:
                return self.filter(contracts__client_id__in=client_organisation_ids(user)).distinct()
            return self.none()
        mine = self.filter(provider_id=user.organisation_id)
        if action is Action.VIEW:
            return mine
        if persona_in(user, Persona.DIRECTOR):
            return mine
        if persona_in(user, Persona.SITE_MANAGER):
            return mine.filter(pk=user.site_id)
        return self.none()


class ProgrammeQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        if is_client(user):
            return self.none()
        mine = self.filter(owner_id=user.organisation_id)
        if action is Action.VIEW:
            return mine
        return mine if persona_in(user, Persona.DIRECTOR) else self.none()


class ObjectiveQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        from servicehub.org.models import Programme

        return self.filter(programme__in=Programme.objects.restrict(user, action))


class WorkingHoursQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        from servicehub.org.models import Site

        # Hours follow their site: provider staff see them, whoever may change the site
        # (its director, its own site manager) changes them. Clients never see a timetable.
        if is_client(user):
            return self.none()
        return self.filter(site__in=Site.objects.restrict(user, action))


class HolidayOverrideQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        from servicehub.org.models import Site

        if is_client(user):
            return self.none()
        own_sites = Q(site__in=Site.objects.restrict(user, action))
        # A country's overrides are a fact about that country (the day Eid was sighted),
        # shared by every site following it: only a director corrects them.
        if action is Action.VIEW or persona_in(user, Persona.DIRECTOR):
            return self.filter(Q(site__isnull=True) | own_sites)
        return self.filter(own_sites)
