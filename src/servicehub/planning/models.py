"""Plan runs (the solver's work on one instance), scenarios (what-if copies) and assignments (who works
on which demand in which week)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from servicehub.core.models import TimeStampedModel
from servicehub.planning.choices import RunState
from servicehub.planning.querysets import AssignmentQuerySet, PlanRunQuerySet, ScenarioQuerySet


class Scenario(TimeStampedModel):
    """A what-if: a plan run's inputs, changed (extra hires, a site closed, a client's demand doubled)."""

    provider = models.ForeignKey(
        "org.Organisation", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="scenarios"
    )
    name = models.CharField(_("name"), max_length=150)
    base_run = models.ForeignKey(
        "PlanRun",
        verbose_name=_("compared with"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scenarios",
    )
    # The changes, in order, as the scenarios module reads them (see planning/scenarios.py).
    changes = models.JSONField(_("changes"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScenarioQuerySet.as_manager()

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class PlanRun(TimeStampedModel):
    """One solve of the staffing problem, as a background job: queued, running (with its progress), done."""

    provider = models.ForeignKey(
        "org.Organisation", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="plan_runs"
    )
    site = models.ForeignKey(
        "org.Site",
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_runs",
        help_text=_("Empty: every site of the provider."),
    )
    scenario = models.ForeignKey(
        Scenario,
        verbose_name=_("scenario"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="runs",
    )
    starts_on = models.DateField(_("first week"), help_text=_("The Monday of the plan's first week."))
    weeks = models.PositiveSmallIntegerField(
        _("weeks"), validators=[MinValueValidator(1), MaxValueValidator(104)], default=26
    )
    time_limit = models.PositiveIntegerField(
        _("time limit (seconds)"), validators=[MinValueValidator(1), MaxValueValidator(3600)], default=30
    )
    state = models.CharField(
        _("state"), max_length=12, choices=RunState.choices, default=RunState.QUEUED, db_index=True
    )
    progress = models.FloatField(_("progress"), default=0.0)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The instance solved and the solver's result, in the servicehub-staffing formats.
    instance = models.JSONField(_("instance"), null=True, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    # How the instance's ids map back:
    # {"specialists": {id: pk}, "items": {id: demand pk}, "weeks": [Monday of each week, ISO]}.
    keys = models.JSONField(_("keys"), default=dict, blank=True)
    objective = models.DecimalField(_("objective"), max_digits=18, decimal_places=2, null=True, blank=True)
    bound = models.DecimalField(_("proven bound"), max_digits=18, decimal_places=2, null=True, blank=True)
    planned_items = models.PositiveIntegerField(_("planned demands"), null=True, blank=True)
    unplanned_items = models.PositiveIntegerField(_("unplanned demands"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PlanRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan run")
        verbose_name_plural = _("plan runs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=1), name="plan_run_progress_0_1"
            )
        ]

    def __str__(self) -> str:
        return gettext("Plan run no. %(number)s (%(weeks)s weeks from %(day)s)") % {
            "number": self.pk,
            "weeks": self.weeks,
            "day": date_format(self.starts_on, "SHORT_DATE_FORMAT"),
        }

    @property
    def gap_percent(self) -> float | None:
        if self.objective is None or self.bound is None or self.bound <= 0:
            return None
        return float((self.bound - self.objective) / self.bound * 100)


class Assignment(TimeStampedModel):
    """Hours of one specialist on one demand in one week. Pinned work stays when the plan is run again."""

    demand = models.ForeignKey(
        "demands.Demand", verbose_name=_("demand"), on_delete=models.CASCADE, related_name="assignments"
    )
    specialist = models.ForeignKey(
        "people.Specialist",
        verbose_name=_("specialist"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    week_start = models.DateField(_("week of"), db_index=True)
    hours = models.PositiveSmallIntegerField(
        _("hours"), validators=[MinValueValidator(1), MaxValueValidator(168)]
    )
    pinned = models.BooleanField(
        _("pinned"), default=False, help_text=_("Set by hand: replanning keeps it as it is.")
    )
    plan_run = models.ForeignKey(
        PlanRun,
        verbose_name=_("from plan run"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["week_start", "specialist", "demand"]
        constraints = [
            # One planned and one pinned row at most: a plan may add hours beside work pinned by hand.
            models.UniqueConstraint(
                fields=["demand", "specialist", "week_start", "pinned"], name="assignment_once_per_week"
            ),
            models.CheckConstraint(condition=Q(hours__gte=1), name="assignment_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.specialist_id} → {self.demand_id} ({self.week_start}, {self.hours} h)"
