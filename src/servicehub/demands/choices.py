from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DemandState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("demand state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("demand state", "Submitted")
    QUOTED = "quoted", pgettext_lazy("demand state", "Quoted")
    ORDERED = "ordered", pgettext_lazy("demand state", "Ordered")
    PLANNED = "planned", pgettext_lazy("demand state", "Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("demand state", "In progress")
    DELIVERED = "delivered", pgettext_lazy("demand state", "Delivered")
    ACCEPTED = "accepted", pgettext_lazy("demand state", "Accepted")
    REJECTED = "rejected", pgettext_lazy("demand state", "Rejected")
    REWORK = "rework", pgettext_lazy("demand state", "In rework")
    INVOICED = "invoiced", pgettext_lazy("demand state", "Invoiced")
    CANCELLED = "cancelled", pgettext_lazy("demand state", "Cancelled")


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
    EARN_BACK = "earn_back", _("Penalty earned back")
    CORRECTION = "correction", _("Correction")


class DemandSource(models.TextChoices):
    """Where a demand was opened: here, or in a client's ticketing tool whose history was imported."""

    SERVICEHUB = "servicehub", _("servicehub")
    SERVICENOW = "servicenow", _("ServiceNow")


class Priority(models.IntegerChoices):
    """ServiceNow's incident priority (from impact and urgency), 1 being the most urgent."""

    CRITICAL = 1, _("1 - Critical")
    HIGH = 2, _("2 - High")
    MODERATE = 3, _("3 - Moderate")
    LOW = 4, _("4 - Low")


class ImportProblem(models.TextChoices):
    """Why a row of an imported file was skipped."""

    EMPTY_LINE = "empty_line", _("Empty line")
    COLUMN_COUNT = "column_count", _("Wrong number of columns")
    MISSING_NUMBER = "missing_number", _("Missing incident number")
    BAD_NUMBER = "bad_number", _("Malformed incident number")
    UNKNOWN_STATE = "unknown_state", _("Unknown incident state")
    BAD_SEQUENCE = "bad_sequence", _("Malformed modification count")
    DUPLICATE_SEQUENCE = "duplicate_sequence", _("Modification count repeated within the incident")
    MISSING_DATE = "missing_date", _("Missing update time")
    BAD_DATE = "bad_date", _("Malformed date")
    BAD_PRIORITY = "bad_priority", _("Malformed priority")


class ClockState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    STOPPED = "stopped", _("Stopped")
