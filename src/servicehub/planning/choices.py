from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# A run that no longer moves.
FINISHED = (RunState.DONE, RunState.FAILED, RunState.CANCELLED)


class UnplannedReason(models.TextChoices):
    """Why the solver left an item out (the `reason` of a result's `unplanned` entry, see staffing.md)."""

    NO_ELIGIBLE_SPECIALIST = "no_eligible_specialist", _("Nobody has the skills")
    NO_CAPACITY_IN_WINDOW = "no_capacity_in_window", _("No free hours in time")
    NOT_WORTH_IT = "not_worth_it", _("Costs more than it earns")
    TIME_LIMIT = "time_limit", _("Out of solving time")
