from django.db import models
from django.utils.translation import gettext_lazy as _


class DemandState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    QUOTED = "quoted", _("Quoted")
    ORDERED = "ordered", _("Ordered")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    REWORK = "rework", _("In rework")
    INVOICED = "invoiced", _("Invoiced")
    CANCELLED = "cancelled", _("Cancelled")


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class InvoiceLineKind(models.TextChoices):
    DELIVERABLE = "deliverable", _("Accepted deliverable")
    PENALTY = "penalty", _("Service-level penalty")
    CORRECTION = "correction", _("Correction")
