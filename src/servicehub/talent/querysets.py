"""Who sees the recruiting pipeline. Candidates are personal data (Morocco's law 09-08): only the
provider's recruiters and the managers of the candidate's site reach them, never a client, a
specialist, a director or another site's manager."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from servicehub.core.choices import Persona
from servicehub.core.tenancy import Action, RestrictedQuerySet, persona_in

if TYPE_CHECKING:
    from servicehub.core.models import User

#: Who reads partnerships and campaigns (the staff who plan and hire), and who changes them.
TALENT_READERS = (
    Persona.DIRECTOR,
    Persona.SITE_MANAGER,
    Persona.RECRUITER,
    Persona.RESOURCE_MANAGER,
    Persona.DELIVERY_LEAD,
)
PARTNERSHIP_EDITORS = (Persona.DIRECTOR, Persona.RECRUITER)
CAMPAIGN_EDITORS = (Persona.DIRECTOR, Persona.RECRUITER, Persona.SITE_MANAGER)
#: Who reads headcount and its targets, and who sets the targets (a site manager, their site's).
HEADCOUNT_READERS = TALENT_READERS
HEADCOUNT_EDITORS = (Persona.DIRECTOR, Persona.SITE_MANAGER)


class PartnershipQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        allowed = TALENT_READERS if action is Action.VIEW else PARTNERSHIP_EDITORS
        if persona_in(user, *allowed):
            return self.filter(provider_id=user.organisation_id)
        return self.none()


class PartnershipPartQuerySet(RestrictedQuerySet[Any]):
    """Contacts and actions: seen and changed with their partnership."""

    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        from servicehub.talent.models import Partnership

        return self.filter(partnership__in=Partnership.objects.restrict(user, action))


class CampaignQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        mine = self.filter(provider_id=user.organisation_id)
        if persona_in(user, Persona.SITE_MANAGER):
            return mine.filter(site_id=user.site_id)
        if persona_in(user, *(TALENT_READERS if action is Action.VIEW else CAMPAIGN_EDITORS)):
            return mine
        return self.none()


class CampaignPartQuerySet(RestrictedQuerySet[Any]):
    """The skills a campaign wants: seen and changed with it."""

    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        from servicehub.talent.models import Campaign

        return self.filter(campaign__in=Campaign.objects.restrict(user, action))


class CandidateQuerySet(RestrictedQuerySet[Any]):
    """The same rule to read and to change: recruiters, and the managers of the campaign's site."""

    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        mine = self.filter(campaign__provider_id=user.organisation_id)
        if persona_in(user, Persona.RECRUITER):
            return mine
        if persona_in(user, Persona.SITE_MANAGER) and user.site_id is not None:
            return mine.filter(campaign__site_id=user.site_id)
        return self.none()


class CandidatePartQuerySet(RestrictedQuerySet[Any]):
    """Stage history and skills: seen with their candidate."""

    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        from servicehub.talent.models import Candidate

        return self.filter(candidate__in=Candidate.objects.restrict(user, action))


class HeadcountTargetQuerySet(RestrictedQuerySet[Any]):
    def scope(self, user: User, action: Action) -> QuerySet[Any]:
        mine = self.filter(site__provider_id=user.organisation_id)
        if action is Action.VIEW:
            return mine if persona_in(user, *HEADCOUNT_READERS) else self.none()
        if persona_in(user, Persona.DIRECTOR):
            return mine
        if persona_in(user, Persona.SITE_MANAGER):
            return mine.filter(site_id=user.site_id)
        return self.none()
