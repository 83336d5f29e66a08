from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PartnershipActionKind(models.TextChoices):
    INTERNSHIPS = "internships", _("Internships")
    RECRUITMENT_DAY = "recruitment_day", _("Recruitment day")
    PROJECT = "project", _("Joint project")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Stage(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SCREENED = "screened", _("Screened")
    INTERVIEW = "interview", _("Interview")
    OFFER = "offer", _("Offer")
    HIRED = "hired", _("Hired")
    REJECTED = "rejected", pgettext_lazy("candidate stage", "Rejected")
    WITHDREW = "withdrew", _("Withdrew")


#: The pipeline in order: a candidate moves one step forward at a time.
PIPELINE = (Stage.APPLIED, Stage.SCREENED, Stage.INTERVIEW, Stage.OFFER, Stage.HIRED)
#: Where a candidate's file ends.
ENDED = frozenset({Stage.HIRED, Stage.REJECTED, Stage.WITHDREW})
