"""Roles, grades, skills, specialists and their absences."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from servicehub.core.choices import Currency
from servicehub.core.models import TimeStampedModel
from servicehub.people.choices import AbsenceKind, Role, SkillFamily
from servicehub.people.querysets import (
    AbsenceQuerySet,
    GradeQuerySet,
    SkillQuerySet,
    SpecialistQuerySet,
    SpecialistSkillQuerySet,
)


class Grade(TimeStampedModel):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 is the most junior."))

    objects = GradeQuerySet.as_manager()

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class Skill(TimeStampedModel):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    family = models.CharField(_("family"), max_length=20, choices=SkillFamily.choices)

    objects = SkillQuerySet.as_manager()

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["family", "name"]

    def __str__(self) -> str:
        return self.name


class Specialist(TimeStampedModel):
    employee_number = models.CharField(_("employee number"), max_length=20, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    site = models.ForeignKey(
        "org.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="specialists"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    grade = models.ForeignKey(
        Grade, verbose_name=_("grade"), on_delete=models.PROTECT, related_name="specialists"
    )
    skills: models.ManyToManyField[Skill, SpecialistSkill] = models.ManyToManyField(
        Skill, through="SpecialistSkill", related_name="specialists"
    )
    weekly_hours = models.DecimalField(
        _("weekly hours"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("44.0"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("60"))],
    )
    hourly_cost = models.DecimalField(
        _("hourly cost"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    cost_currency = models.CharField(_("cost currency"), max_length=3, choices=Currency.choices)
    hired_on = models.DateField(_("hired on"))
    school = models.ForeignKey(
        "org.Organisation",
        verbose_name=_("school of origin"),
        on_delete=models.PROTECT,
        related_name="alumni",
        null=True,
        blank=True,
    )
    active = models.BooleanField(_("active"), default=True, db_index=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = SpecialistQuerySet.as_manager()

    class Meta:
        verbose_name = _("specialist")
        verbose_name_plural = _("specialists")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class SpecialistSkill(models.Model):
    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="skill_levels")
    skill = models.ForeignKey(Skill, verbose_name=_("skill"), on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(
        _("level"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (notions) to 5 (expert)"),
    )

    objects = SpecialistSkillQuerySet.as_manager()

    class Meta:
        verbose_name = _("skill level")
        verbose_name_plural = _("skill levels")
        constraints = [
            models.UniqueConstraint(fields=["specialist", "skill"], name="specialist_skill_once"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="skill_level_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.level})"


class Absence(TimeStampedModel):
    specialist = models.ForeignKey(
        Specialist, verbose_name=_("specialist"), on_delete=models.CASCADE, related_name="absences"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AbsenceKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = AbsenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="absence_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.specialist} {self.starts_on} to {self.ends_on}"
