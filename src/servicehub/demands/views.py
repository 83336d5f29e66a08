"""Demand pages: the list (a queue for whoever has a move to make), a new demand, one demand's page
with its quotes, deliveries and timeline, and one page per step of the lifecycle.

Views parse, call the lifecycle's actions and render; the actions check permissions and states
again, so a page never decides alone. An action's ValidationError is shown next to the field it
names, PermissionDenied is the 403 page and Http404 the 404 page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods

from servicehub.catalogue.choices import Complexity
from servicehub.catalogue.models import Price, PriceListVersion, WorkUnit, WorkUnitEffort
from servicehub.contracts.models import Contract, PurchaseOrder, ServiceLevel
from servicehub.core.choices import Persona
from servicehub.core.figures import MONEY_FIELD
from servicehub.core.forms import add_action_errors, split_errors
from servicehub.core.http import AuthenticatedRequest, private_file
from servicehub.core.lists import Column, FilterChoice, ListFilter, ListSpec, choices_from_enum, render_list
from servicehub.core.models import User
from servicehub.core.tenancy import get_visible_or_404
from servicehub.demands import actions
from servicehub.demands.actions import TRANSITIONS, allowed_transitions, price_version_on, remaining_on
from servicehub.demands.choices import ClockState, DemandState, InvoiceKind, InvoiceLineKind, InvoiceState
from servicehub.demands.forms import (
    AttachmentForm,
    BaseLineFormSet,
    Catalogue,
    ConfirmForm,
    DemandForm,
    NoteForm,
    OpenOrder,
    OrderForm,
    PlanForm,
    PrepareInvoiceForm,
    QuoteForm,
    ReasonForm,
    carried_fields,
    carried_lines,
    line_formset,
    parse_month,
)
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
    SlaClock,
)
from servicehub.demands.queues import has_a_queue, may_open_demands, waiting_for
from servicehub.demands.service_review import Measurement, measure_month
from servicehub.org.models import Site

StrOrPromise = str | Promise

# ---------------------------------------------------------------------------
# The list


def state_rank(field: str = "state") -> Case:
    """Draft → cancelled, the order of the lifecycle, to sort on the state column."""
    return Case(
        *(When(**{field: state.value}, then=Value(rank)) for rank, state in enumerate(DemandState)),
        default=Value(len(DemandState)),
        output_field=IntegerField(),
    )


DEMAND_LIST = ListSpec(
    columns=[
        Column("reference", _("Demand"), ("reference",)),
        Column("contract", _("Contract"), ("contract__reference",)),
        Column("state", _("State"), ("state_rank",)),
        # Age in the current state, and the nearest deadline of a running SLA clock.
        Column("since", _("Since"), ("-state_changed_at",)),
        Column("sla", _("SLA deadline"), ("sla_deadline",)),
        Column("desired", _("Desired by"), ("desired_on",)),
        Column("amount", _("Amount"), ("amount",), numeric=True),
    ],
    search_fields=["reference", "title", "contract__reference"],
    default_sort="-since",
    template_name="demands/demand_list.html",
    partial_template_name="demands/_demand_results.html",
    search_label=_("Search by reference, title or contract"),
    empty_title=_("No demand yet"),
    empty_hint=_("A demand is what a client asks for, in work units of its contract's catalogue."),
)

# The queue filter: "me" keeps the demands that wait for the user, "all" keeps everything.
QUEUE_KEY = "waiting"
QUEUE_MINE = "me"
QUEUE_ALL = "all"


def demands_for_list(user: User) -> QuerySet[Demand]:
    """Visible demands with their contract, client and amount (ordered, else last quoted): no N+1."""
    last_quote = (
        Quote.objects.restrict(user, "view")
        .filter(demand=OuterRef("pk"))
        .order_by("-version")
        .values("total_amount")[:1]
    )
    clocks = SlaClock.objects.restrict(user, "view").filter(demand=OuterRef("pk"))
    next_deadline = (
        clocks.filter(status=ClockState.RUNNING, deadline__isnull=False)
        .order_by("deadline")
        .values("deadline")[:1]
    )
    return (
        Demand.objects.restrict(user, "view")
        .select_related("contract__client")
        .annotate(
            sla_deadline=Subquery(next_deadline),
            sla_breached=Exists(clocks.filter(breached_at__isnull=False)),
            quoted_amount=Subquery(last_quote, output_field=MONEY_FIELD),
            amount=Coalesce("ordered_amount", "quoted_amount", output_field=MONEY_FIELD),
            state_rank=state_rank(),
        )
    )


def _queue_filter(user: User) -> ListFilter | None:
    if not (has_a_queue(user) or may_open_demands(user)):
        return None  # no move of their own to make: the whole list is all they need
    return ListFilter(
        QUEUE_KEY,
        _("Show"),
        "",
        [
            FilterChoice(QUEUE_MINE, _("Waiting for me"), waiting_for(user)),
            FilterChoice(QUEUE_ALL, _("All demands"), Q(), narrows=False),
        ],
        # Provider staff and approvers land on their queue; a requester on all their demands.
        default=QUEUE_MINE if has_a_queue(user) else QUEUE_ALL,
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def demand_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    contracts = Contract.objects.restrict(user, "view").order_by("reference")
    filters = [
        ListFilter("state", _("State"), "state", choices_from_enum(DemandState.choices)),
        ListFilter(
            "contract",
            _("Contract"),
            "contract_id",
            [FilterChoice(str(c.pk), c.reference) for c in contracts],
        ),
    ]
    queue = _queue_filter(user)
    demands = demands_for_list(user)
    on_my_queue = False
    if queue is not None:
        filters.insert(0, queue)
        on_my_queue = request.GET.get(queue.key, queue.default) == QUEUE_MINE
        demands = demands.annotate(
            waits=Case(
                When(waiting_for(user), then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
    context = {
        "may_open": may_open_demands(user),
        "on_my_queue": on_my_queue,
        "all_url": f"{request.path}?{QUEUE_KEY}={QUEUE_ALL}",
        "now": timezone.now(),
    }
    return render_list(request, demands, DEMAND_LIST, filters=filters, context=context)


# ---------------------------------------------------------------------------
# Shared pieces


def _detail_url(demand: Demand) -> str:
    return reverse("demands:demand-detail", args=[demand.pk])


def _catalogue(user: User, contract: Contract | None, today: dt.date) -> Catalogue:
    """The work units the user may order on `contract`: those priced by the version in force today."""
    if contract is None:
        return Catalogue()
    try:
        version: PriceListVersion = price_version_on(contract, today)
    except ValidationError:
        version = contract.price_list_version
    prices = list(
        Price.objects.filter(version=version, work_unit__in=WorkUnit.objects.restrict(user, "view"))
        .select_related("work_unit")
        .order_by("work_unit__code")
    )
    # A grade without an effort in the unit's chart cannot be quoted (do_quote_demand needs both).
    charted = set(
        WorkUnitEffort.objects.filter(work_unit__in={price.work_unit_id for price in prices}).values_list(
            "work_unit_id", "complexity"
        )
    )
    catalogue = Catalogue(version=version)
    for price in prices:
        catalogue.units.setdefault(price.work_unit_id, price.work_unit)
        if (price.work_unit_id, price.complexity) in charted:
            catalogue.priced[(price.work_unit_id, price.complexity)] = price.unit_price
    return catalogue


def _moved_on(exc: ValidationError) -> bool:
    """The action refused because the demand's state changed meanwhile (someone else moved it)."""
    return hasattr(exc, "error_dict") and "state" in exc.error_dict


def _moved_on_redirect(request: AuthenticatedRequest, demand: Demand, exc: ValidationError) -> HttpResponse:
    for text in exc.message_dict["state"]:
        messages.error(request, text)
    return redirect(_detail_url(demand))


# ---------------------------------------------------------------------------
# A new demand


def _open_contracts(user: User, today: dt.date) -> list[Contract]:
    """Contracts the user may open a demand on: visible and not ended."""
    return list(
        Contract.objects.restrict(user, "view")
        .filter(ends_on__gte=today)
        .select_related("client", "price_list_version")
        .order_by("reference")
    )


def _chosen_contract(raw: str | None, contracts: Sequence[Contract]) -> Contract | None:
    by_pk = {str(contract.pk): contract for contract in contracts}
    if raw in by_pk:
        return by_pk[raw]
    return contracts[0] if len(contracts) == 1 else None


@login_required
@require_http_methods(["GET", "POST"])
def demand_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not may_open_demands(user):
        raise PermissionDenied(_("Only the client or a delivery lead may open a demand."))
    today = timezone.localdate()
    contracts = _open_contracts(user, today)
    contract = _chosen_contract((request.POST or request.GET).get("contract"), contracts)

    def save(form: DemandForm, formset: BaseLineFormSet, submit: bool) -> Demand:
        # Opening and submitting go together or not at all: no stray draft if the submission fails.
        with transaction.atomic():
            demand = actions.do_create_demand(
                form.cleaned_data["contract"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                desired_on=form.cleaned_data["desired_on"],
                lines=formset.lines(),
                actor=user,
            )
            _attach_all(demand, form.cleaned_data["attachments"], user)
            return actions.do_submit_demand(demand, actor=user) if submit else demand

    return _demand_form_page(
        request, contracts, contract, save=save, initial={"contract": str(contract.pk) if contract else ""}
    )


@login_required
@require_http_methods(["GET", "POST"])
def demand_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    demand = _visible_demand(user, pk)
    if not may_open_demands(user):
        raise PermissionDenied(_("Only the client or a delivery lead may edit a draft demand."))
    if demand.state != DemandState.DRAFT:
        messages.error(
            request,
            _("Only a draft can be edited; this demand is “%(state)s”.")
            % {"state": DemandState(demand.state).label},
        )
        return redirect(_detail_url(demand))

    def save(form: DemandForm, formset: BaseLineFormSet, submit: bool) -> Demand:
        with transaction.atomic():
            edited = actions.do_edit_demand(
                demand,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                desired_on=form.cleaned_data["desired_on"],
                lines=formset.lines(),
                actor=user,
            )
            _attach_all(edited, form.cleaned_data["attachments"], user)
            return actions.do_submit_demand(edited, actor=user) if submit else edited

    initial = {
        "contract": str(demand.contract_id),
        "title": demand.title,
        "description": demand.description,
        "desired_on": demand.desired_on,
    }
    lines = [
        {"work_unit": line.work_unit_id, "complexity": line.complexity, "quantity": _plain(line.quantity)}
        for line in demand.lines.order_by("id")
    ]
    return _demand_form_page(
        request, [demand.contract], demand.contract, save=save, initial=initial, lines=lines, demand=demand
    )


def _attach_all(demand: Demand, uploads: Sequence[UploadedFile], user: User) -> None:
    for upload in uploads:
        try:
            actions.do_attach_file(demand, upload=upload, actor=user)
        except ValidationError as exc:
            raise ValidationError(
                {"attachments": [f"{upload.name}: {text}" for text in exc.messages]}
            ) from exc


def _demand_form_page(
    request: AuthenticatedRequest,
    contracts: Sequence[Contract],
    contract: Contract | None,
    *,
    save: Callable[[DemandForm, BaseLineFormSet, bool], Demand],
    initial: dict[str, Any],
    lines: Sequence[dict[str, Any]] = (),
    demand: Demand | None = None,
) -> HttpResponse:
    """The demand form, to open a demand or to edit a draft (`demand`): save, or show it again as typed."""
    today = timezone.localdate()
    catalogue = _catalogue(request.user, contract, today)
    data = request.POST if request.method == "POST" else None
    lines_errors: list[str] = []
    status = 200

    if data is not None and ("draft" in data or "submit" in data):
        form = DemandForm(data, request.FILES, contracts=contracts, today=today)
        formset = line_formset(catalogue, data)
        if form.is_valid() and formset.is_valid():
            try:
                saved = save(form, formset, "submit" in data)
            except ValidationError as exc:
                by_field, others = split_errors(exc, list(form.fields))
                for name, texts in by_field.items():
                    form.add_error(name, texts)
                lines_errors = others
            else:
                if saved.state == DemandState.SUBMITTED:
                    done = _("Demand %(reference)s is submitted: the delivery lead will quote it.")
                else:
                    done = _("Demand %(reference)s is saved as a draft. Submit it when it is ready.")
                messages.success(request, done % {"reference": saved.reference})
                return redirect(_detail_url(saved))
        status = 400
    elif data is not None:
        # "Add a line" or a new contract: show everything again as typed, judge nothing yet.
        typed = carried_lines(data)
        if "add_line" in data or not typed:
            typed.append({})
        form = DemandForm(initial=carried_fields(data, DemandForm), contracts=contracts, today=today)
        formset = line_formset(catalogue, initial=typed)
    else:
        form = DemandForm(initial=initial, contracts=contracts, today=today)
        formset = line_formset(catalogue, initial=list(lines) or [{}])

    context = {
        "form": form,
        "formset": formset,
        "contract": contract,
        "contracts": contracts,
        "catalogue": catalogue,
        "lines_errors": lines_errors,
        "demand": demand,
        "form_url": (
            reverse("demands:demand-edit", args=[demand.pk])
            if demand is not None
            else reverse("demands:demand-create")
        ),
    }
    return render(request, "demands/demand_form.html", context, status=status)


# ---------------------------------------------------------------------------
# One demand


@dataclass(frozen=True)
class Step:
    """How a transition shows: its button, its page, and the message once done (with %(reference)s)."""

    label: StrOrPromise
    title: StrOrPromise
    explain: StrOrPromise
    done: StrOrPromise
    tone: str = "primary"


STEPS: dict[str, Step] = {
    "submit": Step(
        _("Submit"),
        _("Submit the demand"),
        _("The delivery lead will quote it in work units. The requested lines can no longer change."),
        _("Demand %(reference)s is submitted."),
    ),
    "quote": Step(
        # The button: a verb (« Chiffrer »), where the demand page's heading "Quote" is a noun (« Devis »).
        pgettext_lazy("action", "Quote"),
        _("Quote the demand"),
        _(
            "Each line is priced from the contract's price list in force on the quote date; "
            "efforts come from the work units' charts. Quoting again makes a new version."
        ),
        _("Demand %(reference)s is quoted (version %(version)s)."),
    ),
    "order": Step(
        _("Approve and order"),
        _("Approve the quote and order"),
        _("The quoted amount is taken from a purchase order of the contract."),
        _("Demand %(reference)s is ordered."),
    ),
    "plan": Step(
        _("Plan"),
        _("Plan the demand"),
        _("Choose the site that delivers and the date you commit to."),
        _("Demand %(reference)s is planned."),
    ),
    "start": Step(
        _("Start the work"),
        _("Start the work"),
        _("The demand goes in progress."),
        _("Work on demand %(reference)s has started."),
    ),
    "deliver": Step(
        _("Deliver"),
        _("Deliver"),
        _("The client's approver is asked to accept or reject the delivery."),
        _("Demand %(reference)s is delivered."),
    ),
    "accept": Step(
        _("Accept the delivery"),
        _("Accept the delivery"),
        _("Accepting closes the demand; it will be invoiced at its quoted price."),
        _("The delivery of demand %(reference)s is accepted."),
    ),
    "reject": Step(
        _("Reject the delivery"),
        _("Reject the delivery"),
        _("The delivery team reworks the delivery; say what is wrong so that they can fix it."),
        _("The delivery of demand %(reference)s is rejected."),
        tone="danger",
    ),
    "rework": Step(
        _("Start the rework"),
        _("Start the rework"),
        _("The demand goes back to the delivery team to fix what the client rejected."),
        _("Rework on demand %(reference)s has started."),
    ),
    "cancel": Step(
        _("Cancel the demand"),
        _("Cancel the demand"),
        _("A cancelled demand cannot be reopened."),
        _("Demand %(reference)s is cancelled."),
        tone="danger",
    ),
}


@dataclass(frozen=True)
class QuoteView:
    """A quote and its lines, each with its effort in hours (effort per unit times quantity)."""

    quote: Quote
    lines: list[tuple[QuoteLine, Decimal]]

    @classmethod
    def of(cls, quote: Quote) -> QuoteView:
        return cls(quote, [(line, line.unit_hours * line.quantity) for line in quote.lines.all()])


@dataclass(frozen=True)
class StepLink:
    name: str
    step: Step
    url: str


def _visible_demand(user: User, pk: int) -> Demand:
    demand: Demand = get_visible_or_404(
        user,
        Demand.objects.select_related(
            "contract__client", "contract__price_list_version", "site", "purchase_order", "requested_by"
        ),
        pk=pk,
    )
    return demand


def _step_links(demand: Demand, user: User) -> list[StepLink]:
    return [
        StepLink(name, STEPS[name], reverse("demands:demand-transition", args=[demand.pk, name]))
        for name in allowed_transitions(demand, user)
    ]


@login_required
@require_http_methods(["GET", "HEAD"])
def demand_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    demand = _visible_demand(user, pk)
    lines = (
        DemandLine.objects.restrict(user, "view")
        .filter(demand=demand)
        .select_related("work_unit")
        .order_by("id")
    )
    quotes = [
        QuoteView.of(quote)
        for quote in Quote.objects.restrict(user, "view")
        .filter(demand=demand)
        .select_related("author", "price_list_version__price_list")
        .prefetch_related(Prefetch("lines", QuoteLine.objects.select_related("work_unit").order_by("id")))
        .order_by("-version")
    ]
    deliveries = (
        Delivery.objects.restrict(user, "view")
        .filter(demand=demand)
        .select_related("delivered_by", "decided_by")
        .order_by("-number")
    )
    events = (
        DemandEvent.objects.restrict(user, "view")
        .filter(demand=demand)
        .select_related("actor")
        .order_by("at", "id")
    )
    context = {
        "demand": demand,
        "lines": lines,
        "current": quotes[0] if quotes else None,
        "older_quotes": quotes[1:],
        "deliveries": deliveries,
        "events": events,
        "steps": _step_links(demand, user),
        "may_edit": demand.state == DemandState.DRAFT and may_open_demands(user),
        "attachments": [
            (attachment, actions.may_remove_attachment(attachment, user))
            for attachment in Attachment.objects.restrict(user, "view")
            .filter(demand=demand)
            .select_related("uploaded_by", "demand")
        ],
        "attach_form": AttachmentForm() if actions.may_attach(demand, user) else None,
    }
    return render(request, "demands/demand_detail.html", context)


# ---------------------------------------------------------------------------
# Attachments


def _visible_attachment(user: User, pk: int, attachment_id: int) -> Attachment:
    attachment: Attachment = get_visible_or_404(
        user, Attachment.objects.select_related("demand", "uploaded_by"), pk=attachment_id, demand_id=pk
    )
    return attachment


@login_required
@require_http_methods(["GET", "POST"])
def attachment_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The upload form (for browsers without the demand page's inline form), and the upload itself."""
    user = request.user
    demand = _visible_demand(user, pk)
    if user.persona not in actions.ATTACHERS:
        raise PermissionDenied(
            _("As %(persona)s you may not attach files to a demand.")
            % {"persona": Persona(user.persona).label}
        )
    form = AttachmentForm(request.POST, request.FILES) if request.method == "POST" else AttachmentForm()
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                attachment = actions.do_attach_file(demand, upload=form.cleaned_data["file"], actor=user)
            except ValidationError as exc:
                for text in exc.messages:
                    form.add_error("file", text)
            else:
                messages.success(
                    request,
                    _("%(name)s is attached to %(reference)s.")
                    % {"name": attachment.name, "reference": demand.reference},
                )
                return redirect(_detail_url(demand) + "#attachments")
        status = 400
    return render(request, "demands/attachment_form.html", {"demand": demand, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def attachment_download(request: AuthenticatedRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    attachment = _visible_attachment(request.user, pk, attachment_id)
    return private_file(attachment.file, name=attachment.name, content_type=attachment.content_type)


@login_required
@require_http_methods(["GET", "POST"])
def attachment_remove(request: AuthenticatedRequest, pk: int, attachment_id: int) -> HttpResponse:
    """Ask first; remove on POST."""
    user = request.user
    attachment = _visible_attachment(user, pk, attachment_id)
    demand = attachment.demand
    if not actions.may_remove_attachment(attachment, user):
        raise PermissionDenied(_("Only the person who added a file, or a delivery lead, may remove it."))
    if request.method == "POST":
        actions.do_remove_attachment(attachment, actor=user)
        messages.success(
            request,
            _("%(name)s is removed from %(reference)s.")
            % {"name": attachment.name, "reference": demand.reference},
        )
        return redirect(_detail_url(demand) + "#attachments")
    return render(request, "demands/attachment_remove.html", {"demand": demand, "attachment": attachment})


# ---------------------------------------------------------------------------
# The steps of the lifecycle


def _open_orders(user: User, demand: Demand, today: dt.date) -> list[OpenOrder]:
    orders = (
        PurchaseOrder.objects.restrict(user, "view")
        .filter(contract_id=demand.contract_id, issued_on__lte=today, valid_until__gte=today)
        .order_by("valid_until", "number")
    )
    return [OpenOrder(order, remaining_on(order), demand.currency) for order in orders]


def _serving_sites(user: User, demand: Demand) -> list[Site]:
    return list(Site.objects.restrict(user, "view").filter(contracts=demand.contract_id).order_by("name"))


def _step_form(name: str, demand: Demand, user: User, data: Any, today: dt.date) -> forms.Form:
    match name:
        case "order":
            return OrderForm(
                data,
                orders=_open_orders(user, demand, today),
                may_override=user.persona == Persona.DIRECTOR,
            )
        case "plan":
            return PlanForm(data, sites=_serving_sites(user, demand), today=today)
        case "deliver":
            return NoteForm(data, note_label=_("Delivery note"))
        case "accept":
            return NoteForm(data, note_label=_("Comment (optional)"))
        case "rework":
            return NoteForm(data, note_label=_("Note (optional)"))
        case "reject":
            return ReasonForm(data, reason_help=_("The delivery team sees this reason in the timeline."))
        case "cancel":
            return ReasonForm(data)
        case _:
            return ConfirmForm(data)


def _run_step(name: str, demand: Demand, cleaned: dict[str, Any], user: User) -> list[str]:
    """Call the transition's action; returns its warnings."""
    match name:
        case "submit":
            actions.do_submit_demand(demand, actor=user)
        case "order":
            result = actions.do_order_demand(
                demand,
                actor=user,
                purchase_order=cleaned["purchase_order"],
                override=cleaned.get("override", False),
            )
            return result.warnings
        case "plan":
            actions.do_plan_demand(
                demand, site=cleaned["site"], committed_on=cleaned["committed_on"], actor=user
            )
        case "start":
            actions.do_start_demand(demand, actor=user)
        case "deliver":
            actions.do_deliver_demand(demand, actor=user, note=cleaned["note"])
        case "accept":
            actions.do_accept_delivery(demand, actor=user, note=cleaned["note"])
        case "reject":
            actions.do_reject_delivery(demand, actor=user, reason=cleaned["reason"])
        case "rework":
            actions.do_start_rework(demand, actor=user, note=cleaned["note"])
        case "cancel":
            actions.do_cancel_demand(demand, actor=user, reason=cleaned["reason"])
        case _:
            raise Http404(_("No such page."))
    return []


@login_required
@require_http_methods(["GET", "POST"])
def demand_transition(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    user = request.user
    demand = _visible_demand(user, pk)
    rule = TRANSITIONS.get(name)
    if rule is None:
        raise Http404(_("No such page."))
    if user.persona not in rule.personas:
        raise PermissionDenied(
            _("As %(persona)s you may not do this on a demand.") % {"persona": Persona(user.persona).label}
        )
    if demand.state not in rule.sources:
        messages.error(
            request,
            _("A demand that is “%(state)s” cannot become “%(target)s”.")
            % {"state": DemandState(demand.state).label, "target": rule.target.label},
        )
        return redirect(_detail_url(demand))
    if name == "quote":
        return _quote_step(request, demand)

    step = STEPS[name]
    today = timezone.localdate()
    form = _step_form(name, demand, user, request.POST if request.method == "POST" else None, today)
    if request.method == "POST" and form.is_valid():
        try:
            warnings = _run_step(name, demand, form.cleaned_data, user)
        except ValidationError as exc:
            if _moved_on(exc):
                return _moved_on_redirect(request, demand, exc)
            add_action_errors(form, exc)
        else:
            messages.success(request, step.done % {"reference": demand.reference})
            for warning in warnings:
                messages.warning(request, warning)
            return redirect(_detail_url(demand))
    context: dict[str, Any] = {"demand": demand, "step": step, "form": form}
    if isinstance(form, OrderForm):
        context["quote"] = demand.current_quote
        context["no_open_order"] = not form.orders
    return render(
        request, "demands/transition.html", context, status=400 if request.method == "POST" else 200
    )


def _quote_lines_initial(demand: Demand) -> list[dict[str, Any]]:
    """The current quote's lines when quoting again, else the lines the client asked for."""
    quote = demand.current_quote
    rows = quote.lines.all() if quote is not None else demand.lines.order_by("id")
    return [
        {"work_unit": str(row.work_unit_id), "complexity": row.complexity, "quantity": _plain(row.quantity)}
        for row in rows
    ]


def _plain(quantity: Decimal) -> Decimal:
    """2.00 → 2 and 1.50 → 1.5, shown in the reader's format by the localized field."""
    return quantity.quantize(Decimal(1)) if quantity == quantity.to_integral_value() else quantity.normalize()


def _quote_step(request: AuthenticatedRequest, demand: Demand) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    catalogue = _catalogue(user, demand.contract, today)
    data = request.POST if request.method == "POST" else None
    lines_errors: list[str] = []
    status = 200
    if data is not None and "save" in data:
        form = QuoteForm(data)
        formset = line_formset(catalogue, data)
        if form.is_valid() and formset.is_valid():
            try:
                quote = actions.do_quote_demand(
                    demand,
                    actor=user,
                    lines=formset.lines(),
                    quoted_on=form.cleaned_data["quoted_on"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                if _moved_on(exc):
                    return _moved_on_redirect(request, demand, exc)
                by_field, lines_errors = split_errors(exc, list(form.fields))
                for name, texts in by_field.items():
                    form.add_error(name, texts)
            else:
                done = STEPS["quote"].done % {"reference": demand.reference, "version": quote.version}
                messages.success(request, done)
                return redirect(_detail_url(demand))
        status = 400
    elif data is not None:
        lines = carried_lines(data)
        if "add_line" in data or not lines:
            lines.append({})
        form = QuoteForm(initial=carried_fields(data, QuoteForm))
        formset = line_formset(catalogue, initial=lines)
    else:
        form = QuoteForm(initial={"quoted_on": today.isoformat()})
        formset = line_formset(catalogue, initial=_quote_lines_initial(demand))
    context = {
        "demand": demand,
        "step": STEPS["quote"],
        "form": form,
        "formset": formset,
        "lines_errors": lines_errors,
        "price_grid": _price_grid(catalogue),
        "catalogue_version": catalogue.version,
        "grades": [grade.label for grade in Complexity],
    }
    return render(request, "demands/quote_form.html", context, status=status)


@dataclass
class PriceRow:
    unit: WorkUnit
    prices: list[Decimal | None]


def _price_grid(catalogue: Catalogue) -> list[PriceRow]:
    """The catalogue's prices, one row per work unit, simple → very complex, beside the quote editor."""
    grades = list(Complexity)
    return [
        PriceRow(unit, [catalogue.priced.get((pk, grade)) for grade in grades])
        for pk, unit in catalogue.units.items()
    ]


# ---------------------------------------------------------------------------
# Invoices

# Who prepares, issues and credits invoices; the actions check it again (actions._ensure_invoicer).
INVOICERS = frozenset({Persona.DIRECTOR, Persona.DELIVERY_LEAD})

INVOICE_LIST = ListSpec(
    columns=[
        Column("number", _("Number"), ("number",)),
        Column("contract", _("Contract"), ("contract__reference",)),
        # The newest month first.
        Column("month", _("Month"), ("-period_start",)),
        Column("kind", _("Kind"), ("kind",)),
        Column("state", _("State"), ("state",)),
        Column("total", _("Total"), ("total",), numeric=True),
    ],
    search_fields=["number", "contract__reference", "contract__title"],
    default_sort="month",
    template_name="demands/invoice_list.html",
    partial_template_name="demands/_invoice_results.html",
    search_label=_("Search by number or contract"),
    empty_title=_("No invoice yet"),
    empty_hint=_("An invoice bills a contract's deliverables accepted in a month, less its penalties."),
)


def may_invoice(user: User) -> bool:
    return user.persona in INVOICERS


def previous_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _invoice_url(invoice: Invoice) -> str:
    return reverse("demands:invoice-detail", args=[invoice.pk])


@login_required
@require_http_methods(["GET", "HEAD"])
def invoice_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    contracts = Contract.objects.restrict(user, "view").order_by("reference")
    filters = [
        ListFilter(
            "contract",
            _("Contract"),
            "contract_id",
            [FilterChoice(str(c.pk), c.reference) for c in contracts],
        ),
        ListFilter("state", _("State"), "state", choices_from_enum(InvoiceState.choices)),
        ListFilter("kind", _("Kind"), "kind", choices_from_enum(InvoiceKind.choices)),
    ]
    invoices = Invoice.objects.restrict(user, "view").select_related("contract__client")
    context = {"may_invoice": may_invoice(user)}
    return render_list(request, invoices, INVOICE_LIST, filters=filters, context=context)


@login_required
@require_http_methods(["GET", "POST"])
def invoice_prepare(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not may_invoice(user):
        raise PermissionDenied(_("Only a delivery lead or a director may invoice."))
    contracts = list(Contract.objects.restrict(user, "view").order_by("reference"))
    if request.method == "POST":
        form = PrepareInvoiceForm(request.POST, contracts=contracts)
        if form.is_valid():
            try:
                invoice = actions.do_prepare_invoice(
                    form.cleaned_data["contract"], month=form.cleaned_data["month"], actor=user
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The invoice for %(month)s is prepared as a draft: check it, then issue it.")
                    % {"month": f"{invoice.period_start:%Y-%m}"},
                )
                return redirect(_invoice_url(invoice))
        return render(request, "demands/invoice_prepare.html", {"form": form}, status=400)
    month = parse_month(request.GET.get("month")) or previous_month(timezone.localdate())
    initial = {"month": f"{month:%Y-%m}"}
    if request.GET.get("contract", "") in {str(c.pk) for c in contracts}:
        initial["contract"] = request.GET["contract"]
    form = PrepareInvoiceForm(initial=initial, contracts=contracts)
    return render(request, "demands/invoice_prepare.html", {"form": form})


# The steps an invoicer takes on an invoice's page: `?step=` shows the form, a POST with it acts.
ISSUE_STEP = "issue"
CREDIT_STEP = "credit"


def _invoice_steps(invoice: Invoice, credit_notes: Sequence[Invoice], user: User) -> list[str]:
    if not may_invoice(user):
        return []
    if invoice.state == InvoiceState.DRAFT:
        return [ISSUE_STEP]
    if invoice.kind == InvoiceKind.INVOICE and not credit_notes:
        return [CREDIT_STEP]
    return []


def _run_invoice_step(step: str, invoice: Invoice, form: forms.Form, user: User) -> Invoice:
    if step == ISSUE_STEP:
        return actions.do_issue_invoice(invoice, actor=user)
    return actions.do_issue_credit_note(invoice, reason=form.cleaned_data["reason"], actor=user)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invoice_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    invoice: Invoice = get_visible_or_404(
        user, Invoice.objects.select_related("contract__client", "corrects"), pk=pk
    )
    credit_notes = list(
        Invoice.objects.restrict(user, "view").filter(corrects=invoice).order_by("created_at")
    )
    steps = _invoice_steps(invoice, credit_notes, user)
    data = request.POST if request.method == "POST" else None
    step = (data or request.GET).get("step", "")
    if data is not None and not may_invoice(user):
        raise PermissionDenied(_("Only a delivery lead or a director may invoice."))
    form: forms.Form | None = None
    status = 200
    if step in (ISSUE_STEP, CREDIT_STEP):
        form = ConfirmForm(data) if step == ISSUE_STEP else ReasonForm(data)
    if data is not None:
        if form is None:
            raise Http404(_("No such page."))
        if form.is_valid():
            try:
                done = _run_invoice_step(step, invoice, form, user)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                issued: StrOrPromise = (
                    _("Invoice %(number)s is issued.")
                    if step == ISSUE_STEP
                    else _("Credit note %(number)s is issued.")
                )
                messages.success(request, issued % {"number": done.number})
                return redirect(_invoice_url(done))
        status = 400
    elif step not in steps:
        form = None  # a stale or hand-typed link: show the page without the step
    lines = list(
        InvoiceLine.objects.restrict(user, "view")
        .filter(invoice=invoice)
        .select_related("demand", "service_level")
        .order_by("id")
    )
    # penalties_amount is net of the penalties earned back; when there are some, the page
    # shows the month's penalties and the earn-back apart so the net figure can be checked.
    earned_back = sum((line.amount for line in lines if line.kind == InvoiceLineKind.EARN_BACK), Decimal("0"))
    context = {
        "invoice": invoice,
        "lines": lines,
        "earned_back": earned_back,
        "penalties_due": invoice.penalties_amount + earned_back,
        "credit_notes": credit_notes,
        "steps": steps,
        "step": step if form is not None else "",
        "form": form,
        "may_invoice": may_invoice(user),
    }
    return render(request, "demands/invoice_detail.html", context, status=status)


# ---------------------------------------------------------------------------
# A contract's monthly service levels


@dataclass(frozen=True)
class ReviewRow:
    """An indicator of the contract and its month's measurement, None when nothing was measured."""

    level: ServiceLevel
    measurement: Measurement | None


@login_required
@require_http_methods(["GET", "HEAD"])
def service_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    contract: Contract = get_visible_or_404(user, Contract.objects.select_related("client"), pk=pk)
    this_month = timezone.localdate().replace(day=1)
    month = parse_month(request.GET.get("month")) or previous_month(this_month)
    measured = {m.level.pk: m for m in measure_month(contract, month)}
    levels = ServiceLevel.objects.restrict(user, "view").filter(contract=contract).order_by("code")
    following = (month + dt.timedelta(days=32)).replace(day=1)
    context = {
        "contract": contract,
        "month": month,
        "rows": [ReviewRow(level, measured.get(level.pk)) for level in levels],
        "previous": f"{previous_month(month):%Y-%m}",
        # No month after the current one: nothing can have been measured there yet.
        "next": f"{following:%Y-%m}" if following <= this_month else "",
        "month_param": f"{month:%Y-%m}",
        "may_invoice": may_invoice(user),
    }
    return render(request, "demands/service_review.html", context)
