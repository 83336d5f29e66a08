from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from servicehub.catalogue.models import PriceListVersion
from servicehub.contracts.choices import Comparison, MeasurementWindow, MeasureUnit, ServiceLevelKind
from servicehub.contracts.models import Contract, PurchaseOrder, ServiceLevel
from servicehub.core.audit import save_new
from servicehub.core.choices import AuditEvent, Currency
from servicehub.core.models import User
from servicehub.org.choices import OrganisationKind
from servicehub.org.models import Organisation, Site


@transaction.atomic
def do_create_contract(
    *,
    reference: str,
    title: str,
    provider: Organisation,
    client: Organisation,
    serving_sites: Iterable[Site],
    price_list_version: PriceListVersion,
    starts_on: dt.date,
    ends_on: dt.date,
    actor: User | None,
) -> Contract:
    sites = list(serving_sites)
    errors: dict[str, str] = {}
    if client.kind not in {OrganisationKind.CLIENT, OrganisationKind.BUSINESS_UNIT}:
        errors["client"] = _("The client must be a client organisation or one of its business units.")
    if not sites:
        errors["serving_sites"] = _("At least one site must serve the contract.")
    elif any(site.provider_id != provider.pk for site in sites):
        errors["serving_sites"] = _("Every serving site must belong to the provider.")
    if price_list_version.price_list.provider_id != provider.pk:
        errors["price_list_version"] = _("The price list must be the provider's own.")
    if errors:
        raise ValidationError(errors)
    contract = Contract(
        reference=reference,
        title=title,
        provider=provider,
        client=client,
        # The contract is invoiced in its price list's currency.
        currency=Currency(price_list_version.price_list.currency),
        price_list_version=price_list_version,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    save_new(contract, actor=actor, event=AuditEvent.CONTRACT_CREATED)
    contract.serving_sites.set(sites)
    return contract


@transaction.atomic
def do_add_purchase_order(
    contract: Contract,
    *,
    number: str,
    amount: Decimal,
    issued_on: dt.date,
    valid_until: dt.date,
    actor: User | None,
) -> PurchaseOrder:
    order = PurchaseOrder(
        contract=contract, number=number, amount=amount, issued_on=issued_on, valid_until=valid_until
    )
    save_new(order, actor=actor, event=AuditEvent.PURCHASE_ORDER_ADDED)
    return order


@transaction.atomic
def do_define_service_level(
    contract: Contract,
    *,
    code: str,
    name: str,
    kind: ServiceLevelKind,
    comparison: Comparison,
    threshold: Decimal,
    unit: MeasureUnit,
    window: MeasurementWindow,
    penalty_percent: Decimal,
    penalty_cap_percent: Decimal,
    earn_back_months: int | None = None,
    clock_start_states: Sequence[str] = (),
    clock_stop_states: Sequence[str] = (),
    clock_pause_states: Sequence[str] = (),
    target_business_hours: Decimal | None = None,
    actor: User | None,
) -> ServiceLevel:
    level = ServiceLevel(
        contract=contract,
        code=code,
        name=name,
        kind=kind,
        comparison=comparison,
        threshold=threshold,
        unit=unit,
        window=window,
        penalty_percent=penalty_percent,
        penalty_cap_percent=penalty_cap_percent,
        earn_back_months=earn_back_months,
        clock_start_states=list(clock_start_states),
        clock_stop_states=list(clock_stop_states),
        clock_pause_states=list(clock_pause_states),
        target_business_hours=target_business_hours,
    )
    save_new(level, actor=actor, event=AuditEvent.SERVICE_LEVEL_DEFINED)
    return level
