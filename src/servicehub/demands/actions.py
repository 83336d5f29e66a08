"""The demand lifecycle. Every transition is an action: permission, state check, timeline and audit row.

draft → submitted → quoted → ordered → planned → in progress → delivered → accepted
                                                     ↑            ↓
                                                  rework ←── rejected
draft, submitted and quoted may be cancelled.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any, TextIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import Price, PriceListVersion, WorkUnit, WorkUnitEffort
from servicehub.contracts import penalties
from servicehub.contracts.models import Contract, PurchaseOrder, ServiceLevel
from servicehub.core import clock
from servicehub.core.audit import audit_entry, record_change, record_changes
from servicehub.core.choices import AuditEvent, Persona
from servicehub.core.models import User
from servicehub.core.tenancy import get_visible_or_404
from servicehub.demands import attachments
from servicehub.demands.choices import (
    Decision,
    DemandSource,
    DemandState,
    InvoiceKind,
    InvoiceLineKind,
    InvoiceState,
)
from servicehub.demands.imports.servicenow import ImportReport, Incident, ServiceNowLog, open_log
from servicehub.demands.models import (
    Attachment,
    Delivery,
    Demand,
    DemandEvent,
    DemandLine,
    Invoice,
    InvoiceLine,
    Quote,
    QuoteLine,
)
from servicehub.demands.signals import demands_imported
from servicehub.org.models import Site

CENT = Decimal("0.01")
# Share of a purchase order past which ordering warns that it is running out.
PO_WARNING_SHARE = Decimal("0.80")

_CLIENTS = frozenset({Persona.CLIENT_REQUESTER, Persona.CLIENT_APPROVER})
_LEADS = frozenset({Persona.DELIVERY_LEAD, Persona.DIRECTOR})


@dataclass(frozen=True)
class Transition:
    sources: frozenset[DemandState]
    target: DemandState
    personas: frozenset[Persona]
    event: AuditEvent


S = DemandState
TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(frozenset({S.DRAFT}), S.SUBMITTED, _CLIENTS | _LEADS, AuditEvent.DEMAND_SUBMITTED),
    # Quoting again while quoted makes a new version of the quote.
    "quote": Transition(frozenset({S.SUBMITTED, S.QUOTED}), S.QUOTED, _LEADS, AuditEvent.DEMAND_QUOTED),
    "order": Transition(
        frozenset({S.QUOTED}),
        S.ORDERED,
        frozenset({Persona.CLIENT_APPROVER, Persona.DIRECTOR}),
        AuditEvent.DEMAND_ORDERED,
    ),
    "plan": Transition(
        frozenset({S.ORDERED}), S.PLANNED, _LEADS | {Persona.RESOURCE_MANAGER}, AuditEvent.DEMAND_PLANNED
    ),
    "start": Transition(
        frozenset({S.PLANNED}), S.IN_PROGRESS, _LEADS | {Persona.SPECIALIST}, AuditEvent.DEMAND_STARTED
    ),
    "deliver": Transition(
        frozenset({S.IN_PROGRESS, S.REWORK}), S.DELIVERED, _LEADS, AuditEvent.DEMAND_DELIVERED
    ),
    "accept": Transition(
        frozenset({S.DELIVERED}), S.ACCEPTED, frozenset({Persona.CLIENT_APPROVER}), AuditEvent.DEMAND_ACCEPTED
    ),
    "reject": Transition(
        frozenset({S.DELIVERED}), S.REJECTED, frozenset({Persona.CLIENT_APPROVER}), AuditEvent.DEMAND_REJECTED
    ),
    "rework": Transition(frozenset({S.REJECTED}), S.REWORK, _LEADS, AuditEvent.DEMAND_REWORK),
    "cancel": Transition(
        frozenset({S.DRAFT, S.SUBMITTED, S.QUOTED}),
        S.CANCELLED,
        _CLIENTS | _LEADS,
        AuditEvent.DEMAND_CANCELLED,
    ),
}


@dataclass(frozen=True)
class LineInput:
    work_unit: WorkUnit
    complexity: Complexity
    quantity: Decimal


@dataclass
class OrderResult:
    demand: Demand
    warnings: list[str] = field(default_factory=list)


def allowed_transitions(demand: Demand, user: User) -> list[str]:
    """The transitions `user` may make on `demand` now (for buttons and API hints)."""
    return [
        name
        for name, t in TRANSITIONS.items()
        if demand.state in t.sources
        and user.persona in t.personas
        and (name != "start" or user.persona != Persona.SPECIALIST or _assigned(demand, user))
    ]


def _assigned(demand: Demand, user: User) -> bool:
    """The specialist has work planned or pinned on the demand (planning's assignments)."""
    from servicehub.planning.models import Assignment

    if user.specialist_id is None:
        return False
    return Assignment.objects.filter(demand_id=demand.pk, specialist_id=user.specialist_id).exists()


def _visible(demand: Demand, actor: User | None) -> Demand:
    """The demand locked for the action; a demand the actor may not see is a 404, before any other check."""
    if actor is None:
        locked: Demand = Demand.objects.select_for_update().get(pk=demand.pk)
        return locked
    visible: Demand = get_visible_or_404(actor, Demand.objects.select_for_update(), pk=demand.pk)
    return visible


def _allowed(name: str, demand: Demand, actor: User | None) -> Demand:
    """Visible (else 404), then allowed for the actor's persona (else 403), before any other check."""
    demand = _visible(demand, actor)
    if actor is not None and actor.persona not in TRANSITIONS[name].personas:
        raise PermissionDenied(
            _("As %(persona)s you may not do this on a demand.") % {"persona": Persona(actor.persona).label}
        )
    return demand


def _transition(
    demand: Demand, name: str, *, actor: User | None, note: str = "", extra: dict[str, Any] | None = None
) -> Demand:
    """Lock the demand, check who and from where, move it, write the timeline and the audit row."""
    rule = TRANSITIONS[name]
    demand = _visible(demand, actor)
    if actor is not None and actor.persona not in rule.personas:
        raise PermissionDenied(
            _("As %(persona)s you may not do this on a demand.") % {"persona": Persona(actor.persona).label}
        )
    if demand.state not in rule.sources:
        raise ValidationError(
            {
                "state": _("A demand that is “%(state)s” cannot become “%(target)s”.")
                % {"state": DemandState(demand.state).label, "target": rule.target.label}
            }
        )
    before = demand.state
    now = clock.now()
    demand.state = rule.target
    demand.state_changed_at = now
    for attr, value in (extra or {}).items():
        setattr(demand, attr, value)
    demand.save()
    DemandEvent.objects.create(
        demand=demand, at=now, actor=actor, from_state=before, to_state=rule.target, note=note
    )
    record_change(
        actor,
        demand,
        rule.event,
        before={"state": before},
        after={"state": rule.target, **{k: _plain(v) for k, v in (extra or {}).items()}},
    )
    # The SLA clocks follow the timeline; recomputed once the move is committed (or, while
    # history is replayed, once at the end by whoever replays it).
    if not clock.is_replaying():
        transaction.on_commit(lambda: refresh_clocks_of([demand.pk]))
    return demand


def refresh_clocks_of(demand_ids: Sequence[int]) -> None:
    from servicehub.demands.clocks import refresh_clocks

    refresh_clocks(Demand.objects.filter(pk__in=demand_ids))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal | dt.date):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


@transaction.atomic
def do_create_demand(
    contract: Contract,
    *,
    title: str,
    lines: Sequence[LineInput],
    description: str = "",
    desired_on: dt.date | None = None,
    actor: User | None,
) -> Demand:
    if actor is not None:
        contract = get_visible_or_404(actor, Contract.objects.all(), pk=contract.pk)
        if actor.persona not in TRANSITIONS["submit"].personas:
            raise PermissionDenied(_("Only the client or a delivery lead may open a demand."))
    _check_catalogue(contract, lines)
    created_at = clock.now()
    demand = Demand(
        contract=contract,
        reference=f"new-{uuid.uuid4().hex[:20]}",
        title=title.strip(),
        description=description,
        desired_on=desired_on,
        requested_by=actor,
        currency=contract.currency,
        state=DemandState.DRAFT,
        state_changed_at=created_at,
    )
    demand.full_clean(exclude=["reference"])
    demand.save()
    # The reference comes from the row id: unique without a counter to lock.
    demand.reference = f"DEM-{demand.pk:06d}"
    demand.save(update_fields=["reference"])
    _write_lines(demand, lines)
    DemandEvent.objects.create(demand=demand, at=created_at, actor=actor, to_state=DemandState.DRAFT)
    record_change(
        actor,
        demand,
        AuditEvent.DEMAND_CREATED,
        after={"contract": contract.pk, "lines": len(lines), "title": title},
    )
    return demand


def _check_catalogue(contract: Contract, lines: Sequence[LineInput]) -> None:
    if not lines:
        raise ValidationError({"lines": _("Ask for at least one work unit.")})
    priced = set(
        Price.objects.filter(version__price_list_id=contract.price_list_version.price_list_id).values_list(
            "work_unit_id", "complexity"
        )
    )
    for line in lines:
        if (line.work_unit.pk, line.complexity) not in priced:
            raise ValidationError(
                {
                    "lines": _("%(unit)s (%(grade)s) is not in this contract's catalogue.")
                    % {"unit": line.work_unit.code, "grade": Complexity(line.complexity).label}
                }
            )


def _write_lines(demand: Demand, lines: Sequence[LineInput]) -> None:
    for line in lines:
        row = DemandLine(
            demand=demand, work_unit=line.work_unit, complexity=line.complexity, quantity=line.quantity
        )
        row.full_clean()
        row.save()


def _line_summary(lines: Iterable[tuple[str, str, Decimal]]) -> list[str]:
    return [f"{code} {grade} x {quantity.normalize():f}" for code, grade, quantity in lines]


@transaction.atomic
def do_edit_demand(
    demand: Demand,
    *,
    title: str,
    lines: Sequence[LineInput],
    description: str = "",
    desired_on: dt.date | None = None,
    actor: User | None,
) -> Demand:
    """Change a draft before it is submitted: its title, description, desired date and lines.

    Whoever may open a demand may edit a draft they can see; once submitted, a demand is the
    centre's to quote and no longer changes (cancel it and open another)."""
    demand = _visible(demand, actor)
    if actor is not None and actor.persona not in TRANSITIONS["submit"].personas:
        raise PermissionDenied(_("Only the client or a delivery lead may edit a draft demand."))
    if demand.state != DemandState.DRAFT:
        raise ValidationError(
            {
                "state": _("Only a draft can be edited; this demand is “%(state)s”.")
                % {"state": DemandState(demand.state).label}
            }
        )
    _check_catalogue(demand.contract, lines)
    before = {
        "title": demand.title,
        "description": demand.description,
        "desired_on": demand.desired_on.isoformat() if demand.desired_on else None,
        "lines": _line_summary(
            demand.lines.order_by("id").values_list("work_unit__code", "complexity", "quantity")
        ),
    }
    demand.title = title.strip()
    demand.description = description
    demand.desired_on = desired_on
    demand.full_clean()
    demand.save()
    demand.lines.all().delete()
    _write_lines(demand, lines)
    after = {
        "title": demand.title,
        "description": demand.description,
        "desired_on": desired_on.isoformat() if desired_on else None,
        "lines": _line_summary((line.work_unit.code, line.complexity, line.quantity) for line in lines),
    }
    changed = [key for key in after if before[key] != after[key]]
    record_change(
        actor,
        demand,
        AuditEvent.DEMAND_EDITED,
        before={key: before[key] for key in changed},
        after={key: after[key] for key in changed},
    )
    return demand


@transaction.atomic
def do_submit_demand(demand: Demand, *, actor: User | None) -> Demand:
    return _transition(demand, "submit", actor=actor)


# Who may attach files to a demand they see, and the states in which its file stays open.
ATTACHERS = _CLIENTS | _LEADS | {Persona.SPECIALIST}
CLOSED_TO_FILES = frozenset({S.CANCELLED, S.INVOICED})


def may_attach(demand: Demand, user: User) -> bool:
    return user.persona in ATTACHERS and demand.state not in CLOSED_TO_FILES


def may_remove_attachment(attachment: Attachment, user: User) -> bool:
    """The person who added it, or a delivery lead, while the demand's file is open."""
    return (
        attachment.demand.state not in CLOSED_TO_FILES
        and user.persona in ATTACHERS
        and (attachment.uploaded_by_id == user.pk or user.persona in _LEADS)
    )


@transaction.atomic
def do_attach_file(demand: Demand, *, upload: File[Any], actor: User | None) -> Attachment:
    """Attach `upload` to the demand: checked (name, type, size, how many), stored, audited."""
    demand = _visible(demand, actor)
    if actor is not None and actor.persona not in ATTACHERS:
        raise PermissionDenied(
            _("As %(persona)s you may not attach files to a demand.")
            % {"persona": Persona(actor.persona).label}
        )
    if demand.state in CLOSED_TO_FILES:
        raise ValidationError(
            {
                "file": _("A demand that is “%(state)s” takes no more files.")
                % {"state": DemandState(demand.state).label}
            }
        )
    name = attachments.clean_name(upload.name)
    size = attachments.check_size(upload.size)
    if demand.attachments.count() >= attachments.MAX_PER_DEMAND:
        raise ValidationError(
            {"file": _("A demand holds at most %(count)s files.") % {"count": attachments.MAX_PER_DEMAND}}
        )
    upload.seek(0)
    digest = attachments.sha256_of(upload.chunks())
    upload.seek(0)
    attachment = Attachment(
        demand=demand,
        name=name,
        size=size,
        content_type=attachments.content_type_of(name),
        sha256=digest,
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    # Written before the row, under a random name: if the transaction rolls back later, the file is
    # left unreferenced in the storage, where no view can reach it.
    attachment.file.save(name, upload, save=False)
    attachment.save()
    record_change(
        actor,
        attachment,
        AuditEvent.ATTACHMENT_ADDED,
        after={"demand": demand.reference, "name": name, "size": size, "sha256": digest},
    )
    return attachment


@transaction.atomic
def do_remove_attachment(attachment: Attachment, *, actor: User | None) -> Demand:
    """Take a file off a demand (the audit row goes on the demand); the file itself goes once the
    removal is committed."""
    demand = _visible(attachment.demand, actor)
    attachment = Attachment.objects.select_related("demand").get(pk=attachment.pk, demand=demand)
    if actor is not None and not may_remove_attachment(attachment, actor):
        if demand.state in CLOSED_TO_FILES:
            raise ValidationError(
                {
                    "file": _("A demand that is “%(state)s” keeps its files.")
                    % {"state": DemandState(demand.state).label}
                }
            )
        raise PermissionDenied(_("Only the person who added a file, or a delivery lead, may remove it."))
    stored = attachment.file.name
    before = {
        "attachment": attachment.pk,
        "name": attachment.name,
        "size": attachment.size,
        "sha256": attachment.sha256,
    }
    attachment.delete()
    record_change(actor, demand, AuditEvent.ATTACHMENT_REMOVED, before=before)
    transaction.on_commit(lambda: attachments.storage().delete(stored))
    return demand


def price_version_on(contract: Contract, day: dt.date) -> PriceListVersion:
    """The version of the contract's price list in force on `day`."""
    version: PriceListVersion | None = (
        PriceListVersion.objects.filter(
            price_list_id=contract.price_list_version.price_list_id, valid_from__lte=day
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("-number")
        .first()
    )
    if version is None:
        raise ValidationError(
            {
                "quoted_on": _("No version of the price list is in force on %(day)s.")
                % {"day": day.isoformat()}
            }
        )
    return version


@transaction.atomic
def do_quote_demand(
    demand: Demand,
    *,
    actor: User | None,
    lines: Sequence[LineInput] | None = None,
    quoted_on: dt.date | None = None,
    note: str = "",
) -> Quote:
    """Price the demand in work units; quoting again makes the next version and keeps the history."""
    demand = _transition(demand, "quote", actor=actor, note=note)
    day = quoted_on or clock.localdate()
    version = price_version_on(demand.contract, day)
    wanted = (
        list(lines)
        if lines is not None
        else [
            LineInput(row.work_unit, Complexity(row.complexity), row.quantity)
            for row in demand.lines.select_related("work_unit")
        ]
    )
    if not wanted:
        raise ValidationError({"lines": _("A quote needs at least one line.")})
    prices = {
        (p.work_unit_id, p.complexity): p.unit_price
        for p in Price.objects.filter(version=version, work_unit__in=[line.work_unit for line in wanted])
    }
    efforts = {
        (e.work_unit_id, e.complexity): e.hours
        for e in WorkUnitEffort.objects.filter(work_unit__in=[line.work_unit for line in wanted])
    }
    rows = []
    for line in wanted:
        key = (line.work_unit.pk, line.complexity)
        if line.quantity <= 0:
            raise ValidationError({"lines": _("Quantities must be positive.")})
        if key not in prices or key not in efforts:
            raise ValidationError(
                {
                    "lines": _("%(unit)s (%(grade)s) has no price in %(version)s or no effort in its chart.")
                    % {
                        "unit": line.work_unit.code,
                        "grade": Complexity(line.complexity).label,
                        "version": version,
                    }
                }
            )
        amount = (prices[key] * line.quantity).quantize(CENT, rounding=ROUND_HALF_UP)
        rows.append(
            QuoteLine(
                work_unit=line.work_unit,
                complexity=line.complexity,
                quantity=line.quantity,
                unit_hours=efforts[key],
                unit_price=prices[key],
                amount=amount,
            )
        )
    previous = demand.quotes.order_by("-version").values_list("version", flat=True).first() or 0
    quote = Quote.objects.create(
        demand=demand,
        version=previous + 1,
        quoted_on=day,
        author=actor,
        price_list_version=version,
        currency=demand.currency,
        total_hours=sum((row.unit_hours * row.quantity for row in rows), Decimal("0")).quantize(
            Decimal("0.1")
        ),
        total_amount=sum((row.amount for row in rows), Decimal("0")),
        note=note,
    )
    for row in rows:
        row.quote = quote
    QuoteLine.objects.bulk_create(rows)
    return quote


def remaining_on(purchase_order: PurchaseOrder) -> Decimal:
    consumed = Demand.objects.filter(purchase_order=purchase_order).exclude(
        state=DemandState.CANCELLED
    ).aggregate(total=Sum("ordered_amount"))["total"] or Decimal("0")
    return purchase_order.amount - consumed


@transaction.atomic
def do_order_demand(
    demand: Demand,
    *,
    actor: User | None,
    purchase_order: PurchaseOrder | None = None,
    override: bool = False,
) -> OrderResult:
    """The client approves the current quote; the amount is taken from a purchase order of the contract."""
    locked = _allowed("order", demand, actor)
    quote = locked.current_quote
    if quote is None:
        raise ValidationError({"state": _("There is no quote to approve.")})
    today = clock.localdate()
    open_orders = PurchaseOrder.objects.select_for_update().filter(
        contract_id=locked.contract_id, issued_on__lte=today, valid_until__gte=today
    )
    if purchase_order is None:
        candidates = sorted(open_orders, key=remaining_on, reverse=True)
        if not candidates:
            raise ValidationError({"purchase_order": _("The contract has no purchase order open today.")})
        purchase_order = candidates[0]
    elif not open_orders.filter(pk=purchase_order.pk).exists():
        raise ValidationError(
            {"purchase_order": _("This purchase order is not open on this contract today.")}
        )
    remaining = remaining_on(purchase_order)
    overridden = quote.total_amount > remaining
    if overridden and not (override and (actor is None or actor.persona == Persona.DIRECTOR)):
        raise ValidationError(
            {
                "purchase_order": _(
                    "The quote (%(quote)s %(currency)s) exceeds what remains on purchase order %(po)s "
                    "(%(remaining)s %(currency)s). A director may override."
                )
                % {
                    "quote": quote.total_amount,
                    "remaining": remaining,
                    "currency": locked.currency,
                    "po": purchase_order.number,
                }
            }
        )
    demand = _transition(
        locked,
        "order",
        actor=actor,
        extra={"purchase_order": purchase_order, "ordered_amount": quote.total_amount},
    )
    if overridden:
        record_change(
            actor,
            demand,
            AuditEvent.DEMAND_ORDER_OVERRIDE,
            after={
                "purchase_order": purchase_order.number,
                "remaining": str(remaining),
                "ordered": str(quote.total_amount),
            },
        )
    result = OrderResult(demand)
    consumed_share = (purchase_order.amount - remaining_on(purchase_order)) / purchase_order.amount
    if consumed_share >= PO_WARNING_SHARE:
        result.warnings.append(
            _("Purchase order %(po)s is %(share)s %% consumed.")
            % {"po": purchase_order.number, "share": (consumed_share * 100).quantize(Decimal("1"))}
        )
    return result


@transaction.atomic
def do_plan_demand(demand: Demand, *, site: Site, committed_on: dt.date, actor: User | None) -> Demand:
    demand = _allowed("plan", demand, actor)
    if not demand.contract.serving_sites.filter(pk=site.pk).exists():
        raise ValidationError({"site": _("This site does not serve the demand's contract.")})
    return _transition(demand, "plan", actor=actor, extra={"site": site, "committed_on": committed_on})


@transaction.atomic
def do_start_demand(demand: Demand, *, actor: User | None) -> Demand:
    """Work begins. A delivery lead or director may start any planned demand they see; a specialist only
    one they are assigned to."""
    if actor is not None and actor.persona == Persona.SPECIALIST:
        visible = _visible(demand, actor)
        if not _assigned(visible, actor):
            raise PermissionDenied(_("Only a specialist assigned to this demand may start it."))
    return _transition(demand, "start", actor=actor)


@transaction.atomic
def do_deliver_demand(demand: Demand, *, actor: User | None, note: str = "") -> Delivery:
    demand = _transition(demand, "deliver", actor=actor, note=note)
    number = demand.deliveries.count() + 1
    delivery: Delivery = Delivery.objects.create(
        demand=demand, number=number, delivered_at=clock.now(), delivered_by=actor, note=note
    )
    return delivery


def _decide(demand: Demand, name: str, decision: Decision, *, actor: User | None, reason: str) -> Delivery:
    demand = _transition(demand, name, actor=actor, note=reason)
    delivery: Delivery | None = demand.deliveries.order_by("-number").first()
    assert delivery is not None  # a delivered demand has a delivery
    delivery.decision = decision
    delivery.decided_at = demand.state_changed_at
    delivery.decided_by = actor
    delivery.reason = reason
    delivery.save(update_fields=["decision", "decided_at", "decided_by", "reason"])
    return delivery


@transaction.atomic
def do_accept_delivery(demand: Demand, *, actor: User | None, note: str = "") -> Delivery:
    return _decide(demand, "accept", Decision.ACCEPTED, actor=actor, reason=note)


@transaction.atomic
def do_reject_delivery(demand: Demand, *, actor: User | None, reason: str) -> Delivery:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the delivery is rejected.")})
    return _decide(demand, "reject", Decision.REJECTED, actor=actor, reason=reason.strip())


@transaction.atomic
def do_start_rework(demand: Demand, *, actor: User | None, note: str = "") -> Demand:
    return _transition(demand, "rework", actor=actor, note=note)


@transaction.atomic
def do_cancel_demand(demand: Demand, *, actor: User | None, reason: str) -> Demand:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the demand is cancelled.")})
    return _transition(demand, "cancel", actor=actor, note=reason.strip())


# --- Invoicing -------------------------------------------------------------------------------------

_INVOICERS = frozenset({Persona.DELIVERY_LEAD, Persona.DIRECTOR})


def _ensure_invoicer(actor: User | None, contract: Contract) -> Contract:
    if actor is None:
        return contract
    contract = get_visible_or_404(actor, Contract.objects.all(), pk=contract.pk)
    if actor.persona not in _INVOICERS:
        raise PermissionDenied(_("Only a delivery lead or a director may invoice."))
    return contract


def _month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month as an interval of aware datetimes in the installation's time zone."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    zone = timezone.get_default_timezone()
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=zone),
        dt.datetime.combine(following, dt.time.min, tzinfo=zone),
    )


# The lines that make up penalties_amount: it is net of the penalties earned back.
_PENALTY_KINDS = frozenset({InvoiceLineKind.PENALTY, InvoiceLineKind.EARN_BACK})


def _set_totals(invoice: Invoice, lines: Sequence[InvoiceLine]) -> None:
    invoice.deliverables_amount = sum(
        (line.amount for line in lines if line.kind not in _PENALTY_KINDS), Decimal("0")
    )
    invoice.penalties_amount = -sum(
        (line.amount for line in lines if line.kind in _PENALTY_KINDS), Decimal("0")
    )
    invoice.total = invoice.deliverables_amount - invoice.penalties_amount


@transaction.atomic
def do_prepare_invoice(
    contract: Contract,
    *,
    month: dt.date,
    measurements: Mapping[ServiceLevel, Decimal] | None = None,
    actor: User | None,
) -> Invoice:
    """Draft (or redraft) the contract's invoice for `month`: the deliverables accepted in the month at
    their ordered prices, less the penalties the month's service-level measurements earned."""
    contract = _ensure_invoicer(actor, contract)
    period_start = month.replace(day=1)
    if measurements is None:
        # The month's service levels as the clocks and deliveries recorded them.
        from servicehub.demands.service_review import measure_month

        measurements = {m.level: m.value for m in measure_month(contract, period_start)}
    invoice = (
        Invoice.objects.select_for_update()
        .filter(contract=contract, period_start=period_start, kind=InvoiceKind.INVOICE)
        .first()
    )
    if invoice is not None and invoice.state == InvoiceState.ISSUED:
        raise ValidationError(
            {"month": _("The invoice for this month is already issued; correct it with a credit note.")}
        )
    if invoice is None:
        invoice = Invoice(
            contract=contract,
            period_start=period_start,
            currency=contract.currency,
            deliverables_amount=Decimal("0"),
            penalties_amount=Decimal("0"),
            total=Decimal("0"),
        )
        invoice.save()
    else:
        invoice.lines.all().delete()
    start, end = _month_bounds(period_start)
    accepted = (
        Demand.objects.filter(
            contract=contract,
            state=DemandState.ACCEPTED,
            deliveries__decision=Decision.ACCEPTED,
            deliveries__decided_at__gte=start,
            deliveries__decided_at__lt=end,
        )
        .distinct()
        .order_by("reference")
    )
    lines = [
        InvoiceLine(
            invoice=invoice,
            kind=InvoiceLineKind.DELIVERABLE,
            demand=demand,
            description=f"{demand.reference} — {demand.title}"[:250],
            amount=demand.ordered_amount or Decimal("0"),
        )
        for demand in accepted
    ]
    base = sum((line.amount for line in lines), Decimal("0"))
    in_ramp_up = contract.penalties_from is not None and period_start < contract.penalties_from.replace(day=1)
    penalties_left = base  # penalties never make an invoice negative
    for level, measured in sorted((measurements or {}).items(), key=lambda item: item[0].code):
        if level.contract_id != contract.pk:
            raise ValidationError({"measurements": _("A measurement belongs to another contract.")})
        points = penalties.shortfall(level.comparison, level.threshold, measured)
        if in_ramp_up or points == 0:
            continue
        percent = penalties.penalty_percent_for(points, level.penalty_percent, level.penalty_cap_percent)
        amount = min(penalties.penalty_amount(base, percent), penalties_left)
        penalties_left -= amount
        if amount:
            lines.append(
                InvoiceLine(
                    invoice=invoice,
                    kind=InvoiceLineKind.PENALTY,
                    service_level=level,
                    description=(
                        _("%(level)s: measured %(measured)s against %(threshold)s, penalty %(percent)s %%")
                        % {
                            "level": level.name,
                            "measured": number_format(measured, 2),
                            "threshold": number_format(level.threshold, 2),
                            "percent": number_format(percent, 2),
                        }
                    )[:250],
                    amount=-amount,
                )
            )
    # After the penalties, so that an earn-back never enters the base or uses up penalties_left.
    lines.extend(_earn_back_lines(contract, invoice, period_start, measurements or {}))
    InvoiceLine.objects.bulk_create(lines)
    _set_totals(invoice, lines)
    invoice.full_clean(exclude=["number"])
    invoice.save()
    record_change(
        actor,
        invoice,
        AuditEvent.INVOICE_PREPARED,
        after={"month": period_start.isoformat(), "lines": len(lines), "total": str(invoice.total)},
    )
    return invoice


def _earn_back_lines(
    contract: Contract, invoice: Invoice, month: dt.date, measurements: Mapping[ServiceLevel, Decimal]
) -> list[InvoiceLine]:
    """The penalties of earlier months that the invoice of `month` pays back.

    A level with `earn_back_months` = N pays back the penalty of month M-N on the invoice of
    month M when it was met in each month M-N+1 ... M (contracts/penalties.earned_back). The
    penalised month's invoice must be issued and not credited: a credited penalty was never
    collected. Month M is judged on `measurements`, as its penalties are; the months in between
    on what the clocks and deliveries recorded (service_review.measure_month). A month with
    nothing to measure counts as not met: nothing shows the level held, and the provider
    earns the money back by evidence, not by silence.
    """
    from servicehub.demands.service_review import measure_month

    periods = {
        level: level.earn_back_months
        for level in contract.service_levels.filter(earn_back_months__gte=1).order_by("code")
        if level.earn_back_months is not None
    }
    if not periods:
        return []
    penalised_month = {level: penalties.shift_month(month, -n) for level, n in periods.items()}
    penalised = Q()
    for level, when in penalised_month.items():
        penalised |= Q(service_level=level, invoice__period_start=when)
    owed: dict[int, Decimal] = {}
    for level_id, amount in InvoiceLine.objects.filter(
        penalised,
        kind=InvoiceLineKind.PENALTY,
        invoice__contract=contract,
        invoice__kind=InvoiceKind.INVOICE,
        invoice__state=InvoiceState.ISSUED,
        invoice__credit_notes__isnull=True,
    ).values_list("service_level_id", "amount"):
        owed[level_id] = owed.get(level_id, Decimal("0")) - amount  # penalty lines are negative
    # Each month's verdicts, level id -> met; the months in between are measured once for all levels.
    verdicts: dict[dt.date, dict[int, bool]] = {
        month: {
            level.pk: penalties.shortfall(level.comparison, level.threshold, value) == 0
            for level, value in measurements.items()
        }
    }

    def met(level: ServiceLevel, when: dt.date) -> bool:
        if when not in verdicts:
            verdicts[when] = {m.level.pk: m.met for m in measure_month(contract, when)}
        return verdicts[when].get(level.pk, False)

    lines = []
    for level, months in periods.items():
        amount = owed.get(level.pk, Decimal("0"))
        if amount <= 0:
            continue
        after = [penalties.shift_month(penalised_month[level], i) for i in range(1, months + 1)]
        if not penalties.earned_back([met(level, when) for when in after], months):
            continue
        lines.append(
            InvoiceLine(
                invoice=invoice,
                kind=InvoiceLineKind.EARN_BACK,
                service_level=level,
                description=(
                    ngettext(
                        "%(level)s: penalty of %(month)s earned back after %(months)s month met",
                        "%(level)s: penalty of %(month)s earned back after %(months)s months met",
                        months,
                    )
                    % {
                        "level": level.name,
                        "month": date_format(penalised_month[level], "YEAR_MONTH_FORMAT"),
                        "months": number_format(months),
                    }
                )[:250],
                amount=amount,
            )
        )
    return lines


def _move_demands(
    demands: Sequence[Demand], target: DemandState, event: AuditEvent, *, actor: User | None, note: str
) -> None:
    now = clock.now()
    for demand in demands:
        before = demand.state
        demand.state = target
        demand.state_changed_at = now
        demand.save(update_fields=["state", "state_changed_at", "updated_at"])
        DemandEvent.objects.create(
            demand=demand, at=now, actor=actor, from_state=before, to_state=target, note=note
        )
        record_change(actor, demand, event, before={"state": before}, after={"state": target})


@transaction.atomic
def do_issue_invoice(invoice: Invoice, *, actor: User | None) -> Invoice:
    """Number the invoice and freeze it; its demands become invoiced."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    _ensure_invoicer(actor, invoice.contract)
    if invoice.state == InvoiceState.ISSUED:
        raise ValidationError({"state": _("This invoice is already issued.")})
    lines = list(invoice.lines.select_related("demand"))
    if not lines:
        raise ValidationError({"lines": _("An invoice without lines cannot be issued.")})
    demands = [line.demand for line in lines if line.demand is not None]
    if any(d.state != DemandState.ACCEPTED for d in demands):
        raise ValidationError(
            {"lines": _("A demand on this invoice is no longer accepted; prepare it again.")}
        )
    invoice.state = InvoiceState.ISSUED
    invoice.issued_at = clock.now()
    invoice.number = f"FAC-{invoice.period_start:%Y%m}-{invoice.contract.reference}"
    invoice.full_clean()
    invoice.save()
    _move_demands(demands, DemandState.INVOICED, AuditEvent.DEMAND_INVOICED, actor=actor, note=invoice.number)
    record_change(
        actor,
        invoice,
        AuditEvent.INVOICE_ISSUED,
        after={"number": invoice.number, "total": str(invoice.total)},
    )
    return invoice


@transaction.atomic
def do_issue_credit_note(invoice: Invoice, *, reason: str, actor: User | None) -> Invoice:
    """Cancel an issued invoice in full; its demands go back to accepted, to be invoiced again."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    _ensure_invoicer(actor, invoice.contract)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the invoice is corrected.")})
    if invoice.kind != InvoiceKind.INVOICE or invoice.state != InvoiceState.ISSUED:
        raise ValidationError({"invoice": _("Only an issued invoice can be corrected by a credit note.")})
    if invoice.credit_notes.exists():
        raise ValidationError({"invoice": _("This invoice has already been credited.")})
    note = Invoice(
        contract=invoice.contract,
        kind=InvoiceKind.CREDIT_NOTE,
        period_start=invoice.period_start,
        corrects=invoice,
        reason=reason.strip(),
        currency=invoice.currency,
        deliverables_amount=Decimal("0"),
        penalties_amount=Decimal("0"),
        total=Decimal("0"),
    )
    note.save()
    lines = [
        InvoiceLine(
            invoice=note,
            kind=line.kind,
            demand=line.demand,
            service_level=line.service_level,
            description=line.description,
            amount=-line.amount,
        )
        for line in invoice.lines.all()
    ]
    InvoiceLine.objects.bulk_create(lines)
    _set_totals(note, lines)
    note.state = InvoiceState.ISSUED
    note.issued_at = clock.now()
    note.number = f"AV-{invoice.number}"
    note.save()
    demands = list(Demand.objects.filter(pk__in=[line.demand_id for line in lines if line.demand_id]))
    _move_demands(demands, DemandState.ACCEPTED, AuditEvent.DEMAND_CREDITED, actor=actor, note=note.number)
    record_change(
        actor, note, AuditEvent.CREDIT_NOTE_ISSUED, after={"number": note.number, "total": str(note.total)}
    )
    return note


# --- Importing a client's ticket history -----------------------------------------------------------

IMPORT_BATCH_SIZE = 500
# SQLite refuses statements with more than 32,766 parameters; a batch's lookups use one per incident.
IMPORT_MAX_BATCH_SIZE = 10_000
_IMPORTERS = frozenset({Persona.DELIVERY_LEAD, Persona.DIRECTOR})


def do_import_servicenow(
    contract: Contract,
    source: str | os.PathLike[str] | TextIO,
    *,
    actor: User | None,
    batch_size: int = IMPORT_BATCH_SIZE,
    progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Load a ServiceNow incident event log into `contract`: one demand per incident, with its timeline.

    Malformed rows are skipped and reported (imports/servicenow.py has the checks and the state
    mapping). An incident already imported into the contract (same number) is skipped whole, so
    importing a file again adds nothing. Each batch of `batch_size` incidents is one transaction
    rather than the whole file: the database's write lock is held for a batch, not for the full
    import, and an import that fails half-way keeps its committed batches; running it again
    completes it. No service level is computed here: each committed batch sends
    `demands_imported` for the SLA clocks. `progress` is called with the report after each batch.
    """
    if not 1 <= batch_size <= IMPORT_MAX_BATCH_SIZE:
        raise ValueError(f"batch_size must be between 1 and {IMPORT_MAX_BATCH_SIZE}")
    started = time.perf_counter()
    contract = _ensure_importer(actor, contract)
    report = ImportReport()
    with open_log(source) as stream:
        log = ServiceNowLog(stream, timezone.get_default_timezone())
        report.problems = log.problems

        def write(batch: list[Incident]) -> None:
            _import_incidents(contract, batch, actor=actor, report=report)
            report.rows_read = log.rows_read
            report.seconds = time.perf_counter() - started
            if progress is not None:
                progress(report)

        batch: list[Incident] = []
        for incident in log.incidents():
            batch.append(incident)
            if len(batch) == batch_size:
                write(batch)
                batch = []
        if batch:
            write(batch)
        report.rows_read = log.rows_read
    report.seconds = time.perf_counter() - started
    return report


def _ensure_importer(actor: User | None, contract: Contract) -> Contract:
    if actor is None:
        return contract
    contract = get_visible_or_404(actor, Contract.objects.all(), pk=contract.pk)
    if actor.persona not in _IMPORTERS:
        raise PermissionDenied(_("Only a delivery lead or a director may import a ticket history."))
    return contract


@transaction.atomic
def _import_incidents(
    contract: Contract, incidents: Sequence[Incident], *, actor: User | None, report: ImportReport
) -> None:
    # Two imports into one contract take turns, so what is "already present" stays true until commit.
    list(Contract.objects.select_for_update().filter(pk=contract.pk).values_list("pk", flat=True))
    present = set(
        Demand.objects.filter(
            contract=contract, external_ref__in=[incident.number for incident in incidents]
        ).values_list("external_ref", flat=True)
    )
    fresh = [incident for incident in incidents if incident.number not in present]
    report.incidents_skipped += len(incidents) - len(fresh)
    if not fresh:
        return
    references = _imported_references(contract, [incident.number for incident in fresh])
    demands = [_imported_demand(contract, incident, references[incident.number]) for incident in fresh]
    Demand.objects.bulk_create(demands)
    if not connection.features.can_return_rows_from_bulk_insert:
        ids = dict(
            Demand.objects.filter(contract=contract, external_ref__in=references).values_list(
                "external_ref", "pk"
            )
        )
        for demand in demands:
            demand.pk = ids[demand.external_ref]
    events: list[DemandEvent] = []
    for demand, incident in zip(demands, fresh, strict=True):
        # Every update is kept, repeated states included: the timeline is the source's. The demand
        # is new and the reader keeps one row per sys_mod_count, so no (demand, external_seq) repeats.
        before = ""
        for row in incident.events:
            mapped = row.mapped
            events.append(
                DemandEvent(
                    demand=demand,
                    at=row.at,
                    from_state=before,
                    to_state=mapped.state,
                    waiting_on_client=mapped.waiting_on_client,
                    external_seq=row.seq,
                    note=f"ServiceNow: {row.state}",
                )
            )
            before = mapped.state
    DemandEvent.objects.bulk_create(events)
    record_changes(
        [
            audit_entry(
                actor,
                demand,
                AuditEvent.DEMAND_IMPORTED,
                after={
                    "source": DemandSource.SERVICENOW.value,
                    "external_ref": incident.number,
                    "state": demand.state,
                    "events": len(incident.events),
                },
            )
            for demand, incident in zip(demands, fresh, strict=True)
        ]
    )
    report.incidents_imported += len(demands)
    report.events_imported += len(events)
    transaction.on_commit(
        partial(
            demands_imported.send,
            sender=Demand,
            contract_id=contract.pk,
            demand_ids=[demand.pk for demand in demands],
        )
    )


def _imported_references(contract: Contract, numbers: Sequence[str]) -> dict[str, str]:
    wanted = {number: f"SN-{number}" for number in numbers}
    taken = set(Demand.objects.filter(reference__in=wanted.values()).values_list("reference", flat=True))
    # References are unique across contracts: the same log imported into a second contract gets
    # references that name the contract too.
    return {
        number: reference if reference not in taken else f"SN-{contract.pk}-{number}"
        for number, reference in wanted.items()
    }


def _imported_demand(contract: Contract, incident: Incident, reference: str) -> Demand:
    # The incident as its last update left it.
    last = incident.last
    values = {"number": incident.number, "category": last.category, "subcategory": last.subcategory}
    if last.category and last.subcategory:
        title = _("Incident %(number)s — category %(category)s / %(subcategory)s") % values
    elif last.category:
        title = _("Incident %(number)s — category %(category)s") % values
    else:
        title = _("Incident %(number)s") % values
    description = _(
        "Imported from ServiceNow: symptom %(symptom)s, impact %(impact)s, urgency %(urgency)s."
    ) % {"symptom": last.symptom or "?", "impact": last.impact or "?", "urgency": last.urgency or "?"}
    return Demand(
        contract=contract,
        reference=reference,
        external_ref=incident.number,
        source=DemandSource.SERVICENOW,
        title=title[:200],
        description=description,
        currency=contract.currency,
        state=last.mapped.state,
        state_changed_at=last.at,
        opened_at=last.opened_at,
        priority=last.priority,
    )
