from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceLevelKind(models.TextChoices):
    RESPONSE_TIME = "response_time", _("Response time")
    RESOLUTION_TIME = "resolution_time", _("Resolution time")
    ON_TIME_DELIVERY = "on_time_delivery", _("On-time delivery rate")
    FIRST_TIME_ACCEPTANCE = "first_time_acceptance", _("First-time acceptance rate")
    AVAILABILITY = "availability", _("Availability")


class Comparison(models.TextChoices):
    AT_MOST = "at_most", _("at most")
    AT_LEAST = "at_least", _("at least")


class MeasureUnit(models.TextChoices):
    BUSINESS_HOURS = "business_hours", _("business hours")
    PERCENT = "percent", _("percent")


class MeasurementWindow(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
