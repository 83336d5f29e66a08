from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from servicehub.core.choices import Persona
from servicehub.core.tenancy import Action, RestrictedQuerySet, is_client, persona_in

if TYPE_CHECKING:
    from servicehub.core.models import User

# Who may change specialists' records, and whether only at their own site.
_CHANGE_ANY_SITE = (Persona.DIRECTOR, Persona.RESOURCE_MANAGER, Persona.RECRUITER)


class GradeQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        if is_client(user):
            return self.none()
        if action is Action.VIEW or persona_in(user, Persona.DIRECTOR):
            return self.all()
        return self.none()


# Skills are a shared vocabulary with the same rules as grades.
SkillQuerySet = GradeQuerySet


class SpecialistQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        if is_client(user):
            # People are the provider's business; clients buy deliverables.
            return self.none()
        mine = self.filter(site__provider_id=user.organisation_id)
        if action is Action.VIEW:
            if persona_in(user, Persona.SITE_MANAGER, Persona.SPECIALIST):
                return mine.filter(site_id=user.site_id)
            return mine
        if persona_in(user, *_CHANGE_ANY_SITE):
            return mine
        if persona_in(user, Persona.SITE_MANAGER):
            return mine.filter(site_id=user.site_id)
        return self.none()


class SpecialistSkillQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        from servicehub.people.models import Specialist

        return self.filter(specialist__in=Specialist.objects.restrict(user, action))


class AbsenceQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        from servicehub.people.models import Specialist

        if persona_in(user, Persona.SPECIALIST):
            # A specialist records their own absences and no one else's.
            return self.filter(specialist_id=user.specialist_id)
        return self.filter(specialist__in=Specialist.objects.restrict(user, action))
