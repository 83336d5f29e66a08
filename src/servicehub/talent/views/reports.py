"""Talent reports: headcount against targets and jobs created (`talent:headcount`), and the recruiting
funnel (`talent:funnel`). The figures come from `talent.headcount` and `talent.funnel`; these views parse
the filters and render. Client users get a 404 (the provider's people are none of their business);
provider staff outside each page's readers get a 403.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicehub.core import clock
from servicehub.core.forms import add_action_errors
from servicehub.core.http import AuthenticatedRequest, provider_staff_required
from servicehub.core.models import User
from servicehub.core.tenancy import Action, persona_in
from servicehub.org.choices import OrganisationKind
from servicehub.org.models import Organisation, Site
from servicehub.talent import actions, charts
from servicehub.talent.funnel import FUNNEL_READERS, funnel_report
from servicehub.talent.headcount import jobs_objectives, shown_sites, site_headcounts, sites_shown
from servicehub.talent.models import Campaign
from servicehub.talent.querysets import HEADCOUNT_EDITORS, HEADCOUNT_READERS


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
        {
            "reports": reports,
            "objectives": jobs_objectives(user, today, sites),
            "today": today,
            "may_set_targets": persona_in(user, *HEADCOUNT_EDITORS),
        },
    )


class TargetForm(forms.Form):
    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=gettext_lazy("Site"))
    on = forms.DateField(
        label=gettext_lazy("By"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy(
            "The day the site should have this many people; a target already set that day is replaced."
        ),
    )
    headcount = forms.IntegerField(label=gettext_lazy("Headcount"), min_value=0, max_value=100_000)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        site = self.fields["site"]
        assert isinstance(site, forms.ModelChoiceField)
        # The sites whose plan the user may change: all for a director, their own for a site manager.
        site.queryset = Site.objects.restrict(user, Action.CHANGE).order_by("name")


@provider_staff_required
def headcount_target(request: AuthenticatedRequest) -> HttpResponse:
    """Set a site's headcount target for a day (directors; a site manager for their site)."""
    user = request.user
    if not persona_in(user, *HEADCOUNT_EDITORS):
        raise PermissionDenied(_("Headcount targets are set by directors and site managers."))
    form = TargetForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                target = actions.do_set_headcount_target(
                    data["site"], on=data["on"], headcount=data["headcount"], note=data["note"], actor=user
                )
            except (ValidationError, PermissionDenied) as exc:
                add_action_errors(
                    form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc))
                )
            else:
                messages.success(
                    request,
                    _("%(site)s aims at %(headcount)s people by %(date)s.")
                    % {
                        "site": target.site.name,
                        "headcount": target.headcount,
                        "date": date_format(target.on, "SHORT_DATE_FORMAT"),
                    },
                )
                return redirect("talent:headcount")
        status = 400
    return render(request, "talent/headcount_target.html", {"form": form}, status=status)


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
    path("headcount/targets/new/", headcount_target, name="headcount-target"),
    path("funnel/", funnel, name="funnel"),
]
