"""REST endpoints for work units and price lists (mounted by servicehub.api.api)."""

import datetime as dt
from typing import Any, Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from servicehub.api.auth import auth_user
from servicehub.api.pagination import Orderings, paginate, search
from servicehub.api.schemas import (
    DETAIL_ERRORS,
    LIST_ERRORS,
    DecimalString,
    Money,
    ObjectId,
    OrganisationRef,
    PageOut,
    PageParams,
)
from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import Price, PriceList, PriceListVersion, WorkUnit, WorkUnitEffort
from servicehub.core.choices import Currency
from servicehub.core.tenancy import Action, get_visible_or_404

router = Router(tags=["catalogue"])

# Simple to very complex, the order people read an effort chart in (not the alphabet).
_GRADE_ORDER = {grade.value: i for i, grade in enumerate(Complexity)}


# --- work units ------------------------------------------------------------------------------------------


class ServiceLineRef(Schema):
    id: int
    code: str
    name: str


class WorkUnitOut(Schema):
    id: int
    code: str
    deliverable: str
    service_line: ServiceLineRef


class EffortOut(Schema):
    complexity: Complexity
    hours: DecimalString


class WorkUnitDetailOut(WorkUnitOut):
    description: str
    efforts: list[EffortOut] = Field(description="The effort chart (abaque): hours per complexity grade.")

    @staticmethod
    def resolve_efforts(obj: WorkUnit) -> list[WorkUnitEffort]:
        return sorted(obj.efforts.all(), key=lambda e: _GRADE_ORDER.get(e.complexity, len(_GRADE_ORDER)))


class WorkUnitPage(PageOut):
    items: list[WorkUnitOut]


WORK_UNIT_SORTS: Orderings = {"code": ["code"], "deliverable": ["deliverable"]}


class WorkUnitQuery(PageParams):
    service_line: ObjectId | None = Field(None, description="Only the work units of this service line (id).")
    q: str | None = Field(None, max_length=100, description="Words to find in the code or deliverable.")
    sort: Literal["code", "-code", "deliverable", "-deliverable"] = "code"


@router.get("/work-units/", response={200: WorkUnitPage, **LIST_ERRORS})
def list_work_units(request: HttpRequest, params: Query[WorkUnitQuery]) -> dict[str, Any]:
    """Work units you may see: a client sees those priced in a version its contracts use."""
    rows = WorkUnit.objects.restrict(auth_user(request), Action.VIEW).select_related("service_line")
    if params.service_line is not None:
        rows = rows.filter(service_line_id=params.service_line)
    rows = search(rows, params.q, "code", "deliverable")
    return paginate(rows, params, params.sort, WORK_UNIT_SORTS)


@router.get("/work-units/{work_unit_id}/", response={200: WorkUnitDetailOut, **DETAIL_ERRORS})
def get_work_unit(request: HttpRequest, work_unit_id: ObjectId) -> WorkUnit:
    rows = WorkUnit.objects.select_related("service_line").prefetch_related("efforts")
    work_unit: WorkUnit = get_visible_or_404(auth_user(request), rows, pk=work_unit_id)
    return work_unit


# --- price lists -----------------------------------------------------------------------------------------


class PricedWorkUnitRef(Schema):
    id: int
    code: str
    deliverable: str


class PriceOut(Schema):
    work_unit: PricedWorkUnitRef
    complexity: Complexity
    unit_price: Money

    @staticmethod
    def resolve_unit_price(obj: Price) -> dict[str, Any]:
        return {"amount": obj.unit_price, "currency": obj.version.price_list.currency}


class PriceListVersionOut(Schema):
    id: int
    number: int
    valid_from: dt.date
    valid_until: dt.date | None
    prices: list[PriceOut]

    @staticmethod
    def resolve_prices(obj: PriceListVersion) -> list[Price]:
        return sorted(
            obj.prices.all(),
            key=lambda p: (p.work_unit.code, _GRADE_ORDER.get(p.complexity, len(_GRADE_ORDER))),
        )


class PriceListOut(Schema):
    id: int
    code: str
    name: str
    currency: Currency
    provider: OrganisationRef


class PriceListDetailOut(PriceListOut):
    versions: list[PriceListVersionOut] = Field(description="Newest first; a client sees those it buys at.")


class PriceListPage(PageOut):
    items: list[PriceListOut]


PRICE_LIST_SORTS: Orderings = {"name": ["name"], "code": ["code"]}


class PriceListQuery(PageParams):
    currency: Currency | None = None
    q: str | None = Field(None, max_length=100, description="Words to find in the name or code.")
    sort: Literal["name", "-name", "code", "-code"] = "name"


@router.get("/price-lists/", response={200: PriceListPage, **LIST_ERRORS})
def list_price_lists(request: HttpRequest, params: Query[PriceListQuery]) -> dict[str, Any]:
    """Price lists you may see: a client sees those its contracts are priced from."""
    rows = PriceList.objects.restrict(auth_user(request), Action.VIEW).select_related("provider")
    if params.currency:
        rows = rows.filter(currency=params.currency)
    rows = search(rows, params.q, "name", "code")
    return paginate(rows, params, params.sort, PRICE_LIST_SORTS)


@router.get("/price-lists/{price_list_id}/", response={200: PriceListDetailOut, **DETAIL_ERRORS})
def get_price_list(request: HttpRequest, price_list_id: ObjectId) -> PriceList:
    user = auth_user(request)
    # Versions go through their own door: a client must not read the versions other clients buy at.
    versions = (
        PriceListVersion.objects.restrict(user, Action.VIEW)
        .order_by("-number")
        .prefetch_related(Prefetch("prices", Price.objects.select_related("work_unit")))
    )
    rows = PriceList.objects.select_related("provider").prefetch_related(Prefetch("versions", versions))
    price_list: PriceList = get_visible_or_404(user, rows, pk=price_list_id)
    return price_list
