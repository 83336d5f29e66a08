"""Service lines, work units and their effort charts, versioned price lists."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.querysets import (
    PriceListQuerySet,
    PriceListVersionQuerySet,
    ServiceLineQuerySet,
    WorkUnitQuerySet,
)
from servicehub.core.choices import Currency
from servicehub.core.models import TimeStampedModel


class ServiceLine(TimeStampedModel):
    provider = models.ForeignKey(
        "org.Organisation", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="service_lines"
    )
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=150)

    objects = ServiceLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("service line")
        verbose_name_plural = _("service lines")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkUnit(TimeStampedModel):
    """A deliverable sold by the unit (unité d'œuvre), in four complexity grades."""

    service_line = models.ForeignKey(
        ServiceLine, verbose_name=_("service line"), on_delete=models.PROTECT, related_name="work_units"
    )
    code = models.CharField(_("code"), max_length=30, unique=True)
    deliverable = models.CharField(_("deliverable"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    objects = WorkUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("work unit")
        verbose_name_plural = _("work units")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.deliverable}"


class WorkUnitEffort(models.Model):
    """The effort chart (abaque): hours of work for one grade of a work unit."""

    work_unit = models.ForeignKey(WorkUnit, on_delete=models.CASCADE, related_name="efforts")
    complexity = models.CharField(_("complexity"), max_length=20, choices=Complexity.choices)
    hours = models.DecimalField(
        _("effort (hours)"), max_digits=7, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )

    class Meta:
        verbose_name = _("effort")
        verbose_name_plural = _("efforts")
        constraints = [
            models.UniqueConstraint(fields=["work_unit", "complexity"], name="one_effort_per_grade"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="effort_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.work_unit_id}/{self.complexity}: {self.hours} h"


class WorkUnitSkill(models.Model):
    """A skill the work unit needs, and the least level of it; a complex grade asks one level more."""

    work_unit = models.ForeignKey(WorkUnit, on_delete=models.CASCADE, related_name="skill_requirements")
    skill = models.ForeignKey(
        "people.Skill", verbose_name=_("skill"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(
        _("least level"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("required skill")
        verbose_name_plural = _("required skills")
        ordering = ["work_unit", "-level", "skill"]
        constraints = [
            models.UniqueConstraint(fields=["work_unit", "skill"], name="work_unit_skill_once"),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=5), name="work_unit_skill_level_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_unit_id}: {self.skill_id} ≥ {self.level}"


class PriceList(TimeStampedModel):
    provider = models.ForeignKey(
        "org.Organisation", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="price_lists"
    )
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=150)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)

    objects = PriceListQuerySet.as_manager()

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PriceListVersion(TimeStampedModel):
    """A frozen set of prices; quotes and contracts point at a version, never at the list."""

    price_list = models.ForeignKey(
        PriceList, verbose_name=_("price list"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = PriceListVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("price list version")
        verbose_name_plural = _("price list versions")
        ordering = ["price_list", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["price_list", "number"], name="price_list_version_once"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="version_valid_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.price_list.name} v{self.number}"


class Price(models.Model):
    version = models.ForeignKey(PriceListVersion, on_delete=models.CASCADE, related_name="prices")
    work_unit = models.ForeignKey(
        WorkUnit, verbose_name=_("work unit"), on_delete=models.PROTECT, related_name="prices"
    )
    complexity = models.CharField(_("complexity"), max_length=20, choices=Complexity.choices)
    unit_price = models.DecimalField(
        _("unit price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        ordering = ["work_unit__code", "complexity"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "work_unit", "complexity"], name="one_price_per_grade"
            ),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.work_unit_id}/{self.complexity}: {self.unit_price}"
