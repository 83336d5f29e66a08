"""The capacity forecast page and its CSV export: the same filters, the same figures.

The figures come from `planning.forecast`; this module parses the filters, colours the heatmaps (site ×
role, site × skill) and writes the file. Provider planning staff only (PLAN_READERS); a site manager
sees their own site.
"""

# ruff: noqa: RUF002, RUF003 (×, ÷ and − are the right signs in these texts)
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicehub.core import clock
from servicehub.core.choices import Persona
from servicehub.core.http import AuthenticatedRequest
from servicehub.core.tenancy import Action, persona_in
from servicehub.org.models import Site
from servicehub.planning import forecast as method
from servicehub.planning.adapter import monday_of
from servicehub.planning.forecast import Cell, Forecast, Row, SkillRow, tenth
from servicehub.planning.models import Scenario
from servicehub.planning.querysets import PLAN_READERS
from servicehub.planning.scenarios import ScenarioError
from servicehub.talent.querysets import CAMPAIGN_EDITORS


class ForecastFilters(forms.Form):
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(),
        required=False,
        label=gettext_lazy("Site"),
        empty_label=gettext_lazy("All sites"),
    )
    start = forms.DateField(
        required=False, label=gettext_lazy("From the week of"), widget=forms.DateInput(attrs={"type": "date"})
    )
    weeks = forms.IntegerField(
        required=False, min_value=1, max_value=method.MAX_WEEKS, initial=12, label=gettext_lazy("Weeks")
    )
    scenario = forms.ModelChoiceField(
        queryset=Scenario.objects.none(),
        required=False,
        label=gettext_lazy("Scenario"),
        empty_label=gettext_lazy("None"),
    )

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        sites = Site.objects.restrict(user, Action.VIEW).order_by("code")  # type: ignore[arg-type]
        if persona_in(user, Persona.SITE_MANAGER):  # type: ignore[arg-type]
            sites = sites.filter(pk=user.site_id)  # type: ignore[attr-defined]
        site_field = self.fields["site"]
        scenario_field = self.fields["scenario"]
        assert isinstance(site_field, forms.ModelChoiceField)
        assert isinstance(scenario_field, forms.ModelChoiceField)
        site_field.queryset = sites
        scenario_field.queryset = Scenario.objects.restrict(user, Action.VIEW)  # type: ignore[arg-type]


@dataclass(frozen=True)
class HeatCell:
    """A cell as the heatmap shows it: the balance, its colour level, and the balance before a scenario."""

    cell: Cell
    level: str
    before: Cell | None = None


def heat_level(cell: Cell) -> str:
    """short-3 … short-1, even, spare-1, spare-2: the balance against the larger of the two figures."""
    scale = max(cell.capacity, cell.demand)
    if scale <= 0:
        return "none"
    ratio = cell.balance / scale
    if ratio <= Decimal("-0.5"):
        return "short-3"
    if ratio <= Decimal("-0.2"):
        return "short-2"
    if ratio < Decimal("-0.02"):
        return "short-1"
    if ratio < Decimal("0.2"):
        return "even"
    return "spare-1" if ratio < Decimal("0.5") else "spare-2"


def _read(request: AuthenticatedRequest) -> tuple[ForecastFilters, Forecast | None, str]:
    user = request.user
    if not persona_in(user, *PLAN_READERS):
        raise PermissionDenied(_("The capacity forecast is for the provider's planning staff."))
    filters = ForecastFilters(request.GET, user=user)
    if not filters.is_valid():
        return filters, None, ""
    data = filters.cleaned_data
    site = data["site"]
    if site is None and persona_in(user, Persona.SITE_MANAGER):
        site = user.site
    try:
        result = method.forecast(
            user=user,
            start=data["start"] or clock.localdate(),
            weeks=data["weeks"] or 12,
            site=site,
            scenario=data["scenario"],
        )
    except ScenarioError as error:
        return filters, None, str(error)
    return filters, result, ""


def heat_cells(row: Row | SkillRow) -> list[HeatCell]:
    """The row's cells as shown: with a scenario, the cell after it, and the one before."""
    if row.after is None:
        return [HeatCell(cell, heat_level(cell)) for cell in row.cells]
    return [
        HeatCell(after, heat_level(after), before) for before, after in zip(row.cells, row.after, strict=True)
    ]


@login_required
def forecast(request: AuthenticatedRequest) -> HttpResponse:
    filters, result, problem = _read(request)
    rows: list[tuple[Row, list[HeatCell]]] = []
    skill_rows: list[tuple[SkillRow, list[HeatCell]]] = []
    if result is not None:
        rows = [(row, heat_cells(row)) for row in result.rows]
        skill_rows = [(row, heat_cells(row)) for row in result.skill_rows]
    return render(
        request,
        "planning/forecast.html",
        {
            "filters": filters,
            "forecast": result,
            "heat_rows": rows,
            "skill_heat_rows": skill_rows,
            "problem": problem,
            "query": request.GET.urlencode(),
            "win_probability_percent": method.WIN_PROBABILITY * 100,
            "default_spread": method.DEFAULT_SPREAD_WEEKS,
            "this_week": monday_of(clock.localdate()),
            # A shortfall row links to a campaign form filled in from it, for those who open campaigns.
            "may_open_campaign": persona_in(request.user, *CAMPAIGN_EDITORS),
            "campaign_url": reverse("talent:campaign-create"),
        },
    )


def decimal_comma(value: Decimal) -> str:
    return format(tenth(value), "f").replace(".", ",")


# The export's columns; stable names, whatever the language of the page.
CSV_COLUMNS = [
    "dimension",
    "site",
    "role",
    "skill",
    "level",
    "week",
    "demand_hours",
    "capacity_hours",
    "shortfall_hours",
    "shortfall_people",
]
CSV_SCENARIO_COLUMNS = [
    "scenario_demand_hours",
    "scenario_capacity_hours",
    "scenario_shortfall_hours",
    "scenario_shortfall_people",
]


@login_required
def forecast_csv(request: AuthenticatedRequest) -> HttpResponse:
    """One line per site × role × week (`dimension` `role`), then one per site × skill × needed level ×
    week (`dimension` `skill`), in one table so that a spreadsheet filter on `dimension` separates them.
    Role lines leave `skill` and `level` empty; skill lines leave `role` empty. Skill lines are not
    additive: a person counts on every skill line they qualify for, and work on every skill it needs
    (and on the lower levels of it), so never add them up, nor add them to the role lines.

    The format, whatever the page's language: UTF-8 with a BOM (so that Excel reads the accents), `;`
    between fields and a decimal comma (as French Excel expects), weeks as the ISO date of their Monday,
    roles and skills as their codes (`developer`, `java`; an empty role: unattributed; an empty skill on
    a skill line: work whose work unit needs no skill, against everyone at the site, level 0)."""
    _filters, result, problem = _read(request)
    if result is None:
        return HttpResponse(
            problem or _("Check the filters."), status=400, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    start = result.weeks[0] if result.weeks else dt.date.today()
    response["Content-Disposition"] = f'attachment; filename="forecast-{start:%G-W%V}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS + (CSV_SCENARIO_COLUMNS if result.scenario is not None else []))
    labelled: list[tuple[list[str], Row | SkillRow]] = [
        (["role", row.site.code, row.role, "", ""], row) for row in result.rows
    ]
    labelled += [(["skill", row.site.code, "", row.skill, str(row.level)], row) for row in result.skill_rows]
    for head, row in labelled:
        for n, week in enumerate(result.weeks):
            cell = row.cells[n]
            line = [
                *head,
                week.isoformat(),
                decimal_comma(cell.demand),
                decimal_comma(cell.capacity),
                decimal_comma(cell.shortfall),
                decimal_comma(row.people(cell.shortfall)),
            ]
            if row.after is not None:
                after = row.after[n]
                line += [
                    decimal_comma(after.demand),
                    decimal_comma(after.capacity),
                    decimal_comma(after.shortfall),
                    decimal_comma(row.people(after.shortfall)),
                ]
            writer.writerow(line)
    return response
