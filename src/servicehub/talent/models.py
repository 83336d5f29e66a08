"""Partner schools and what is done with them, recruitment campaigns, candidates and their stages,
and headcount targets per site."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from servicehub.core.models import TimeStampedModel
from servicehub.org.choices import OrganisationKind
from servicehub.people.choices import Role
from servicehub.talent import cv
from servicehub.talent.choices import CampaignStatus, PartnershipActionKind, Stage
from servicehub.talent.querysets import (
    CampaignPartQuerySet,
    CampaignQuerySet,
    CandidatePartQuerySet,
    CandidateQuerySet,
    HeadcountTargetQuerySet,
    PartnershipPartQuerySet,
    PartnershipQuerySet,
)

LEVELS = [MinValueValidator(1), MaxValueValidator(5)]


class Partnership(TimeStampedModel):
    """The provider's partnership with a school or university (an organisation of kind school)."""

    provider = models.ForeignKey(
        "org.Organisation",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="school_partnerships",
    )
    school = models.ForeignKey(
        "org.Organisation",
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="partnerships",
        limit_choices_to={"kind": OrganisationKind.SCHOOL},
    )
    since = models.DateField(_("partner since"))
    fields = models.CharField(
        _("fields"), max_length=300, blank=True, help_text=_("The school's fields the centre recruits in.")
    )
    note = models.TextField(_("note"), blank=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["school__name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "school"], name="talent_one_partnership_per_school")
        ]

    def __str__(self) -> str:
        return str(self.school)


class PartnershipContact(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    objects = PartnershipPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["partnership", "name", "id"]

    def __str__(self) -> str:
        return self.name


class PartnershipAction(TimeStampedModel):
    """Something done with a school: internships hosted, a recruitment day, a joint project."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("kind"), max_length=20, choices=PartnershipActionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    site = models.ForeignKey(
        "org.Site", verbose_name=_("site"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    people = models.PositiveIntegerField(
        _("people"), default=0, help_text=_("Interns hosted, students met or team size.")
    )
    note = models.TextField(_("note"), blank=True)

    objects = PartnershipPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership action")
        verbose_name_plural = _("partnership actions")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="talent_action_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Campaign(TimeStampedModel):
    """A recruitment campaign: openings for a role at a site, with the skills wanted."""

    provider = models.ForeignKey(
        "org.Organisation", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="campaigns"
    )
    site = models.ForeignKey(
        "org.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="campaigns"
    )
    title = models.CharField(_("title"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    openings = models.PositiveIntegerField(_("openings"), validators=[MinValueValidator(1)])
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    # When the campaign answers a hiring need of the capacity forecast: what the forecast said.
    hiring_need = models.JSONField(_("hiring need"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="talent_campaign_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.title


class CampaignSkill(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="skill_levels")
    skill = models.ForeignKey(
        "people.Skill", verbose_name=_("skill"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("least level"), validators=LEVELS)

    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("skill wanted")
        verbose_name_plural = _("skills wanted")
        ordering = ["campaign", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "skill"], name="talent_campaign_skill_once")
        ]

    def __str__(self) -> str:
        return f"{self.skill} ≥ {self.level}"


class Candidate(TimeStampedModel):
    """Someone who applied to a campaign, and where they are in its pipeline.

    Personal data: names, email, phone and CV are cleared by `servicehub talent purge` once the file
    has been closed for the retention period (`anonymised_at` then says when)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="candidates"
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    school = models.ForeignKey(
        "org.Organisation",
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidates",
        limit_choices_to={"kind": OrganisationKind.SCHOOL},
    )
    graduation_year = models.PositiveSmallIntegerField(
        _("graduation year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.APPLIED)
    applied_on = models.DateField(_("applied on"))
    stage_changed_at = models.DateTimeField(_("stage since"))
    cv = models.FileField(_("CV"), upload_to=cv.stored_path, storage=cv.storage, max_length=200, blank=True)
    cv_name = models.CharField(_("CV file name"), max_length=150, blank=True)
    cv_size = models.PositiveBigIntegerField(_("CV size (bytes)"), null=True, blank=True)
    cv_sha256 = models.CharField(_("CV SHA-256"), max_length=64, blank=True)
    specialist = models.OneToOneField(
        "people.Specialist",
        verbose_name=_("specialist"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidacy",
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["-applied_on", "last_name", "first_name", "id"]
        indexes = [models.Index(fields=["stage", "stage_changed_at"], name="talent_candidate_stage")]

    def __str__(self) -> str:
        # Not the name: this label is copied into the audit log, which the purge cannot reach.
        return gettext("Candidate %(number)s") % {"number": self.pk}

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class CandidateSkill(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="skill_levels")
    skill = models.ForeignKey(
        "people.Skill", verbose_name=_("skill"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("level"), validators=LEVELS)

    objects = CandidatePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidate skill")
        verbose_name_plural = _("candidate skills")
        ordering = ["candidate", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "skill"], name="talent_candidate_skill_once")
        ]

    def __str__(self) -> str:
        return f"{self.skill} {self.level}"


class StageChange(models.Model):
    """One move of a candidate in the pipeline, with who made it and why."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=10, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=10, choices=Stage.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)

    objects = CandidatePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["candidate", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage or '—'} → {self.to_stage}"


class HeadcountTarget(TimeStampedModel):
    """The headcount a site aims at by a date (its plan is the series of them)."""

    site = models.ForeignKey(
        "org.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="headcount_targets"
    )
    on = models.DateField(_("by"))
    headcount = models.PositiveIntegerField(_("headcount"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = HeadcountTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("headcount target")
        verbose_name_plural = _("headcount targets")
        ordering = ["site", "on"]
        constraints = [
            models.UniqueConstraint(fields=["site", "on"], name="talent_one_target_per_site_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.on}: {self.headcount}"
