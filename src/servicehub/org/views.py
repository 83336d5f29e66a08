"""Sites: the list with headcount against seats, and one site's page."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, ExpressionWrapper, F, IntegerField, OuterRef, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from servicehub.contracts.models import Contract
from servicehub.core.figures import count_of, only
from servicehub.core.http import AuthenticatedRequest
from servicehub.core.lists import Column, ListSpec, render_list
from servicehub.core.models import User
from servicehub.core.tenancy import get_visible_or_404
from servicehub.org.models import Objective, Site
from servicehub.people.choices import Role
from servicehub.people.models import Specialist

# Columns about people; client users never see the provider's people, so not these either.
_PEOPLE_COLUMNS = {"headcount", "use"}

SITE_LIST = ListSpec(
    columns=[
        Column("name", _("Site"), ("name",)),
        Column("city", _("City"), ("city",)),
        Column("opened", _("Opened on"), ("opened_on",)),
        Column("headcount", _("Active specialists"), ("headcount",), numeric=True),
        Column("seats", _("Seats"), ("seats",), numeric=True),
        Column("use", _("Seats in use"), ("seats_in_use",)),
        Column("contracts", _("Contracts served"), ("contract_count",), numeric=True),
    ],
    search_fields=["name", "code", "city"],
    default_sort="opened",
    template_name="org/site_list.html",
    partial_template_name="org/_site_results.html",
    search_label=_("Search by name, code or city"),
    empty_title=_("No site yet"),
    empty_hint=_("Sites appear here once a director creates them."),
)


def sites_with_figures(user: User) -> QuerySet[Site]:
    """Visible sites with their active headcount and contracts, each counted through `restrict()`."""
    specialists = only(Specialist.objects.restrict(user, "view")).filter(active=True, site=OuterRef("pk"))
    contracts = only(Contract.objects.restrict(user, "view")).filter(serving_sites=OuterRef("pk"))
    return Site.objects.restrict(user, "view").annotate(
        headcount=count_of(specialists),
        contract_count=count_of(contracts),
        seats_in_use=ExpressionWrapper(F("headcount") * 100 / F("seats"), output_field=IntegerField()),
    )


def _spec_for(user: User) -> ListSpec:
    if user.is_provider_staff:
        return SITE_LIST
    return dataclasses.replace(
        SITE_LIST, columns=[c for c in SITE_LIST.columns if c.key not in _PEOPLE_COLUMNS]
    )


@login_required
def site_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    return render_list(
        request, sites_with_figures(user), _spec_for(user), context={"show_people": user.is_provider_staff}
    )


@login_required
def site_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    site = get_visible_or_404(user, sites_with_figures(user), pk=pk)
    by_role = dict(
        Specialist.objects.restrict(user, "view")
        .filter(site=site, active=True)
        .order_by()
        .values_list("role")
        .annotate(n=Count("pk"))
    )
    contracts = (
        Contract.objects.restrict(user, "view")
        .filter(serving_sites=site)
        .select_related("client", "price_list_version__price_list")
        .order_by("-starts_on", "reference")
    )
    objectives = (
        Objective.objects.restrict(user, "view")
        .filter(site=site)
        .select_related("programme")
        .order_by("due_on", "label")
    )
    context: dict[str, Any] = {
        "site": site,
        "show_people": user.is_provider_staff,
        "roles": [{"role": r.value, "label": r.label, "count": by_role.get(r.value, 0)} for r in Role],
        "contracts": contracts,
        "objectives": objectives,
    }
    return render(request, "org/site_detail.html", context)
