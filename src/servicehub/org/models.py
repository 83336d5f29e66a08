"""Organisations (group, provider, clients, schools, public bodies), sites, programmes."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from servicehub.core.models import TimeStampedModel
from servicehub.org.choices import (
    HolidayCountry,
    HolidayOverrideKind,
    ObjectiveMetric,
    OrganisationKind,
    Weekday,
)
from servicehub.org.querysets import (
    HolidayOverrideQuerySet,
    ObjectiveQuerySet,
    OrganisationQuerySet,
    ProgrammeQuerySet,
    SiteQuerySet,
    WorkingHoursQuerySet,
)

MIDNIGHT = dt.time(0)


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
    holiday_country = models.CharField(
        _("public holidays of"),
        max_length=2,
        choices=HolidayCountry.choices,
        default=HolidayCountry.MOROCCO,
        help_text=_("The country whose public holidays stop the site's SLA clocks."),
    )

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


class WorkingHours(TimeStampedModel):
    """One working interval of a site on a weekday, in the site's local time.

    Rows without dates make the site's usual week. Rows sharing the same
    `valid_from`/`valid_until` make a period (reduced hours during Ramadan, a
    summer timetable) that replaces the whole usual week on those dates: a
    weekday the period does not list is closed. A site without usual rows works
    Monday to Friday, 09:00-13:00 and 14:00-18:00.
    """

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="working_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"), help_text=_("00:00 means midnight, at the end of the day."))
    valid_from = models.DateField(
        _("valid from"),
        null=True,
        blank=True,
        help_text=_("Leave both dates empty for the usual week; give both for a period such as Ramadan."),
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = WorkingHoursQuerySet.as_manager()

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["site", "valid_from", "weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")) | Q(ends_at=MIDNIGHT),
                name="working_hours_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True, valid_until__isnull=True)
                | Q(valid_from__isnull=False, valid_until__gte=F("valid_from")),
                name="working_hours_period_dates",
            ),
        ]

    def __str__(self) -> str:
        hours = f"{self.site} {self.get_weekday_display()} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"
        if self.valid_from is None:
            return hours
        return f"{hours} ({self.valid_from} - {self.valid_until})"

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.starts_at is not None and self.starts_at.microsecond:
            errors["starts_at"] = ValidationError(_("Give the time to the second at most."))
        if self.ends_at is not None and self.ends_at.microsecond:
            errors["ends_at"] = ValidationError(_("Give the time to the second at most."))
        if (
            self.starts_at is not None
            and self.ends_at is not None
            and self.ends_at != MIDNIGHT
            and self.ends_at <= self.starts_at
        ):
            errors["ends_at"] = ValidationError(
                _("The end must be after the start (00:00 means midnight, at the end of the day).")
            )
        if self.valid_from is None and self.valid_until is not None:
            errors["valid_from"] = ValidationError(_("Give both dates of the period, or neither."))
        elif self.valid_until is None and self.valid_from is not None:
            errors["valid_until"] = ValidationError(_("Give both dates of the period, or neither."))
        elif (
            self.valid_from is not None
            and self.valid_until is not None
            and self.valid_until < self.valid_from
        ):
            errors["valid_until"] = ValidationError(_("The period must end on or after its first day."))
        if not errors and self.site_id is not None:
            errors.update(self._conflicts())
        if errors:
            raise ValidationError(errors)

    def _conflicts(self) -> dict[str, ValidationError]:
        others = WorkingHours.objects.filter(site_id=self.site_id).exclude(pk=self.pk)
        same_week = others.filter(valid_from=self.valid_from, valid_until=self.valid_until)
        for other in same_week.filter(weekday=self.weekday):
            if _overlap(self.starts_at, self.ends_at, other.starts_at, other.ends_at):
                return {
                    "starts_at": ValidationError(
                        _("These hours overlap %(start)s-%(end)s on the same day."),
                        params={"start": f"{other.starts_at:%H:%M}", "end": f"{other.ends_at:%H:%M}"},
                    )
                }
        if self.valid_from is not None and self.valid_until is not None:
            clash = (
                others.filter(valid_from__lte=self.valid_until, valid_until__gte=self.valid_from)
                .exclude(valid_from=self.valid_from, valid_until=self.valid_until)
                .first()
            )
            if clash is not None:
                return {
                    "valid_from": ValidationError(
                        _("These dates overlap another period of hours of the site (%(start)s to %(end)s)."),
                        params={"start": clash.valid_from, "end": clash.valid_until},
                    )
                }
        return {}


def _overlap(start: dt.time, end: dt.time, other_start: dt.time, other_end: dt.time) -> bool:
    """Whether two same-day intervals share a moment; an end of 00:00 is midnight at the end of the day."""
    end_of_day = dt.time.max
    return start < (other_end if other_end != MIDNIGHT else end_of_day) and other_start < (
        end if end != MIDNIGHT else end_of_day
    )


class HolidayOverride(TimeStampedModel):
    """A correction to the public holidays the `holidays` library gives.

    For a country (every site following its holidays) or for one site. Islamic
    holidays move with the moon sighting: when the library's estimate of Eid is
    a day early, remove the estimated day and add the real one. A site's own
    override wins over its country's on the same date.
    """

    country = models.CharField(
        _("country"),
        max_length=2,
        choices=HolidayCountry.choices,
        blank=True,
        help_text=_("Every site following this country's holidays. Leave empty for a single site."),
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.CASCADE,
        related_name="holiday_overrides",
        null=True,
        blank=True,
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=HolidayOverrideKind.choices)

    objects = HolidayOverrideQuerySet.as_manager()

    class Meta:
        verbose_name = _("holiday override")
        verbose_name_plural = _("holiday overrides")
        ordering = ["date", "country", "site"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(site__isnull=True) & ~Q(country="")) | (Q(site__isnull=False) & Q(country="")),
                name="holiday_override_country_or_site",
            ),
            models.UniqueConstraint(
                fields=["country", "date"],
                condition=Q(site__isnull=True),
                name="holiday_override_unique_country_date",
            ),
            models.UniqueConstraint(
                fields=["site", "date"],
                condition=Q(site__isnull=False),
                name="holiday_override_unique_site_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name} ({self.get_kind_display()}, {self.site or self.country})"

    def clean(self) -> None:
        if self.site_id is not None and self.country:
            raise ValidationError({"country": _("Give a country or a site, not both.")})
        if self.site_id is None and not self.country:
            raise ValidationError({"country": _("Give a country or a site.")})
        same = HolidayOverride.objects.filter(date=self.date).exclude(pk=self.pk)
        same = (
            same.filter(site_id=self.site_id)
            if self.site_id
            else same.filter(site__isnull=True, country=self.country)
        )
        if self.date is not None and same.exists():
            raise ValidationError({"date": _("There is already an override on this date.")})
