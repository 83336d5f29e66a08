"""Who sees plans: the provider's planning staff. Clients buy deliverables, not people's weeks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from servicehub.core.choices import Persona
from servicehub.core.tenancy import Action, RestrictedQuerySet, persona_in

if TYPE_CHECKING:
    from servicehub.core.models import User

# Who reads plans and scenarios, and who runs, accepts and pins.
PLAN_READERS = (Persona.DIRECTOR, Persona.DELIVERY_LEAD, Persona.RESOURCE_MANAGER, Persona.SITE_MANAGER)
PLANNERS = (Persona.DIRECTOR, Persona.DELIVERY_LEAD, Persona.RESOURCE_MANAGER)


class PlanRunQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        mine = self.filter(provider_id=user.organisation_id)
        if action is Action.VIEW and persona_in(user, Persona.SITE_MANAGER):
            # Runs of the manager's site, and runs of every site (which include it).
            return mine.filter(Q(site_id=user.site_id) | Q(site__isnull=True))
        if persona_in(user, *(PLAN_READERS if action is Action.VIEW else PLANNERS)):
            return mine
        return self.none()


class ScenarioQuerySet(RestrictedQuerySet[Any]):
    """A scenario has no site: the planning staff see the provider's, site managers included."""

    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        if persona_in(user, *(PLAN_READERS if action is Action.VIEW else PLANNERS)):
            return self.filter(provider_id=user.organisation_id)
        return self.none()


class AssignmentQuerySet(RestrictedQuerySet[Any]):
    """An assignment is seen with its specialist; a specialist sees their own work."""

    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        from servicehub.people.models import Specialist

        if action is Action.VIEW and persona_in(user, Persona.SPECIALIST):
            return self.filter(specialist_id=user.specialist_id)
        if not persona_in(user, *(PLAN_READERS if action is Action.VIEW else PLANNERS)):
            return self.none()
        return self.filter(specialist__in=Specialist.objects.restrict(user, Action.VIEW))
