"""Organisations (group, provider, clients, schools, public bodies), sites, programmes."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehub.core.models import TimeStampedModel
from servicehub.org.choices import ObjectiveMetric, OrganisationKind
from servicehub.org.querysets import ObjectiveQuerySet, OrganisationQuerySet, ProgrammeQuerySet, SiteQuerySet


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("Unknown time zone: %(tz)s"), params={"tz": value}) from None


class Organisation(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
    )
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code"))
    city = models.CharField(_("city"), max_length=100, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(TimeStampedModel):
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="sites",
        limit_choices_to={"kind": OrganisationKind.PROVIDER},
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    city = models.CharField(_("city"), max_length=100)
    address = models.CharField(_("address"), max_length=250, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])
    opened_on = models.DateField(_("opened on"))
    seats = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["opened_on", "name"]

    def __str__(self) -> str:
        return self.name


class Programme(TimeStampedModel):
    """A programme the centres contribute to, e.g. a national digital plan."""

    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("reporting organisation"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    sponsor = models.ForeignKey(
        Organisation,
        verbose_name=_("sponsor"),
        on_delete=models.PROTECT,
        related_name="sponsored_programmes",
        null=True,
        blank=True,
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["starts_on", "name"]

    def __str__(self) -> str:
        return self.name


class Objective(TimeStampedModel):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="objectives"
    )
    metric = models.CharField(_("metric"), max_length=32, choices=ObjectiveMetric.choices)
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objectives",
    )
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    due_on = models.DateField(_("due on"))
    label = models.CharField(_("label"), max_length=200)

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["due_on", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "metric", "site", "due_on"], name="objective_unique_target"
            )
        ]

    def __str__(self) -> str:
        return self.label
