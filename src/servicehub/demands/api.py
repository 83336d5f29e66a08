"""REST endpoints for demands and their lifecycle (mounted by servicehub.api.api).

Reads go through restrict() like every other endpoint. Writes need a personal access token, call the
lifecycle actions and nothing else, and take two headers: `Idempotency-Key`, so that a retry never
acts twice, and, on an existing demand, `If-Match`, so that nobody acts on a state they never saw.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Header, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import NinjaJSONEncoder

from servicehub.api.auth import TokenAuth, auth_user
from servicehub.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from servicehub.api.idempotency import HEADER_DESCRIPTION as IDEMPOTENCY_DESCRIPTION
from servicehub.api.idempotency import Answer, answer_once
from servicehub.api.pagination import Orderings, paginate, search
from servicehub.api.preconditions import IF_MATCH_DESCRIPTION, entity_tag, require_match
from servicehub.api.schemas import (
    CREATE_ERRORS,
    DETAIL_ERRORS,
    LIST_ERRORS,
    UPDATE_ERRORS,
    DecimalString,
    Money,
    ObjectId,
    PageOut,
    PageParams,
    SiteRef,
)
from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import WorkUnit
from servicehub.contracts.models import Contract, PurchaseOrder
from servicehub.core.choices import Currency, Persona
from servicehub.core.http import private_file
from servicehub.core.models import User
from servicehub.core.tenancy import Action, get_visible_or_404, visible_or_refused
from servicehub.demands import actions
from servicehub.demands.actions import CENT, TRANSITIONS, LineInput, OrderResult, allowed_transitions
from servicehub.demands.choices import Decision, DemandState
from servicehub.demands.models import Attachment, Delivery, Demand, DemandEvent, DemandLine, Quote, QuoteLine
from servicehub.org.models import Site

router = Router(tags=["demands"])

# The transitions, named as their endpoints: POST /demands/{id}/<name>/. A test keeps it equal to TRANSITIONS.
TransitionName = Literal[
    "submit", "quote", "order", "plan", "start", "deliver", "accept", "reject", "rework", "cancel"
]

IdempotencyKey = Annotated[
    str | None,
    Header(alias=IDEMPOTENCY_HEADER, min_length=1, max_length=255, description=IDEMPOTENCY_DESCRIPTION),
]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=1000, description=IF_MATCH_DESCRIPTION)]

LongText = Annotated[str, Field(max_length=10_000)]


# --- what a demand looks like ----------------------------------------------------------------------------


class UserRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class ContractRef(Schema):
    id: int
    reference: str
    title: str


class WorkUnitRef(Schema):
    id: int
    code: str
    deliverable: str


class PurchaseOrderRef(Schema):
    id: int
    number: str


class PriceListVersionRef(Schema):
    id: int
    number: int


class DemandLineOut(Schema):
    work_unit: WorkUnitRef
    complexity: Complexity
    quantity: DecimalString


class QuoteLineOut(Schema):
    work_unit: WorkUnitRef
    complexity: Complexity
    quantity: DecimalString
    unit_hours: DecimalString = Field(description="Effort per unit, from the work unit's chart (abaque).")
    unit_price: Money
    amount: Money

    @staticmethod
    def resolve_unit_price(obj: QuoteLine) -> dict[str, Any]:
        return {"amount": obj.unit_price, "currency": obj.quote.currency}

    @staticmethod
    def resolve_amount(obj: QuoteLine) -> dict[str, Any]:
        return {"amount": obj.amount, "currency": obj.quote.currency}


class QuoteSummaryOut(Schema):
    version: int
    quoted_on: dt.date = Field(description="The day whose price-list version priced the quote.")
    created_at: dt.datetime
    author: UserRef | None
    total_hours: DecimalString
    total: Money

    @staticmethod
    def resolve_total(obj: Quote) -> dict[str, Any]:
        return {"amount": obj.total_amount, "currency": obj.currency}


class QuoteOut(QuoteSummaryOut):
    price_list_version: PriceListVersionRef = Field(
        description="Frozen on the quote: later prices never change it."
    )
    note: str
    lines: list[QuoteLineOut]


class DeliveryOut(Schema):
    number: int
    delivered_at: dt.datetime
    delivered_by: UserRef | None
    note: str
    decision: Decision | None = Field(description="The client's decision; null while it is awaited.")
    decided_at: dt.datetime | None
    decided_by: UserRef | None
    reason: str = Field(description="Why the delivery was rejected, or the acceptance note.")

    @staticmethod
    def resolve_decision(obj: Delivery) -> str | None:
        return obj.decision or None


class EventOut(Schema):
    at: dt.datetime
    actor: UserRef | None = Field(description="Null when the system moved the demand (import, demo).")
    from_state: DemandState | None = Field(description="Null for the demand's creation.")
    to_state: DemandState
    note: str

    @staticmethod
    def resolve_from_state(obj: DemandEvent) -> str | None:
        return obj.from_state or None


class DemandOut(Schema):
    id: int
    reference: str
    title: str
    state: DemandState
    state_changed_at: dt.datetime | None
    contract: ContractRef
    currency: Currency
    requested_by: UserRef | None
    desired_on: dt.date | None
    site: SiteRef | None = Field(description="The delivering site, once planned.")
    committed_on: dt.date | None = Field(description="The committed delivery date, once planned.")
    quoted_amount: Money | None = Field(description="The total of the current quote, if any.")
    ordered_amount: Money | None = Field(description="What the order took from the purchase order.")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_quoted_amount(obj: Demand) -> dict[str, Any] | None:
        total = getattr(obj, "quoted_total", None)
        if total is None:
            return None
        # SQLite hands back a subquery's decimal unscaled ("1500"): give it the column's two places.
        return {"amount": Decimal(total).quantize(CENT), "currency": obj.currency}

    @staticmethod
    def resolve_ordered_amount(obj: Demand) -> dict[str, Any] | None:
        amount = obj.ordered_amount
        return None if amount is None else {"amount": amount, "currency": obj.currency}


class DemandDetailOut(DemandOut):
    description: str
    purchase_order: PurchaseOrderRef | None = Field(description="The purchase order the order consumed.")
    lines: list[DemandLineOut] = Field(description="What the client asked for.")
    current_quote: QuoteOut | None = Field(description="The latest quote version, with its lines.")
    quotes: list[QuoteSummaryOut] = Field(description="Every quote version, newest first.")
    deliveries: list[DeliveryOut] = Field(description="Every delivery and the client's decision on it.")
    events: list[EventOut] = Field(description="The timeline, oldest first.")
    allowed_transitions: list[TransitionName] = Field(
        description="What you may do now: POST /demands/{id}/<name>/ for each name."
    )

    @staticmethod
    def resolve_current_quote(obj: Demand) -> Quote | None:
        # The prefetched versions, newest first: no query of its own (Demand.current_quote would make one).
        return next(iter(obj.quotes.all()), None)

    @staticmethod
    def resolve_allowed_transitions(obj: Demand, context: dict[str, Any]) -> list[str]:
        return allowed_transitions(obj, auth_user(context["request"]))


class DemandMovedOut(DemandDetailOut):
    warnings: list[str] = Field(
        description="Things to know that did not stop the change, e.g. a purchase order 80 % consumed."
    )


class DemandPage(PageOut):
    items: list[DemandOut]


# --- reading ---------------------------------------------------------------------------------------------


def _demands(user: User) -> models.QuerySet[Demand]:
    """The demands `user` may see, with what a list row shows."""
    current_total = (
        Quote.objects.restrict(user, Action.VIEW)
        .filter(demand=OuterRef("pk"))
        .order_by("-version")
        .values("total_amount")[:1]
    )
    return (
        Demand.objects.restrict(user, Action.VIEW)
        .select_related("contract", "site", "requested_by")
        .annotate(quoted_total=Subquery(current_total))
    )


def _demand_details(user: User) -> models.QuerySet[Demand]:
    # The parts go through their own doors too, so that a narrower rule on them can never leak.
    quotes = (
        Quote.objects.restrict(user, Action.VIEW)
        .select_related("author", "price_list_version")
        .prefetch_related(Prefetch("lines", QuoteLine.objects.select_related("work_unit").order_by("id")))
        .order_by("-version")
    )
    return (
        _demands(user)
        .select_related("purchase_order")
        .prefetch_related(
            Prefetch(
                "lines",
                DemandLine.objects.restrict(user, Action.VIEW).select_related("work_unit").order_by("id"),
            ),
            Prefetch("quotes", quotes),
            Prefetch(
                "deliveries",
                Delivery.objects.restrict(user, Action.VIEW)
                .select_related("delivered_by", "decided_by")
                .order_by("number"),
            ),
            Prefetch(
                "events",
                DemandEvent.objects.restrict(user, Action.VIEW).select_related("actor").order_by("at", "id"),
            ),
        )
    )


def demand_etag(demand: Demand) -> str:
    # Every transition saves the demand (updated_at); the state too, in case a bulk update skipped it.
    return entity_tag("demand", demand.pk, demand.updated_at.isoformat(), demand.state)


DEMAND_SORTS: Orderings = {
    "reference": ["reference"],
    "title": ["title"],
    "state": ["state"],
    "created_at": ["created_at"],
    "updated_at": ["updated_at"],
    "desired_on": ["desired_on"],
    "committed_on": ["committed_on"],
}


class DemandQuery(PageParams):
    state: DemandState | None = Field(None, description="Only the demands in this state.")
    contract: ObjectId | None = Field(None, description="Only the demands under this contract (id).")
    q: str | None = Field(None, max_length=100, description="Words to find in the reference or title.")
    sort: Literal[
        "reference",
        "-reference",
        "title",
        "-title",
        "state",
        "-state",
        "created_at",
        "-created_at",
        "updated_at",
        "-updated_at",
        "desired_on",
        "-desired_on",
        "committed_on",
        "-committed_on",
    ] = "-created_at"


@router.get("/demands/", response={200: DemandPage, **LIST_ERRORS}, summary="List demands")
def list_demands(request: HttpRequest, params: Query[DemandQuery]) -> dict[str, Any]:
    """Demands you may see: a client sees those under its own contracts, provider staff those of the
    contracts they see."""
    rows = _demands(auth_user(request))
    if params.state is not None:
        rows = rows.filter(state=params.state)
    if params.contract is not None:
        rows = rows.filter(contract_id=params.contract)
    rows = search(rows, params.q, "reference", "title")
    return paginate(rows, params, params.sort, DEMAND_SORTS)


@router.get(
    "/demands/{demand_id}/", response={200: DemandDetailOut, **DETAIL_ERRORS}, summary="Read a demand"
)
def get_demand(request: HttpRequest, demand_id: ObjectId, response: HttpResponse) -> Demand:
    """The demand with its lines, quotes, deliveries and timeline, and what you may do with it now.

    The `ETag` header identifies this version of the demand: send it back as `If-Match` when you act on it.
    """
    user = auth_user(request)
    demand: Demand = get_visible_or_404(user, _demand_details(user), pk=demand_id)
    response["ETag"] = demand_etag(demand)
    return demand


@router.get(
    "/demands/{demand_id}/quotes/{version}/",
    response={200: QuoteOut, **DETAIL_ERRORS},
    summary="Read one version of a demand's quote",
)
def get_demand_quote(request: HttpRequest, demand_id: ObjectId, version: ObjectId) -> Quote:
    """A quote version with its lines, at the prices frozen when it was made."""
    rows = Quote.objects.select_related("author", "price_list_version").prefetch_related(
        Prefetch("lines", QuoteLine.objects.select_related("work_unit").order_by("id"))
    )
    quote: Quote = get_visible_or_404(auth_user(request), rows, demand_id=demand_id, version=version)
    return quote


# --- writing ---------------------------------------------------------------------------------------------


class LineIn(Schema):
    work_unit: ObjectId = Field(description="A work unit (id) of the contract's catalogue.")
    complexity: Complexity
    quantity: Decimal = Field(ge=Decimal("0.01"), max_digits=8, decimal_places=2, examples=["2"])


class DemandIn(Schema):
    contract: ObjectId = Field(description="The contract (id) the demand is made under.")
    title: str = Field(min_length=1, max_length=200)
    description: LongText = ""
    desired_on: dt.date | None = None
    lines: list[LineIn] = Field(
        description="What you ask for, from the contract's catalogue: one line at least."
    )
    submit: bool = Field(
        default=False, description="Submit the demand for a quote at once, rather than keep a draft."
    )


class QuoteIn(Schema):
    lines: list[LineIn] | None = Field(
        default=None, description="The lines to price; the requested lines by default."
    )
    quoted_on: dt.date | None = Field(
        default=None, description="The day whose price-list version applies; today by default."
    )
    note: LongText = ""


class OrderIn(Schema):
    purchase_order: ObjectId | None = Field(
        default=None,
        description="The purchase order (id) to consume; by default the open one with most left.",
    )
    override: bool = Field(
        default=False, description="A director may order beyond what remains on the purchase order."
    )


class PlanIn(Schema):
    site: ObjectId = Field(description="The delivering site (id); it must serve the contract.")
    committed_on: dt.date = Field(description="The delivery date the centre commits to.")


class NoteIn(Schema):
    note: LongText = ""


class ReasonIn(Schema):
    reason: LongText = Field(description="Required: the client and the timeline keep it.")


def _line_inputs(user: User, lines: Sequence[LineIn], field: str) -> list[LineInput]:
    units = {
        unit.pk: unit
        for unit in WorkUnit.objects.restrict(user, Action.VIEW).filter(
            pk__in={line.work_unit for line in lines}
        )
    }
    missing = [i for i, line in enumerate(lines) if line.work_unit not in units]
    if missing:
        message = _("No such object, or you may not see it.")
        raise ValidationError({f"{field}.{i}.work_unit": message for i in missing})
    return [LineInput(units[line.work_unit], line.complexity, line.quantity) for line in lines]


def _answer(
    request: HttpRequest, user: User, demand_id: int, *, status: int, warnings: list[str] | None = None
) -> Answer:
    """The demand as it now is, read back through the caller's door inside the write's transaction.

    If the caller could no longer see it, the 404 would roll the write back (the NetBox re-check).
    """
    demand: Demand = get_visible_or_404(user, _demand_details(user), pk=demand_id)
    data = DemandDetailOut.from_orm(demand, context={"request": request}).model_dump()
    if warnings is not None:
        data["warnings"] = warnings
    # Encoded as ninja encodes its answers, so that a replayed answer is the same to the byte.
    body: dict[str, Any] = json.loads(json.dumps(data, cls=NinjaJSONEncoder))
    headers = {"ETag": demand_etag(demand)}
    if status == 201:
        headers["Location"] = reverse("api:get_demand", kwargs={"demand_id": demand.pk})
    return status, body, headers


@router.post(
    "/demands/",
    auth=TokenAuth(),
    response={201: DemandDetailOut, **CREATE_ERRORS},
    summary="Create a demand",
)
def create_demand(
    request: HttpRequest, payload: DemandIn, idempotency_key: IdempotencyKey = None
) -> HttpResponse:
    """Open a demand under one of your contracts, as a draft or submitted at once (`submit`).

    The client's requesters and approvers, delivery leads and directors may. Ids in the body (contract,
    work units) must be ones you may see; any other answers 422 naming the field. Send an
    `Idempotency-Key` so that retrying after a lost answer never creates a second demand.
    """
    user = auth_user(request)

    def write() -> Answer:
        contract = visible_or_refused(user, Contract.objects.all(), payload.contract, "contract")
        demand = actions.do_create_demand(
            contract,
            title=payload.title,
            description=payload.description,
            desired_on=payload.desired_on,
            lines=_line_inputs(user, payload.lines, "lines"),
            actor=user,
        )
        if payload.submit:
            actions.do_submit_demand(demand, actor=user)
        return _answer(request, user, demand.pk, status=201)

    return answer_once(request, user=user, key=idempotency_key, write=write)


class DemandPatch(Schema):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: LongText | None = None
    desired_on: dt.date | None = None
    lines: list[LineIn] | None = Field(default=None, description="All the lines, replacing the draft's.")


@router.patch(
    "/demands/{demand_id}/",
    auth=TokenAuth(),
    response={200: DemandDetailOut, **UPDATE_ERRORS},
    summary="Edit a draft demand",
    description=(
        "Change a draft before it is submitted; the fields you leave out keep their value, and `lines` "
        "replaces all the lines. A submitted demand no longer changes (422 on `state`).\n\n"
        "Personas allowed: "
        + ", ".join(f"`{persona.value}`" for persona in Persona if persona in TRANSITIONS["submit"].personas)
        + "."
    ),
)
def edit_demand(
    request: HttpRequest, demand_id: ObjectId, payload: DemandPatch, if_match: IfMatch = None
) -> HttpResponse:
    user = auth_user(request)

    def write() -> Answer:
        demand: Demand = get_visible_or_404(user, Demand.objects.select_for_update(), pk=demand_id)
        if user.persona in TRANSITIONS["submit"].personas:
            require_match(
                if_match,
                demand_etag(demand),
                message=_("The demand has changed since you read it. Read it again, then edit it."),
            )
        given = payload.model_fields_set
        lines = (
            _line_inputs(user, payload.lines, "lines")
            if payload.lines is not None
            else [
                LineInput(line.work_unit, Complexity(line.complexity), line.quantity)
                for line in demand.lines.select_related("work_unit").order_by("id")
            ]
        )
        actions.do_edit_demand(
            demand,
            title=payload.title if payload.title is not None else demand.title,
            description=payload.description if payload.description is not None else demand.description,
            desired_on=payload.desired_on if "desired_on" in given else demand.desired_on,
            lines=lines,
            actor=user,
        )
        return _answer(request, user, demand.pk, status=200)

    return answer_once(request, user=user, key=None, write=write)


def _move(
    request: HttpRequest,
    demand_id: int,
    transition: str,
    *,
    if_match: str | None,
    idempotency_key: str | None,
    act: Callable[[Demand, User], object],
) -> HttpResponse:
    """Lock the demand, check the caller's If-Match, run the action and answer the demand as it now is."""
    user = auth_user(request)

    def write() -> Answer:
        demand: Demand = get_visible_or_404(user, Demand.objects.select_for_update(), pk=demand_id)
        # A precondition only counts when the request could otherwise succeed (RFC 9110 §13.2.1): whoever
        # may not make this transition at all gets the action's 403, whatever their ETag.
        if user.persona in TRANSITIONS[transition].personas:
            require_match(
                if_match,
                demand_etag(demand),
                message=_("The demand has changed since you read it. Read it again, then decide."),
            )
        result = act(demand, user)
        warnings = result.warnings if isinstance(result, OrderResult) else []
        return _answer(request, user, demand.pk, status=200, warnings=warnings)

    return answer_once(request, user=user, key=idempotency_key, write=write)


def _rule(transition: str) -> str:
    rule = TRANSITIONS[transition]
    sources = ", ".join(f"`{state.value}`" for state in DemandState if state in rule.sources)
    personas = ", ".join(f"`{persona.value}`" for persona in Persona if persona in rule.personas)
    return f"\n\nFrom {sources} to `{rule.target.value}`. Personas allowed: {personas}."


def _quote(demand: Demand, actor: User, body: QuoteIn) -> Quote:
    lines = None if body.lines is None else _line_inputs(actor, body.lines, "lines")
    return actions.do_quote_demand(demand, actor=actor, lines=lines, quoted_on=body.quoted_on, note=body.note)


def _order(demand: Demand, actor: User, body: OrderIn) -> OrderResult:
    order = None
    if body.purchase_order is not None:
        order = visible_or_refused(actor, PurchaseOrder.objects.all(), body.purchase_order, "purchase_order")
    return actions.do_order_demand(demand, actor=actor, purchase_order=order, override=body.override)


def _plan(demand: Demand, actor: User, body: PlanIn) -> Demand:
    site = visible_or_refused(actor, Site.objects.all(), body.site, "site")
    return actions.do_plan_demand(demand, site=site, committed_on=body.committed_on, actor=actor)


@dataclass(frozen=True)
class Move:
    """One transition endpoint: its OpenAPI summary and text, its body (if any) and the action it runs."""

    summary: str
    description: str
    act: Callable[[Demand, User, Any], object]
    body: type[Schema] | None = None
    body_required: bool = False


MOVES: dict[str, Move] = {
    "submit": Move(
        "Submit a draft demand for a quote",
        "The requester sends the draft to the service centre, which owes it a quote.",
        lambda demand, user, body: actions.do_submit_demand(demand, actor=user),
    ),
    "quote": Move(
        "Quote a demand in work units",
        "Price the demand from the contract's price list in force on `quoted_on`. Quoting a quoted demand "
        "again makes the next version; the earlier ones stay readable.",
        _quote,
        QuoteIn,
    ),
    "order": Move(
        "Order a quoted demand",
        "The client approves the current quote, whose total is taken from a purchase order of the "
        "contract.\n\nBeyond what remains on the purchase order the order is refused (422 on "
        "`purchase_order`) unless a director overrides it; past 80 % consumption the answer carries "
        "a warning.",
        _order,
        OrderIn,
    ),
    "plan": Move(
        "Plan an ordered demand",
        "Choose the delivering site and commit to a delivery date.",
        _plan,
        PlanIn,
        body_required=True,
    ),
    "start": Move(
        "Start work on a planned demand",
        "Work begins.",
        lambda demand, user, body: actions.do_start_demand(demand, actor=user),
    ),
    "deliver": Move(
        "Deliver a demand",
        "Hand the deliverable over for acceptance; after a rejection, the rework is delivered the same way.",
        lambda demand, user, body: actions.do_deliver_demand(demand, actor=user, note=body.note),
        NoteIn,
    ),
    "accept": Move(
        "Accept the delivery",
        "The client accepts the latest delivery (recette): it can now be invoiced.",
        lambda demand, user, body: actions.do_accept_delivery(demand, actor=user, note=body.note),
        NoteIn,
    ),
    "reject": Move(
        "Reject the delivery",
        "The client rejects the latest delivery and says why (`reason`, required).",
        lambda demand, user, body: actions.do_reject_delivery(demand, actor=user, reason=body.reason),
        ReasonIn,
        body_required=True,
    ),
    "rework": Move(
        "Start rework after a rejection",
        "The centre takes a rejected delivery back to work on it.",
        lambda demand, user, body: actions.do_start_rework(demand, actor=user, note=body.note),
        NoteIn,
    ),
    "cancel": Move(
        "Cancel a demand",
        "Withdraw a demand before it is ordered, saying why (`reason`, required).",
        lambda demand, user, body: actions.do_cancel_demand(demand, actor=user, reason=body.reason),
        ReasonIn,
        body_required=True,
    ),
}


def _move_view(transition: str, move: Move) -> Callable[..., HttpResponse]:
    """The endpoint of one transition, with the signature ninja reads its parameters from."""

    def view(
        request: HttpRequest,
        demand_id: int,
        payload: Schema | None = None,
        if_match: str | None = None,
        idempotency_key: str | None = None,
    ) -> HttpResponse:
        body = payload if payload is not None or move.body is None else move.body()
        return _move(
            request,
            demand_id,
            transition,
            if_match=if_match,
            idempotency_key=idempotency_key,
            act=lambda demand, user: move.act(demand, user, body),
        )

    parameters = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest),
        inspect.Parameter("demand_id", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=ObjectId),
    ]
    if move.body is not None:
        parameters.append(
            inspect.Parameter(
                "payload",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=move.body if move.body_required else move.body | None,
                **({} if move.body_required else {"default": None}),
            )
        )
    parameters += [
        inspect.Parameter(
            "if_match", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation=IfMatch
        ),
        inspect.Parameter(
            "idempotency_key",
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            default=None,
            annotation=IdempotencyKey,
        ),
    ]
    view.__signature__ = inspect.Signature(parameters, return_annotation=HttpResponse)  # type: ignore[attr-defined]
    view.__name__ = view.__qualname__ = f"{transition}_demand"
    return view


for _transition, _spec in MOVES.items():
    router.post(
        f"/demands/{{demand_id}}/{_transition}/",
        auth=TokenAuth(),
        response={200: DemandMovedOut, **UPDATE_ERRORS},
        summary=_spec.summary,
        description=_spec.description + _rule(_transition),
    )(_move_view(_transition, _spec))


# --- attachments -----------------------------------------------------------------------------------------


class AttachmentOut(Schema):
    id: int
    name: str
    size: int = Field(description="In bytes.")
    content_type: str
    sha256: str = Field(description="The file's SHA-256, in hexadecimal: check what you download.")
    uploaded_by: UserRef | None
    uploaded_at: dt.datetime
    url: str = Field(description="Where to download the file (same authentication).")

    @staticmethod
    def resolve_url(obj: Attachment) -> str:
        return reverse("api:get_attachment", kwargs={"demand_id": obj.demand_id, "attachment_id": obj.pk})


class AttachmentPage(PageOut):
    items: list[AttachmentOut]


class AttachmentQuery(PageParams):
    sort: Literal["uploaded_at", "-uploaded_at", "name", "-name", "size", "-size"] = "uploaded_at"


ATTACHMENT_SORTS: Orderings = {"uploaded_at": ["uploaded_at"], "name": ["name"], "size": ["size"]}


@router.get(
    "/demands/{demand_id}/attachments/",
    response={200: AttachmentPage, **DETAIL_ERRORS},
    summary="List a demand's attachments",
)
def list_attachments(
    request: HttpRequest, demand_id: ObjectId, params: Query[AttachmentQuery]
) -> dict[str, Any]:
    """The files attached to the demand, oldest first by default."""
    user = auth_user(request)
    demand: Demand = get_visible_or_404(user, Demand.objects.all(), pk=demand_id)
    rows = Attachment.objects.restrict(user, Action.VIEW).filter(demand=demand).select_related("uploaded_by")
    return paginate(rows, params, params.sort, ATTACHMENT_SORTS)


@router.post(
    "/demands/{demand_id}/attachments/",
    auth=TokenAuth(),
    response={201: AttachmentOut, **CREATE_ERRORS, **DETAIL_ERRORS},
    summary="Attach a file to a demand",
)
def add_attachment(
    request: HttpRequest,
    demand_id: ObjectId,
    file: File[UploadedFile],
    idempotency_key: IdempotencyKey = None,
) -> HttpResponse:
    """Attach a file (up to 20 MB; documents, sheets, images, text, archives) to a demand you see.

    The client's requesters and approvers, delivery leads, directors and specialists may, until the
    demand is cancelled or invoiced. Send an `Idempotency-Key` so that a retried upload attaches once."""
    user = auth_user(request)

    def write() -> Answer:
        demand: Demand = get_visible_or_404(user, Demand.objects.all(), pk=demand_id)
        attachment = actions.do_attach_file(demand, upload=file, actor=user)
        attachment = Attachment.objects.select_related("uploaded_by").get(pk=attachment.pk)
        data = AttachmentOut.from_orm(attachment).model_dump()
        body: dict[str, Any] = json.loads(json.dumps(data, cls=NinjaJSONEncoder))
        return 201, body, {"Location": body["url"]}

    return answer_once(request, user=user, key=idempotency_key, write=write)


@router.get(
    "/demands/{demand_id}/attachments/{attachment_id}/",
    response={200: None, **DETAIL_ERRORS},
    summary="Download an attachment",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, as an attachment.",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_attachment(request: HttpRequest, demand_id: ObjectId, attachment_id: ObjectId) -> HttpResponseBase:
    """The file itself, under the name it was attached with."""
    attachment: Attachment = get_visible_or_404(
        auth_user(request), Attachment.objects.all(), pk=attachment_id, demand_id=demand_id
    )
    return private_file(attachment.file, name=attachment.name, content_type=attachment.content_type)
