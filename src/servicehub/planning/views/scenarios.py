"""Scenario pages: the list with a creation form (one small form per kind of change), one scenario's
page (its changes in words, its runs, the side-by-side comparison with its base run) and running it.

Views parse and render; `do_create_scenario` and `do_request_plan_run` check who may and what is valid.
"""

# ruff: noqa: RUF001, RUF003 (× is the right sign)
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from servicehub.core import clock
from servicehub.core.http import AuthenticatedRequest
from servicehub.core.models import User
from servicehub.core.tenancy import Action, get_visible_or_404, persona_in
from servicehub.demands.models import Demand
from servicehub.org.models import Organisation, Site
from servicehub.people.models import Skill, Specialist
from servicehub.planning.actions import PLANNABLE, do_request_plan_run
from servicehub.planning.adapter import json_number, monday_of
from servicehub.planning.choices import RunState, UnplannedReason
from servicehub.planning.models import PlanRun, Scenario
from servicehub.planning.querysets import PLAN_READERS, PLANNERS
from servicehub.planning.scenario_actions import do_create_scenario
from servicehub.planning.scenarios import compare


def _first_week(scenario_base: PlanRun | None) -> dt.date:
    """Week numbers in a scenario count from its base run's first week, else from this week."""
    return scenario_base.starts_on if scenario_base is not None else monday_of(clock.localdate())


def _week(day: dt.date, first: dt.date) -> int:
    return max(0, (monday_of(day) - first).days // 7)


class ScenarioForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    base_run = forms.ModelChoiceField(
        PlanRun.objects.none(), required=False, label=gettext_lazy("Compared with the plan run")
    )
    # +N people
    add = forms.BooleanField(required=False, label=gettext_lazy("Hire people"))
    add_count = forms.IntegerField(required=False, min_value=1, max_value=500, label=gettext_lazy("How many"))
    add_site = forms.ModelChoiceField(Site.objects.none(), required=False, label=gettext_lazy("Site"))
    add_skill = forms.ModelChoiceField(Skill.objects.none(), required=False, label=gettext_lazy("Skill"))
    add_level = forms.IntegerField(
        required=False, min_value=1, max_value=5, initial=3, label=gettext_lazy("Level")
    )
    add_from = forms.DateField(
        required=False, label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    add_hours = forms.DecimalField(
        required=False, min_value=1, max_value=60, initial=44, label=gettext_lazy("Weekly hours")
    )
    add_cost = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        initial=180,
        label=gettext_lazy("Hourly cost"),
    )
    # a site closed
    close = forms.BooleanField(required=False, label=gettext_lazy("Close a site"))
    close_site = forms.ModelChoiceField(Site.objects.none(), required=False, label=gettext_lazy("Site"))
    close_from = forms.DateField(
        required=False, label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    close_to = forms.DateField(
        required=False, label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    # a client's demand scaled
    scale = forms.BooleanField(required=False, label=gettext_lazy("Scale a client's demand"))
    scale_client = forms.ModelChoiceField(
        Organisation.objects.none(), required=False, label=gettext_lazy("Client")
    )
    scale_factor = forms.DecimalField(
        required=False, min_value=Decimal("0.1"), max_value=10, decimal_places=2, label=gettext_lazy("Factor")
    )
    # people leaving
    remove = forms.BooleanField(required=False, label=gettext_lazy("People leave"))
    remove_people = forms.ModelMultipleChoiceField(
        Specialist.objects.none(), required=False, label=gettext_lazy("Who")
    )

    REQUIRED = {
        "add": ("add_count", "add_site", "add_hours", "add_cost"),
        "close": ("close_site", "close_from", "close_to"),
        "scale": ("scale_client", "scale_factor"),
        "remove": ("remove_people",),
    }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sites = (
            Site.objects.restrict(user, Action.VIEW).filter(provider_id=user.organisation_id).order_by("code")
        )
        choices: dict[str, Any] = {
            "base_run": PlanRun.objects.restrict(user, Action.VIEW).filter(scenario__isnull=True),
            "add_site": sites,
            "close_site": sites,
            "add_skill": Skill.objects.restrict(user, Action.VIEW),
            "scale_client": Organisation.objects.restrict(user, Action.VIEW)
            .filter(client_contracts__provider_id=user.organisation_id)
            .distinct(),
            "remove_people": Specialist.objects.restrict(user, Action.VIEW).filter(active=True),
        }
        for name, queryset in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
        self.user = user

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        for kind, needed in self.REQUIRED.items():
            if data.get(kind):
                for name in needed:
                    if data.get(name) in (None, "", []):
                        self.add_error(name, _("Required for this change."))
        if not any(data.get(kind) for kind in self.REQUIRED):
            raise ValidationError(_("Choose at least one change."))
        return data

    def changes(self) -> list[dict[str, Any]]:
        """The ticked changes in the scenarios module's format."""
        data = self.cleaned_data
        first = _first_week(data.get("base_run"))
        changes: list[dict[str, Any]] = []
        if data.get("add"):
            change: dict[str, Any] = {
                "kind": "add_specialists",
                "count": data["add_count"],
                "site": data["add_site"].code,
                "skills": {data["add_skill"].code: data["add_level"] or 3} if data.get("add_skill") else {},
                "hours": json_number(data["add_hours"]),
                "cost_per_hour": json_number(data["add_cost"]),
            }
            if data.get("add_from"):
                change["from_week"] = _week(data["add_from"], first)
            changes.append(change)
        if data.get("close"):
            changes.append(
                {
                    "kind": "close_site",
                    "site": data["close_site"].code,
                    "from_week": _week(data["close_from"], first),
                    "to_week": _week(data["close_to"], first),
                }
            )
        if data.get("scale"):
            client: Organisation = data["scale_client"]
            demands = Demand.objects.restrict(self.user, Action.VIEW).filter(
                contract__client__in=[client.pk, *client.children.values_list("pk", flat=True)]
            )
            base: PlanRun | None = data.get("base_run")
            if base is not None:
                demands = demands.filter(pk__in=set((base.keys or {}).get("items", {}).values()))
            else:
                demands = demands.filter(state__in=PLANNABLE)
            items = sorted(demands.values_list("reference", flat=True))
            if not items:
                self.add_error("scale_client", _("This client has no demand to plan."))
            changes.append(
                {"kind": "scale_demand", "items": items, "factor": json_number(data["scale_factor"])}
            )
        if data.get("remove"):
            people = sorted(s.employee_number for s in data["remove_people"])
            changes.append({"kind": "remove_specialists", "specialists": people})
        return changes


def _ensure_reader(user: User) -> None:
    if not persona_in(user, *PLAN_READERS):
        raise PermissionDenied(_("Scenarios are for the provider's planning staff."))


@login_required
def scenario_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    _ensure_reader(user)
    may_create = persona_in(user, *PLANNERS)
    form = ScenarioForm(request.POST or None, user=user) if may_create else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("You may not open scenarios."))
        if form.is_valid():
            changes = form.changes()
            if form.is_valid():  # changes() may add an error
                try:
                    scenario = do_create_scenario(
                        provider=user.organisation,
                        name=form.cleaned_data["name"],
                        base_run=form.cleaned_data["base_run"],
                        changes=changes,
                        actor=user,
                    )
                except ValidationError as error:
                    form.add_error(None, error.messages)
                else:
                    return redirect("planning:scenario-detail", pk=scenario.pk)
    scenarios = Scenario.objects.restrict(user, Action.VIEW).select_related("base_run", "created_by")
    return render(
        request,
        "planning/scenario_list.html",
        {"scenarios": scenarios, "form": form, "status": 400 if request.method == "POST" else 200},
        status=400 if request.method == "POST" else 200,
    )


def describe(change: dict[str, Any], first: dt.date | None, sites: Mapping[str, str] | None = None) -> str:
    """A change in words, sites by their name (`sites`: code → name) and weeks by their Monday."""
    names = sites or {}

    def week(n: int) -> str:
        if first is None:
            return _("week %(n)s") % {"n": n}
        return _("the week of %(day)s") % {
            "day": date_format(first + dt.timedelta(weeks=n), "SHORT_DATE_FORMAT")
        }

    kind = change.get("kind")
    if kind == "add_specialists":
        skills = ", ".join(f"{code} ({level})" for code, level in change.get("skills", {}).items())
        return _(
            "Hire %(count)s people at %(site)s%(skills)s, %(hours)s h a week at %(cost)s an hour, "
            "from %(week)s"
        ) % {
            "count": change.get("count"),
            "site": names.get(change.get("site", ""), change.get("site")),
            "skills": f" ({skills})" if skills else "",
            "hours": change.get("hours"),
            "cost": change.get("cost_per_hour"),
            "week": week(int(change.get("from_week", 0))),
        }
    if kind == "close_site":
        return _("Close %(site)s from %(start)s to %(end)s") % {
            "site": names.get(change.get("site", ""), change.get("site")),
            "start": week(int(change.get("from_week", 0))),
            "end": week(int(change.get("to_week", 0))),
        }
    if kind == "scale_demand":
        return _("Demands %(items)s × %(factor)s") % {
            "items": ", ".join(change.get("items", [])),
            "factor": change.get("factor"),
        }
    if kind == "remove_specialists":
        return _("%(people)s leave") % {"people": ", ".join(change.get("specialists", []))}
    return str(change)


@login_required
def scenario_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    # A scenario no one else may see is missing, as any object by id is (the queryset sees none).
    scenario: Scenario = get_visible_or_404(user, Scenario.objects.select_related("base_run"), pk=pk)
    base = scenario.base_run
    if base is not None and not PlanRun.objects.restrict(user, Action.VIEW).filter(pk=base.pk).exists():
        base = None
    runs = list(PlanRun.objects.restrict(user, Action.VIEW).filter(scenario=scenario))
    done = next((run for run in runs if run.state == RunState.DONE and run.result), None)
    comparison = None
    if (
        done is not None
        and base is not None
        and base.state == RunState.DONE
        and base.result
        and base.instance
    ):
        comparison = compare(base.instance, base.result, done.instance or {}, done.result or {})
    first = _first_week(base) if base is not None else None
    site_names = dict(Site.objects.restrict(user, Action.VIEW).values_list("code", "name"))
    reasons = dict(UnplannedReason.choices)
    return render(
        request,
        "planning/scenario_detail.html",
        {
            "scenario": scenario,
            "base": base,
            "changes": [describe(change, first, site_names) for change in scenario.changes or []],
            "runs": runs,
            "compared_run": done,
            "comparison": comparison,
            # Reasons by their label and sites by their name, in the comparison's order.
            "reason_rows": [
                (reasons.get(reason, reason), delta)
                for reason, delta in (comparison.unplanned_by_reason.items() if comparison else [])
            ],
            "site_rows": [
                (site_names.get(code, code), site)
                for code, site in (comparison.sites.items() if comparison else [])
            ],
            "may_run": persona_in(user, *PLANNERS),
        },
    )


@login_required
@require_POST
def scenario_run(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    user = request.user
    scenario: Scenario = get_visible_or_404(user, Scenario.objects.select_related("base_run"), pk=pk)
    base = scenario.base_run
    try:
        run = do_request_plan_run(
            provider=user.organisation,
            site=base.site if base is not None else None,
            starts_on=base.starts_on if base is not None else monday_of(clock.localdate()),
            weeks=base.weeks if base is not None else 26,
            time_limit=base.time_limit if base is not None else 30,
            scenario=scenario,
            actor=user,
        )
    except ValidationError as error:
        from django.contrib import messages

        messages.error(request, " ".join(error.messages))
        return redirect("planning:scenario-detail", pk=scenario.pk)
    return redirect("planning:run-detail", pk=run.pk)
