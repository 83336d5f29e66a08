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
from servicehub.demands.choices import Decision, DemandState, InvoiceKind, InvoiceLineKind, InvoiceState
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

    objects = DemandQuerySet.as_manager()

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ordered_amount__isnull=True) | Q(ordered_amount__gte=0),
                name="ordered_amount_not_negative",
            )
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

    objects = DemandPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("demand event")
        verbose_name_plural = _("demand events")
        ordering = ["demand", "at", "id"]

    def __str__(self) -> str:
        return f"{self.demand_id}: {self.from_state} → {self.to_state}"


class IssuedInvoiceError(PermissionError):
    """An issued invoice is immutable: a credit note corrects it."""


class Invoice(TimeStampedModel):
    """A contract's invoice for one month, or a credit note correcting an issued invoice."""

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
    penalties_amount = models.DecimalField(_("penalties"), max_digits=14, decimal_places=2)
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
            models.CheckConstraint(
                condition=Q(total=models.F("deliverables_amount") - models.F("penalties_amount")),
                name="invoice_total_is_deliverables_less_penalties",
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
