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
