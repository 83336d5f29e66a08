"""Client contracts, their purchase orders and service-level definitions."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from servicehub.contracts.choices import Comparison, MeasurementWindow, MeasureUnit, ServiceLevelKind
from servicehub.contracts.querysets import ContractPartQuerySet, ContractQuerySet
from servicehub.core.choices import Currency
from servicehub.core.models import TimeStampedModel


def validate_demand_states(value: object) -> None:
    from servicehub.demands.choices import DemandState

    if not isinstance(value, list) or any(item not in DemandState.values for item in value):
        raise ValidationError(
            _("Expected a list of demand states among: %(states)s"),
            params={"states": ", ".join(DemandState.values)},
        )


class Contract(TimeStampedModel):
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    provider = models.ForeignKey(
        "org.Organisation",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="provided_contracts",
    )
    client = models.ForeignKey(
        "org.Organisation",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="client_contracts",
    )
    serving_sites = models.ManyToManyField(
        "org.Site", verbose_name=_("serving sites"), related_name="contracts"
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    price_list_version = models.ForeignKey(
        "catalogue.PriceListVersion",
        verbose_name=_("price list version"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    penalties_from = models.DateField(
        _("penalties apply from"),
        null=True,
        blank=True,
        help_text=_("The end of the ramp-up period: no service-level penalty before this date."),
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-starts_on", "reference"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="contract_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"


class PurchaseOrder(TimeStampedModel):
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="purchase_orders"
    )
    number = models.CharField(_("number"), max_length=40)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))

    objects = ContractPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-issued_on"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="purchase_order_number_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="purchase_order_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.number


class ServiceLevel(TimeStampedModel):
    """A service-level indicator (ISQ): what is measured, the threshold, and what a breach costs."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="service_levels"
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=30, choices=ServiceLevelKind.choices)
    comparison = models.CharField(_("comparison"), max_length=10, choices=Comparison.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=8, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20, choices=MeasureUnit.choices)
    window = models.CharField(_("measurement window"), max_length=20, choices=MeasurementWindow.choices)
    penalty_percent = models.DecimalField(
        _("penalty per breach (% of the period's invoice)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    penalty_cap_percent = models.DecimalField(
        _("penalty cap (% of the period's invoice)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    # Outsourcing contracts commonly let the provider earn a penalty back by holding the level
    # for a while after the breach (see contracts/penalties.py). Null: penalties are final.
    earn_back_months = models.PositiveSmallIntegerField(
        _("earn-back period (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_(
            "A penalty is paid back when the level is met in each of the following N months. "
            "Leave empty when penalties are final."
        ),
    )

    # The clock of a time-based indicator, in terms of demand states (see demands/sla.py).
    # Rate indicators (on-time delivery, first-time acceptance) count the clocks that met their target.
    clock_start_states = models.JSONField(
        _("clock starts on entering"), default=list, blank=True, validators=[validate_demand_states]
    )
    clock_stop_states = models.JSONField(
        _("clock stops on entering"), default=list, blank=True, validators=[validate_demand_states]
    )
    clock_pause_states = models.JSONField(
        _("clock pauses in"),
        default=list,
        blank=True,
        validators=[validate_demand_states],
        help_text=_("States in which the provider waits on the client."),
    )
    target_business_hours = models.DecimalField(
        _("target (business hours)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    objects = ContractPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "code"], name="service_level_code_once"),
            models.CheckConstraint(
                condition=Q(penalty_cap_percent__gte=F("penalty_percent")),
                name="penalty_cap_covers_one_breach",
            ),
        ]

    def __str__(self) -> str:
        return self.name
