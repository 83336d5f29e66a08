"""REST endpoints for client contracts (mounted by servicehub.api.api)."""

import datetime as dt
from typing import Any, Literal

from django.db.models import Prefetch, Q
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
    SiteRef,
)
from servicehub.catalogue.models import PriceListVersion
from servicehub.contracts.choices import Comparison, MeasurementWindow, MeasureUnit, ServiceLevelKind
from servicehub.contracts.models import Contract, PurchaseOrder, ServiceLevel
from servicehub.core.choices import Currency
from servicehub.core.tenancy import Action, get_visible_or_404
from servicehub.org.models import Site

router = Router(tags=["contracts"])


class PriceListVersionRef(Schema):
    id: int
    number: int
    price_list_id: int
    price_list_code: str
    price_list_name: str

    @staticmethod
    def resolve_price_list_code(obj: PriceListVersion) -> str:
        return obj.price_list.code

    @staticmethod
    def resolve_price_list_name(obj: PriceListVersion) -> str:
        return obj.price_list.name


class ContractOut(Schema):
    id: int
    reference: str
    title: str
    provider: OrganisationRef
    client: OrganisationRef
    currency: Currency
    price_list_version: PriceListVersionRef
    starts_on: dt.date
    ends_on: dt.date


class PurchaseOrderOut(Schema):
    id: int
    number: str
    amount: Money
    issued_on: dt.date
    valid_until: dt.date

    @staticmethod
    def resolve_amount(obj: PurchaseOrder) -> dict[str, Any]:
        return {"amount": obj.amount, "currency": obj.contract.currency}


class ServiceLevelOut(Schema):
    id: int
    code: str
    name: str
    kind: ServiceLevelKind
    comparison: Comparison
    threshold: DecimalString
    unit: MeasureUnit
    window: MeasurementWindow
    penalty_percent: DecimalString = Field(description="Penalty per breach, in % of the period's invoice.")
    penalty_cap_percent: DecimalString = Field(description="Cap on penalties, in % of the period's invoice.")
    earn_back_months: int | None = Field(
        None,
        description=(
            "A penalty is paid back when the level is met in each of the following N months; "
            "null when penalties are final."
        ),
    )


class ContractDetailOut(ContractOut):
    serving_sites: list[SiteRef]
    purchase_orders: list[PurchaseOrderOut]
    service_levels: list[ServiceLevelOut]


class ContractPage(PageOut):
    items: list[ContractOut]


CONTRACT_SORTS: Orderings = {
    "reference": ["reference"],
    "title": ["title"],
    "starts_on": ["starts_on", "reference"],
    "ends_on": ["ends_on", "reference"],
}


class ContractQuery(PageParams):
    client: ObjectId | None = Field(None, description="Only the contracts of this client organisation (id).")
    site: ObjectId | None = Field(None, description="Only the contracts this site serves (site id).")
    active_on: dt.date | None = Field(None, description="Only the contracts running on this day.")
    q: str | None = Field(None, max_length=100, description="Words to find in the reference or title.")
    sort: Literal[
        "reference", "-reference", "title", "-title", "starts_on", "-starts_on", "ends_on", "-ends_on"
    ] = "-starts_on"


_CONTRACT_REFS = ("provider", "client", "price_list_version__price_list")


@router.get("/contracts/", response={200: ContractPage, **LIST_ERRORS})
def list_contracts(request: HttpRequest, params: Query[ContractQuery]) -> dict[str, Any]:
    """Contracts you may see: a client sees its own and its business units'."""
    rows = Contract.objects.restrict(auth_user(request), Action.VIEW).select_related(*_CONTRACT_REFS)
    if params.client is not None:
        rows = rows.filter(client_id=params.client)
    if params.site is not None:
        rows = rows.filter(serving_sites=params.site)
    if params.active_on is not None:
        rows = rows.filter(Q(starts_on__lte=params.active_on) & Q(ends_on__gte=params.active_on))
    rows = search(rows, params.q, "reference", "title")
    return paginate(rows, params, params.sort, CONTRACT_SORTS)


@router.get("/contracts/{contract_id}/", response={200: ContractDetailOut, **DETAIL_ERRORS})
def get_contract(request: HttpRequest, contract_id: ObjectId) -> Contract:
    user = auth_user(request)
    # The parts go through their own doors too, so that a narrower rule on them can never leak.
    sites = Site.objects.restrict(user, Action.VIEW).order_by("name")
    orders = PurchaseOrder.objects.restrict(user, Action.VIEW).order_by("-issued_on", "number")
    levels = ServiceLevel.objects.restrict(user, Action.VIEW).order_by("code")
    rows = Contract.objects.select_related(*_CONTRACT_REFS).prefetch_related(
        Prefetch("serving_sites", sites),
        Prefetch("purchase_orders", orders),
        Prefetch("service_levels", levels),
    )
    contract: Contract = get_visible_or_404(user, rows, pk=contract_id)
    return contract
