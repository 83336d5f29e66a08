"""Talent reports: headcount against targets and jobs created (`talent:headcount`), and the recruiting
funnel (`talent:funnel`). The figures come from `talent.headcount` and `talent.funnel`; these views parse
the filters and render. Client users get a 404 (the provider's people are none of their business);
provider staff outside each page's readers get a 403.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicehub.core import clock
from servicehub.core.http import AuthenticatedRequest, provider_staff_required
from servicehub.core.models import User
from servicehub.core.tenancy import Action, persona_in
from servicehub.org.choices import OrganisationKind
from servicehub.org.models import Organisation, Site
from servicehub.talent import charts
from servicehub.talent.funnel import FUNNEL_READERS, funnel_report
from servicehub.talent.headcount import jobs_objectives, shown_sites, site_headcounts, sites_shown
from servicehub.talent.models import Campaign
from servicehub.talent.querysets import HEADCOUNT_READERS


@provider_staff_required
def headcount(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not persona_in(user, *HEADCOUNT_READERS):
        raise PermissionDenied(_("Headcount and its targets are for the provider's managers and recruiters."))
    today = clock.localdate()
    sites = shown_sites(user)
    reports = [
        (report, charts.headcount_chart(report.points)) for report in site_headcounts(user, today, sites)
    ]
    return render(
        request,
        "talent/headcount.html",
        {"reports": reports, "objectives": jobs_objectives(user, today, sites), "today": today},
    )


class FunnelFilters(forms.Form):
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(),
        required=False,
        label=gettext_lazy("Site"),
        empty_label=gettext_lazy("All sites"),
    )
    school = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=gettext_lazy("School"),
        empty_label=gettext_lazy("All schools"),
    )
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.none(),
        required=False,
        label=gettext_lazy("Campaign"),
        empty_label=gettext_lazy("All campaigns"),
    )
    applied_from = forms.DateField(
        required=False, label=gettext_lazy("Applied from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    applied_until = forms.DateField(
        required=False, label=gettext_lazy("Applied until"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = {
            "site": sites_shown(user),
            "school": Organisation.objects.restrict(user, Action.VIEW)
            .filter(kind=OrganisationKind.SCHOOL)
            .order_by("name"),
            "campaign": Campaign.objects.restrict(user, Action.VIEW)
            .select_related("site")
            .order_by("-opens_on", "title"),
        }
        for name, queryset in choices.items():
            choice = self.fields[name]
            assert isinstance(choice, forms.ModelChoiceField)
            choice.queryset = queryset

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        start, end = data.get("applied_from"), data.get("applied_until")
        if start and end and end < start:
            self.add_error("applied_until", _("The end comes before the start."))
        return data


@provider_staff_required
def funnel(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not persona_in(user, *FUNNEL_READERS):
        raise PermissionDenied(
            _("The recruiting funnel reads candidates' files: it is for recruiters and site managers.")
        )
    filters = FunnelFilters(request.GET, user=user)
    report = funnel_report(user, **filters.cleaned_data) if filters.is_valid() else None
    return render(request, "talent/funnel.html", {"filters": filters, "report": report})


urlpatterns: list[URLPattern] = [
    path("headcount/", headcount, name="headcount"),
    path("funnel/", funnel, name="funnel"),
]
