"""Client contracts: the list with ordered amounts, and one contract's page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicehub.contracts.models import Contract, PurchaseOrder, ServiceLevel
from servicehub.core.choices import Currency
from servicehub.core.figures import count_of, only, sum_of
from servicehub.core.http import AuthenticatedRequest
from servicehub.core.lists import (
    Column,
    FilterChoice,
    ListFilter,
    ListSpec,
    choices_from,
    choices_from_enum,
    render_list,
)
from servicehub.core.models import User
from servicehub.core.money import Money
from servicehub.core.tenancy import get_visible_or_404
from servicehub.org.models import Organisation, Site

CONTRACT_LIST = ListSpec(
    columns=[
        Column("reference", _("Reference"), ("reference",)),
        Column("client", _("Client"), ("client__name",)),
        Column("starts", _("Starts on"), ("starts_on",)),
        Column("ends", _("Ends on"), ("ends_on",)),
        Column("levels", _("Service levels"), ("level_count",), numeric=True),
        Column("ordered", _("Ordered"), ("order_total",), numeric=True),
        Column("status", _("Status")),
    ],
    search_fields=["reference", "title", "client__name"],
    default_sort="-starts",
    template_name="contracts/contract_list.html",
    partial_template_name="contracts/_contract_results.html",
    search_label=_("Search by reference, title or client"),
    empty_title=_("No contract yet"),
    empty_hint=_("Contracts appear here once a delivery lead records them."),
)


def contracts_with_figures(user: User) -> QuerySet[Contract]:
    orders = only(PurchaseOrder.objects.restrict(user, "view")).filter(contract=OuterRef("pk"))
    levels = only(ServiceLevel.objects.restrict(user, "view")).filter(contract=OuterRef("pk"))
    return (
        Contract.objects.restrict(user, "view")
        .select_related("client", "provider", "price_list_version__price_list")
        .annotate(order_total=sum_of(orders, "amount"), level_count=count_of(levels))
    )


def _status_choices(today: dt.date) -> list[FilterChoice]:
    return [
        FilterChoice("running", _("Running"), Q(starts_on__lte=today, ends_on__gte=today)),
        FilterChoice("upcoming", _("Not started"), Q(starts_on__gt=today)),
        FilterChoice("ended", _("Ended"), Q(ends_on__lt=today)),
    ]


@login_required
def contract_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    clients = (
        Organisation.objects.restrict(user, "view")
        .filter(pk__in=Contract.objects.restrict(user, "view").values("client_id"))
        .order_by("name")
    )
    filters = [
        ListFilter("client", _("Client"), "client_id", choices_from(clients)),
        ListFilter("status", _("Status"), "", _status_choices(today)),
        ListFilter("currency", _("Currency"), "currency", choices_from_enum(Currency.choices)),
    ]
    return render_list(
        request, contracts_with_figures(user), CONTRACT_LIST, filters=filters, context={"today": today}
    )


@login_required
def contract_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    contract = get_visible_or_404(user, contracts_with_figures(user), pk=pk)
    orders = list(
        PurchaseOrder.objects.restrict(user, "view").filter(contract=contract).order_by("-issued_on")
    )
    levels = ServiceLevel.objects.restrict(user, "view").filter(contract=contract).order_by("code")
    context: dict[str, Any] = {
        "contract": contract,
        "today": timezone.localdate(),
        "sites": Site.objects.restrict(user, "view").filter(contracts=contract).order_by("name"),
        "orders": orders,
        "order_total": Money(sum((order.amount for order in orders), Decimal("0")), contract.currency),
        "service_levels": levels,
    }
    return render(request, "contracts/contract_detail.html", context)
