from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    GROUP = "group", _("Group")
    PROVIDER = "provider", _("Provider subsidiary")
    CLIENT = "client", _("Client")
    BUSINESS_UNIT = "business_unit", _("Business unit")
    SCHOOL = "school", _("School or university")
    PUBLIC_BODY = "public_body", _("Public body")


class ObjectiveMetric(models.TextChoices):
    JOBS_CREATED = "jobs_created", _("Jobs created")
    PROJECTS_DELIVERED = "projects_delivered", _("Projects delivered")
    SPECIALISTS_TRAINED = "specialists_trained", _("Specialists trained")
    REVENUE = "revenue", _("Revenue")


class HolidayCountry(models.TextChoices):
    """Countries whose public holidays a site can follow (from the `holidays` library)."""

    MOROCCO = "MA", _("Morocco")
    FRANCE = "FR", _("France")


class HolidayOverrideKind(models.TextChoices):
    ADD = "add", _("Day off added")
    REMOVE = "remove", _("Holiday cancelled (worked)")


class Weekday(models.IntegerChoices):
    # Python's numbering (date.weekday()): Monday is 0.
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
