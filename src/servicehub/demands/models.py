"""Client demands, their quotes in work units, deliveries and the acceptance decisions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from servicehub.catalogue.choices import Complexity
from servicehub.core.choices import Currency
from servicehub.core.models import TimeStampedModel
from servicehub.demands import attachments
from servicehub.demands.choices import (
    ClockState,
    Decision,
    DemandSource,
    DemandState,
    InvoiceKind,
    InvoiceLineKind,
    InvoiceState,
    Priority,
)
from servicehub.demands.querysets import (
    DemandPartQuerySet,
    DemandQuerySet,
    InvoiceLineQuerySet,
    InvoiceQuerySet,
)


class Demand(TimeStampedModel):
    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("contract"), on_delete=models.PROTECT, related_name="demands"
    )
    reference = models.CharField(_("reference"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    desired_on = models.DateField(_("desired on"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    state = models.CharField(
        _("state"), max_length=20, choices=DemandState.choices, default=DemandState.DRAFT, db_index=True
    )
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    # Set when the client orders: the purchase order consumed and the amount ordered.
    purchase_order = models.ForeignKey(
        "contracts.PurchaseOrder",
        verbose_name=_("purchase order"),
        on_delete=models.PROTECT,
        related_name="demands",
        null=True,
        blank=True,
    )
    ordered_amount = models.DecimalField(
        _("ordered amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    # Set when planned.
    site = models.ForeignKey(
        "org.Site", verbose_name=_("delivering site"), on_delete=models.PROTECT, null=True, blank=True
    )
    committed_on = models.DateField(_("committed delivery date"), null=True, blank=True)
    # Demands imported from a client's ticketing tool (see demands/imports/): where from, under which
    # number there, when the client opened it there and at which priority.
    source = models.CharField(
        _("source"), max_length=20, choices=DemandSource.choices, default=DemandSource.SERVICEHUB
    )
    external_ref = models.CharField(_("external reference"), max_length=40, blank=True, db_index=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, null=True, blank=True
    )

    objects = DemandQuerySet.as_manager()

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ordered_amount__isnull=True) | Q(ordered_amount__gte=0),
                name="ordered_amount_not_negative",
            ),
            # A second import of the same file finds the demands it made by this key.
            models.UniqueConstraint(
                fields=["contract", "external_ref"],
                condition=~Q(external_ref=""),
                name="external_ref_once_per_contract",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def current_quote(self) -> Quote | None:
        return self.quotes.order_by("-version").first()


class DemandLine(models.Model):
    """What the client asks for, in catalogue terms."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="lines")
    work_unit = models.ForeignKey(
        "catalogue.WorkUnit", verbose_name=_("work unit"), on_delete=models.PROTECT, related_name="+"
    )
    complexity = models.CharField(_("complexity"), max_length=20, choices=Complexity.choices)
    quantity = models.DecimalField(
        _("quantity"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )

    objects = DemandPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("requested line")
        verbose_name_plural = _("requested lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="demand_line_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.work_unit_id}/{self.complexity}"


class Quote(models.Model):
    """One version of a demand's quote, with the prices and efforts frozen when it was made."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="quotes")
    version = models.PositiveIntegerField(_("version"))
    quoted_on = models.DateField(_("quoted on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    price_list_version = models.ForeignKey(
        "catalogue.PriceListVersion",
        verbose_name=_("price list version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    total_hours = models.DecimalField(_("total effort (hours)"), max_digits=10, decimal_places=1)
    total_amount = models.DecimalField(_("total amount"), max_digits=14, decimal_places=2)
    note = models.TextField(_("note"), blank=True)

    objects = DemandPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["demand", "-version"]
        constraints = [models.UniqueConstraint(fields=["demand", "version"], name="quote_version_once")]

    def __str__(self) -> str:
        return f"{self.demand.reference} v{self.version}"


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    work_unit = models.ForeignKey(
        "catalogue.WorkUnit", verbose_name=_("work unit"), on_delete=models.PROTECT, related_name="+"
    )
    complexity = models.CharField(_("complexity"), max_length=20, choices=Complexity.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2)
    unit_hours = models.DecimalField(_("effort per unit (hours)"), max_digits=7, decimal_places=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.work_unit_id}/{self.complexity} = {self.amount}"


class Delivery(models.Model):
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="deliveries")
    number = models.PositiveIntegerField(_("delivery number"))
    delivered_at = models.DateTimeField(_("delivered at"))
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delivered by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    note = models.TextField(_("note"), blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reason = models.TextField(_("reason"), blank=True)

    objects = DemandPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["demand", "number"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "number"], name="delivery_number_once"),
            models.CheckConstraint(
                condition=~Q(decision=Decision.REJECTED) | ~Q(reason=""), name="rejection_has_a_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.demand.reference} #{self.number}"


class DemandEvent(models.Model):
    """The demand's timeline: every transition, who made it, when and why."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_state = models.CharField(_("from"), max_length=20, choices=DemandState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=DemandState.choices)
    note = models.TextField(_("note"), blank=True)
    # The SLA clocks pause while the demand waits on the client (ServiceNow's "Awaiting User Info").
    waiting_on_client = models.BooleanField(_("waiting on the client"), default=False)
    # The event's number in the source tool (ServiceNow's sys_mod_count) for imported events.
    external_seq = models.PositiveIntegerField(_("external sequence"), null=True, blank=True)

    objects = DemandPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("demand event")
        verbose_name_plural = _("demand events")
        ordering = ["demand", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "external_seq"],
                condition=Q(external_seq__isnull=False),
                name="external_seq_once_per_demand",
            )
        ]

    def __str__(self) -> str:
        return f"{self.demand_id}: {self.from_state} → {self.to_state}"


class IssuedInvoiceError(PermissionError):
    """An issued invoice is immutable: a credit note corrects it."""


class Invoice(TimeStampedModel):
    """A contract's invoice for one month, or a credit note correcting an issued invoice.

    total = deliverables_amount - penalties_amount = the sum of the lines. The actions keep it
    so; it is not a database CHECK because SQLite would compare the amounts as floats.
    penalties_amount is net: the penalty lines less the penalties of earlier months earned back
    on this invoice, so it is negative when more is earned back than is due.
    """

    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("contract"), on_delete=models.PROTECT, related_name="invoices"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    period_start = models.DateField(_("month"), help_text=_("The first day of the invoiced month."))
    number = models.CharField(_("number"), max_length=40, unique=True, null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=InvoiceState.choices, default=InvoiceState.DRAFT
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        related_name="credit_notes",
        null=True,
        blank=True,
    )
    reason = models.TextField(_("reason"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    deliverables_amount = models.DecimalField(_("accepted deliverables"), max_digits=14, decimal_places=2)
    penalties_amount = models.DecimalField(
        _("penalties"),
        max_digits=14,
        decimal_places=2,
        help_text=_(
            "The month's service-level penalties less the earlier penalties earned back on this "
            "invoice; negative when more is earned back than is due."
        ),
    )
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-period_start", "contract"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period_start"],
                condition=Q(kind=InvoiceKind.INVOICE),
                name="one_invoice_per_contract_and_month",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.contract_id} {self.period_start:%Y-%m} ({self.state})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and Invoice.objects.filter(pk=self.pk, state=InvoiceState.ISSUED).exists():
            raise IssuedInvoiceError("an issued invoice cannot change; issue a credit note")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.state == InvoiceState.ISSUED:
            raise IssuedInvoiceError("an issued invoice cannot be deleted; issue a credit note")
        return super().delete(*args, **kwargs)


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=20, choices=InvoiceLineKind.choices)
    demand = models.ForeignKey(
        Demand, verbose_name=_("demand"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service_level = models.ForeignKey(
        "contracts.ServiceLevel",
        verbose_name=_("service level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=250)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    objects = InvoiceLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "id"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if Invoice.objects.filter(pk=self.invoice_id, state=InvoiceState.ISSUED).exists():
            raise IssuedInvoiceError("the lines of an issued invoice cannot change")
        super().save(*args, **kwargs)


class SlaClock(models.Model):
    """Where one service level's clock stands for one demand, recomputed from the timeline.

    `deadline` is indexed: the tick finds due clocks with one range scan and marks each
    breach with a conditional UPDATE, so two workers never mark the same breach twice.
    """

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="sla_clocks")
    service_level = models.ForeignKey(
        "contracts.ServiceLevel",
        verbose_name=_("service level"),
        on_delete=models.CASCADE,
        related_name="clocks",
    )
    status = models.CharField(_("status"), max_length=20, choices=ClockState.choices)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    elapsed_seconds = models.PositiveIntegerField(_("business time elapsed (s)"), default=0)
    target_seconds = models.PositiveIntegerField(_("target (s)"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True, db_index=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    objects = DemandPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [
            models.UniqueConstraint(fields=["demand", "service_level"], name="one_clock_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.demand_id}/{self.service_level_id}: {self.status}"


class SlaPause(models.Model):
    """The pause ledger: when a clock waited on the client."""

    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(_("paused at"))
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA pause")
        verbose_name_plural = _("SLA pauses")
        ordering = ["clock", "started_at"]

    def __str__(self) -> str:
        return f"{self.clock_id}: {self.started_at} to {self.ended_at}"


class Attachment(models.Model):
    """A file attached to a demand (a specification, a screenshot, a test report), private to its readers."""

    demand = models.ForeignKey(
        Demand, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("file"), upload_to=attachments.stored_path, storage=attachments.storage, max_length=200
    )
    name = models.CharField(_("name"), max_length=150)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("added at"))

    objects = DemandPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["demand", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
