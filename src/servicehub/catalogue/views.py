"""The catalogue: work units with their effort charts, price lists with their versions and price grids."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import (
    Price,
    PriceList,
    PriceListVersion,
    ServiceLine,
    WorkUnit,
    WorkUnitEffort,
)
from servicehub.core.choices import Currency
from servicehub.core.figures import count_of, only
from servicehub.core.http import AuthenticatedRequest
from servicehub.core.lists import (
    Column,
    ListFilter,
    ListSpec,
    choices_from,
    choices_from_enum,
    render_list,
    wants_partial,
)
from servicehub.core.models import User
from servicehub.core.tenancy import get_visible_or_404

GRADES = list(Complexity)


def complexity_rank(field: str = "complexity") -> Case:
    """Simple → very complex, the order people read an effort chart or a price grid in."""
    return Case(
        *(When(**{field: grade.value}, then=Value(rank)) for rank, grade in enumerate(GRADES)),
        default=Value(len(GRADES)),
        output_field=IntegerField(),
    )


WORKUNIT_LIST = ListSpec(
    columns=[
        Column("code", _("Code"), ("code",)),
        Column("deliverable", _("Deliverable"), ("deliverable",)),
        Column("line", _("Service line"), ("service_line__name",)),
        Column("effort", _("Effort (hours), simple → very complex")),
    ],
    search_fields=["code", "deliverable", "service_line__name"],
    default_sort="code",
    template_name="catalogue/workunit_list.html",
    partial_template_name="catalogue/_workunit_results.html",
    search_label=_("Search by code, deliverable or service line"),
    empty_title=_("No work unit yet"),
    empty_hint=_(
        "Work units are the deliverables sold by the unit; they appear once the catalogue is set up."
    ),
)

PRICELIST_LIST = ListSpec(
    columns=[
        Column("name", _("Price list"), ("name",)),
        Column("currency", _("Currency"), ("currency",)),
        Column("versions", _("Versions"), ("version_count",), numeric=True),
        Column("current", _("Version in force"), ("current_version",), numeric=True),
    ],
    search_fields=["name", "code"],
    default_sort="name",
    template_name="catalogue/pricelist_list.html",
    partial_template_name="catalogue/_pricelist_results.html",
    search_label=_("Search by name or code"),
    empty_title=_("No price list yet"),
    empty_hint=_("Price lists appear once the catalogue is priced for a client."),
)


def _efforts_in_order() -> Prefetch[Any]:
    return Prefetch("efforts", queryset=WorkUnitEffort.objects.order_by(complexity_rank()), to_attr="chart")


@login_required
def workunit_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    units = (
        WorkUnit.objects.restrict(user, "view")
        .select_related("service_line")
        .prefetch_related(_efforts_in_order())
    )
    filters = [
        ListFilter(
            "line",
            _("Service line"),
            "service_line_id",
            choices_from(ServiceLine.objects.restrict(user, "view").order_by("name")),
        )
    ]
    return render_list(request, units, WORKUNIT_LIST, filters=filters)


@dataclass
class PriceRow:
    """One row of a price grid: the prices of one work unit (or version) for each complexity grade."""

    label: Any
    prices: list[Decimal | None]
    currency: str


@login_required
def workunit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    unit = get_visible_or_404(
        user, WorkUnit.objects.select_related("service_line").prefetch_related(_efforts_in_order()), pk=pk
    )
    chart: list[WorkUnitEffort] = unit.chart
    prices = (
        Price.objects.filter(work_unit=unit, version__in=PriceListVersion.objects.restrict(user, "view"))
        .select_related("version__price_list")
        .order_by("version__price_list__name", "-version__number", complexity_rank())
    )
    rows: dict[int, PriceRow] = {}
    for price in prices:
        version = price.version
        row = rows.setdefault(
            version.pk, PriceRow(version, [None] * len(GRADES), version.price_list.currency)
        )
        row.prices[GRADES.index(Complexity(price.complexity))] = price.unit_price
    context = {
        "unit": unit,
        "chart": chart,
        "max_hours": max((effort.hours for effort in chart), default=Decimal("0")),
        "grades": [grade.label for grade in GRADES],
        "price_rows": list(rows.values()),
        "today": timezone.localdate(),
        "required_skills": unit.skill_requirements.select_related("skill").order_by("-level", "skill__name"),
    }
    return render(request, "catalogue/workunit_detail.html", context)


def price_lists_with_figures(user: User, today: dt.date) -> QuerySet[PriceList]:
    visible_versions = only(PriceListVersion.objects.restrict(user, "view")).filter(price_list=OuterRef("pk"))
    in_force = (
        visible_versions.filter(valid_from__lte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .order_by("-number")
        .values("number")[:1]
    )
    return PriceList.objects.restrict(user, "view").annotate(
        version_count=count_of(visible_versions),
        current_version=Subquery(in_force, output_field=IntegerField()),
    )


@login_required
def pricelist_list(request: AuthenticatedRequest) -> HttpResponse:
    filters = [ListFilter("currency", _("Currency"), "currency", choices_from_enum(Currency.choices))]
    lists = price_lists_with_figures(request.user, timezone.localdate())
    return render_list(request, lists, PRICELIST_LIST, filters=filters)


@login_required
def pricelist_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    price_list = get_visible_or_404(user, price_lists_with_figures(user, today), pk=pk)
    versions = list(
        PriceListVersion.objects.restrict(user, "view").filter(price_list=price_list).order_by("-number")
    )
    # `current_version` is annotated by price_lists_with_figures().
    in_force: int | None = getattr(price_list, "current_version", None)
    chosen = _chosen_version(versions, request.GET.get("version", ""), in_force)
    grid: list[PriceRow] = []
    if chosen is not None:
        by_unit: dict[int, PriceRow] = {}
        for price in chosen.prices.select_related("work_unit").order_by("work_unit__code", complexity_rank()):
            row = by_unit.setdefault(
                price.work_unit_id, PriceRow(price.work_unit, [None] * len(GRADES), price_list.currency)
            )
            row.prices[GRADES.index(Complexity(price.complexity))] = price.unit_price
        grid = list(by_unit.values())
    context = {
        "price_list": price_list,
        "versions": versions,
        "chosen": chosen,
        "grid": grid,
        "grades": [grade.label for grade in GRADES],
        "today": today,
    }
    template = "catalogue/_price_grid.html" if wants_partial(request) else "catalogue/pricelist_detail.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _chosen_version(
    versions: list[PriceListVersion], asked: str, in_force: int | None
) -> PriceListVersion | None:
    """The version asked for in `?version=`, else the one in force today, else the latest visible one."""
    by_number = {str(version.number): version for version in versions}
    if asked in by_number:
        return by_number[asked]
    if in_force is not None and str(in_force) in by_number:
        return by_number[str(in_force)]
    return versions[0] if versions else None
